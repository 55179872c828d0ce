"""Quick exit: erase the conversation from her phone and leave one neutral line.

Telegram lets a bot delete, in a private chat, its own messages and hers for 48
hours; every message id is tracked for this. Nothing of the conversation's
topic is left on screen, and her half-done step is forgotten.
"""

from __future__ import annotations

import logging
from functools import partial

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.config import SUPPORTED_LOCALES
from bot.core import callbacks, conversation, outbox_rows, tracking
from bot.core.context import BotContext
from bot.core.i18n import N_
from bot.core.routing import Routes

log = logging.getLogger(__name__)

# Reads like any everyday chat.
NEUTRAL_LINE = N_("👍 OK")
EXIT_LABEL = N_("🚪 Quick exit")


def is_exit_text(context: BotContext, text: str | None) -> bool:
    """The quick-exit button of a reply keyboard arrives as its text, in any language."""
    if not text:
        return False
    catalogs = context.bot_data.catalogs
    return text.strip() in {catalogs.get(locale)(EXIT_LABEL) for locale in SUPPORTED_LOCALES}


async def quick_exit(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    session, now = context.session, context.now()
    ids = set(await tracking.deletable(session, chat.id, now))
    ids.update(m for c, m in context.scope.tracked if c == chat.id)
    ids.update(context.bot_data.outbox.unrecorded_messages(chat.id))
    if update.effective_message is not None:
        ids.add(update.effective_message.message_id)
    if context.user is not None:
        await conversation.clear_state(session, context.user.id)
    await tracking.forget_chat(session, chat.id)
    # Answers still waiting for her chat (after a 429) must not arrive after she left.
    await outbox_rows.forget_chat(session, chat.id)
    context.scope.tracked.clear()
    ordered = sorted(ids)
    for start in range(0, len(ordered), 100):
        batch = ordered[start : start + 100]

        async def one_by_one(batch: list[int] = batch) -> None:
            # Some were too old or already gone: Telegram refuses the whole batch then.
            for message_id in batch:
                await context.bot.delete_message(chat.id, message_id)

        await context.send_or(partial(context.bot.delete_messages, chat.id, batch), one_by_one)
    await context.send(chat.id, context.t(NEUTRAL_LINE), ReplyKeyboardRemove())


def register(app: Routes) -> None:
    app.add_handler(
        CallbackQueryHandler(quick_exit, pattern=callbacks.QUICK_EXIT.pattern())
    )
    app.add_handler(
        CommandHandler(["salir", "exit", "x"], quick_exit, filters=filters.ChatType.PRIVATE)
    )
