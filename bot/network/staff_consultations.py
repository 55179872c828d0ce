"""Consultations from the staff group: /consulta writes one step by step, and its card
shows the results by community as answers arrive.

    question ─▶ answers (one per line) ─▶ closing date ─▶ anonymous? ─▶ audience ─▶ preview ─▶ send

Typed answers are replies to the bot's question (a StaffDraft of kind "consultation",
steps "question", "options", "closes": bot.core.draft_router); choices are buttons
`cqd:<action>:<draft id>[:<value>]` (bot.network.callbacks). «Send» turns
the preview into the consultation's card (`cqc:<action>:<id>`: close it now), which
bot.network.jobs_consultations keeps up to date. Only staff act, only the author
continues her draft, and a finished, stale or forged button changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.broadcasts.views import describe_audience
from bot.core import drafts as staff_drafts
from bot.core.authority import (
    record_action,
    record_name,
    refuse_forged,
    refuse_undecoded,
    require_staff,
)
from bot.core.context import BotContext
from bot.core.drafting import DraftStepHandler, ask, own_draft, show_choices, staff_t
from bot.core.paging import COMMUNITIES_PER_PAGE
from bot.core.staff_input import parse_local_datetime
from bot.db.models import Consultation, DraftKind, StaffDraft
from bot.network import service_consultations as consultations
from bot.network import views_consultations as views
from bot.network.callbacks import (
    CONSULTATION_CARDS,
    CONSULTATION_DRAFTS,
    AnonymousChoice,
    AudienceChoice,
    ChooseAudience,
    CloseConsultation,
    CommunityPage,
    ConfirmClose,
    ConsultationsPage,
    DiscardConsultation,
    DoneChoosing,
    OnConsultationDraft,
    SendConsultation,
    ShowCard,
    ToggleCommunity,
)

DRAFT_KIND = DraftKind.CONSULTATION
QUESTION, OPTIONS, CLOSES, CHOOSING = "question", "options", "closes", "choosing"


def _data(draft: StaffDraft) -> dict[str, Any]:
    return dict(draft.data or {})


# ── Typed steps ───────────────────────────────────────────────────────────────


async def _ask_question(
    context: BotContext, draft: StaffDraft, hint: str, reply_to: int | None
) -> None:
    t = staff_t(context)
    prompt = views.question_prompt(t).format(limit=consultations.MAX_QUESTION)
    await ask(
        context, draft, f"{hint}\n\n{prompt}" if hint else prompt, step=QUESTION, reply_to=reply_to
    )


async def _ask_options(
    context: BotContext, draft: StaffDraft, hint: str, reply_to: int | None
) -> None:
    t = staff_t(context)
    prompt = views.options_prompt(t).format(
        min=consultations.MIN_OPTIONS, max=consultations.MAX_OPTIONS, limit=consultations.MAX_OPTION
    )
    await ask(
        context, draft, f"{hint}\n\n{prompt}" if hint else prompt, step=OPTIONS, reply_to=reply_to
    )


async def _ask_closes(
    context: BotContext, draft: StaffDraft, hint: str, reply_to: int | None
) -> None:
    prompt = views.closes_prompt(staff_t(context))
    await ask(
        context, draft, f"{hint}\n\n{prompt}" if hint else prompt, step=CLOSES, reply_to=reply_to
    )


async def on_question(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    t = staff_t(context)
    try:
        question = consultations.check_question(message.text or "")
    except consultations.BadQuestion:
        hint = t("Please reply with the question as text, up to {limit} characters.").format(
            limit=consultations.MAX_QUESTION
        )
        await _ask_question(context, draft, hint, message.message_id)
        return
    staff_drafts.update(draft, context.now(), question=question)
    await _ask_options(context, draft, "", message.message_id)


async def on_options(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    t = staff_t(context)
    try:
        options = consultations.parse_options(message.text or "")
    except consultations.BadOptions as problem:
        hints = {
            "count": t("A consultation needs from {min} to {max} answers, one per line."),
            "long": t("Each answer can have up to {limit} characters (it is a button)."),
            "repeated": t("Two answers are the same; please make each one different."),
        }
        hint = hints[problem.reason].format(
            min=consultations.MIN_OPTIONS,
            max=consultations.MAX_OPTIONS,
            limit=consultations.MAX_OPTION,
        )
        await _ask_options(context, draft, hint, message.message_id)
        return
    staff_drafts.update(draft, context.now(), options=options)
    await _ask_closes(context, draft, "", message.message_id)


async def on_closes(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    t, now = staff_t(context), context.now()
    closes_at = parse_local_datetime(message.text or "", context.settings.timezone, now)
    if closes_at is None or closes_at <= now:
        hint = (
            t("I could not read that date and time.")
            if closes_at is None
            else t("That moment has passed; the closing date must be in the future.")
        )
        await _ask_closes(context, draft, hint, message.message_id)
        return
    staff_drafts.update(draft, now, closes_at=closes_at.isoformat())
    await context.send(
        draft.chat_id, views.anonymous_text(t), views.anonymous_keyboard(t, draft.id)
    )
    staff_drafts.update(draft, now, step=CHOOSING)


# ── Buttons ───────────────────────────────────────────────────────────────────


async def _audience_menu(update: Update, context: BotContext, draft: StaffDraft) -> None:
    t = staff_t(context)
    await show_choices(
        update,
        context,
        draft,
        views.audience_text(t),
        views.audience_keyboard(t, draft.id),
        step=CHOOSING,
    )


async def _communities(
    update: Update, context: BotContext, draft: StaffDraft, page: int = 0
) -> None:
    t, data = staff_t(context), _data(draft)
    markup = views.communities_keyboard(
        t, draft.id, context.settings.office.communities, data.get("chosen") or [], page
    )
    await show_choices(update, context, draft, views.communities_text(t), markup, step=CHOOSING)


async def _preview(update: Update, context: BotContext, draft: StaffDraft) -> None:
    t, data, now = staff_t(context), _data(draft), context.now()
    audience = data["audience"]
    count = await consultations.count_asked(context.session, audience, now)
    text = views.preview_text(
        t,
        question=data["question"],
        options=data["options"],
        closes_at=_closes_at(data),
        anonymous=bool(data.get("anonymous")),
        audience_line=describe_audience(t, audience),
        count=count,
    )
    await show_choices(
        update, context, draft, text, views.preview_keyboard(t, draft.id, count), step=CHOOSING
    )


def _closes_at(data: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(data["closes_at"])


def _complete(data: dict[str, Any]) -> bool:
    return (
        all(data.get(key) for key in ("question", "options", "closes_at")) and "anonymous" in data
    )


async def _on_draft_button(update: Update, context: BotContext, press: OnConsultationDraft) -> None:
    draft = await own_draft(update, context, press.draft_id, DRAFT_KIND)
    if draft is None:
        return
    t, data = staff_t(context), _data(draft)
    communities = context.settings.office.communities
    if isinstance(press, DiscardConsultation):
        await staff_drafts.discard(context.session, draft)
        await context.show(update, t("✖️ Consultation discarded."))
        return
    if not _complete(data) and not isinstance(press, AnonymousChoice):
        await context.answer(t("This button is no longer active."), alert=True)
        return
    if isinstance(press, AnonymousChoice) and data.get("closes_at"):
        staff_drafts.update(draft, context.now(), anonymous=press.anonymous)
        await _audience_menu(update, context, draft)
    elif isinstance(press, ChooseAudience) and press.choice == AudienceChoice.MENU:
        await _audience_menu(update, context, draft)
    elif isinstance(press, ChooseAudience) and press.choice == AudienceChoice.NETWORK:
        staff_drafts.update(draft, context.now(), audience={"kind": "network"})
        await _preview(update, context, draft)
    elif isinstance(press, ChooseAudience):
        staff_drafts.update(draft, context.now(), choosing=press.choice.value, chosen=[])
        await _communities(update, context, draft)
    elif isinstance(press, ToggleCommunity) and data.get("choosing"):
        if press.index >= len(communities):
            await refuse_forged(update, context, "consultation_draft")
            return
        chosen = list(data.get("chosen") or [])
        name = communities[press.index]
        chosen = [c for c in chosen if c != name] if name in chosen else [*chosen, name]
        staff_drafts.update(draft, context.now(), chosen=chosen)
        await _communities(update, context, draft, press.index // COMMUNITIES_PER_PAGE)
    elif isinstance(press, CommunityPage) and data.get("choosing"):
        await _communities(update, context, draft, press.page)
    elif isinstance(press, DoneChoosing) and data.get("choosing"):
        chosen = list(data.get("chosen") or [])
        if not chosen:
            await context.answer(t("Choose at least one community."), alert=True)
            return
        kind = "network" if data["choosing"] == AudienceChoice.NETWORK_IN else "communities"
        staff_drafts.update(draft, context.now(), audience={"kind": kind, "communities": chosen})
        await _preview(update, context, draft)
    elif isinstance(press, SendConsultation) and data.get("audience"):
        await _send(update, context, draft, data)
    else:
        await context.answer(t("This button is no longer active."), alert=True)


async def _send(
    update: Update, context: BotContext, draft: StaffDraft, data: dict[str, Any]
) -> None:
    t, now, person = staff_t(context), context.now(), update.effective_user
    try:
        consultation, asked = await consultations.create(
            context.session,
            question=data["question"],
            options=data["options"],
            audience=data["audience"],
            anonymous=bool(data["anonymous"]),
            closes_at=_closes_at(data),
            created_by=person.id if person else None,
            now=now,
        )
    except consultations.ClosesInThePast:
        await _ask_closes(
            context,
            draft,
            t("That moment has passed; the closing date must be in the future."),
            None,
        )
        return
    await staff_drafts.discard(context.session, draft)
    record_action(
        context, update, "consultation_sent", f"consultation:{consultation.id} asked:{asked}"
    )
    results = await consultations.results(context.session, consultation)
    await context.answer(
        t.plural("🗳 Sent to {count} woman.", "🗳 Sent to {count} women.", asked).format(count=asked)
    )
    # The preview becomes the consultation's card (its id is known now, before the edit
    # is sent), which the sweep keeps up to date.
    query = update.callback_query
    assert query is not None and query.message is not None
    await consultations.set_card(
        context.session, consultation.id, query.message.chat.id, query.message.message_id, now
    )
    await context.show(
        update, views.card_text(t, consultation, results), views.card_keyboard(t, consultation)
    )


async def list_command(update: Update, context: BotContext) -> None:
    """/consultas: every consultation, newest first; each one's card a press away."""
    if not await require_staff(update, context, "consultation_list"):
        return
    await _list_page(update, context, 0)


