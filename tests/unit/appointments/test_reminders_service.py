"""Reminders: written at booking, claimed once, sent after downtime, never sent twice."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.appointments import service as appointments
from bot.appointments import service_reminders as reminders
from bot.core import users
from bot.core.liveness import new_token
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Appointment, AppointmentKind, AppointmentStatus, Reminder
from bot.office import AppointmentService, WeeklyHours
from bot.privacy import service as privacy

GT = ZoneInfo("America/Guatemala")


async def all_dead(session: AsyncSession, tokens: Iterable[str]) -> set[str]:
    return set(tokens)


async def none_dead(session: AsyncSession, tokens: Iterable[str]) -> set[str]:
    return set()


MONDAY = date(2026, 11, 23)
START = datetime.combine(MONDAY, time(9), tzinfo=GT).astimezone(UTC)  # Monday 09:00 local
# Booked on the Friday before: both the 24 h and the 2 h reminder are ahead.
BOOKED = START - timedelta(days=3)
ANA, BEA = 601, 602
TOKEN_A, TOKEN_B = "host:1:aaaa", "host:2:bbbb"

LEGAL = AppointmentService(
    key="legal",
    emoji="⚖️",
    labels={"es": "Asesoría legal"},
    duration_minutes=30,
    sensitive=True,
    hours=tuple(WeeklyHours(d, time(8), time(16)) for d in range(7)),
)
SOCIAL = AppointmentService(
    key="social_aid", emoji="🤝", labels={"es": "Trabajo social"}, duration_minutes=30
)


async def women(session: AsyncSession, *user_ids: int) -> None:
    await appointments.seed_default_rules_if_empty(session, [LEGAL])
    for user_id in user_ids or (ANA, BEA):
        await users.give_consent(session, user_id, "es", BOOKED)
    await session.commit()


async def booked(
    session: AsyncSession, user_id: int = ANA, starts_at: datetime = START, now: datetime = BOOKED
) -> Appointment:
    appointment = await appointments.book(
        session, user_id=user_id, service=LEGAL, starts_at=starts_at, now=now, tz=GT
    )
    await session.commit()
    return appointment


async def claim(session: AsyncSession, now: datetime, token: str = TOKEN_A, limit: int = 100):
    claimed = await reminders.claim_due(session, now, token, limit)
    await session.commit()
    return claimed


async def statuses(session: AsyncSession, appointment_id: int) -> list[tuple[str, str]]:
    return [(r.kind, r.status) for r in await reminders.reminders_of(session, appointment_id)]


async def test_only_offsets_still_ahead_get_a_reminder(session: AsyncSession) -> None:
    await women(session)
    early = await booked(session)
    assert await statuses(session, early.id) == [("24h", "pending"), ("2h", "pending")]
    # Booked 20 hours ahead: the 24 h reminder would be in the past.
    soon = await booked(session, BEA, START + timedelta(hours=1), now=START - timedelta(hours=20))
    assert await statuses(session, soon.id) == [("2h", "pending")]
    # Written again for the same appointment: no duplicates; an hour ahead: nothing at all.
    assert await reminders.schedule_for(session, early, [24, 2], BOOKED) == []
    assert await reminders.schedule_for(session, early, [2], START - timedelta(hours=1)) == []


async def test_a_reminder_is_claimed_when_due_and_only_once(session: AsyncSession) -> None:
    await women(session)
    appointment = await booked(session)
    day_before = START - timedelta(hours=24)
    assert await claim(session, day_before - timedelta(seconds=1)) == []
    first = await claim(session, day_before)
    assert [(r.kind, r.appointment_id, r.user_id, r.service) for r in first] == [
        ("24h", appointment.id, ANA, "legal")
    ]
    assert first[0].starts_at == START and first[0].due_at == day_before
    assert await claim(session, day_before + timedelta(minutes=1), TOKEN_B) == []
    assert await statuses(session, appointment.id) == [("24h", "claimed"), ("2h", "pending")]
    assert reminders.service_is_sensitive(first[0].service, [LEGAL, SOCIAL])
    assert not reminders.service_is_sensitive("social_aid", [LEGAL, SOCIAL])
    assert reminders.service_is_sensitive("removed_from_config", [LEGAL, SOCIAL])


async def test_sending_protocol_and_retries(session: AsyncSession) -> None:
    await women(session)
    appointment = await booked(session)
    now = START - timedelta(hours=24)
    (due,) = await claim(session, now)
    # Another process cannot finish this claim.
    assert not await reminders.begin_attempt(session, due.id, TOKEN_B, now)
    assert await reminders.begin_attempt(session, due.id, TOKEN_A, now)
    await session.commit()
    assert await reminders.mark_failed(session, due.id, TOKEN_A, now) == "pending"
    await session.commit()
    # Retried five minutes later, then given up after the third attempt.
    assert await claim(session, now + timedelta(minutes=4)) == []
    for attempt in (2, 3):
        later = now + timedelta(minutes=5 * (attempt - 1))
        (again,) = await claim(session, later)
        assert again.id == due.id and again.attempts == attempt - 1
        assert await reminders.begin_attempt(session, due.id, TOKEN_A, later)
        status = await reminders.mark_failed(session, due.id, TOKEN_A, later)
        await session.commit()
    assert status == "failed"
    assert await statuses(session, appointment.id) == [("24h", "failed"), ("2h", "pending")]
    # The 2 h one goes out normally.
    two_before = START - timedelta(hours=2)
    (last,) = await claim(session, two_before)
    assert await reminders.begin_attempt(session, last.id, TOKEN_A, two_before)
    assert not await reminders.mark_sent(session, last.id, TOKEN_B, two_before)
    assert await reminders.mark_sent(session, last.id, TOKEN_A, two_before)
    await session.commit()
    row = await session.get(Reminder, last.id, populate_existing=True)
    assert row is not None and row.status == "sent" and row.sent_at == two_before
    assert row.attempts == 1
    # She blocked the bot: give up at once.
    other = await booked(session, BEA, START + timedelta(hours=1))
    (blocked,) = await claim(session, other.starts_at - timedelta(hours=24))  # type: ignore[operator]
    assert (
        await reminders.mark_failed(session, blocked.id, TOKEN_A, now, permanent=True) == "failed"
    )


async def test_reminders_due_while_the_bot_was_down_still_go_out(session: AsyncSession) -> None:
    await women(session)
    first = await booked(session)
    second = await booked(session, BEA, START + timedelta(hours=1))
    # Down from the Friday booking until Monday 01:00 (8 h before the first start):
    # both 24 h reminders became due meanwhile; they go out at start-up.
    woke = START - timedelta(hours=8)
    claimed = await claim(session, woke)
    assert [(r.appointment_id, r.kind) for r in claimed] == [(first.id, "24h"), (second.id, "24h")]
    for r in claimed:
        assert await reminders.mark_sent(session, r.id, TOKEN_A, woke)
    await session.commit()


async def test_after_a_long_downtime_only_the_latest_overdue_reminder_goes_out(
    session: AsyncSession,
) -> None:
    await women(session)
    appointment = await booked(session)
    # Down through both the 24 h and the 2 h reminder; back an hour before the start.
    claimed = await claim(session, START - timedelta(hours=1))
    assert [r.kind for r in claimed] == ["2h"]
    assert await statuses(session, appointment.id) == [("24h", "cancelled"), ("2h", "claimed")]


async def test_no_reminder_for_appointments_cancelled_moved_started_or_orphaned(
    session: AsyncSession,
) -> None:
    await women(session, ANA, BEA, 603, 604)
    cancelled = await booked(session, ANA, START)
    started = await booked(session, BEA, START + timedelta(hours=1))
    moved = await booked(session, 603, START + timedelta(hours=2))
    orphan = await booked(session, 604, START + timedelta(hours=3))
    await appointments.cancel(session, cancelled.id, now=BOOKED)
    await appointments.reschedule(
        session,
        moved.id,
        service=LEGAL,
        starts_at=START + timedelta(days=2),
        now=BOOKED,
        tz=GT,
    )
    await privacy.delete_personal_data(session, 604, now=BOOKED)
    await session.commit()
    # The bot was down until the second appointment had begun.
    woke = START + timedelta(hours=1, minutes=5)
    assert await claim(session, woke) == []
    assert await statuses(session, cancelled.id) == [("24h", "cancelled"), ("2h", "cancelled")]
    assert await statuses(session, started.id) == [("24h", "cancelled"), ("2h", "cancelled")]
    assert await statuses(session, orphan.id) == [("24h", "cancelled"), ("2h", "cancelled")]
    # The moved one's reminders follow its new time.
    (due,) = await claim(session, START + timedelta(days=1, hours=2))
    assert due.appointment_id == moved.id and due.kind == "24h"


async def test_a_claim_is_abandoned_if_the_appointment_is_cancelled_before_sending(
    session: AsyncSession,
) -> None:
    await women(session)
    appointment = await booked(session)
    now = START - timedelta(hours=24)
    (due,) = await claim(session, now)
    await appointments.cancel(session, appointment.id, now=now)
    await session.commit()
    assert not await reminders.begin_attempt(session, due.id, TOKEN_A, now)
    await session.commit()
    assert await statuses(session, appointment.id) == [("24h", "cancelled"), ("2h", "cancelled")]


async def test_a_stale_claim_is_resent_only_if_its_send_never_began(
    session: AsyncSession,
) -> None:
    """kill -9 mid-sweep: never begun → pending again; begun → failed, never sent twice."""
    await women(session)
    never_begun = await booked(session, ANA, START)
    begun = await booked(session, BEA, START + timedelta(hours=1))
    now = START + timedelta(hours=1) - timedelta(hours=24)  # both 24 h reminders due
    claimed = await claim(session, now, TOKEN_A)
    assert len(claimed) == 2
    begun_reminder = next(r for r in claimed if r.appointment_id == begun.id)
    assert await reminders.begin_attempt(session, begun_reminder.id, TOKEN_A, now)
    await session.commit()
    # ...and the process is killed here, before sending or recording anything else.
    assert await reminders.release_dead_claims(session, none_dead) == (0, 0)
    later = now + timedelta(seconds=1)  # at once, not minutes later
    assert await reminders.release_dead_claims(session, all_dead) == (1, 1)
    await session.commit()
    assert await statuses(session, begun.id) == [("24h", "failed"), ("2h", "pending")]
    # A new process picks up the one that was certainly not sent, and only that one.
    again = await claim(session, later, TOKEN_B)
    assert [(r.appointment_id, r.kind) for r in again] == [(never_begun.id, "24h")]
    # The dead process's token no longer finishes anything.
    assert not await reminders.mark_sent(session, begun_reminder.id, TOKEN_A, later)
    assert not await reminders.mark_sent(session, again[0].id, TOKEN_A, later)
    assert await reminders.mark_sent(session, again[0].id, TOKEN_B, later)


async def due_reminders(database_url: str, count: int) -> None:
    """`count` appointments a week ahead, each with one reminder due now, inserted directly."""
    setup = create_engine(database_url)
    factory = create_session_factory(setup)
    async with factory() as session:
        await appointments.seed_default_rules_if_empty(session, [LEGAL])
        await users.give_consent(session, ANA, "es", BOOKED)
        rows = [
            Appointment(
                user_id=ANA,
                service="legal",
                kind=AppointmentKind.SLOT,
                starts_at=START + timedelta(minutes=30 * n),
                ends_at=START + timedelta(minutes=30 * (n + 1)),
                status=AppointmentStatus.CONFIRMED,
                created_at=BOOKED,
                updated_at=BOOKED,
            )
            for n in range(count)
        ]
        session.add_all(rows)
        await session.flush()
        session.add_all(
            Reminder(
                appointment_id=a.id,
                due_at=BOOKED - timedelta(seconds=n),
                kind="24h",
                status="pending",
                attempts=0,
            )
            for n, a in enumerate(rows)
        )
        await session.commit()
    await setup.dispose()


async def test_a_sweep_claims_no_more_than_its_limit(database_url: str) -> None:
    """PostgreSQL may rescan a `LIMIT … SKIP LOCKED` subquery per row of the outer UPDATE,
    claiming far more than asked: a crash would then strand them all."""
    await due_reminders(database_url, 20)
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            claimed = await reminders.claim_due(session, BOOKED, TOKEN_A, limit=7)
            await session.commit()
            assert len(claimed) == 7
            held = await session.scalar(
                select(func.count()).select_from(Reminder).where(Reminder.status == "claimed")
            )
            assert held == 7
    finally:
        await engine.dispose()


async def test_two_concurrent_sweepers_never_get_the_same_reminder(database_url: str) -> None:
    count = 60
    await due_reminders(database_url, count)

    engines = [create_engine(database_url), create_engine(database_url)]
    got: dict[str, list[int]] = {TOKEN_A: [], TOKEN_B: []}

    async def sweeper(engine_index: int, token: str) -> None:
        sessions = create_session_factory(engines[engine_index])
        while True:
            async with sessions() as session:
                claimed = await reminders.claim_due(session, BOOKED, token, limit=7)
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
                await session.execute(
                    select(Reminder.claimed_by, Reminder.id).order_by(Reminder.id)
                )
            ).all()
        assert {token for token, _ in owners} <= {TOKEN_A, TOKEN_B}
        for token, reminder_id in owners:
            assert reminder_id in got[token]
    finally:
        for engine in engines:
            await engine.dispose()


@pytest.mark.parametrize("hours", [24, 2, 1.5, timedelta(minutes=90)])
def test_offset_kinds(hours: float | timedelta) -> None:
    expected = {24: "24h", 2: "2h"}.get(hours, "1.5h")  # type: ignore[call-overload]
    assert reminders.offset_kind(hours) == expected


def test_claim_tokens_differ_per_process_start() -> None:
    first, second = new_token(), new_token()
    assert first != second and len(first) <= 64
