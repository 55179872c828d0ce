"""Texts and keyboards of consultations, as pure functions: her question and answers,
the results, and the staff card and wizard."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.broadcasts.views import communities_text, describe_audience
from bot.core.i18n import Translator
from bot.core.keyboards import button, for_her
from bot.core.paging import paged_rows
from bot.db.models import Consultation, ConsultationStatus
from bot.network.callbacks import (
    AnonymousChoice,
    AnswerButton,
    AnswerOnBehalf,
    AudienceChoice,
    ChooseAudience,
    CloseConsultation,
    CommunityPage,
    ConfirmClose,
    ConsultationList,
    ConsultationsPage,
    DiscardConsultation,
    DoneChoosing,
    KeepOpen,
    OnBehalf,
    OpenConsultation,
    SendConsultation,
    ShowCard,
    ShowNetwork,
    ToggleCommunity,
    UndoOnBehalf,
)
from bot.network.service_consultations import NO_COMMUNITY, Results

__all__ = ["communities_text", "describe_audience"]


# ── Her side ──────────────────────────────────────────────────────────────────


def question_text(t: Translator, consultation: Consultation, chosen: int | None) -> str:
    lines = [
        t("🗳 A consultation from the women's office"),
        "",
        consultation.question,
        "",
        t("⏳ You can answer until {date}, and change your answer until then.").format(
            date=t.date_and_time(consultation.closes_at)
        ),
    ]
    if chosen is not None and 0 <= chosen < len(consultation.options):
        lines.append(t("✅ Your answer: {answer}").format(answer=consultation.options[chosen]))
    return "\n".join(lines)


def question_keyboard(
    t: Translator, consultation: Consultation, chosen: int | None, *, leader: bool
) -> InlineKeyboardMarkup:
    rows = [
        [
            button(
                f"{'✅ ' if index == chosen else ''}{option}",
                AnswerButton(consultation.id, index),
            )
        ]
        for index, option in enumerate(consultation.options)
    ]
    if leader:
        rows.append(
            [button(t("➕ On behalf of a woman without a phone"), OnBehalf(consultation.id))]
        )
    return for_her(t, rows, menu=True)


def answered_note(t: Translator, consultation: Consultation, option: int, changed: bool) -> str:
    answer = consultation.options[option]
    if changed:
        return t("Your answer changed to: {answer}").format(answer=answer)
    return t("Thank you! Your answer: {answer}").format(answer=answer)


def on_behalf_text(t: Translator, consultation: Consultation) -> str:
    return "\n".join(
        [
            consultation.question,
            "",
            t(
                "➕ Which answer does the woman without a phone give? Each press counts one "
                "more answer on her behalf, apart from the women's own answers."
            ),
        ]
    )


def on_behalf_keyboard(
    t: Translator, consultation: Consultation, entered: int = 0
) -> InlineKeyboardMarkup:
    """Her answers for a woman without a phone; once she has entered some, the last one
    can be taken back (a press on the wrong answer)."""
    rows = [
        [button(option, AnswerOnBehalf(consultation.id, index))]
        for index, option in enumerate(consultation.options)
    ]
    if entered:
        rows.append([button(t("↩️ Undo the last one"), UndoOnBehalf(consultation.id))])
    rows.append([button(t("◀️ Back"), OpenConsultation(consultation.id))])
    return for_her(t, rows, menu=True)


def on_behalf_done(t: Translator, answer: str, count: int) -> str:
    return t.plural(
        "✅ Counted «{answer}». You have entered {count} answer on behalf of women without "
        "a phone in this consultation.",
        "✅ Counted «{answer}». You have entered {count} answers on behalf of women without "
        "a phone in this consultation.",
        count,
    ).format(answer=answer, count=count)


def on_behalf_undone(t: Translator, answer: str, count: int) -> str:
    return t.plural(
        "↩️ Taken back: one «{answer}». You have entered {count} answer on behalf of women "
        "without a phone in this consultation.",
        "↩️ Taken back: one «{answer}». You have entered {count} answers on behalf of women "
        "without a phone in this consultation.",
        count,
    ).format(answer=answer, count=count)


def nothing_to_undo(t: Translator) -> str:
    return t("There is no answer of yours on behalf of others to take back.")


def closed_text(t: Translator) -> str:
    return t("This consultation is closed: answers can no longer be given or changed.")


def list_text(t: Translator, consultations: Sequence[Consultation]) -> str:
    if not consultations:
        return t("🗳 There are no open consultations for you right now.")
    return t("🗳 Open consultations: choose one to answer or change your answer.")


def list_keyboard(t: Translator, consultations: Sequence[Consultation]) -> InlineKeyboardMarkup:
    rows = [[button(f"🗳 {c.question[:40]}", OpenConsultation(c.id))] for c in consultations[:10]]
    rows.append([button(t("◀️ Back"), ShowNetwork())])
    return for_her(t, rows, menu=True)


def list_button(t: Translator) -> InlineKeyboardButton:
    return button(t("🗳 Consultations"), ConsultationList())


def results_for_her(t: Translator, consultation: Consultation, results: Results) -> str:
    lines = [t("🗳 Results of a consultation you took part in"), "", consultation.question, ""]
    lines += [f"• {option}: {n}" for option, n in zip(results.options, results.total, strict=True)]
    lines += ["", t("Thank you for taking part.")]
    return "\n".join(lines)


# ── Staff side ────────────────────────────────────────────────────────────────


def _counts(results: Results, counts: Sequence[int]) -> str:
    return " · ".join(f"{option}: {n}" for option, n in zip(results.options, counts, strict=True))


def card_text(t: Translator, consultation: Consultation, results: Results) -> str:
    closed = consultation.status == ConsultationStatus.CLOSED
    head = (
        t("🗳 Consultation #{number} (closed)") if closed else t("🗳 Consultation #{number} (open)")
    )
    lines = [
        head.format(number=consultation.id),
        consultation.question,
        "",
        t("👥 Audience: {audience}").format(audience=describe_audience(t, consultation.audience)),
        t("⏳ Closes: {date}").format(date=t.stamp(consultation.closes_at)),
    ]
    if consultation.anonymous:
        lines.append(t("🔒 Anonymous answers"))
    lines += ["", t("Results by community:")]
    if not results.communities:
        lines.append(t("No answers yet."))
    for community in results.communities:
        name = community if community != NO_COMMUNITY else t("no community")
        own = results.by_community.get(community, [0] * len(results.options))
        lines.append(f"📍 {name}: {_counts(results, own)}")
        behalf = results.on_behalf_by_community.get(community)
        if behalf and any(behalf):
            lines.append("   " + t("on behalf: {counts}").format(counts=_counts(results, behalf)))
    lines += [
        "",
        t("Total: {counts}").format(counts=_counts(results, results.total)),
        t("Answered by the women: {counts}").format(counts=_counts(results, results.own)),
        t("On behalf of women without a phone: {counts}").format(
            counts=_counts(results, results.on_behalf)
        ),
    ]
    return "\n".join(lines)


def staff_list_text(t: Translator, found: Sequence[Consultation]) -> str:
    if not found:
        return t("🗳 There are no consultations yet. Write one with /consulta.")
    return t("🗳 Consultations (newest first): choose one to see its card.")


def staff_list_keyboard(
    t: Translator, found: Sequence[Consultation], page: int
) -> InlineKeyboardMarkup | None:
    """A button per consultation (its card, as a new message), a page at a time."""
    labels = [
        f"{'🔒' if c.status == ConsultationStatus.CLOSED else '🗳'} #{c.id} {c.question[:40]}"
        for c in found
    ]
    rows = paged_rows(
        t,
        labels,
        page,
        choice=lambda index, label: button(label, ShowCard(found[index].id)),
        turn=lambda label, to: button(label, ConsultationsPage(to)),
    )
    return InlineKeyboardMarkup(rows) if rows else None


def card_keyboard(t: Translator, consultation: Consultation) -> InlineKeyboardMarkup | None:
    if consultation.status == ConsultationStatus.CLOSED:
        return None
    return InlineKeyboardMarkup([[button(t("🔒 Close now"), CloseConsultation(consultation.id))]])


def confirm_close_keyboard(t: Translator, consultation_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(t("✅ Yes, close it"), ConfirmClose(consultation_id)),
                button(t("◀️ Back"), KeepOpen(consultation_id)),
            ]
        ]
    )


def _cancel_row(t: Translator, draft_id: int) -> list[InlineKeyboardButton]:
    return [button(t("✖️ Cancel"), DiscardConsultation(draft_id))]


def question_prompt(t: Translator) -> str:
    return t(
        "🗳 New consultation. Reply to this message with the question (up to {limit} characters)."
    )


def options_prompt(t: Translator) -> str:
    return t(
        "Reply with the answers, one per line: from {min} to {max} answers, up to {limit} "
        "characters each."
    )


def closes_prompt(t: Translator) -> str:
    return t(
        "Until when can women answer? Reply with a date and time, e.g. «25/12 17:00» or "
        "«mañana 17:00»."
    )


def anonymous_text(t: Translator) -> str:
    return t(
        "Keep the answers anonymous? Then nobody, staff included, can see what each woman "
        "answered; only the counts by community are kept."
    )


def anonymous_keyboard(t: Translator, draft_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(t("🔒 Yes, anonymous"), AnonymousChoice(draft_id, "y")),
                button(t("👤 No"), AnonymousChoice(draft_id, "n")),
            ],
            _cancel_row(t, draft_id),
        ]
    )


def audience_text(t: Translator) -> str:
    return t("👥 Who is asked?")


def audience_keyboard(t: Translator, draft_id: int) -> InlineKeyboardMarkup:
    choices = (
        (AudienceChoice.NETWORK, t("🤝 The whole women's network")),
        (AudienceChoice.NETWORK_IN, t("🤝 Network women of some communities")),
        (AudienceChoice.COMMUNITIES, t("🏘️ Every woman of some communities")),
    )
    rows = [[button(label, ChooseAudience(draft_id, key))] for key, label in choices]
    rows.append(_cancel_row(t, draft_id))
    return InlineKeyboardMarkup(rows)


def communities_keyboard(
    t: Translator, draft_id: int, communities: Sequence[str], chosen: Sequence[str], page: int
) -> InlineKeyboardMarkup:
    """Toggle buttons over the office's communities, a page at a time."""
    rows = paged_rows(
        t,
        communities,
        page,
        choice=lambda index, name: button(
            f"{'✅' if name in chosen else '▫️'} {name}", ToggleCommunity(draft_id, index)
        ),
        turn=lambda label, to: button(label, CommunityPage(draft_id, to)),
    )
    rows.append([button(t("✅ Done"), DoneChoosing(draft_id))])
    rows.append(_cancel_row(t, draft_id))
    return InlineKeyboardMarkup(rows)


