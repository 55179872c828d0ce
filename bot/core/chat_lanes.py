"""Each chat's updates in update_id order, one replica at a time (PostgreSQL).

Several replicas share one database; any of them may receive any update (a webhook
behind a load balancer). Every update is stored first (bot.core.inbox, with its chat);
then whoever wants to process a chat's updates takes a *transaction-scoped advisory
lock* for that chat and, while holding it, processes the chat's oldest unprocessed
update, in the transaction that marks it processed. So:

- one replica at a time works on a chat, always on its oldest update, whatever replica
  received it;
- the lock is the lease: it ends with the transaction, and a replica that dies (even
  `kill -9`) loses its connection, so PostgreSQL ends the transaction and frees the
  lock at once; the update it was processing was not marked processed, and is processed
  by the next one (bot.core.update_pipeline adopts the waiting chats every second);
- a replica that finds the lock taken leaves the update to the holder, which looks once
  more after letting go: an update stored while the holder worked is never stranded.

SQLite runs one process, whose in-process lanes are enough (bot.core.update_pipeline).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# First half of the two-int advisory lock key ("omc": chats); bot.core.liveness uses "omm".
LOCK_NAMESPACE = 0x6F6D63

_NEXT = text(
    """
    WITH lane AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(:ns, :key) AS got)
    SELECT lane.got, oldest.update_id, oldest.payload
    FROM lane LEFT JOIN LATERAL (
        SELECT update_id, payload FROM inbox_updates
        WHERE lane.got AND chat_id = :chat AND processed_at IS NULL
        ORDER BY update_id LIMIT 1
    ) AS oldest ON true
    """
)
_WAITING = text(
    "SELECT EXISTS (SELECT 1 FROM inbox_updates WHERE chat_id = :chat AND processed_at IS NULL)"
)
_RELOCK = text("SELECT pg_advisory_xact_lock(:ns, :key)")
_STILL_WAITING = text(
    "SELECT EXISTS (SELECT 1 FROM inbox_updates "
    "WHERE update_id = :update_id AND processed_at IS NULL)"
)
_ORPHANS = text(
    "SELECT DISTINCT chat_id FROM inbox_updates "
    "WHERE processed_at IS NULL AND chat_id IS NOT NULL AND received_at < :before "
    "LIMIT :limit"
)


def lock_key(chat_id: int) -> int:
    """The second half of the lock key: the chat id folded to a signed int4 (two chats
    sharing a key only wait for each other)."""
    folded = (chat_id ^ (chat_id >> 32)) & 0xFFFFFFFF
    return folded - 2**31


def _params(chat_id: int) -> dict[str, Any]:
    return {"ns": LOCK_NAMESPACE, "key": lock_key(chat_id), "chat": chat_id}


async def next_update(session: AsyncSession, chat_id: int) -> tuple[bool, int | None, str | None]:
    """Take the chat's lock for this transaction and return its oldest unprocessed update:
    (False, None, None) when another replica holds the lock; (True, None, None) when
    nothing waits (let go of the lock, then ask `waiting` once more)."""
    row = (await session.execute(_NEXT, _params(chat_id))).one()
    return bool(row[0]), row[1], row[2]


async def waiting(session: AsyncSession, chat_id: int) -> bool:
    """Whether the chat has an update not processed yet (asked without the lock)."""
    return bool(await session.scalar(_WAITING, {"chat": chat_id}))


async def relock(session: AsyncSession, chat_id: int, update_id: int) -> bool:
    """After a rollback inside an update (its effects undone): take the lock again and say
    whether the update still waits (another replica may have processed it meanwhile)."""
    await session.execute(_RELOCK, _params(chat_id))
    return bool(await session.scalar(_STILL_WAITING, {"update_id": update_id}))


async def orphans(session: AsyncSession, before: datetime, limit: int = 200) -> list[int]:
    """Chats with updates stored before `before` and still not processed: their receiver
    died, or stored them while another replica worked on the chat."""
    rows = await session.execute(_ORPHANS, {"before": before, "limit": limit})
    return [int(r[0]) for r in rows]
