"""Runs first for every update: who is this, which language, and is this chat ours."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType, MessageEntityType
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.core import users
from bot.core.context import BotContext

GATE_GROUP = -10


async def gate(update: Update, context: BotContext) -> None:
    chat, person = update.effective_chat, update.effective_user
    scope = context.scope
    catalogs = context.bot_data.catalogs
    if chat is None:
        raise ApplicationHandlerStop
    if chat.type == ChatType.PRIVATE:
        if person is not None:
            scope.user = await users.load_user(context.session, person.id)
            if scope.user is not None:
                scope.locale = scope.user.locale
                if not scope.user.active:
                    # She writes again, so she unblocked the bot.
                    scope.user.active = True
            else:
                scope.locale = catalogs.pick_locale(person.language_code)
        if update.message is not None:
            context.track(chat.id, update.message.message_id)
        return
    if chat.id == context.bot_data.staff_group.chat_id:
        scope.locale = context.settings.default_locale
        return
    # Any other group: nothing happens here but a pointer to the private chat.
    scope.locale = catalogs.pick_locale(person.language_code if person else None)
    if _addressed_to_bot(update, context):
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            context.t(
                "Hello 👋 To talk with the office, please write to me in a private chat: {link}"
            ).format(link=f"https://t.me/{context.bot_data.bot_username}")
        )
    raise ApplicationHandlerStop


def _addressed_to_bot(update: Update, context: BotContext) -> bool:
    message = update.message
    if message is None:
        return False
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == context.bot.id:
        return True
    return any(
        e.type in (MessageEntityType.BOT_COMMAND, MessageEntityType.MENTION)
        for e in (message.entities or ())
    )


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, gate), group=GATE_GROUP)
