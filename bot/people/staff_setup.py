"""Setting the office up from Telegram: /vincular links the staff group, /chatid tells a
chat's id, and a group moved to a supergroup is followed.

These run before the gate (SETUP_GROUP): the gate sends anyone writing in a group that
is not the staff group to a private chat, and a group being linked is not one yet.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.core import audit, forum_topics
from bot.core.command_menus import set_command_menus
from bot.core.context import BotContext
from bot.people import service_workspace

log = logging.getLogger(__name__)

SETUP_GROUP = -20


async def chat_id_command(update: Update, context: BotContext) -> None:
    """/chatid, in any chat: its id (for STAFF_CHAT_ID, if the office prefers .env)."""
    chat = update.effective_chat
    assert chat is not None
    context.scope.locale = context.settings.default_locale
    await context.send(chat.id, context.t("This chat's id is {id}").format(id=chat.id))
    raise ApplicationHandlerStop


async def link_command(update: Update, context: BotContext) -> None:
    """/vincular <code>: this group becomes the staff group, its sender the first admin."""
    chat, person = update.effective_chat, update.effective_user
    assert chat is not None
    context.scope.locale = context.settings.default_locale
    t = context.t
    if person is None:
        raise ApplicationHandlerStop
    if chat.type == ChatType.PRIVATE:
        await context.send(
            chat.id,
            t("Send /vincular with the code in the office's group, after adding me to it."),
        )
        raise ApplicationHandlerStop
    try:
        await service_workspace.link_group(
            context.session,
            bot_token=context.settings.bot_token,
            typed_code=" ".join(context.args or []),
            chat_id=chat.id,
            user_id=person.id,
            display_name=person.full_name,
            current_chat_id=context.bot_data.staff_group.chat_id,
            now=context.now(),
        )
    except service_workspace.LinkRefused as refused:
        await _refuse_link(context, chat.id, person.id, refused.reason)
        return
    audit.record(context.session, actor_id=person.id, action="link_staff_group", now=context.now())
    # In force at once in this process (other replicas see it at their next refresh; a
    # failed commit is undone by that refresh too).
    context.bot_data.staff_group.set(chat.id, context.admin_ids | {person.id})
    await forum_topics.detect(context.bot_data)
    await set_command_menus(
        context.bot, context.bot_data.catalogs, context.settings.default_locale, chat.id
    )
    log.info("staff group linked with /vincular")
    await context.send(
        chat.id,
        t(
            "✅ This group is now the office's staff group, and you are its administrator. "
            "Add colleagues with /alta_staff (reply to one of their messages). "
            "New cases will arrive here."
        ),
    )
    raise ApplicationHandlerStop


async def _refuse_link(context: BotContext, chat_id: int, person_id: int, reason: str) -> None:
    t = context.t
    audit.record(
        context.session, actor_id=person_id, action=f"refused_link_{reason}", now=context.now()
    )
    if reason == service_workspace.ALREADY_LINKED and chat_id == context.staff_chat_id:
        text = t("This group is already the office's staff group.")
    elif reason == service_workspace.ALREADY_LINKED:
        text = t("The office already has a staff group; this group was not linked.")
    else:
        text = t("That code is not right. Copy it again from the bot's console: /vincular CODE")
    await context.send(chat_id, text)
    raise ApplicationHandlerStop


async def on_migration(update: Update, context: BotContext) -> None:
    """Telegram moved a group to a supergroup (its id changes): if it was the staff group,
    follow it. The service message arrives in the old chat (migrate_to_chat_id) and in
    the new one (migrate_from_chat_id); either is enough."""
    message = update.effective_message
    if message is None:
        return
    current = context.bot_data.staff_group.chat_id
    if message.migrate_to_chat_id and message.chat.id == current:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id and message.migrate_from_chat_id == current:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    await service_workspace.follow_migration(
        context.session,
        old_chat_id=old,
        new_chat_id=new,
        env_chat_id=context.settings.staff_chat_id,
        now=context.now(),
    )
    context.bot_data.staff_group.set(new, context.admin_ids)
    await forum_topics.detect(context.bot_data)
    log.info("the staff group became a supergroup: following it")
    raise ApplicationHandlerStop


def register(app: Application) -> None:
    app.add_handler(CommandHandler("chatid", chat_id_command), group=SETUP_GROUP)
    app.add_handler(CommandHandler("vincular", link_command), group=SETUP_GROUP)
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migration), group=SETUP_GROUP)
