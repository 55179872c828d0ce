"""Texts and keyboards of proposals, as pure functions: her screens and the staff card."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.i18n import N_, Translator
from bot.core.keyboards import COMMUNITIES_PER_PAGE, button, for_her
from bot.db.models import Proposal, ProposalKind, ProposalStatus
from bot.network.callbacks_participation import (
    PROPOSALS,
    NewAction,
    ProposalAction,
    ProposalButton,
    ProposalDraftButton,
    ProposalList,
    StaffProposalAction,
    StaffProposalButton,
)
from bot.network.service_proposals import NEXT, Listed

KIND_LABELS = {
    ProposalKind.ECONOMIC: N_("💰 Economic"),
    ProposalKind.SOCIAL: N_("🤝 Social"),
    ProposalKind.CULTURAL: N_("🎭 Cultural"),
    ProposalKind.POLITICAL: N_("🏛️ Political"),
}
STATUS_LABELS = {
    ProposalStatus.RECEIVED: N_("📥 Received by the office"),
    ProposalStatus.PRESENTED: N_("🏛️ Presented to the municipal council"),
    ProposalStatus.INCLUDED: N_("📋 Included in the municipal plan"),
    ProposalStatus.DONE: N_("✅ Done"),
    ProposalStatus.NOT_INCLUDED: N_("❌ Not included"),
}


def kind_label(t: Translator, kind: str) -> str:
    return t(KIND_LABELS[ProposalKind(kind)]) if kind in set(ProposalKind) else kind


def status_label(t: Translator, status: str) -> str:
    return t(STATUS_LABELS[ProposalStatus(status)]) if status in set(ProposalStatus) else status


def _new(text: str, action: NewAction, arg: object = None) -> InlineKeyboardButton:
    data = ProposalDraftButton(action, None if arg is None else str(arg))
    return InlineKeyboardButton(text, callback_data=data.encode())


def _her(text: str, proposal_id: int, action: ProposalAction) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=ProposalButton(action, proposal_id).encode())


# ── Her side ──────────────────────────────────────────────────────────────────


def entry_button(t: Translator) -> InlineKeyboardButton:
    return button(t("💡 Proposals for the municipality"), PROPOSALS)


def home_text(t: Translator) -> str:
    return t(
        "💡 Proposals for the municipal plan and budget.\n\nPropose something your "
        "community needs, or support other women's proposals: the office presents them "
        "to the municipal council and tells you how they go."
    )


def home_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [_new(t("➕ Make a proposal"), NewAction.START)],
            [button(t("🏘️ Proposals of my community"), PROPOSALS, ProposalList.COMMUNITY)],
            [button(t("📋 My proposals"), PROPOSALS, ProposalList.MINE)],
        ],
        menu=True,
    )


def list_text(t: Translator, found: Sequence[Listed], mine: bool) -> str:
    if not found:
        return (
            t("You have not made any proposal yet.")
            if mine
            else t("There are no proposals from your community yet.")
        )
    return t("💡 Choose a proposal to see it.")


def list_keyboard(t: Translator, found: Sequence[Listed]) -> InlineKeyboardMarkup:
    rows = [
        [
            _her(
                f"💡 {(item.proposal.title or '')[:40]} ({item.supports})",
                item.proposal.id,
                ProposalAction.VIEW,
            )
        ]
        for item in found
    ]
    rows.append([button(t("◀️ Back"), PROPOSALS)])
    return for_her(t, rows, menu=True)


def title_question(t: Translator) -> str:
    return t("✏️ Write a short title for your proposal (up to {limit} characters).")


def description_question(t: Translator) -> str:
    return t("✏️ Now tell us what you propose and for whom (up to {limit} characters).")


def community_question(t: Translator) -> str:
    return t("🏘️ Which community is it for?")


def community_keyboard(
    t: Translator, communities: Sequence[str], page: int, mine: str | None
) -> InlineKeyboardMarkup:
    pages = max(1, -(-len(communities) // COMMUNITIES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    first = page * COMMUNITIES_PER_PAGE
    rows = []
    if mine:
        rows.append(
            [_new(t("📍 My community: {name}").format(name=mine[:30]), NewAction.MY_COMMUNITY)]
        )
    rows += [
        [_new(name, NewAction.COMMUNITY, index)]
        for index, name in enumerate(communities[first : first + COMMUNITIES_PER_PAGE], first)
    ]
    nav = []
    if page > 0:
        nav.append(_new(t("◀️ Previous"), NewAction.PAGE, page - 1))
    if page < pages - 1:
        nav.append(_new(t("More ▶️"), NewAction.PAGE, page + 1))
    if nav:
        rows.append(nav)
    return for_her(t, rows, menu=True)


def kind_question(t: Translator) -> str:
    return t("What kind of proposal is it?")


def kind_keyboard(t: Translator) -> InlineKeyboardMarkup:
    rows = [[_new(t(label), NewAction.KIND, kind.value)] for kind, label in KIND_LABELS.items()]
    return for_her(t, rows, menu=True)


def confirm_text(t: Translator, data: dict[str, object]) -> str:
    return "\n".join(
        [
            t("Please check your proposal:"),
            "",
            f"💡 {data.get('title')}",
            str(data.get("description") or ""),
            "",
            t("🏘️ Community: {community}").format(community=data.get("community")),
            t("Kind: {kind}").format(kind=kind_label(t, str(data.get("kind")))),
        ]
    )


def confirm_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return for_her(t, [[_new(t("📨 Send the proposal"), NewAction.SEND)]], menu=True)


def sent_text(t: Translator) -> str:
    return t(
        "🎉 Thank you! Your proposal was received. Other women of your community can "
        "support it, and we will tell you how it goes."
    )


def proposal_text(t: Translator, proposal: Proposal, supports: int) -> str:
    lines = [
        f"💡 {proposal.title or ''}",
        proposal.description or "",
        "",
        t("🏘️ Community: {community}").format(community=proposal.community),
        t("Kind: {kind}").format(kind=kind_label(t, proposal.kind)),
        t("Status: {status}").format(status=status_label(t, proposal.status)),
    ]
    if proposal.status == ProposalStatus.NOT_INCLUDED and proposal.reason:
        lines.append(t("Reason: {reason}").format(reason=proposal.reason))
    lines.append(
        t.plural("👍 {count} woman supports it.", "👍 {count} women support it.", supports).format(
            count=supports
        )
    )
    return "\n".join(lines)


def proposal_keyboard(t: Translator, proposal: Proposal, can_support: bool) -> InlineKeyboardMarkup:
    rows = []
    if can_support:
        rows.append([_her(t("👍 Support it"), proposal.id, ProposalAction.SUPPORT)])
    rows.append([button(t("◀️ Back"), PROPOSALS)])
    return for_her(t, rows, menu=True)


def notice_text(t: Translator) -> str:
    """On the lock screen: nothing about what the proposal is."""
    return t("📬 There is news about a proposal you made or supported.")


def notice_keyboard(t: Translator, proposal_id: int) -> InlineKeyboardMarkup:
    return for_her(t, [[_her(t("👀 See it"), proposal_id, ProposalAction.VIEW)]], menu=True)


# ── Staff side ────────────────────────────────────────────────────────────────


def _staff(
    text: str, proposal_id: int, action: StaffProposalAction, extra: str | None = None
) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text, callback_data=StaffProposalButton(action, proposal_id, extra).encode()
    )


def staff_list_text(t: Translator, found: Sequence[Listed]) -> str:
    if not found:
        return t("💡 There are no proposals on their way.")
    return t("💡 Proposals on their way (newest first): choose one to move it.")


def staff_list_keyboard(t: Translator, found: Sequence[Listed]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _staff(
                    f"#{item.proposal.id} {(item.proposal.title or '')[:30]} · {item.proposal.community[:20]}",
                    item.proposal.id,
                    StaffProposalAction.VIEW,
                )
            ]
            for item in found
        ]
    )


def staff_card(t: Translator, proposal: Proposal, supports: int) -> str:
    lines = [
        t("💡 Proposal #{number}").format(number=proposal.id),
        proposal_text(t, proposal, supports),
    ]
    if proposal.organization:
        lines.insert(
            1, t("On behalf of: {organization}").format(organization=proposal.organization)
        )
    return "\n".join(lines)


MOVE_LABELS = {
    ProposalStatus.PRESENTED: N_("🏛️ Presented to the council"),
    ProposalStatus.INCLUDED: N_("📋 Included in the plan"),
    ProposalStatus.DONE: N_("✅ Done"),
}


def staff_keyboard(t: Translator, proposal: Proposal) -> InlineKeyboardMarkup | None:
    rows = []
    for status in NEXT[ProposalStatus(proposal.status)]:
        if status == ProposalStatus.NOT_INCLUDED:
            rows.append(
                [_staff(t("❌ Not included…"), proposal.id, StaffProposalAction.NOT_INCLUDED)]
            )
        else:
            rows.append(
                [
                    _staff(
                        t(MOVE_LABELS[status]), proposal.id, StaffProposalAction.MOVE, status.value
                    )
                ]
            )
    return InlineKeyboardMarkup(rows) if rows else None


def reason_question(t: Translator) -> str:
    return t(
        "❌ Why was proposal #{number} not included? Reply to this message with the reason "
        "(up to {limit} characters): the women who made and supported it will read it."
    )