def preview_text(
    t: Translator,
    *,
    question: str,
    options: Sequence[str],
    closes_at: datetime,
    anonymous: bool,
    audience_line: str,
    count: int,
) -> str:
    lines = [t("🗳 New consultation"), "", question, ""]
    lines += [f"• {option}" for option in options]
    lines += [
        "",
        t("⏳ Closes: {date}").format(date=t.stamp(closes_at)),
        t("🔒 Anonymous answers") if anonymous else t("👤 Answers with names"),
        t("👥 Audience: {audience}").format(audience=audience_line),
        t.plural(
            "📬 It would reach {count} woman now.", "📬 It would reach {count} women now.", count
        ).format(count=count),
    ]
    if count == 0:
        lines.append(t("Nobody would receive it: choose another audience."))
    return "\n".join(lines)


def preview_keyboard(t: Translator, draft_id: int, count: int) -> InlineKeyboardMarkup:
    rows = []
    if count:
        rows.append([button(t("📣 Send now"), SendConsultation(draft_id))])
    rows.append([button(t("👥 Change audience"), ChooseAudience(draft_id, AudienceChoice.MENU))])
    rows.append(_cancel_row(t, draft_id))
    return InlineKeyboardMarkup(rows)


def after_results_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return for_her(t, [[list_button(t)]], menu=True)