async def _list_page(update: Update, context: BotContext, page: int) -> None:
    """A page of the list: a new message after the command, in place for a page button."""
    t = staff_t(context)
    found = await consultations.recent(context.session)
    await context.show(
        update, views.staff_list_text(t, found), views.staff_list_keyboard(t, found, page)
    )


async def _show_card(update: Update, context: BotContext, consultation: Consultation) -> None:
    """The card as a new message below, which the sweep keeps up to date from now on
    (the one shown before stays as it was last drawn)."""
    assert update.effective_chat is not None
    t = staff_t(context)
    results = await consultations.results(context.session, consultation)
    await context.answer()
    sent = await context.send(
        update.effective_chat.id,
        views.card_text(t, consultation, results),
        views.card_keyboard(t, consultation),
    )
    await consultations.set_card(
        context.session, consultation.id, sent.chat.id, sent.message_id, context.now()
    )


async def on_card_button(update: Update, context: BotContext) -> None:
    """`cqc:…`: a card from /consultas, or close a consultation now (asked first)."""
    assert update.callback_query is not None
    press = CONSULTATION_CARDS.decode(update.callback_query.data)
    about = press.consultation_id if press and not isinstance(press, ConsultationsPage) else None
    record = record_name("consultation", about)
    if not await require_staff(update, context, "consultation_card", record=record):
        return
    if press is None:
        await refuse_undecoded(update, context, CONSULTATION_CARDS)
        return
    if isinstance(press, ConsultationsPage):
        await _list_page(update, context, press.page)
        return
    t = staff_t(context)
    consultation = await consultations.find(context.session, press.consultation_id)
    if consultation is None:
        await refuse_forged(update, context, "consultation_card")
        return
    if isinstance(press, ShowCard):
        await _show_card(update, context, consultation)
        return
    if isinstance(press, CloseConsultation) and consultation.status == consultations.OPEN:
        await context.show(
            update,
            views.card_text(
                t, consultation, await consultations.results(context.session, consultation)
            )
            + "\n\n"
            + t(
                "Close this consultation now? Answers become final and the results go to those who took part."
            ),
            views.confirm_close_keyboard(t, consultation.id),
        )
        return
    if isinstance(press, ConfirmClose) and consultation.status == consultations.OPEN:
        await consultations.close(context.session, consultation.id, context.now())
        record_action(context, update, "consultation_closed", f"consultation:{consultation.id}")
        await context.session.refresh(consultation)
        await context.answer(t("🔒 Closed. The results will be sent to those who took part."))
    results = await consultations.results(context.session, consultation)
    await context.show(
        update, views.card_text(t, consultation, results), views.card_keyboard(t, consultation)
    )


