"""Message ids in women's private chats, kept only so quick exit can delete them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import TrackedMessage
from bot.db.upsert import insert_or_ignore

# Telegram lets a bot delete messages in a private chat for 48 hours.
DELETABLE_FOR = timedelta(hours=48)


async def track(session: AsyncSession, messages: Iterable[tuple[int, int]], now: datetime) -> None:
    """Remember (chat_id, message_id) pairs; pairs already known are ignored."""
    # Ids below 1 are placeholders of answers not sent yet (bot/core/outbox.py): the outbox
    # tracks the real id once Telegram gives it.
    rows = [{"chat_id": c, "message_id": m, "at": now} for c, m in sorted(set(messages)) if m > 0]
    if rows:
        await session.execute(
            insert_or_ignore(session, TrackedMessage, ["chat_id", "message_id"]), rows
        )


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
