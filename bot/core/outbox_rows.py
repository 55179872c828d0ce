"""Housekeeping of the answers outbox (bot/core/outbox.py) that other services need."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OutboxMessage, OutboxStatus

# How long sent rows keep the real message id, for answers that refer to them.
KEEP_SENT = timedelta(hours=1)


async def forget_chat(session: AsyncSession, chat_id: int) -> None:
    """Answers to this chat that still wait are not sent (quick exit, erasure)."""
    await session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == chat_id))


async def prune(session: AsyncSession, now: datetime) -> None:
    """Forget sent answers once nothing can refer to them any more."""
    await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.created_at < now - KEEP_SENT
        )
    )
