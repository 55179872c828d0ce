"""Texts and keyboards of proposals, as pure functions: her screens and the staff card."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.i18n import N_, Translator
from bot.core.keyboards import button, for_her
from bot.core.paging import paged_rows
from bot.db.models import Proposal, ProposalKind, ProposalStatus
from bot.network.callbacks import (
    MoveProposal,
    NotIncluded,
    ProposalCommunity,
    ProposalCommunityPage,
    ProposalForMyCommunity,
    ProposalKindChoice,
    ProposalList,
    ProposalsHome,
    ProposalsListed,
    SendProposal,
    StaffProposalsPage,
    StaffViewProposal,
    StartProposal,
    SupportProposal,
    ViewProposal,
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


# ── Her side ──────────────────────────────────────────────────────────────────


def entry_button(t: Translator) -> InlineKeyboardButton:
    return button(t("💡 Proposals for the municipality"), ProposalsHome())


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
            [button(t("➕ Make a proposal"), StartProposal())],
            [button(t("🏘️ Proposals of my community"), ProposalsListed(ProposalList.COMMUNITY))],
            [button(t("📋 My proposals"), ProposalsListed(ProposalList.MINE))],
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


def list_keyboard(
    t: Translator, found: Sequence[Listed], which: ProposalList, page: int = 0
) -> InlineKeyboardMarkup:
    """A button per proposal, a page at a time, then back to the proposals screen."""
    rows = paged_rows(
        t,
        [f"💡 {(item.proposal.title or '')[:40]} ({item.supports})" for item in found],
        page,
        choice=lambda index, label: button(label, ViewProposal(found[index].proposal.id)),
        turn=lambda label, to: button(label, ProposalsListed(which, to)),
    )
    rows.append([button(t("◀️ Back"), ProposalsHome())])
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
    rows = []
    if mine:
        rows.append(
            [button(t("📍 My community: {name}").format(name=mine[:30]), ProposalForMyCommunity())]
        )
    rows += paged_rows(
        t,
        communities,
        page,
        choice=lambda index, name: button(name, ProposalCommunity(index)),
        turn=lambda label, to: button(label, ProposalCommunityPage(to)),
    )
    return for_her(t, rows, menu=True)


def kind_question(t: Translator) -> str:
    return t("What kind of proposal is it?")


def kind_keyboard(t: Translator) -> InlineKeyboardMarkup:
    rows = [[button(t(label), ProposalKindChoice(kind))] for kind, label in KIND_LABELS.items()]
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
    return for_her(t, [[button(t("📨 Send the proposal"), SendProposal())]], menu=True)


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
        rows.append([button(t("👍 Support it"), SupportProposal(proposal.id))])
    rows.append([button(t("◀️ Back"), ProposalsHome())])
    return for_her(t, rows, menu=True)


def notice_text(t: Translator) -> str:
    """On the lock screen: nothing about what the proposal is."""
    return t("📬 There is news about a proposal you made or supported.")


def notice_keyboard(t: Translator, proposal_id: int) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("👀 See it"), ViewProposal(proposal_id))]], menu=True)


# ── Staff side ────────────────────────────────────────────────────────────────


def staff_list_text(t: Translator, found: Sequence[Listed]) -> str:
    if not found:
        return t("💡 There are no proposals on their way.")
    return t("💡 Proposals on their way (newest first): choose one to move it.")


def staff_list_keyboard(t: Translator, found: Sequence[Listed], page: int) -> InlineKeyboardMarkup:
    """A button per proposal (its card), a page at a time."""
    return InlineKeyboardMarkup(
        paged_rows(
            t,
            [
                f"#{item.proposal.id} {(item.proposal.title or '')[:30]} · {item.proposal.community[:20]}"
                for item in found
            ],
            page,
            choice=lambda index, label: button(label, StaffViewProposal(found[index].proposal.id)),
            turn=lambda label, to: button(label, StaffProposalsPage(to)),
        )
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
            rows.append([button(t("❌ Not included…"), NotIncluded(proposal.id))])
        else:
            rows.append([button(t(MOVE_LABELS[status]), MoveProposal(proposal.id, status.value))])
    return InlineKeyboardMarkup(rows) if rows else None


def reason_question(t: Translator) -> str:
    return t(
        "❌ Why was proposal #{number} not included? Reply to this message with the reason "
        "(up to {limit} characters): the women who made and supported it will read it."
    )
