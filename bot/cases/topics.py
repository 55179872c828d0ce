"""A case's own forum topic in the staff group (when the group has topics: see
bot.core.forum_topics).

Her card opens the topic; her later messages, voice notes and photos, staff notes, the
status changes and the outcome land in it. Closing the case closes the topic, reopening
reopens it, and deleting her data deletes it with everything in it. A topic deleted by
hand is made again, with a new card, the next time something of the case must go there.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram.error import BadRequest, TelegramError

from bot.core.context import BotData
from bot.core.forum_topics import thread_gone
from bot.db.models import Case
from bot.office import OfficeSettings

log = logging.getLogger(__name__)
T = TypeVar("T")


def topic_name(case: Case, office: OfficeSettings) -> str:
    """Its reference, category emoji and community; a sensitive case only its reference
    and 🔒 (the topic list is seen by the whole group, and on lock screens)."""
    if case.sensitive:
        return f"{case.reference} 🔒"
    category = office.category(case.category)
    parts = [case.reference]
    if category is not None and category.emoji:
        parts.append(category.emoji)
    if case.community:
        parts.append(case.community)
    return " ".join(parts)[:128]


async def open_topic(data: BotData, case: Case) -> int | None:
    """Make the case's topic and remember it on the case (saved with the caller's
    session); None when the group has no topics or Telegram refused."""
    group = data.staff_group
    if group.chat_id is None or not group.topics:
        return None
    try:
        created = await data.notifier.bot.create_forum_topic(
            group.chat_id, topic_name(case, data.settings.office)
        )
    except TelegramError as exc:
        log.warning("could not create a case's topic (%s): posting in the group", exc)
        return None
    case.staff_topic_id = created.message_thread_id
    return case.staff_topic_id


async def in_topic(
    case: Case,
    send: Callable[[int | None], Awaitable[T]],
    reopen: Callable[[], Awaitable[int | None]],
) -> T:
    """`send(thread)` in the case's topic; if the topic was deleted by hand, `reopen`
    makes a new one (with its card) and it is sent there."""
    thread = case.staff_topic_id
    try:
        return await send(thread)
    except BadRequest as exc:
        if thread is None or not thread_gone(exc):
            raise
    log.info("a case's topic was deleted by hand: making it again")
    case.staff_topic_id = None
    return await send(await reopen())
