"""Incoming updates are stored once, replayed until processed, and then forgotten."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import inbox
from bot.core.clock import FrozenClock
from bot.db.models import InboxUpdate


async def test_duplicates_are_stored_once(session: AsyncSession, clock: FrozenClock) -> None:
    assert await inbox.store_new(session, [(1, "{}"), (2, "{}")], clock.now()) == [1, 2]
    await session.commit()
    assert await inbox.store_new(session, [(2, "{}"), (3, "{}"), (3, "{}")], clock.now()) == [3]


async def test_unprocessed_updates_are_replayed_and_payload_erased_after(
    session: AsyncSession, clock: FrozenClock
) -> None:
    await inbox.store_new(session, [(10, '{"a": 1}'), (11, '{"b": 2}')], clock.now())
    await inbox.mark_processed(session, [10], clock.now())
    await session.commit()
    assert await inbox.claim_unprocessed(session) == [(11, '{"b": 2}')]
    row = await session.get(InboxUpdate, 10)
    assert row is not None and row.payload is None and row.processed_at is not None


async def test_an_update_that_keeps_crashing_is_set_aside(
    session: AsyncSession, clock: FrozenClock
) -> None:
    await inbox.store_new(session, [(20, "{}")], clock.now())
    await session.commit()
    for _ in range(inbox.MAX_ATTEMPTS):
        assert await inbox.claim_unprocessed(session) == [(20, "{}")]
        await session.commit()
    assert await inbox.claim_unprocessed(session) == []


async def test_old_processed_ids_are_pruned(session: AsyncSession, clock: FrozenClock) -> None:
    await inbox.store_new(session, [(30, "{}"), (31, "{}")], clock.now())
    await inbox.mark_processed(session, [30], clock.now())
    await session.commit()
    await inbox.prune(session, clock.now() + timedelta(days=8))
    await session.commit()
    assert await session.get(InboxUpdate, 30) is None
    assert await session.get(InboxUpdate, 31) is not None
