"""Message ids in women's private chats, kept only so quick exit can delete them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import TrackedMessage

# Telegram lets a bot delete messages in a private chat for 48 hours.
DELETABLE_FOR = timedelta(hours=48)


async def track(session: AsyncSession, messages: Iterable[tuple[int, int]], now: datetime) -> None:
    """Remember (chat_id, message_id) pairs; pairs already known are ignored."""
    pairs = set(messages)
    if not pairs:
        return
    chat_ids = {chat for chat, _ in pairs}
    rows = await session.execute(
        select(TrackedMessage.chat_id, TrackedMessage.message_id).where(
            TrackedMessage.chat_id.in_(chat_ids),
            TrackedMessage.message_id.in_({m for _, m in pairs}),
        )
    )
    known = {(chat_id, message_id) for chat_id, message_id in rows}
    for chat_id, message_id in sorted(pairs - known):
        session.add(TrackedMessage(chat_id=chat_id, message_id=message_id, at=now))


async def deletable(session: AsyncSession, chat_id: int, now: datetime) -> list[int]:
    rows = await session.scalars(
        select(TrackedMessage.message_id)
        .where(TrackedMessage.chat_id == chat_id, TrackedMessage.at > now - DELETABLE_FOR)
        .order_by(TrackedMessage.message_id)
    )
    return list(rows)


async def forget_chat(session: AsyncSession, chat_id: int) -> None:
    await session.execute(delete(TrackedMessage).where(TrackedMessage.chat_id == chat_id))


async def prune(session: AsyncSession, now: datetime) -> None:
    await session.execute(delete(TrackedMessage).where(TrackedMessage.at <= now - DELETABLE_FOR))
