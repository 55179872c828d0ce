"""Announcements being composed, last steps: the preview with its count, then send now,
schedule (a typed date), change the text, or discard.

Shared by the compose flow (bot.broadcasts.staff_compose) and the audience picker
(bot.broadcasts.staff_audience): the draft's steps, its data, auditing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from telegram import Message, Update

from bot.broadcasts import service as broadcasts
from bot.broadcasts import views as cards
from bot.broadcasts.callbacks import ChangeText, DiscardDraft, Schedule, SendNow
from bot.broadcasts.service import MAX_CAPTION, MAX_TEXT
from bot.core import audit
from bot.core import drafts as staff_drafts
from bot.core.context import BotContext
from bot.core.drafting import ask, show_choices, staff_t
from bot.core.i18n import Translator
from bot.core.staff_input import parse_local_datetime
from bot.db.models import StaffDraft

# Steps answered by a reply (routed through DRAFT_STEPS) and by buttons.
TEXT, PHOTO, WHEN = "text", "photo", "when"
AUDIENCE, PREVIEW = "audience", "preview"
# (update, context, the draft, the pressed button: a bot.broadcasts.callbacks.OnDraft)
ButtonHandler = Callable[[Update, BotContext, StaffDraft, Any], Awaitable[None]]


def draft_data(draft: StaffDraft) -> dict[str, Any]:
    return dict(draft.data or {})


def update_draft(context: BotContext, draft: StaffDraft, **values: Any) -> None:
    staff_drafts.update(draft, context.now(), **values)


def record(context: BotContext, update: Update, action: str, detail: str) -> None:
    person = update.effective_user
    audit.record(
        context.session,
        actor_id=person.id if person else None,
        action=action,
        detail=detail,
        now=context.now(),
    )


async def stale(context: BotContext) -> None:
    await context.answer(context.staff_t("This button is no longer active."), alert=True)


def text_question(t: Translator) -> str:
    return t(
        "📣 New announcement. Reply to this message with its text, or with a photo and "
        "the text as its caption (up to {text} characters; {caption} with a photo)."
    ).format(text=MAX_TEXT, caption=MAX_CAPTION)


async def ask_text(
    context: BotContext, draft: StaffDraft, question: str, reply_to: int | None = None
) -> None:
    await ask(context, draft, question, step=TEXT, reply_to=reply_to)


# ── Preview, send, schedule ────────────────────────────────────────────────────


async def _send_preview(context: BotContext, draft: StaffDraft) -> None:
    """The announcement as women will get it (its buttons inert here)."""
    data = draft_data(draft)
    markup = cards.preview_keyboard(staff_t(context), data.get("activity_id") is not None)
    text, photo = str(data.get("text") or ""), data.get("photo")
    if photo:
        await context.bot.send_photo(draft.chat_id, photo=photo, caption=text, reply_markup=markup)
    else:
        await context.send(draft.chat_id, text, markup)


async def show_preview(update: Update, context: BotContext, draft: StaffDraft) -> None:
    """The announcement (once per change of text or photo), then the card with the count."""
    t, data = staff_t(context), draft_data(draft)
    audience = data["audience"]
    count = await broadcasts.count_recipients(context.session, audience, context.now())
    line = cards.describe_audience(t, audience, str(data.get("audience_title") or ""))
    card, markup = cards.preview_card(t, line, count), cards.preview_card_keyboard(t, draft.id)
    if data.get("previewed"):
        await show_choices(update, context, draft, card, markup, step=PREVIEW)
        return
    update_draft(context, draft, step=PREVIEW, previewed=True)
    await _send_preview(context, draft)
    await context.send(draft.chat_id, card, markup)


def _occurrence_start(data: dict[str, Any]) -> datetime | None:
    raw = data.get("occurrence_start")
    return datetime.fromisoformat(raw) if isinstance(raw, str) else None


async def _create(context: BotContext, update: Update, draft: StaffDraft) -> int | str:
    """The broadcast from the draft (which is discarded), or why it is not ready."""
    t, data = staff_t(context), draft_data(draft)
    audience = data.get("audience")
    if not audience or not data.get("text"):
        return t("Choose the audience first.")
    person = update.effective_user
    try:
        broadcast = await broadcasts.create(
            context.session,
            text=str(data["text"]),
            audience=audience,
            created_by=person.id if person else None,
            now=context.now(),
            photo_file_id=data.get("photo"),
            activity_id=data.get("activity_id"),
            occurrence_start=_occurrence_start(data),
        )
    except broadcasts.TextDoesNotFit:
        return t("The text does not fit: change it first.")
    await staff_drafts.discard(context.session, draft)
    return broadcast.id


async def send_now(update: Update, context: BotContext, draft: StaffDraft, press: SendNow) -> None:
    t = staff_t(context)
    audience = draft_data(draft).get("audience")
    if audience and not await broadcasts.count_recipients(context.session, audience, context.now()):
        await context.answer(t("Nobody would receive it: choose another audience."), alert=True)
        return
    broadcast_id = await _create(context, update, draft)
    if isinstance(broadcast_id, str):
        await context.answer(broadcast_id, alert=True)
        return
    count = await broadcasts.start(context.session, broadcast_id, context.now())
    record(context, update, "broadcast_send", f"broadcast:{broadcast_id} recipients:{count}")
    text = t.plural(
        "📣 Announcement #{number} is going out to {count} woman. Its progress follows below.",
        "📣 Announcement #{number} is going out to {count} women. Its progress follows below.",
        count,
    ).format(number=broadcast_id, count=count)
    await context.answer()
    await context.show(update, text)


def _when_question(t: Translator) -> str:
    return t(
        "🕒 When should it go out? Reply with the date and time (office time), "
        "e.g. «25/12 9:00» or «mañana 9:00»."
    )


async def ask_when(update: Update, context: BotContext, draft: StaffDraft, press: Schedule) -> None:
    if not draft_data(draft).get("audience"):
        await context.answer(context.staff_t("Choose the audience first."), alert=True)
        return
    await context.answer()
    await ask(context, draft, _when_question(staff_t(context)), step=WHEN, placeholder="25/12 9:00")


async def on_when(update: Update, context: BotContext, draft: StaffDraft, message: Message) -> None:
    t, now = staff_t(context), context.now()
    moment = parse_local_datetime(message.text or "", context.settings.timezone, now)
    if moment is None or moment <= now:
        hint = (
            t("I could not read that date and time.")
            if moment is None
            else t("That time has already passed.")
        )
        await ask(
            context, draft, f"{hint}\n\n{_when_question(t)}", step=WHEN, reply_to=message.message_id
        )
        return
    audience = draft_data(draft).get("audience") or {}
    count = await broadcasts.count_recipients(context.session, audience, now)
    broadcast_id = await _create(context, update, draft)
    if isinstance(broadcast_id, str):
        await context.send(draft.chat_id, broadcast_id, reply_to=message.message_id)
        return
    await broadcasts.schedule(context.session, broadcast_id, moment)
    record(
        context, update, "broadcast_schedule", f"broadcast:{broadcast_id} at:{moment:%Y%m%d%H%M}"
    )
    text = t.plural(
        "🕒 Announcement #{number} is scheduled for {when} ({count} woman would get it now). "
        "See or cancel it with /anuncios.",
        "🕒 Announcement #{number} is scheduled for {when} ({count} women would get it now). "
        "See or cancel it with /anuncios.",
        count,
    ).format(number=broadcast_id, when=t.date_and_time(moment), count=count)
    await context.send(draft.chat_id, text, reply_to=message.message_id)


async def change_text(
    update: Update, context: BotContext, draft: StaffDraft, press: ChangeText
) -> None:
    await context.answer()
    await ask_text(context, draft, text_question(staff_t(context)))


async def discard(
    update: Update, context: BotContext, draft: StaffDraft, press: DiscardDraft
) -> None:
    await staff_drafts.discard(context.session, draft)
    record(context, update, "broadcast_discard", f"draft:{draft.id}")
    await context.show(update, context.staff_t("✖️ Announcement discarded. Nothing was sent."))
