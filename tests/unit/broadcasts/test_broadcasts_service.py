"""Broadcasts: audiences, idempotent start, claims never shared, at most once, opt-out."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.activities import service_subscriptions as activity_subscriptions
from bot.broadcasts import service as broadcasts
from bot.broadcasts import service_status as broadcast_status
from bot.core import delivery_claims, users
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Broadcast, BroadcastDelivery, NetworkMember, User

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TOKEN_A, TOKEN_B = "host:1:aaaa", "host:2:bbbb"


async def all_dead(session: AsyncSession, tokens: Iterable[str]) -> set[str]:
    return set(tokens)


async def none_dead(session: AsyncSession, tokens: Iterable[str]) -> set[str]:
    return set()


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
        "unknown": 0,
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
    # While its process lives, nothing is touched, however old the claims.
    released = await delivery_claims.release_deliveries(session, BroadcastDelivery, none_dead)
    assert (released.pending, released.unknown) == (0, 0)
    # Its process is gone: never-begun back to pending, begun → unknown (not failed).
    released = await delivery_claims.release_deliveries(session, BroadcastDelivery, all_dead)
    assert (released.pending, released.unknown) == (2, 1)
    await session.commit()
    counts = await broadcasts.progress(session, broadcast_id)
    assert counts["pending"] == 2 and counts["unknown"] == 1 and counts["failed"] == 0
    # The dead process's late answer changes nothing: at most once, its outcome unknown.
    assert await broadcasts.mark_sent(session, [claimed[0].id], TOKEN_A, NOW) == 0
    later = NOW + timedelta(seconds=1)
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


# ── Audiences about activities ─────────────────────────────────────────────────

TZ = ZoneInfo("America/Guatemala")


async def test_activity_type_audience_follows_her_subscriptions(session: AsyncSession) -> None:
    await population(session)  # 1, 2, 6 reachable, none has chosen: they hear of every kind
    await woman(session, 7, "Xecotz")
    await woman(session, 8, "Pachitur")
    await activity_subscriptions.set_subscriptions(session, 2, ["fair"])
    await activity_subscriptions.set_subscriptions(session, 6, ["training", "pregnant_club"])
    await activity_subscriptions.set_subscriptions(session, 7, [])  # no kind at all
    await activity_subscriptions.set_subscriptions(session, 3, ["fair"])  # inactive: never reached
    await session.commit()
    fairs = {"kind": "activity_type", "types": ["fair"]}
    assert await recipients_of(session, fairs) == {1, 2, 8}
    both = {"kind": "activity_type", "types": ["fair", "training"]}
    assert await recipients_of(session, both) == {1, 2, 6, 8}
    assert await recipients_of(session, {**fairs, "communities": ["Pachitur"]}) == {2, 8}
    assert await broadcasts.count_recipients(session, both) == 4


async def test_activity_audience_reaches_women_going_or_waiting(session: AsyncSession) -> None:
    await population(session)
    await woman(session, 7, "Xecotz")
    await woman(session, 8, "Xecotz")
    one_off = await activities.create(
        session, kind="fair", title="Feria", starts_at=NOW + timedelta(days=2), now=NOW, capacity=1
    )
    series = await activities.create(
        session,
        kind="training",
        title="Costura",
        starts_at=NOW + timedelta(days=1),
        now=NOW,
        rrule="FREQ=WEEKLY",
    )
    first, second = NOW + timedelta(days=1), NOW + timedelta(days=8)
    assert await signups.sign_up(session, one_off.id, one_off.starts_at, 1, NOW, tz=TZ)
    assert await signups.sign_up(session, one_off.id, one_off.starts_at, 2, NOW, tz=TZ) == (
        "waitlist"
    )
    await signups.sign_up(session, one_off.id, one_off.starts_at, 7, NOW, tz=TZ)
    await signups.cancel_signup(session, one_off.id, one_off.starts_at, 7, NOW)
    await signups.sign_up(session, one_off.id, one_off.starts_at, 4, NOW, tz=TZ)  # opted out
    await signups.sign_up(session, series.id, first, 6, NOW, tz=TZ)
    await signups.sign_up(session, series.id, second, 8, NOW, tz=TZ)
    await session.commit()

    def about(activity_id: int, when: datetime | None = None) -> dict[str, object]:
        audience: dict[str, object] = {"kind": "activity", "activity_id": activity_id}
        if when is not None:
            audience["occurrence_start"] = when.isoformat()
        return audience

    assert await recipients_of(session, about(one_off.id)) == {1, 2}
    assert await recipients_of(session, about(series.id, first)) == {6}
    assert await recipients_of(session, about(series.id, second)) == {8}
    every_date = broadcasts.audience_query(about(series.id), NOW)
    assert set((await session.scalars(every_date)).all()) == {6, 8}
    # "From now on": once the first date is past, only the second one's women.
    later = broadcasts.audience_query(about(series.id), first + timedelta(hours=1))
    assert set((await session.scalars(later)).all()) == {8}
    assert await broadcasts.count_recipients(session, about(series.id), NOW) == 2
    # Starting it materialises the women of dates from then on.
    broadcast_id = await started(session, about(series.id))
    assert await broadcasts.start(session, broadcast_id, first + timedelta(hours=1)) == 1


async def test_bad_activity_audiences_are_refused(session: AsyncSession) -> None:
    for bad in (
        {"kind": "activity_type"},
        {"kind": "activity_type", "types": []},
        {"kind": "activity_type", "types": ["cooking"]},
        {"kind": "activity_type", "types": "fair"},
        {"kind": "activity_type", "types": ["none"]},
        {"kind": "activity"},
        {"kind": "activity", "activity_id": "3"},
        {"kind": "activity", "activity_id": True},
        {"kind": "activity", "activity_id": 0},
        {"kind": "activity", "activity_id": 3, "occurrence_start": "2026-12-01T15:00:00"},
        {"kind": "activity", "activity_id": 3, "occurrence_start": "tomorrow"},
    ):
        with pytest.raises(broadcasts.AudienceError):
            broadcasts.validate_audience(bad)


async def test_text_must_fit_a_message_or_a_caption(session: AsyncSession) -> None:
    everyone = {"kind": "everyone"}
    for text, photo in (("", None), ("   ", None), ("x" * 4097, None), ("x" * 1025, "AgAD")):
        with pytest.raises(ValueError):
            await broadcasts.create(
                session, text=text, audience=everyone, created_by=1, now=NOW, photo_file_id=photo
            )
    # Telegram counts UTF-16 units: 2,048 emoji fill a message.
    await broadcasts.create(session, text="🌸" * 2048, audience=everyone, created_by=1, now=NOW)
    with pytest.raises(ValueError):
        await broadcasts.create(session, text="🌸" * 2049, audience=everyone, created_by=1, now=NOW)


async def test_the_announced_date_is_its_own_or_the_activity_next(session: AsyncSession) -> None:
    series = await activities.create(
        session,
        kind="training",
        title="Costura",
        starts_at=NOW - timedelta(days=6),
        now=NOW,
        rrule="FREQ=WEEKLY",
    )
    own_date = NOW + timedelta(days=8)
    everyone = {"kind": "everyone"}
    about_series = await broadcasts.create(
        session, text="t", audience=everyone, created_by=1, now=NOW, activity_id=series.id
    )
    about_date = await broadcasts.create(
        session,
        text="t",
        audience=everyone,
        created_by=1,
        now=NOW,
        activity_id=series.id,
        occurrence_start=own_date,
    )
    plain = await broadcasts.create(session, text="t", audience=everyone, created_by=1, now=NOW)
    await session.commit()
    next_date = await broadcast_status.announced_occurrence(session, about_series, NOW, TZ)
    assert next_date == NOW + timedelta(days=1)
    assert await broadcast_status.announced_occurrence(session, about_date, NOW, TZ) == own_date
    assert await broadcast_status.announced_occurrence(session, plain, NOW, TZ) is None
    await activities.cancel_series(session, series.id, NOW)
    await session.commit()
    assert await broadcast_status.announced_occurrence(session, about_series, NOW, TZ) is None


async def test_overview_lists_waiting_first_then_the_latest(session: AsyncSession) -> None:
    await population(session)
    done_id = await started(session)
    await broadcasts.start(session, done_id, NOW)
    claimed = await broadcasts.claim_batch(session, done_id, NOW, TOKEN_A, 10)
    ids = [c.id for c in claimed]
    await broadcasts.begin_attempt(session, ids, TOKEN_A, NOW)
    await broadcasts.mark_sent(session, ids[:2], TOKEN_A, NOW)
    await broadcasts.mark_blocked(session, ids[2:], TOKEN_A, NOW)
    await broadcasts.finish_if_complete(session, done_id, NOW)
    later_id, sooner_id, cancelled_id = [await started(session) for _ in range(3)]
    await broadcasts.schedule(session, later_id, NOW + timedelta(days=2))
    await broadcasts.schedule(session, sooner_id, NOW + timedelta(days=1))
    await broadcasts.cancel(session, cancelled_id, NOW)
    await started(session)  # a draft is not listed
    await broadcast_status.set_progress_message(session, done_id, -100, 55)
    await session.commit()
    listed = await broadcast_status.overview(session)
    assert [b.id for b in listed] == [sooner_id, later_id, cancelled_id, done_id]
    assert [b.id for b in await broadcast_status.overview(session, recent=1)] == [
        sooner_id,
        later_id,
        cancelled_id,
    ]
    counts = await broadcast_status.counts_by_broadcast(session, [done_id, sooner_id])
    assert counts[done_id]["sent"] == 2 and counts[done_id]["blocked"] == 1
    assert counts[sooner_id]["sent"] == 0
    done = await session.get(Broadcast, done_id, populate_existing=True)
    assert done is not None and (done.progress_chat_id, done.progress_message_id) == (-100, 55)
