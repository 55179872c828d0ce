"""Broadcasts: audiences, idempotent start, claims never shared, at most once, opt-out."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Broadcast, BroadcastDelivery, NetworkMember, User
from bot.services import broadcasts, users

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TOKEN_A, TOKEN_B = "host:1:aaaa", "host:2:bbbb"


async def woman(
    session: AsyncSession,
    user_id: int,
    community: str | None = "Xecotz",
    *,
    registered: bool = True,
    active: bool = True,
    opted_out: bool = False,
    network: str | None = None,
) -> None:
    user = await users.give_consent(session, user_id, "es", NOW - timedelta(days=1))
    user.community = community
    if registered:
        users.finish_registration(user, NOW - timedelta(days=1))
    user.active = active
    if opted_out:
        user.announcements_opt_out_at = NOW - timedelta(hours=1)
    if network is not None:
        session.add(
            NetworkMember(
                user_id=user_id, community=network, role="member", joined_at=NOW, organization=None
            )
        )
    await session.flush()


async def recipients_of(session: AsyncSession, audience: dict[str, object]) -> set[int]:
    return set((await session.scalars(broadcasts.audience_query(audience))).all())


async def population(session: AsyncSession) -> None:
    await woman(session, 1, "Xecotz")
    await woman(session, 2, "Pachitur", network="Pachitur")
    await woman(session, 3, "Xecotz", active=False)  # blocked the bot
    await woman(session, 4, "Xecotz", opted_out=True)
    await woman(session, 5, "Xecotz", registered=False)  # consented, never finished
    await woman(session, 6, "Panyebar", network="Panyebar")
    await session.commit()


async def test_audiences_exclude_inactive_opted_out_and_unregistered(
    session: AsyncSession,
) -> None:
    await population(session)
    assert await recipients_of(session, {"kind": "everyone"}) == {1, 2, 6}
    assert await recipients_of(session, {"kind": "communities", "communities": ["Xecotz"]}) == {1}
    assert await recipients_of(
        session, {"kind": "communities", "communities": ["Xecotz", "Panyebar"]}
    ) == {1, 6}
    assert await recipients_of(session, {"kind": "network"}) == {2, 6}
    assert await recipients_of(session, {"kind": "network", "communities": ["Panyebar"]}) == {6}
    assert await broadcasts.count_recipients(session, {"kind": "everyone"}) == 3


async def test_unknown_audience_is_refused(session: AsyncSession) -> None:
    for bad in (
        {"kind": "nobody"},
        {"kind": "communities"},
        {"kind": "everyone", "communities": 3},
    ):
        try:
            await broadcasts.create(session, text="x", audience=bad, created_by=1, now=NOW)
        except broadcasts.AudienceError:
            continue
        raise AssertionError(f"accepted {bad}")


async def started(session: AsyncSession, audience: dict[str, object] | None = None) -> int:
    broadcast = await broadcasts.create(
        session,
        text="Taller el martes",
        audience=audience or {"kind": "everyone"},
        created_by=900001,
        now=NOW,
    )
    await session.commit()
    return broadcast.id


async def test_start_is_idempotent(session: AsyncSession) -> None:
    await population(session)
    broadcast_id = await started(session)
    assert await broadcasts.start(session, broadcast_id, NOW) == 3
    await session.commit()
    assert await broadcasts.start(session, broadcast_id, NOW) == 0
    # Even materialising again (a retried start) writes nobody twice.
    assert await broadcasts.materialise(session, broadcast_id, {"kind": "everyone"}) == 0
    await session.commit()
    rows = (
        await session.scalars(
            select(BroadcastDelivery.user_id).where(BroadcastDelivery.broadcast_id == broadcast_id)
        )
    ).all()
    assert sorted(rows) == [1, 2, 6]
    broadcast = await session.get(Broadcast, broadcast_id, populate_existing=True)
    assert broadcast is not None and broadcast.status == "sending" and broadcast.started_at == NOW
    assert (await broadcasts.progress(session, broadcast_id))["pending"] == 3


async def test_scheduled_broadcast_is_due_at_its_time(session: AsyncSession) -> None:
    await population(session)
    broadcast_id = await started(session)
    assert await broadcasts.due_broadcasts(session, NOW) == []  # a draft is never sent
    assert await broadcasts.schedule(session, broadcast_id, NOW + timedelta(hours=1))
    await session.commit()
    assert await broadcasts.due_broadcasts(session, NOW) == []
    assert await broadcasts.due_broadcasts(session, NOW + timedelta(hours=1)) == [broadcast_id]


async def test_delivery_lifecycle_and_done(session: AsyncSession) -> None:
    await population(session)
    broadcast_id = await started(session)
    await broadcasts.start(session, broadcast_id, NOW)
    claimed = await broadcasts.claim_batch(session, broadcast_id, NOW, TOKEN_A, 10)
    await session.commit()
    assert [c.user_id for c in claimed] == [1, 2, 6]
    ids = [c.id for c in claimed]
    # Another process cannot arm or finish this process's claims.
    assert await broadcasts.begin_attempt(session, ids, TOKEN_B, NOW) == 0
    assert await broadcasts.begin_attempt(session, ids, TOKEN_A, NOW) == 3
    assert await broadcasts.mark_sent(session, ids[:1], TOKEN_A, NOW) == 1
    assert await broadcasts.mark_blocked(session, ids[1:2], TOKEN_A, NOW) == 1
    assert await broadcasts.release(session, ids[2:], TOKEN_A) == 1
    await session.commit()
    assert not await broadcasts.finish_if_complete(session, broadcast_id, NOW)
    her = await session.get(User, 2, populate_existing=True)
    assert her is not None and not her.active
    again = await broadcasts.claim_batch(session, broadcast_id, NOW, TOKEN_B, 10)
    assert [c.user_id for c in again] == [6]
    await broadcasts.begin_attempt(session, [again[0].id], TOKEN_B, NOW)
    await broadcasts.mark_failed(session, [again[0].id], TOKEN_B, NOW, "outcome unknown")
    assert await broadcasts.finish_if_complete(session, broadcast_id, NOW)
    await session.commit()
    assert await broadcasts.progress(session, broadcast_id) == {
        "pending": 0,
        "claimed": 0,
        "attempting": 0,
        "sent": 1,
        "blocked": 1,
        "failed": 1,
    }
    assert await broadcasts.due_broadcasts(session, NOW) == []


async def test_stale_claims_at_most_once(session: AsyncSession) -> None:
    await population(session)
    broadcast_id = await started(session)
    await broadcasts.start(session, broadcast_id, NOW)
    claimed = await broadcasts.claim_batch(session, broadcast_id, NOW, TOKEN_A, 10)
    # The process armed the first (maybe sent it) and died; the others only claimed.
    await broadcasts.begin_attempt(session, [claimed[0].id], TOKEN_A, NOW)
    await session.commit()
    assert await broadcasts.release_stale_claims(session, NOW + timedelta(seconds=30)) == (0, 0)
    later = NOW + broadcasts.STALE_CLAIM_AFTER + timedelta(seconds=1)
    assert await broadcasts.release_stale_claims(session, later) == (2, 1)
    await session.commit()
    counts = await broadcasts.progress(session, broadcast_id)
    assert counts["pending"] == 2 and counts["failed"] == 1
    again = await broadcasts.claim_batch(session, broadcast_id, later, TOKEN_B, 10)
    assert {c.id for c in again} == {c.id for c in claimed[1:]}
    # The dead process's late answer changes nothing.
    assert await broadcasts.mark_sent(session, [claimed[0].id], TOKEN_A, later) == 0


async def test_opt_out_and_back(session: AsyncSession) -> None:
    await population(session)
    assert await broadcasts.opt_out(session, 1, NOW)
    assert not await broadcasts.opt_out(session, 1, NOW)
    await session.commit()
    assert await recipients_of(session, {"kind": "everyone"}) == {2, 6}
    assert await broadcasts.opt_in(session, 1)
    await session.commit()
    assert await recipients_of(session, {"kind": "everyone"}) == {1, 2, 6}


async def test_two_concurrent_claimers_never_share_a_delivery(database_url: str) -> None:
    setup = create_engine(database_url)
    count = 120
    async with create_session_factory(setup)() as session:
        for user_id in range(1000, 1000 + count):
            await woman(session, user_id)
        broadcast_id = await started(session)
        assert await broadcasts.start(session, broadcast_id, NOW) == count
        await session.commit()
    await setup.dispose()

    engines = [create_engine(database_url), create_engine(database_url)]
    got: dict[str, list[int]] = {TOKEN_A: [], TOKEN_B: []}

    async def claimer(engine_index: int, token: str) -> None:
        sessions = create_session_factory(engines[engine_index])
        while True:
            async with sessions() as session:
                claimed = await broadcasts.claim_batch(session, broadcast_id, NOW, token, 7)
                await session.commit()
            if not claimed:
                return
            got[token].extend(c.id for c in claimed)
            await asyncio.sleep(0)

    try:
        await asyncio.wait_for(
            asyncio.gather(claimer(0, TOKEN_A), claimer(1, TOKEN_B), claimer(0, TOKEN_A)), 60
        )
        every = got[TOKEN_A] + got[TOKEN_B]
        assert len(every) == count and len(set(every)) == count
        async with create_session_factory(engines[1])() as session:
            owners = (
                await session.execute(select(BroadcastDelivery.claimed_by, BroadcastDelivery.id))
            ).all()
        for token, delivery_id in owners:
            assert delivery_id in got[token]
    finally:
        for engine in engines:
            await engine.dispose()