async def on_draft_button(update: Update, context: BotContext) -> None:
    """`cqd:…`: a step of the wizard; only its author continues it."""
    assert update.callback_query is not None
    press = CONSULTATION_DRAFTS.decode(update.callback_query.data)
    if press is not None:
        await _on_draft_button(update, context, press)
    elif await require_staff(update, context, "consultation_button"):
        await refuse_undecoded(update, context, CONSULTATION_DRAFTS)


async def consultation_command(update: Update, context: BotContext) -> None:
    """/consulta: a new consultation, step by step."""
    if not await require_staff(update, context, "consultation_compose"):
        return
    message, person, chat = update.message, update.effective_user, update.effective_chat
    assert message is not None and person is not None and chat is not None
    draft = await staff_drafts.start(
        context.session, kind=DRAFT_KIND, chat_id=chat.id, author_id=person.id, now=context.now()
    )
    record_action(context, update, "consultation_compose", f"draft:{draft.id}")
    await _ask_question(context, draft, "", message.message_id)


DRAFT_STEPS: dict[str, DraftStepHandler] = {
    QUESTION: on_question,
    OPTIONS: on_options,
    CLOSES: on_closes,
}


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_draft_button, pattern=CONSULTATION_DRAFTS.pattern()))
    app.add_handler(CallbackQueryHandler(on_card_button, pattern=CONSULTATION_CARDS.pattern()))
    app.add_handler(CommandHandler("consulta", consultation_command))
    app.add_handler(CommandHandler("consultas", list_command))
