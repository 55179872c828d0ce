"""Announcements from the staff group: compose, audience, preview, send or schedule.

/anuncio starts a draft (bot.core.drafts: a restart loses nothing):

    text ─▶ photo (optional) ─▶ audience ─▶ preview + count ─▶ send now │ schedule

Typed answers are replies to the bot's question (DRAFT_STEPS "text", "photo", "when");
choices are buttons `sb:<action>:<draft id>[:<arg>]` (bot.broadcasts.callbacks): no
photo here, the audience in bot.broadcasts.staff_audience, send, schedule, change the
text or discard in bot.broadcasts.staff_preview. Also `sb:noop` (the preview's inert
copies of her buttons) and `sb:act:<activity>:<stamp>` (on an activity's card: start a
draft about it). /anuncios and its buttons: bot.broadcasts.staff_list.

Only staff act, only the author continues her draft (drafting.own_draft), and a
finished or forged draft changes nothing. «Send now» discards the draft in the same
transaction that creates the broadcast, so pressing it twice sends once.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.broadcasts import staff_audience as staff_broadcast_audience
from bot.broadcasts import staff_preview as staff_broadcast_preview
from bot.broadcasts import views as cards
from bot.broadcasts.callbacks import (
    STAFF_BROADCASTS,
    AnnounceActivity,
    CancelBroadcast,
    ChangeText,
    ConfirmCancelBroadcast,
    DiscardDraft,
    ListBroadcasts,
    OnDraft,
    PreviewNoop,
    Schedule,
    SendNow,
    SkipPhoto,
    StaffBroadcastButton,
)
from bot.broadcasts.service import MAX_CAPTION, MAX_TEXT, telegram_length
from bot.broadcasts.staff_audience import audience_menu, find_occurrence
from bot.broadcasts.staff_list import list_command, on_list_button
from bot.broadcasts.staff_preview import (
    PHOTO,
    TEXT,
    WHEN,
    ButtonHandler,
    ask_text,
    draft_data,
    on_when,
    record,
    show_preview,
    text_question,
    update_draft,
)
from bot.core import drafts as staff_drafts
from bot.core.authority import record_name, refuse_undecoded, require_staff
from bot.core.context import BotContext
from bot.core.drafting import DraftStepHandler, own_draft, staff_t
from bot.core.i18n import Translator
from bot.db.models import DraftKind, StaffDraft

DRAFT_KIND = DraftKind.BROADCAST

# ── Text and photo ─────────────────────────────────────────────────────────────


def _text_problem(t: Translator, text: str, with_photo: bool) -> str | None:
    if not text:
        return t("The announcement needs some text.")
    length, limit = telegram_length(text), MAX_CAPTION if with_photo else MAX_TEXT
    if length <= limit:
        return None
    if with_photo:
        return t.plural(
            "That text has {length} character; with a photo it can have {limit}. Please shorten it.",
            "That text has {length} characters; with a photo it can have {limit}. Please shorten it.",
            length,
        ).format(length=length, limit=limit)
    return t.plural(
        "That text has {length} character; the limit is {limit}. Please shorten it.",
        "That text has {length} characters; the limit is {limit}. Please shorten it.",
        length,
    ).format(length=length, limit=limit)


async def on_text(update: Update, context: BotContext, draft: StaffDraft, message: Message) -> None:
    t, data = staff_t(context), draft_data(draft)
    photo = data.get("photo")
    if message.photo:
        photo = message.photo[-1].file_id
        text = (message.caption or "").strip()
        if not text:
            update_draft(context, draft, photo=photo, previewed=False)
            await ask_text(
                context,
                draft,
                t("📷 Photo received. Now reply with the text that goes with it."),
                message.message_id,
            )
            return
    elif message.text is not None:
        text = message.text.strip()
    else:
        hint = t("I can only use text, or a photo with the text as its caption.")
        await ask_text(context, draft, f"{hint}\n\n{text_question(t)}", message.message_id)
        return
    problem = _text_problem(t, text, photo is not None)
    if problem is not None:
        await ask_text(context, draft, f"{problem}\n\n{text_question(t)}", message.message_id)
        return
    update_draft(context, draft, text=text, photo=photo, previewed=False)
    await _after_content(update, context, draft)


async def _ask_photo(context: BotContext, draft: StaffDraft, hint: str | None = None) -> None:
    """A question answered by a reply (the photo) or a button (no photo)."""
    t = staff_t(context)
    question = cards.photo_question(t)
    message = await context.send(
        draft.chat_id,
        f"{hint}\n\n{question}" if hint else question,
        cards.photo_keyboard(t, draft.id),
    )
    update_draft(context, draft, step=PHOTO, prompt_message_id=message.message_id, photo_asked=True)


async def on_photo(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    t = staff_t(context)
    if not message.photo:
        await _ask_photo(context, draft, t("Please reply with a photo, or press «No photo»."))
        return
    text = (message.caption or "").strip() or str(draft_data(draft).get("text") or "")
    problem = _text_problem(t, text, with_photo=True)
    if problem is not None:
        await _ask_photo(context, draft, problem)
        return
    update_draft(context, draft, photo=message.photo[-1].file_id, text=text, previewed=False)
    await _after_content(update, context, draft)


async def _after_content(update: Update, context: BotContext, draft: StaffDraft) -> None:
    """The next step once the text (and maybe a photo) is in."""
    data = draft_data(draft)
    fits_caption = telegram_length(str(data.get("text") or "")) <= MAX_CAPTION
    if not data.get("photo") and not data.get("photo_asked") and fits_caption:
        await _ask_photo(context, draft)
    elif data.get("audience"):
        await show_preview(update, context, draft)
    else:
        await audience_menu(update, context, draft)


async def _skip_photo(
    update: Update, context: BotContext, draft: StaffDraft, press: SkipPhoto
) -> None:
    update_draft(context, draft, photo_asked=True)
    await _after_content(update, context, draft)


# ── Starting ───────────────────────────────────────────────────────────────────


async def compose_command(update: Update, context: BotContext) -> None:
    """/anuncio: a new announcement, step by step."""
    if not await require_staff(update, context, "broadcast_compose"):
        return
    message, person, chat = update.message, update.effective_user, update.effective_chat
    assert message is not None and person is not None and chat is not None
    draft = await staff_drafts.start(
        context.session, kind=DRAFT_KIND, chat_id=chat.id, author_id=person.id, now=context.now()
    )
    record(context, update, "broadcast_compose", f"draft:{draft.id}")
    await ask_text(context, draft, text_question(staff_t(context)), message.message_id)


async def _start_from_activity(
    update: Update, context: BotContext, press: AnnounceActivity
) -> None:
    """`sb:act:<activity>:<stamp>`: a draft about that date, its text written from it."""
    t, person, chat = staff_t(context), update.effective_user, update.effective_chat
    assert person is not None and chat is not None
    found = await find_occurrence(update, context, press)
    if found is None:
        return
    activity_id, occurrence = found
    details = occurrence.details
    draft = await staff_drafts.start(
        context.session,
        kind=DRAFT_KIND,
        chat_id=chat.id,
        author_id=person.id,
        now=context.now(),
        data={
            "text": cards.activity_text(t, occurrence),
            "photo": details.photo_file_id,
            "activity_id": activity_id,
            "occurrence_start": occurrence.key.isoformat(),
            "audience": {"kind": "activity_type", "types": [details.kind]},
        },
    )
    record(context, update, "broadcast_compose", f"draft:{draft.id} activity:{activity_id}")
    await context.answer()
    # New messages: the activity's card above stays as it is.
    if details.photo_file_id:
        await show_preview(update, context, draft)
    else:
        await _ask_photo(context, draft)


BUTTONS: dict[type[OnDraft], ButtonHandler] = {
    SkipPhoto: _skip_photo,
    **staff_broadcast_audience.BUTTONS,
    SendNow: staff_broadcast_preview.send_now,
    Schedule: staff_broadcast_preview.ask_when,
    ChangeText: staff_broadcast_preview.change_text,
    DiscardDraft: staff_broadcast_preview.discard,
}


def _record(press: StaffBroadcastButton | None) -> str | None:
    """How a refusal names the record the button is about."""
    if isinstance(press, CancelBroadcast | ConfirmCancelBroadcast):
        return record_name("broadcast", press.broadcast_id)
    if isinstance(press, AnnounceActivity):
        return record_name("activity", press.activity_id)
    if isinstance(press, OnDraft):
        return record_name("draft", press.draft_id)
    return None


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    press = STAFF_BROADCASTS.decode(query.data)
    if isinstance(press, PreviewNoop):
        await context.answer(
            context.staff_t("This is only a preview: these buttons work for the women.")
        )
        return
    if not await require_staff(update, context, "broadcast_button", record=_record(press)):
        return
    if press is None:
        await refuse_undecoded(update, context, STAFF_BROADCASTS)
    elif isinstance(press, ListBroadcasts | CancelBroadcast | ConfirmCancelBroadcast):
        await on_list_button(update, context, press)
    elif isinstance(press, AnnounceActivity):
        await _start_from_activity(update, context, press)
    else:
        draft = await own_draft(update, context, press.draft_id, DRAFT_KIND)
        if draft is not None:
            await BUTTONS[type(press)](update, context, draft, press)


DRAFT_STEPS: dict[str, DraftStepHandler] = {TEXT: on_text, PHOTO: on_photo, WHEN: on_when}


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=STAFF_BROADCASTS.pattern()))
    app.add_handler(CommandHandler("anuncio", compose_command))
    app.add_handler(CommandHandler("anuncios", list_command))
