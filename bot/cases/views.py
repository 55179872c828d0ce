"""What staff see about a case: the card in the staff group, details, history, lists.

Sensitive cases show only their reference, urgency and age to the group; the
details go to the assigned staff member (or an admin) in a private chat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.aid.callbacks import ChooseItem
from bot.cases.callbacks import CaseAction, CaseButton
from bot.core.i18n import Translator
from bot.core.keyboards import button
from bot.core.labels import AGE_GROUPS, OUTCOMES, STATUS_FOR_STAFF, label
from bot.db.models import Case, CaseEntry, CaseOutcome, CaseStatus, EntryKind
from bot.office import OfficeSettings

MEDIA_ICONS = {
    "voice": "🎤",
    "photo": "🖼️",
    "document": "📄",
    "audio": "🎵",
    "video": "🎬",
    "video_note": "📹",
}
# Keep card text well under Telegram's 4096 characters.
CARD_TEXT_BUDGET = 3000


def _header(t: Translator, case: Case) -> str:
    if case.urgent:
        return t("🔴 URGENT · {reference}").format(reference=case.reference)
    return t("🟢 New request · {reference}").format(reference=case.reference)


def _assignee(t: Translator, case: Case, names: Mapping[int, str]) -> str:
    if case.assignee_id is None:
        return t("nobody yet")
    return names.get(case.assignee_id, str(case.assignee_id))


def card_text(
    t: Translator,
    case: Case,
    office: OfficeSettings,
    now: datetime,
    names: Mapping[int, str],
) -> str:
    """The case card for the staff group; never shows a sensitive case's details."""
    lines = [_header(t, case)]
    if case.sensitive:
        lines.append(t("🔒 Sensitive case: only the assigned person and admins see the details."))
    else:
        category = office.category(case.category)
        lines.append(
            t("Category: {category}").format(
                category=f"{category.emoji} {category.label(t.locale)}"
                if category
                else case.category
            )
        )
        lines.append(t("Community: {community}").format(community=case.community or "—"))
        lines.append(t("Age: {age}").format(age=label(t, AGE_GROUPS, case.age_group)))
    lines.append(
        t("Received: {ago} ({when})").format(
            ago=t.age(case.created_at, now), when=t.stamp(case.created_at)
        )
    )
    status = label(t, STATUS_FOR_STAFF, case.status)
    if case.status == CaseStatus.CLOSED:
        status += f" · {label(t, OUTCOMES, case.outcome)}"
        if case.referred_to:
            status += f" ({case.referred_to})"
    lines.append(
        t("Status: {status} · Assigned: {who}").format(status=status, who=_assignee(t, case, names))
    )
    if case.urgent and case.safe_to_talk is False:
        lines.append(
            t("⚠️ She said she cannot talk safely now. Do not call; wait for her to write.")
        )
    if not case.sensitive:
        description = describe_entries(
            t, [e for e in case.entries if e.kind == EntryKind.HER_MESSAGE]
        )
        if description:
            lines.append("")
            lines.append(description)
    return "\n".join(lines)


def describe_entries(t: Translator, entries: Sequence[CaseEntry]) -> str:
    parts: list[str] = []
    used = 0
    for entry in entries:
        if entry.media_kind == "text":
            piece = entry.text or ""
        else:
            icon = MEDIA_ICONS.get(entry.media_kind, "📎")
            attachment = t("(attachment below)")
            piece = f"{icon} {attachment}" + (f" {entry.text}" if entry.text else "")
        if used + len(piece) > CARD_TEXT_BUDGET:
            parts.append(t("… (more in /caso)"))
            break
        parts.append(piece)
        used += len(piece)
    return "\n".join(parts)


def _on_case(
    text: str, action: CaseAction, case: Case, extra: str | None = None
) -> InlineKeyboardButton:
    """A staff button on this case (bot.cases.callbacks.CaseButton)."""
    return InlineKeyboardButton(text, callback_data=CaseButton(action, case.id, extra).encode())


def card_keyboard(t: Translator, case: Case) -> InlineKeyboardMarkup | None:
    if case.status == CaseStatus.CLOSED:
        return None
    rows = [
        [
            _on_case(t("🙋 Take it"), CaseAction.TAKE, case),
            _on_case(t("💬 Reply"), CaseAction.REPLY, case),
        ]
    ]
    rows.append(
        [
            _on_case(t("📝 Internal note"), CaseAction.NOTE, case),
            _on_case(t("✅ Close"), CaseAction.CLOSE, case),
        ]
    )
    rows.append([button(t("🎁 Deliver aid"), ChooseItem(case.id))])  # bot.aid.staff_aid
    if case.sensitive:
        rows.insert(0, [_on_case(t("👁️ See details (private)"), CaseAction.DETAILS, case)])
    return InlineKeyboardMarkup(rows)


