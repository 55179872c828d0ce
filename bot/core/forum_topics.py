"""Forum topics in the staff group: one per case, and fixed ones for the rest.

When the staff group has topics enabled and the bot is an administrator with "Manage
topics" (`detect`, asked of Telegram at start, after a link or a move to a supergroup,
and at each refresh), each case gets its own topic (bot.cases.topics) and the agenda,
activities, announcements and the daily digest each get a fixed one, created on first
need and remembered in the database (workspace_settings, one key per topic and group).
Otherwise everything goes to the group as it always did.

A topic deleted by hand is made again at the next need: a send refused with "message
thread not found" forgets it (`forget_thread`) and tries once more in a new topic; an
answer already in the outbox goes to the group's General topic instead (bot.core.outbox).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import ChatMemberAdministrator, ChatMemberOwner, Update
from telegram.error import BadRequest, TelegramError

from bot.core.context import BotData
from bot.core.i18n import N_
from bot.db.models import Case, WorkspaceSetting
from bot.db.upsert import insert_or_update

log = logging.getLogger(__name__)
T = TypeVar("T")


class Fixed(enum.StrEnum):
    """The topics that are not a case's."""

    AGENDA = "agenda"
    ACTIVITIES = "activities"
    ANNOUNCEMENTS = "announcements"
    DIGEST = "digest"


FIXED_NAMES = {
    Fixed.AGENDA: N_("📅 Agenda and bookings"),
    Fixed.ACTIVITIES: N_("🎨 Activities"),
    Fixed.ANNOUNCEMENTS: N_("📣 Announcements"),
    Fixed.DIGEST: N_("☀️ Daily digest"),
}
_KEY_PREFIX = "topic:"


def topic_of(update: Update) -> tuple[int, int] | None:
    """(chat id, topic) of an update that came from a forum topic."""
    message = update.effective_message
    if message is None or not message.is_topic_message or not message.message_thread_id:
        return None
    return message.chat.id, message.message_thread_id


def thread_gone(exc: BaseException) -> bool:
    """Telegram refused a send because its topic no longer exists."""
    text = str(exc).lower()
    return isinstance(exc, BadRequest) and (
        "thread not found" in text or "topic_deleted" in text or "topic_id_invalid" in text
    )


async def detect(data: BotData) -> bool:
    """Ask Telegram whether the staff group has topics the bot may manage; remember it."""
    group = data.staff_group
    chat_id = group.chat_id
    if chat_id is None:
        return False
    bot = data.notifier.bot
    try:
        chat = await bot.get_chat(chat_id)
        member = await bot.get_chat_member(chat_id, bot.id)
    except TelegramError as exc:
        log.warning("could not ask Telegram about the staff group's topics: %s", exc)
        return group.topics
    able = bool(chat.is_forum) and (
        isinstance(member, ChatMemberOwner)
        or (isinstance(member, ChatMemberAdministrator) and bool(member.can_manage_topics))
    )
    if group.chat_id == chat_id:
        if able != group.topics:
            log.info(
                "staff group topics %s",
                "in use: one topic per case" if able else "not in use: posting in the group",
            )
        group.topics = able
    return able


def _key(topic: Fixed, chat_id: int) -> str:
    return f"{_KEY_PREFIX}{topic.value}:{chat_id}"


async def fixed_thread(
    data: BotData, topic: Fixed, session: AsyncSession | None = None
) -> int | None:
    """The fixed topic's thread in the staff group (made on first need); None when the
    group has no topics (or Telegram refused to make one: the post goes to the group).

    `session`: the update's own, inside a handler (so a new topic is remembered with
    the update's effects); jobs leave it out."""
    group = data.staff_group
    chat_id = group.chat_id
    if chat_id is None or not group.topics:
        return None
    if session is not None:
        return await _fixed_thread(data, topic, chat_id, session)
    async with data.session_factory() as own, own.begin():
        return await _fixed_thread(data, topic, chat_id, own)


async def _fixed_thread(
    data: BotData, topic: Fixed, chat_id: int, session: AsyncSession
) -> int | None:
    stored = await session.get(WorkspaceSetting, _key(topic, chat_id))
    if stored is not None:
        return int(stored.value)
    t = data.catalogs.get(data.settings.default_locale)
    try:
        created = await data.notifier.bot.create_forum_topic(chat_id, t(FIXED_NAMES[topic]))
    except TelegramError as exc:
        log.warning("could not create the %s topic (%s): posting in the group", topic, exc)
        return None
    thread = created.message_thread_id
    statement = insert_or_update(session, WorkspaceSetting, ["key"], ["value", "updated_at"])
    await session.execute(
        statement,
        {"key": _key(topic, chat_id), "value": str(thread), "updated_at": data.clock.now()},
    )
    log.info("created the %s topic in the staff group", topic)
    return thread


async def in_fixed(data: BotData, topic: Fixed, send: Callable[[int | None], Awaitable[T]]) -> T:
    """`send(thread)` in the fixed topic; if it was deleted by hand, in a new one."""
    thread = await fixed_thread(data, topic)
    try:
        return await send(thread)
    except BadRequest as exc:
        if thread is None or not thread_gone(exc):
            raise
    log.info("the %s topic was deleted: making it again", topic)
    chat_id = data.staff_group.chat_id
    if chat_id is not None:
        async with data.session_factory() as session, session.begin():
            await forget_thread(session, chat_id, thread)
    return await send(await fixed_thread(data, topic))


async def forget_thread(session: AsyncSession, chat_id: int, thread: int) -> None:
    """A topic of the staff group is gone: whatever pointed at it makes a new one."""
    keys = [_key(topic, chat_id) for topic in Fixed]
    await session.execute(
        delete(WorkspaceSetting).where(
            WorkspaceSetting.key.in_(keys), WorkspaceSetting.value == str(thread)
        )
    )
    await session.execute(
        update(Case).where(Case.staff_topic_id == thread).values(staff_topic_id=None)
    )


async def fixed_threads(session: AsyncSession, chat_id: int) -> dict[Fixed, int]:
    """The fixed topics remembered for a group (for tests and the health view)."""
    rows = await session.execute(
        select(WorkspaceSetting.key, WorkspaceSetting.value).where(
            WorkspaceSetting.key.in_([_key(topic, chat_id) for topic in Fixed])
        )
    )
    by_key = {_key(topic, chat_id): topic for topic in Fixed}
    return {by_key[key]: int(value) for key, value in rows.all()}
