"""Durable storage of incoming updates: stored before acknowledged, processed once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import InboxUpdate
from bot.db.upsert import insert_or_ignore

# A payload that crashed the process this many times is set aside, not retried forever.
MAX_ATTEMPTS = 5


async def store_new(
    session: AsyncSession,
    updates: Sequence[tuple[int, str]],
    now: datetime,
    chats: Mapping[int, int | None] | None = None,
) -> list[int]:
    """Store the updates not seen before; return their ids (duplicates are dropped).

    `chats` gives each update's chat (or user), whose updates are processed in order."""
    if not updates:
        return []
    # Each id once, in the order Telegram sent them.
    unique = dict(updates)
    chats = chats or {}
    rows = [
        {
            "update_id": update_id,
            "payload": payload,
            "received_at": now,
            "attempts": 0,
            "chat_id": chats.get(update_id),
        }
        for update_id, payload in unique.items()
    ]
    statement = insert_or_ignore(session, InboxUpdate, ["update_id"]).returning(
        InboxUpdate.update_id
    )
    stored = set((await session.scalars(statement, rows)).all())
    return [update_id for update_id in unique if update_id in stored]


async def claim_unprocessed(session: AsyncSession, limit: int = 1000) -> list[tuple[int, str]]:
    """Updates stored but not processed (the process stopped); counts the attempt."""
    rows = (
        await session.scalars(
            select(InboxUpdate)
            .where(InboxUpdate.processed_at.is_(None))
            .order_by(InboxUpdate.update_id)
            .limit(limit)
        )
    ).all()
    result: list[tuple[int, str]] = []
    for row in rows:
        row.attempts += 1
        if row.payload is None or row.attempts > MAX_ATTEMPTS:
            row.processed_at = row.received_at
            row.payload = None
            continue
        result.append((row.update_id, row.payload))
    return result


_TABLE: Any = InboxUpdate.__table__
# Built once: every update runs it, and rebuilding a statement costs more than SQLite does.
_MARK_ONE = (
    update(_TABLE)
    .where(_TABLE.c.update_id == bindparam("b_update_id"))
    .values(processed_at=bindparam("now"), payload=None)
)


async def mark_one_processed(session: AsyncSession, update_id: int, now: datetime) -> None:
    """`mark_processed` for the one update being handled, in its own transaction."""
    await session.execute(_MARK_ONE, {"b_update_id": update_id, "now": now})


async def mark_processed(session: AsyncSession, update_ids: Sequence[int], now: datetime) -> None:
    """Done: forget the payload (it may hold personal data), keep the id to deduplicate."""
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id.in_(list(update_ids)))
        .values(processed_at=now, payload=None)
    )


async def prune(session: AsyncSession, now: datetime, keep: timedelta = timedelta(days=7)) -> None:
    await session.execute(
        delete(InboxUpdate).where(
            InboxUpdate.processed_at.is_not(None), InboxUpdate.processed_at < now - keep
        )
    )


async def forget_payload(session: AsyncSession, update_id: int) -> None:
    """Erase an update's payload now, before it is marked processed.

    The update asking to delete her data carries her name (Telegram sends it with
    every update): it is erased in the same transaction as her data. Should the
    process stop before the update is marked processed, the replay finds no payload
    and sets it aside (see `claim_unprocessed`).
    """
    await session.execute(
        update(InboxUpdate).where(InboxUpdate.update_id == update_id).values(payload=None)
    )