def close_keyboard(t: Translator, case: Case) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_on_case(t("✅ Attended"), CaseAction.OUTCOME, case, CaseOutcome.ATTENDED)],
            [
                _on_case(
                    t("↪️ Referred to an institution"),
                    CaseAction.OUTCOME,
                    case,
                    CaseOutcome.REFERRED,
                )
            ],
            [
                _on_case(
                    t("📵 Could not be reached"), CaseAction.OUTCOME, case, CaseOutcome.UNREACHABLE
                )
            ],
            [_on_case(t("↩️ Back"), CaseAction.BACK, case)],
        ]
    )


def referral_keyboard(t: Translator, case: Case, office: OfficeSettings) -> InlineKeyboardMarkup:
    rows = [
        [_on_case(name, CaseAction.REFERRED_TO, case, str(index))]
        for index, name in enumerate(office.referral_institutions)
    ]
    rows.append([_on_case(t("↩️ Back"), CaseAction.BACK, case)])
    return InlineKeyboardMarkup(rows)


def details_text(t: Translator, case: Case, office: OfficeSettings, now: datetime) -> str:
    """Everything about a case, for the person allowed to see it."""
    category = office.category(case.category)
    lines = [
        _header(t, case),
        t("Category: {category}").format(
            category=f"{category.emoji} {category.label(t.locale)}" if category else case.category
        ),
        t("Community: {community}").format(community=case.community or "—"),
        t("Age: {age}").format(age=label(t, AGE_GROUPS, case.age_group)),
        t("Received: {ago} ({when})").format(
            ago=t.age(case.created_at, now), when=t.stamp(case.created_at)
        ),
    ]
    if case.urgent and case.safe_to_talk is False:
        lines.append(
            t("⚠️ She said she cannot talk safely now. Do not call; wait for her to write.")
        )
    description = describe_entries(t, [e for e in case.entries if e.kind == EntryKind.HER_MESSAGE])
    if description:
        lines += ["", description]
    return "\n".join(lines)


def history_text(
    t: Translator, case: Case, office: OfficeSettings, now: datetime, names: Mapping[int, str]
) -> str:
    """The case's whole history, oldest first (for /caso)."""
    lines = [details_text(t, case, office, now), "", t("History:")]
    for entry in case.entries:
        who = (
            t("She")
            if entry.author_id is None
            else names.get(entry.author_id, str(entry.author_id))
        )
        if entry.kind == EntryKind.HER_MESSAGE:
            what = entry.text or ""
            if entry.media_kind != "text":
                what = f"{MEDIA_ICONS.get(entry.media_kind, '📎')} {what}".strip()
        elif entry.kind == EntryKind.STAFF_REPLY:
            what = "💬 " + (entry.text or MEDIA_ICONS.get(entry.media_kind, "📎"))
        elif entry.kind == EntryKind.INTERNAL_NOTE:
            what = "📝 " + (entry.text or "")
        elif entry.kind == EntryKind.ASSIGNED:
            what = t("🙋 took the case")
        else:
            what = "✅ " + t("closed the case")
        if entry.text is None and entry.kind == EntryKind.HER_MESSAGE and entry.file_id is None:
            what = t("(deleted at her request)")
        lines.append(f"• {t.stamp(entry.created_at)} · {who}: {what}")
    text = "\n".join(lines)
    return text if len(text) <= 4000 else text[:3990] + "\n…"


def pending_text(
    t: Translator,
    cases: Sequence[Case],
    office: OfficeSettings,
    now: datetime,
    names: Mapping[int, str],
) -> str:
    if not cases:
        return t("No open cases. 🎉")
    lines = [
        t.plural(
            "{count} open case, oldest first:", "{count} open cases, oldest first:", len(cases)
        ).format(count=len(cases))
    ]
    for case in cases:
        flag = "🔴" if case.urgent else "🟢"
        if case.sensitive:
            topic = "🔒"
        else:
            category = office.category(case.category)
            topic = f"{category.emoji if category else ''} {case.community or ''}".strip()
        lines.append(
            f"{flag} {case.reference} · {t.age(case.created_at, now)} · {topic} · "
            + t("assigned: {who}").format(who=_assignee(t, case, names))
        )
    return "\n".join(lines)
