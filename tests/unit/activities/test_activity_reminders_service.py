"""Activity reminders: due the day before and the morning of, written once, sent at most once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_reminders as activity_reminders
from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.activities.service_reminders import DAY_BEFORE, MORNING_OF
from bot.core import users
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Activity, ActivityKind, ActivityReminder, Signup, SignupStatus
from bot.privacy import service as privacy

GT = ZoneInfo("America/Guatemala")  # UTC-6 all year
TOKYO = ZoneInfo("Asia/Tokyo")  # UTC+9
TUESDAY = date(2026, 12, 1)
MONDAY = TUESDAY - timedelta(days=1)
SIGNED_UP = datetime(2026, 11, 25, 12, 0, tzinfo=GT).astimezone(UTC)
ANA, BEA, CARMEN = 701, 702, 703
TOKEN_A, TOKEN_B = "host:1:aaaa", "host:2:bbbb"


async def all_dead(session: AsyncSession, tokens: Iterable[str]) -> set[str]:
    return set(tokens)


async def none_dead(session: AsyncSession, tokens: Iterable[str]) -> set[str]:
    return set()


TIMES = {"day_before": time(18), "morning_of": time(7)}


def at(day: date, hour: int, minute: int = 0, tz: ZoneInfo = GT) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz).astimezone(UTC)


START = at(TUESDAY, 9)


# ── When (pure) ───────────────────────────────────────────────────────────────


def test_day_before_and_morning_of_are_office_local_times_across_the_utc_day() -> None:
    # Tuesday 09:00 in Guatemala is 15:00 UTC; Monday 18:00 there is already Tuesday UTC.
    assert activity_reminders.due_slots(START, GT, **TIMES) == [
        (DAY_BEFORE, datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),
        (MORNING_OF, datetime(2026, 12, 1, 13, 0, tzinfo=UTC)),
    ]
    # The same instant in an office in Tokyo is Wednesday 00:00 there: the "day before"
    # is Tuesday 18:00 Tokyo, and 07:00 on Wednesday is after the start (no morning one).
    assert activity_reminders.due_slots(START, TOKYO, **TIMES) == [
        (DAY_BEFORE, datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
    ]


def test_a_morning_time_not_before_the_start_and_disabled_slots_give_nothing() -> None:
    early = at(TUESDAY, 7)
    assert activity_reminders.due_slots(early, GT, **TIMES) == [(DAY_BEFORE, at(MONDAY, 18))]
    assert activity_reminders.due_slots(START, GT, day_before=None, morning_of=time(7)) == [
        (MORNING_OF, at(TUESDAY, 7))
    ]
    assert activity_reminders.due_slots(START, GT, day_before=None, morning_of=None) == []


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(MONDAY, 17, 59), None),
        (at(MONDAY, 18), DAY_BEFORE),
        (at(TUESDAY, 6, 59), DAY_BEFORE),
        (at(TUESDAY, 7), MORNING_OF),
        (at(TUESDAY, 8, 59), MORNING_OF),
        (at(TUESDAY, 9), None),  # it has started
    ],
)
def test_the_latest_slot_whose_time_has_come(now: datetime, expected: str | None) -> None:
    found = activity_reminders.latest_due_slot(START, now, GT, **TIMES)
    assert (found[0] if found else None) == expected


# ── Helpers ───────────────────────────────────────────────────────────────────


async def women(session: AsyncSession, *ids: int) -> None:
    for user_id in ids or (ANA, BEA, CARMEN):
        await users.give_consent(session, user_id, "es", SIGNED_UP - timedelta(days=1))


async def training(session: AsyncSession, **extra: object) -> Activity:
    fields: dict = {
        "kind": ActivityKind.TRAINING,
        "title": "Taller de costura",
        "place": "Salón comunal",
        "starts_at": START,
        "now": SIGNED_UP - timedelta(days=1),
        **extra,
    }
    return await activities.create(session, **fields)


async def weekly_club(session: AsyncSession) -> Activity:
    return await training(
        session, kind=ActivityKind.PREGNANT_CLUB, title="Club", rrule="FREQ=WEEKLY;BYDAY=TU"
    )


async def sign_up(
    session: AsyncSession,
    activity: Activity,
    user_id: int = ANA,
    key: datetime = START,
    now: datetime = SIGNED_UP,
) -> str:
    status = await signups.sign_up(session, activity.id, key, user_id, now, tz=GT)
    await session.commit()
    return status


async def sweep(
    session: AsyncSession, now: datetime, token: str = TOKEN_A, **times: time | None
) -> list[activity_reminders.ClaimedReminder]:
    await activity_reminders.write_due(session, now, GT, **{**TIMES, **times})
    claimed = await activity_reminders.claim_due(session, now, token)
    await session.commit()
    return claimed


async def send_all(
    session: AsyncSession, now: datetime, token: str = TOKEN_A
) -> list[activity_reminders.DueActivityReminder]:
    """A sweep that sends everything it claims (as if Telegram accepted each)."""
    sent = []
    for claimed in await sweep(session, now, token):
        item = await activity_reminders.begin_attempt(session, claimed.id, token, now, GT)
        await session.commit()
        if item is not None:
            assert await activity_reminders.mark_sent(session, item.id, token, now)
            await session.commit()
            sent.append(item)
    return sent


async def signup_of(session: AsyncSession, user_id: int, key: datetime = START) -> Signup:
    signup = await session.scalar(
        select(Signup)
        .where(Signup.user_id == user_id, Signup.occurrence_start == key)
        .execution_options(populate_existing=True)
    )
    assert signup is not None
    return signup


async def states(session: AsyncSession, user_id: int, key: datetime = START) -> list[tuple]:
    signup = await signup_of(session, user_id, key)
    return [
        (r.slot, r.occurrence_day, r.status)
        for r in await activity_reminders.reminders_of(session, signup.id)
    ]


async def rows(session: AsyncSession) -> int:
    return await session.scalar(select(func.count(ActivityReminder.id))) or 0


# ── Due, once ─────────────────────────────────────────────────────────────────


async def test_she_is_reminded_the_day_before_and_the_morning_of_once_each(
    session: AsyncSession,
) -> None:
    await women(session)
    activity = await training(session)
    assert await sign_up(session, activity) == SignupStatus.GOING
    assert await send_all(session, at(MONDAY, 17, 59)) == []
    (evening,) = await send_all(session, at(MONDAY, 18))
    assert (evening.slot, evening.user_id, evening.locale) == (DAY_BEFORE, ANA, "es")
    assert (evening.activity_id, evening.key, evening.starts_at) == (activity.id, START, START)
    assert (evening.title, evening.place) == ("Taller de costura", "Salón comunal")
    # Later sweeps, by this process or another, write and send nothing more that night.
    assert await send_all(session, at(MONDAY, 18, 1), TOKEN_B) == []
    assert await send_all(session, at(TUESDAY, 6, 59)) == []
    (morning,) = await send_all(session, at(TUESDAY, 7))
    assert morning.slot == MORNING_OF
    assert await send_all(session, at(TUESDAY, 8)) == []
    assert await states(session, ANA) == [
        (DAY_BEFORE, TUESDAY, "sent"),
        (MORNING_OF, TUESDAY, "sent"),
    ]


async def test_after_downtime_only_the_latest_slot_goes_out_and_never_after_the_start(
    session: AsyncSession,
) -> None:
    await women(session)
    activity = await training(session)
    later = await training(session, starts_at=START + timedelta(hours=3))
    await sign_up(session, activity)
    await sign_up(session, later, key=later.starts_at)
    # Down from Monday afternoon until Tuesday 09:30: the first has started.
    sent = await send_all(session, at(TUESDAY, 9, 30))
    assert [(s.activity_id, s.slot) for s in sent] == [(later.id, MORNING_OF)]
    assert await states(session, ANA) == []
    assert await states(session, ANA, later.starts_at) == [(MORNING_OF, TUESDAY, "sent")]


async def test_a_day_before_reminder_given_back_is_overtaken_by_the_morning_one(
    session: AsyncSession,
) -> None:
    await women(session)
    await sign_up(session, await training(session))
    (claimed,) = await sweep(session, at(MONDAY, 18))
    # Telegram asked to wait (429): it is given back, due again later...
    status = await activity_reminders.mark_failed(
        session, claimed.id, TOKEN_A, at(MONDAY, 18), retry_after=timedelta(hours=14)
    )
    assert status == "pending"
    await session.commit()
    # ...but by then it is morning: only the morning one is sent.
    sent = await send_all(session, at(TUESDAY, 8))
    assert [s.slot for s in sent] == [MORNING_OF]
    assert await states(session, ANA) == [
        (DAY_BEFORE, TUESDAY, "cancelled"),
        (MORNING_OF, TUESDAY, "sent"),
    ]


async def test_no_reminder_due_before_she_signed_up(session: AsyncSession) -> None:
    await women(session)
    activity = await training(session)
    # She says she will come on Monday at 20:00: the 18:00 reminder is not sent to her.
    await sign_up(session, activity, now=at(MONDAY, 20))
    assert await send_all(session, at(MONDAY, 20, 1)) == []
    assert [s.slot for s in await send_all(session, at(TUESDAY, 7))] == [MORNING_OF]


async def test_disabled_slots_are_not_sent(session: AsyncSession) -> None:
    await women(session)
    await sign_up(session, await training(session))
    assert await sweep(session, at(MONDAY, 18), day_before=None) == []
    assert await sweep(session, at(TUESDAY, 7), day_before=None, morning_of=None) == []
    (only,) = await sweep(session, at(TUESDAY, 7), day_before=None)
    assert only.slot == MORNING_OF


# ── Moved, cancelled, waitlisted, gone ────────────────────────────────────────


async def test_a_moved_date_is_reminded_at_its_new_time(session: AsyncSession) -> None:
    await women(session)
    club = await weekly_club(session)
    second = START + timedelta(weeks=1)  # Tuesday 8 December
    await sign_up(session, club, key=second)
    # Staff move that date to Wednesday 9 December at 10:00.
    moved = at(date(2026, 12, 9), 10)
    await activities.edit_occurrence(
        session, club.id, second, SIGNED_UP, GT, starts_at=moved, place="Escuela"
    )
    await session.commit()
    assert await send_all(session, at(date(2026, 12, 7), 18)) == []
    (evening,) = await send_all(session, at(date(2026, 12, 8), 18))
    assert (evening.key, evening.starts_at, evening.place) == (second, moved, "Escuela")
    (morning,) = await send_all(session, at(date(2026, 12, 9), 7))
    assert morning.slot == MORNING_OF and morning.starts_at == moved


async def test_a_date_moved_to_another_day_after_its_reminder_is_reminded_again(
    session: AsyncSession,
) -> None:
    await women(session)
    club = await weekly_club(session)
    await sign_up(session, club)
    assert [s.slot for s in await send_all(session, at(MONDAY, 18))] == [DAY_BEFORE]
    # Moved at 20:00 by an hour: same day, nothing new the evening before.
    await activities.edit_occurrence(
        session, club.id, START, at(MONDAY, 20), GT, starts_at=START + timedelta(hours=1)
    )
    await session.commit()
    assert await send_all(session, at(MONDAY, 20, 1)) == []
    # Moved again to Thursday: she is reminded of Thursday in its turn.
    thursday = date(2026, 12, 3)
    await activities.edit_occurrence(
        session, club.id, START, at(MONDAY, 21), GT, starts_at=at(thursday, 9)
    )
    await session.commit()
    assert await send_all(session, at(TUESDAY, 7)) == []
    (evening,) = await send_all(session, at(date(2026, 12, 2), 18))
    assert evening.starts_at == at(thursday, 9)
    assert await states(session, ANA) == [
        (DAY_BEFORE, TUESDAY, "sent"),
        (DAY_BEFORE, thursday, "sent"),
    ]


async def test_nothing_for_cancelled_dates_activities_or_sign_ups(session: AsyncSession) -> None:
    await women(session)
    club = await weekly_club(session)
    one_off = await training(session, title="Feria")
    await sign_up(session, club, ANA)
    await sign_up(session, one_off, BEA)
    await sign_up(session, one_off, CARMEN)
    await activities.cancel_occurrence(session, club.id, START, SIGNED_UP, GT)
    await signups.cancel_signup(session, one_off.id, START, CARMEN, SIGNED_UP)
    await session.commit()
    (only,) = await send_all(session, at(MONDAY, 18))
    assert only.user_id == BEA
    await activities.cancel_series(session, one_off.id, at(MONDAY, 19))
    await session.commit()
    assert await send_all(session, at(TUESDAY, 7)) == []
    assert await rows(session) == 1


async def test_a_reminder_claimed_before_a_cancellation_is_not_sent(
    session: AsyncSession,
) -> None:
    await women(session)
    activity = await training(session)
    await sign_up(session, activity, ANA)
    await sign_up(session, activity, BEA)
    claims = await sweep(session, at(MONDAY, 18))
    assert len(claims) == 2
    await signups.cancel_signup(session, activity.id, START, ANA, at(MONDAY, 18))
    await session.commit()
    outcomes = {}
    for claimed in claims:
        item = await activity_reminders.begin_attempt(
            session, claimed.id, TOKEN_A, at(MONDAY, 18), GT
        )
        await session.commit()
        outcomes[claimed.signup_id] = item is not None
    assert outcomes == {
        (await signup_of(session, ANA)).id: False,
        (await signup_of(session, BEA)).id: True,
    }
    assert await states(session, ANA) == [(DAY_BEFORE, TUESDAY, "cancelled")]
    # Another process cannot begin a claim that is not its own.
    assert (
        await activity_reminders.begin_attempt(session, claims[1].id, TOKEN_B, at(MONDAY, 18), GT)
        is None
    )


async def test_waitlisted_inactive_and_deleted_women_are_not_reminded(
    session: AsyncSession,
) -> None:
    await women(session)
    activity = await training(session, capacity=2)
    await sign_up(session, activity, ANA)
    await sign_up(session, activity, BEA)
    assert await sign_up(session, activity, CARMEN) == SignupStatus.WAITLIST
    await users.set_active(session, BEA, False)  # she blocked the bot
    await session.commit()
    (only,) = await send_all(session, at(MONDAY, 18))
    assert only.user_id == ANA
    # She deletes her data: her sign-up and its reminders go with her, and her place
    # goes to Carmen, who was waiting: only Carmen is reminded in the morning.
    promoted = await privacy.delete_personal_data(session, ANA, at(MONDAY, 19))
    await session.commit()
    assert [p.user_id for p in promoted] == [CARMEN]
    (morning,) = await send_all(session, at(TUESDAY, 7))
    assert morning.user_id == CARMEN
    assert await rows(session) == 1


# ── Crashes and concurrency ───────────────────────────────────────────────────


async def test_a_stale_claim_is_resent_only_if_its_send_never_began(
    session: AsyncSession,
) -> None:
    """kill -9 mid-sweep: never begun → pending again; begun → failed, never sent twice."""
    await women(session)
    activity = await training(session)
    await sign_up(session, activity, ANA)
    await sign_up(session, activity, BEA)
    now = at(MONDAY, 18)
    claims = await sweep(session, now)
    bea_signup = (await signup_of(session, BEA)).id
    begun = next(c for c in claims if c.signup_id == bea_signup)
    assert await activity_reminders.begin_attempt(session, begun.id, TOKEN_A, now, GT)
    await session.commit()
    # ...and the process is killed here.
    assert await activity_reminders.release_dead_claims(session, none_dead) == (0, 0)
    later = now + timedelta(seconds=1)  # at once, not minutes later
    assert await activity_reminders.release_dead_claims(session, all_dead) == (1, 1)
    await session.commit()
    assert await states(session, BEA) == [(DAY_BEFORE, TUESDAY, "failed")]
    again = await send_all(session, later, TOKEN_B)
    assert [s.user_id for s in again] == [ANA]
    # Nothing more for Bea that evening, ever; the dead process finishes nothing.
    assert await send_all(session, later + timedelta(minutes=30), TOKEN_B) == []
    assert not await activity_reminders.mark_sent(session, begun.id, TOKEN_A, later)
    assert await states(session, BEA) == [(DAY_BEFORE, TUESDAY, "failed")]


async def test_failures_are_retried_a_few_times_then_given_up(session: AsyncSession) -> None:
    await women(session)
    await sign_up(session, await training(session))
    now = at(MONDAY, 18)
    for attempt in (1, 2, 3):
        (claimed,) = await sweep(session, now)
        assert await activity_reminders.begin_attempt(session, claimed.id, TOKEN_A, now, GT)
        status = await activity_reminders.mark_failed(session, claimed.id, TOKEN_A, now)
        await session.commit()
        assert status == ("failed" if attempt == 3 else "pending")
        assert await sweep(session, now + timedelta(minutes=4)) == []
        now += timedelta(minutes=5)
    assert await sweep(session, now) == []
    assert await states(session, ANA) == [(DAY_BEFORE, TUESDAY, "failed")]


async def test_two_concurrent_sweepers_never_write_or_claim_the_same_reminder(
    database_url: str,
) -> None:
    setup = create_engine(database_url)
    factory = create_session_factory(setup)
    count = 40
    async with factory() as session:
        await women(session, *range(1000, 1000 + count))
        activity = await training(session)
        for user_id in range(1000, 1000 + count):
            await signups.sign_up(session, activity.id, START, user_id, SIGNED_UP, tz=GT)
        await session.commit()
    await setup.dispose()

    engines = [create_engine(database_url), create_engine(database_url)]
    got: dict[str, list[int]] = {TOKEN_A: [], TOKEN_B: []}
    now = at(MONDAY, 18)

    async def sweeper(engine_index: int, token: str) -> None:
        sessions = create_session_factory(engines[engine_index])
        while True:
            async with sessions() as session:
                await activity_reminders.write_due(session, now, GT, **TIMES)
                claimed = await activity_reminders.claim_due(session, now, token, limit=7)
                await session.commit()
            if not claimed:
                return
            got[token].extend(r.id for r in claimed)
            await asyncio.sleep(0)

    try:
        await asyncio.wait_for(
            asyncio.gather(sweeper(0, TOKEN_A), sweeper(1, TOKEN_B), sweeper(0, TOKEN_A)), 60
        )
        every = got[TOKEN_A] + got[TOKEN_B]
        assert len(every) == count and len(set(every)) == count
        async with create_session_factory(engines[1])() as session:
            owners = (
                await session.execute(select(ActivityReminder.claimed_by, ActivityReminder.id))
            ).all()
        assert len(owners) == count
        for token, reminder_id in owners:
            assert token is not None and reminder_id in got[token]
    finally:
        for engine in engines:
            await engine.dispose()
