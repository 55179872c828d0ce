"""Notices to the women going when an activity is cancelled are rows: staff get their answer
at once, they go out within the broadcast rate, and a restart half-way loses none and
doubles none."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.activities import service_notices as activity_notices
from bot.activities import service_series as activities
from bot.core import users
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import ActivityNotice
from tests.conftest import STAFF_CHAT_ID
from tests.e2e.harness import OffsetClock
from tests.e2e.test_broadcasts import fake_server, running_bot

FIRST = 920000
TITLE = "Feria de emprendimiento"


async def seed(db_url: str, clock: OffsetClock, ids: list[int]) -> int:
    """60 women going to a fair, which staff then cancel: one notice row each."""
    now = clock.now()
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            for user_id in ids:
                user = await users.give_consent(session, user_id, "es", now - timedelta(days=2))
                user.community = "Xecotz"
                users.finish_registration(user, now - timedelta(days=2))
            activity = await activities.create(
                session, kind="fair", title=TITLE, starts_at=now + timedelta(days=3), now=now
            )
            await activities.cancel_series(session, activity.id, now)
            told = await activity_notices.queue_cancelled(
                session, activity.id, ids, TITLE, activity.starts_at, now
            )
            await session.commit()
            assert told == len(ids)
            return activity.id
    finally:
        await engine.dispose()


async def statuses(db_url: str) -> Counter[str]:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            return Counter((await session.scalars(select(ActivityNotice.status))).all())
    finally:
        await engine.dispose()


def told(fake, ids: list[int]) -> Counter[int]:  # type: ignore[no-untyped-def]
    return Counter(
        {i: sum(1 for m in fake.bot_messages(i) if TITLE in (m.get("text") or "")) for i in ids}
    )


async def test_notices_to_60_women_survive_a_restart_half_way(db_url: str) -> None:
    clock = OffsetClock()
    ids = list(range(FIRST, FIRST + 60))
    fake = fake_server(overall=20)
    await fake.start()
    fake.add_group(STAFF_CHAT_ID, "OMM equipo")
    for user_id in ids:
        fake.add_user(user_id, first_name=f"Mujer {user_id}")
    await seed(db_url, clock, ids)
    first = await running_bot(fake, db_url, clock, rate=20)
    try:
        deadline = time.monotonic() + 20
        while sum(told(fake, ids).values()) < 20:
            assert time.monotonic() < deadline, "too few notices went out"
            await asyncio.sleep(0.02)
    finally:
        await first.stop()
    half = sum(told(fake, ids).values())
    assert half < len(ids), "all were sent before the restart"
    left = await statuses(db_url)
    assert left["pending"] == len(ids) - half and left["claimed"] == left["attempting"] == 0
    second = await running_bot(fake, db_url, clock, rate=20)
    try:
        deadline = time.monotonic() + 20
        while (await statuses(db_url))["sent"] < len(ids):
            assert time.monotonic() < deadline, await statuses(db_url)
            await asyncio.sleep(0.1)
    finally:
        await second.stop()
    try:
        counts = told(fake, ids)
        assert all(counts[i] == 1 for i in ids), counts
        assert fake.too_many_requests == 0
        fake.assert_no_errors()
    finally:
        await fake.stop()
