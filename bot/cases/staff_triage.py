"""Staff triage from the staff group: take, reply, note, close; /pendientes and /caso.

Only staff (listed by admins, or in ADMIN_USER_IDS) may act; every other attempt
is refused politely and recorded. Every view or change of a case is audited.
Sensitive cases show their details only to the assigned person and admins, in
their private chat with the bot.
"""

from __future__ import annotations

import logging

from telegram import ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.cases import card as staff_card
from bot.cases import posts as staff_posts
from bot.cases import service as cases
from bot.cases.callbacks import CASES, CaseButton
from bot.cases.composer import media_part
from bot.cases.views import (
    close_keyboard,
    details_text,
    history_text,
    pending_text,
    referral_keyboard,
)
from bot.cases.views_her import read_message
from bot.core import audit, staff, users
from bot.core.authority import record_name, refuse, refuse_forged, require_staff
from bot.core.context import BotContext
from bot.core.errors import AlreadyDone, DomainError
from bot.core.ids import parse_small_number
from bot.core.keyboards import for_her
from bot.core.notify import RecipientGone
from bot.db.models import Case, CaseEntry, CaseOutcome, User

log = logging.getLogger(__name__)
STAFF_REPLY_GROUP = -1


async def refresh_card(
    context: BotContext, case: Case, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Re-draw the case's card in the staff group (status, assignee, age)."""
    await staff_card.redraw(
        context.bot_data, context.session, context.t, case, context.now(), markup
    )


async def send_details_privately(context: BotContext, case: Case, staff_id: int) -> bool:
    """Send a sensitive case's details to one staff member's private chat."""
    t, now = context.t, context.now()
    text = details_text(t, case, context.settings.office, now)
    text += "\n\n" + t("Reply to this message to answer her; she will see it from the office.")
    try:
        with context.immediately():  # whether she opened a private chat decides what to say
            message = await context.notifier.send(staff_id, text, sensitive=True)
    except RecipientGone:
        return False
    staff_posts.link(
        context.session,
        chat_id=staff_id,
        message_id=message.message_id,
        case_id=case.id,
        purpose=staff_posts.DETAILS,
        now=now,
    )
    await staff_card.copy_her_media(
        context.bot_data,
        context.session,
        t,
        staff_id,
        case,
        reply_to=message.message_id,
        sensitive=True,
        now=now,
        headed=False,
    )
    audit.record(
        context.session, actor_id=staff_id, action="view_details", case_id=case.id, now=now
    )
    return True


async def on_staff_button(update: Update, context: BotContext) -> None:
    query, person = update.callback_query, update.effective_user
    assert query is not None and person is not None
    press = CaseButton.decode(query.data)
    case_id = press.record_id if press is not None else None
    if not await require_staff(
        update, context, "button", case_id=case_id, record=record_name("case", case_id)
    ):
        return
    if press is None:
        await refuse_forged(update, context, "case_button")
        return
    action = press.action
    case = await cases.get_case(context.session, press.record_id)
    if case is None:
        await context.answer(context.t("This case does not exist."), alert=True)
        return
    t, now = context.t, context.now()
    may_see = staff.may_see_details(case, person.id, context.admin_ids)
    try:
        if action == "take":
            cases.assign(context.session, case, person.id, now)
            audit.record(
                context.session, actor_id=person.id, action="assign", case_id=case.id, now=now
            )
            await context.answer(t("You took {reference}.").format(reference=case.reference))
            await refresh_card(context, case)
            if case.sensitive:
                await send_details_privately(context, case, person.id)
        elif action in ("reply", "note"):
            await prompt(update, context, case, action, may_see)
        elif action == "det":
            if not may_see:
                await _refuse_sensitive(update, context, case)
                return
            if await send_details_privately(context, case, person.id):
                await context.answer(t("I sent you the details in a private chat."))
            else:
                await context.answer(_open_private_chat_hint(context), alert=True)
        elif action == "close":
            if not case.is_open:
                raise AlreadyDone("case closed")
            await refresh_card(context, case, close_keyboard(t, case))
        elif action == "back":
            await refresh_card(context, case)
        elif action == "out" and press.extra in {o.value for o in CaseOutcome}:
            outcome = CaseOutcome(str(press.extra))
            if outcome == CaseOutcome.REFERRED:
                await refresh_card(
                    context, case, referral_keyboard(t, case, context.settings.office)
                )
            else:
                await close_case(update, context, case, outcome, None)
        elif action == "ref":
            index = parse_small_number(press.extra)
            institutions = context.settings.office.referral_institutions
            if index is None or not 0 <= index < len(institutions):
                await context.answer(t("This button is no longer active."), alert=True)
                return
            await close_case(update, context, case, CaseOutcome.REFERRED, institutions[index])
        else:
            await context.answer(t("This button is no longer active."), alert=True)
    except AlreadyDone:
        await context.answer(
            (
                t("{reference} is already closed.")
                if not case.is_open
                else t("{reference} is already assigned to you.")
            ).format(reference=case.reference),
            alert=True,
        )


async def _refuse_sensitive(update: Update, context: BotContext, case: Case) -> None:
    """Not assigned to a sensitive case: say so (a pop-up, or a reply) and record it."""
    await refuse(
        update,
        context,
        "sensitive",
        case_id=case.id,
        record=record_name("case", case.id),
        text=context.t(
            "🔒 Only the person assigned to {reference} and admins can see or answer it."
        ).format(reference=case.reference),
    )


def _open_private_chat_hint(context: BotContext) -> str:
    return context.t(
        "First open a private chat with me (@{bot}) and press Start, then try again."
    ).format(bot=context.bot_data.bot_username)


async def prompt(
    update: Update, context: BotContext, case: Case, action: str, may_see: bool
) -> None:
    """Ask staff to write a reply or a note, as a reply to the prompt message."""
    person, chat = update.effective_user, update.effective_chat
    assert person is not None and chat is not None
    t, now = context.t, context.now()
    if not may_see:
        await _refuse_sensitive(update, context, case)
        return
    if action == "reply" and case.user_id is None:
        await context.answer(t("She deleted her data: there is nobody to answer."), alert=True)
        return
    if action == "reply":
        text = t(
            "✍️ Write your answer to {reference} as a reply to this message. She will receive it from the office, not from your account."
        )
    else:
        text = t(
            "📝 Write the internal note for {reference} as a reply to this message. She will not see it."
        )
    # A sensitive case is answered from a private chat, never in front of the whole group.
    target = person.id if case.sensitive else chat.id
    try:
        # ForceReply opens the reply box on the staff member's phone, pointing at the prompt.
        with context.immediately():  # a private chat she never opened gets a hint instead
            message = await context.notifier.send(
                target,
                text.format(reference=case.reference),
                ForceReply(input_field_placeholder=case.reference),
                sensitive=case.sensitive,
            )
    except RecipientGone:
        await context.answer(_open_private_chat_hint(context), alert=True)
        return
    staff_posts.link(
        context.session,
        chat_id=target,
        message_id=message.message_id,
        case_id=case.id,
        purpose=staff_posts.REPLY_PROMPT if action == "reply" else staff_posts.NOTE_PROMPT,
        now=now,
    )
    await context.answer(t("I sent you a private message.") if target != chat.id else None)


async def close_case(
    update: Update, context: BotContext, case: Case, outcome: CaseOutcome, institution: str | None
) -> None:
    person = update.effective_user
    assert person is not None
    now = context.now()
    cases.close(context.session, case, person.id, outcome, now, referred_to=institution)
    audit.record(
        context.session,
        actor_id=person.id,
        action="close",
        case_id=case.id,
        detail=outcome.value,
        now=now,
    )
    await context.answer(context.t("{reference} closed.").format(reference=case.reference))
    await refresh_card(context, case)
    if case.user_id is not None:
        user = await users.get_user(context.session, case.user_id)
        her_t = context.bot_data.catalogs.get(user.locale if user else None)
        await context.notifier.to_woman(
            context.session,
            case.user_id,
            her_t(
                "Your request {reference} was closed. Thank you for trusting the office. If you need anything else, write to us here."
            ).format(reference=case.reference),
            for_her(her_t, menu=True),
            sensitive=case.sensitive,
        )


async def on_staff_reply(update: Update, context: BotContext) -> None:
    """A reply to a case's message in a staff chat: relay it to her, or keep it as a note."""
    message, person, chat = update.message, update.effective_user, update.effective_chat
    if message is None or person is None or chat is None or message.reply_to_message is None:
        return
    replied = message.reply_to_message
    if replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    link = await staff_posts.find_link(context.session, chat.id, replied.message_id)
    if link is None:
        return
    if not await require_staff(
        update, context, "reply", case_id=link.case_id, record=record_name("case", link.case_id)
    ):
        raise ApplicationHandlerStop
    case = await cases.get_case(context.session, link.case_id)
    if case is None:
        raise ApplicationHandlerStop
    if not staff.may_see_details(case, person.id, context.admin_ids):
        await _refuse_sensitive(update, context, case)
        raise ApplicationHandlerStop
    if link.purpose == staff_posts.NOTE_PROMPT:
        await save_note(update, context, case, message)
    else:
        await relay_reply(update, context, case, message)
    raise ApplicationHandlerStop


async def save_note(update: Update, context: BotContext, case: Case, message: Message) -> None:
    assert update.effective_user is not None and update.effective_chat is not None
    t, now = context.t, context.now()
    text = (message.text or message.caption or "").strip()
    if not text:
        await context.send(
            update.effective_chat.id,
            t("A note must be text. Nothing was saved."),
            reply_to=message.message_id,
        )
        return
    cases.add_note(context.session, case, update.effective_user.id, text[:4000], now)
    audit.record(
        context.session, actor_id=update.effective_user.id, action="note", case_id=case.id, now=now
    )
    await context.send(
        update.effective_chat.id,
        t("📝 Note saved on {reference}.").format(reference=case.reference),
        reply_to=message.message_id,
    )


async def relay_reply(update: Update, context: BotContext, case: Case, message: Message) -> None:
    """Send the staff member's answer to her in the office's name."""
    person, chat = update.effective_user, update.effective_chat
    assert person is not None and chat is not None
    t, now = context.t, context.now()
    part = media_part(message)
    if part is None:
        await context.send(
            chat.id,
            t("Only text, photos, voice notes and documents can be sent to her. Nothing was sent."),
            reply_to=message.message_id,
        )
        return
    try:
        entry = await cases.record_staff_reply(
            context.session,
            case,
            person.id,
            now,
            text=part.text,
            media=part.media,
            file_id=part.file_id,
        )
    except DomainError:
        await context.send(
            chat.id,
            t("She deleted her data: there is nobody to answer."),
            reply_to=message.message_id,
        )
        return
    audit.record(context.session, actor_id=person.id, action="reply", case_id=case.id, now=now)
    assert case.user_id is not None
    user = await users.get_user(context.session, case.user_id)
    # Staff are told whether it reached her, so it is sent now, not after the commit.
    with context.immediately():
        delivered = await _relay(context, case, entry, part, user)
    if delivered is None:
        await context.send(
            chat.id,
            t("⚠️ Not delivered: she blocked the bot or left Telegram. The case stays open."),
            reply_to=message.message_id,
        )
    else:
        await context.send(
            chat.id,
            t("✅ Sent to her ({reference}).").format(reference=case.reference),
            reply_to=message.message_id,
        )


async def _relay(
    context: BotContext, case: Case, entry: CaseEntry, part: cases.Part, user: User | None
) -> Message | None:
    """Send a staff answer to her in the office's name; None if she cannot receive it."""
    assert case.user_id is not None
    her_t = context.bot_data.catalogs.get(user.locale if user else None)
    session = context.session
    header = her_t("💬 The office answered about {reference}:").format(reference=case.reference)
    if user is not None and not user.active:
        return None
    if case.sensitive:
        # Nothing on her lock screen may hint at the topic: a neutral notice, then "Read".
        return await context.notifier.to_woman(
            session,
            case.user_id,
            her_t("📩 You have a new message. Tap «📖 Read» to see it."),
            read_message(her_t, entry.id),
            sensitive=True,
        )
    if part.media == "text":
        return await context.notifier.to_woman(
            session, case.user_id, f"{header}\n\n{part.text}"[:4096], for_her(her_t, menu=True)
        )
    assert part.file_id is not None
    return await context.notifier.media_to_woman(
        session,
        case.user_id,
        part.media,
        part.file_id,
        f"{header}\n\n{part.text or ''}".strip(),
        for_her(her_t, menu=True),
    )


async def pending_command(update: Update, context: BotContext) -> None:
    """/pendientes: open cases, oldest first, with their age and assignee."""
    if not await require_staff(update, context, "pending"):
        return
    assert update.effective_chat is not None and update.effective_user is not None
    open_cases = await cases.open_cases(context.session)
    ids = {c.assignee_id for c in open_cases if c.assignee_id is not None}
    names = await context.staff_names(ids)
    audit.record(
        context.session, actor_id=update.effective_user.id, action="list_pending", now=context.now()
    )
    await context.send(
        update.effective_chat.id,
        pending_text(context.t, open_cases, context.settings.office, context.now(), names),
    )


async def case_command(update: Update, context: BotContext) -> None:
    """/caso OMM-000123: the case's whole history."""
    if not await require_staff(update, context, "case"):
        return
    chat, person = update.effective_chat, update.effective_user
    assert chat is not None and person is not None
    t = context.t
    case_id = cases.parse_reference(" ".join(context.args or []))
    case = await cases.get_case(context.session, case_id) if case_id is not None else None
    if case is None:
        await context.send(chat.id, t("Write the reference, like: /caso OMM-000123"))
        return
    if not staff.may_see_details(case, person.id, context.admin_ids):
        await _refuse_sensitive(update, context, case)
        return
    audit.record(
        context.session, actor_id=person.id, action="view", case_id=case.id, now=context.now()
    )
    text = history_text(
        t,
        case,
        context.settings.office,
        context.now(),
        await staff_card.staff_names(context.bot_data, context.session, case),
    )
    target = person.id if case.sensitive and chat.type != ChatType.PRIVATE else chat.id
    try:
        with context.immediately():  # a private chat she never opened gets a hint instead
            message = await context.notifier.send(target, text, sensitive=case.sensitive)
    except RecipientGone:
        await context.send(chat.id, _open_private_chat_hint(context))
        return
    staff_posts.link(
        context.session,
        chat_id=target,
        message_id=message.message_id,
        case_id=case.id,
        purpose=staff_posts.DETAILS,
        now=context.now(),
    )
    if target != chat.id:
        await context.send(
            chat.id,
            t("📬 I sent you {reference} in a private chat.").format(reference=case.reference),
        )


def register(app: Application) -> None:
    staff_chat = app.bot_data.staff_group.chat_filter
    app.add_handler(
        MessageHandler(
            filters.REPLY & ~filters.COMMAND & (filters.ChatType.PRIVATE | staff_chat),
            on_staff_reply,
        ),
        group=STAFF_REPLY_GROUP,
    )
    app.add_handler(
        CallbackQueryHandler(on_staff_button, pattern=CASES.pattern())
    )
    app.add_handler(CommandHandler("pendientes", pending_command))
    app.add_handler(CommandHandler("caso", case_command))
