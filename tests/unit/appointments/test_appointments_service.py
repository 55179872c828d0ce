"""Appointments: slots from weekly hours, exceptions, booking without double-booking."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.appointments import service as appointments
from bot.appointments import service_reminders as reminders
from bot.appointments.availability import DayException, generate_slots
from bot.appointments.service import SlotTaken
from bot.core import users
from bot.core.errors import AlreadyDone, InvalidInput, NotFound
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Appointment, AppointmentKind, AppointmentStatus, ScheduleRule
from bot.office import AppointmentService, WeeklyHours
from bot.privacy import service as privacy

GT = ZoneInfo("America/Guatemala")  # UTC-6 all year
NY = ZoneInfo("America/New_York")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
MONDAY = date(2026, 11, 23)
WEDNESDAY = date(2026, 11, 25)
# Sunday evening in Guatemala, the day before MONDAY.
NOW = datetime(2026, 11, 22, 18, 0, tzinfo=GT).astimezone(UTC)
ANA, BEA, CARMEN = 501, 502, 503


def hours(day: int, start: int, end: int) -> WeeklyHours:
    return WeeklyHours(day, time(start), time(end))


LEGAL = AppointmentService(
    key="legal",
    emoji="⚖️",
    labels={"es": "Asesoría legal", "en": "Legal advice"},
    duration_minutes=60,
    sensitive=True,
    hours=(hours(MON, 8, 12), hours(MON, 13, 16), hours(WED, 8, 10)),
)
SOCIAL = AppointmentService(
    key="social_aid",
    emoji="🤝",
    labels={"es": "Trabajo social"},
    duration_minutes=30,
    hours=tuple(hours(d, 8, 10) for d in range(5)),
)


def at(day: date, hour: int, minute: int = 0, tz: ZoneInfo = GT) -> datetime:
    """A local wall-clock time, as the aware UTC datetime the services use."""
    return datetime.combine(day, time(hour, minute), tzinfo=tz).astimezone(UTC)


def local_times(slots: list, tz: ZoneInfo = GT) -> list[str]:
    return [s.local_start(tz).strftime("%a %H:%M") for s in slots]


async def office(session: AsyncSession) -> None:
    """Weekly hours seeded from the (test) office file, three registered women."""
    await appointments.seed_default_rules_if_empty(session, [LEGAL, SOCIAL])
    for user_id in (ANA, BEA, CARMEN):
        await users.give_consent(session, user_id, "es", NOW)
    await session.commit()


async def book(session: AsyncSession, user_id: int, starts_at: datetime, **kw) -> Appointment:
    return await appointments.book(
        session,
        user_id=user_id,
        service=kw.pop("service", LEGAL),
        starts_at=starts_at,
        now=kw.pop("now", NOW),
        tz=GT,
        **kw,
    )


# ── Slots ──────────────────────────────────────────────────────────────────────


async def test_slots_follow_the_weekly_hours_in_guatemala(session: AsyncSession) -> None:
    await office(session)
    slots = await appointments.free_slots(session, LEGAL, from_date=MONDAY, days=7, tz=GT, now=NOW)
    assert local_times(slots) == [
        "Mon 08:00", "Mon 09:00", "Mon 10:00", "Mon 11:00",
        "Mon 13:00", "Mon 14:00", "Mon 15:00",
        "Wed 08:00", "Wed 09:00",
    ]  # fmt: skip
    # Guatemala is UTC-6 without daylight saving: 08:00 there is 14:00 UTC.
    assert slots[0].starts_at == datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
    assert slots[0].ends_at == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    assert all(s.service == "legal" for s in slots)
    # The following week repeats (the rule is weekly, not a one-off).
    week_two = await appointments.free_slots(
        session, LEGAL, from_date=MONDAY + timedelta(days=7), days=7, tz=GT, now=NOW
    )
    assert local_times(week_two) == local_times(slots)
    # 30-minute service, Monday to Friday 08:00-10:00: four a day.
    social = await appointments.free_slots(
        session, SOCIAL, from_date=MONDAY, days=7, tz=GT, now=NOW
    )
    assert len(social) == 20 and local_times(social)[:4] == [
        "Mon 08:00",
        "Mon 08:30",
        "Mon 09:00",
        "Mon 09:30",
    ]


def test_slots_keep_local_hours_across_daylight_saving() -> None:
    """New York: 09:00 stays 09:00 local when clocks change; skipped hours offer nothing."""
    rules = [hours(SUN, 1, 4), hours(MON, 9, 10)]
    now = datetime(2026, 3, 1, tzinfo=UTC)

    def slots(first: date) -> list[str]:
        found = generate_slots(
            service="legal",
            duration=timedelta(hours=1),
            rules=rules,
            exceptions=[],
            from_date=first,
            days=2,
            tz=NY,
            now=now,
        )
        return [f"{s.local_start(NY):%a %H:%M} = {s.starts_at:%H:%MZ}" for s in found]

    # Spring forward on Sunday 8 March 2026: 02:00-03:00 does not exist.
    assert slots(date(2026, 3, 8)) == [
        "Sun 01:00 = 06:00Z",
        "Sun 03:00 = 07:00Z",
        "Mon 09:00 = 13:00Z",  # EDT, UTC-4
    ]
    assert slots(date(2026, 3, 1))[-1] == "Mon 09:00 = 14:00Z"  # EST, UTC-5
    # Fall back on Sunday 1 November 2026: 01:00 happens twice; the first one is offered.
    assert slots(date(2026, 11, 1)) == [
        "Sun 01:00 = 05:00Z",
        "Sun 02:00 = 07:00Z",
        "Sun 03:00 = 08:00Z",
        "Mon 09:00 = 14:00Z",
    ]


async def test_slots_in_a_daylight_saving_zone_from_the_database(session: AsyncSession) -> None:
    await office(session)
    friday = date(2026, 3, 6)
    slots = await appointments.free_slots(
        session,
        SOCIAL,
        from_date=friday,
        days=4,
        tz=NY,
        now=datetime(2026, 3, 1, tzinfo=UTC),
    )
    by_day = [(s.local_start(NY).date(), s.local_start(NY).time(), s.starts_at.hour) for s in slots]
    assert by_day[0] == (friday, time(8), 13)  # EST
    monday = [row for row in by_day if row[0] == date(2026, 3, 9)]
    assert monday[0] == (
        date(2026, 3, 9),
        time(8),
        12,
    )  # EDT: same local time, an hour earlier in UTC
    assert len(monday) == 4


async def test_exceptions_close_days_and_add_hours(session: AsyncSession) -> None:
    await office(session)
    # The whole office is closed on Monday (a holiday).
    await appointments.add_exception(session, on_date=MONDAY, now=NOW, note="Feriado")
    # Legal closes Wednesday 09:00-10:00 and opens extra on Thursday afternoon.
    await appointments.add_exception(
        session, on_date=WEDNESDAY, service_key="legal", start=time(9), end=time(10), now=NOW
    )
    thursday = MONDAY + timedelta(days=3)
    await appointments.add_exception(
        session,
        on_date=thursday,
        service_key="legal",
        closed=False,
        start=time(14),
        end=time(16),
        note="Tarde extra",
        now=NOW,
    )
    await session.commit()
    legal = await appointments.free_slots(session, LEGAL, from_date=MONDAY, days=7, tz=GT, now=NOW)
    assert local_times(legal) == ["Wed 08:00", "Thu 14:00", "Thu 15:00"]
    social = await appointments.free_slots(
        session, SOCIAL, from_date=MONDAY, days=7, tz=GT, now=NOW
    )
    # Only the office-wide closure concerns social aid.
    assert "Mon 08:00" not in local_times(social) and "Wed 09:00" in local_times(social)
    assert "Thu 14:00" not in local_times(social)
    listed = await appointments.exceptions_between(session, MONDAY, thursday, "social_aid")
    assert [e.note for e in listed] == ["Feriado"]


def test_a_closed_window_splits_the_day() -> None:
    found = generate_slots(
        service="x",
        duration=timedelta(minutes=60),
        rules=[hours(MON, 8, 12)],
        exceptions=[DayException(MONDAY, closed=True, start=time(9, 30), end=time(10))],
        from_date=MONDAY,
        days=1,
        tz=GT,
        now=NOW,
    )
    # 08:00-09:30 fits one hour; 10:00-12:00 two.
    assert local_times(found) == ["Mon 08:00", "Mon 10:00", "Mon 11:00"]


async def test_past_and_started_slots_are_never_offered(session: AsyncSession) -> None:
    await office(session)
    now = at(MONDAY, 10, 30)
    slots = await appointments.free_slots(session, LEGAL, from_date=MONDAY, days=3, tz=GT, now=now)
    assert local_times(slots) == [
        "Mon 11:00", "Mon 13:00", "Mon 14:00", "Mon 15:00", "Wed 08:00", "Wed 09:00",
    ]  # fmt: skip
    notice = await appointments.free_slots(
        session, LEGAL, from_date=MONDAY, days=1, tz=GT, now=now, min_notice=timedelta(hours=3)
    )
    assert local_times(notice) == ["Mon 14:00", "Mon 15:00"]
    with pytest.raises(InvalidInput):
        await book(session, ANA, at(MONDAY, 10), now=now)


async def test_taken_slots_are_not_offered_until_freed(session: AsyncSession) -> None:
    await office(session)
    appointment = await book(session, ANA, at(MONDAY, 9))
    await book(session, BEA, at(MONDAY, 9), service=SOCIAL)  # another service, same time
    await session.commit()
    slots = await appointments.free_slots(session, LEGAL, from_date=MONDAY, days=1, tz=GT, now=NOW)
    assert "Mon 09:00" not in local_times(slots) and "Mon 08:00" in local_times(slots)
    await appointments.cancel(session, appointment.id, now=NOW, reason="no puede")
    await session.commit()
    slots = await appointments.free_slots(session, LEGAL, from_date=MONDAY, days=1, tz=GT, now=NOW)
    assert "Mon 09:00" in local_times(slots)


# ── Booking ────────────────────────────────────────────────────────────────────


async def test_booking_creates_the_appointment_and_its_reminders(session: AsyncSession) -> None:
    await office(session)
    appointment = await book(session, ANA, at(WEDNESDAY, 8))
    await session.commit()
    assert appointment.status == AppointmentStatus.REQUESTED
    assert appointment.kind == AppointmentKind.SLOT
    assert appointment.starts_at == datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    assert appointment.ends_at == appointment.starts_at + timedelta(hours=1)
    rows = await reminders.reminders_of(session, appointment.id)
    assert [(r.kind, r.due_at, r.status) for r in rows] == [
        ("24h", appointment.starts_at - timedelta(hours=24), "pending"),
        ("2h", appointment.starts_at - timedelta(hours=2), "pending"),
    ]
    upcoming = await appointments.upcoming_for_user(session, ANA, NOW)
    assert [a.id for a in upcoming] == [appointment.id]


@pytest.mark.parametrize(
    "starts_at",
    [
        at(MONDAY, 12),  # lunch
        at(MONDAY, 8, 30),  # not on the hour grid
        at(date(2026, 11, 24), 8),  # legal does not work on Tuesdays
        at(MONDAY + timedelta(days=90), 8),  # too far ahead
    ],
)
async def test_times_the_service_does_not_offer_are_refused(
    session: AsyncSession, starts_at: datetime
) -> None:
    await office(session)
    with pytest.raises(InvalidInput):
        await book(session, ANA, starts_at)


async def test_a_naive_time_is_refused(session: AsyncSession) -> None:
    await office(session)
    with pytest.raises(InvalidInput):
        await book(session, ANA, datetime(2026, 11, 23, 14, 0))


async def test_one_active_appointment_per_service_and_slot(session: AsyncSession) -> None:
    await office(session)
    await book(session, ANA, at(MONDAY, 8))
    await session.commit()
    with pytest.raises(AlreadyDone):
        await book(session, ANA, at(MONDAY, 9))
    with pytest.raises(SlotTaken):
        await book(session, BEA, at(MONDAY, 8))
    # The session is still usable after the refusals.
    other = await book(session, BEA, at(MONDAY, 10))
    await session.commit()
    assert other.id is not None


async def test_the_database_refuses_a_second_active_booking_of_a_slot(
    session: AsyncSession,
) -> None:
    await office(session)
    starts = at(MONDAY, 8)

    def row(user_id: int, status: str = AppointmentStatus.REQUESTED) -> Appointment:
        return Appointment(
            user_id=user_id,
            service="legal",
            kind=AppointmentKind.SLOT,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            status=status,
            created_at=NOW,
            updated_at=NOW,
        )

    session.add_all([row(ANA, AppointmentStatus.CANCELLED), row(BEA, AppointmentStatus.NO_SHOW)])
    session.add(row(CARMEN))
    await session.commit()  # inactive ones do not hold the slot
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            session.add(row(ANA, AppointmentStatus.CONFIRMED))
            await session.flush()
    assert len((await session.scalars(select(Appointment))).all()) == 3


async def test_a_clash_found_only_by_the_database_is_slot_taken_and_the_transaction_lives(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    await office(session)
    await book(session, ANA, at(MONDAY, 8))
    await session.commit()

    async def sees_nothing(*_args: object, **_kw: object) -> list:
        return []

    # As if another woman's booking committed after our check: only the index knows.
    monkeypatch.setattr(appointments, "_taken", sees_nothing)
    with pytest.raises(SlotTaken):
        await book(session, BEA, at(MONDAY, 8))
    # The SAVEPOINT rolled back alone: the caller's transaction goes on and commits.
    kept = await book(session, BEA, at(MONDAY, 9))
    await session.commit()
    rows = (await session.scalars(select(Appointment).order_by(Appointment.id))).all()
    assert [(a.user_id, a.starts_at) for a in rows] == [
        (ANA, at(MONDAY, 8)),
        (BEA, at(MONDAY, 9)),
    ]
    # Monday 09:00 is 15 hours away: only the 2-hour reminder is still ahead.
    assert [r.kind for r in await reminders.reminders_of(session, kept.id)] == ["2h"]


@pytest.mark.parametrize("race", ["natural", "both_pass_the_check"])
async def test_two_women_confirming_the_same_slot_at_once_get_one_booking(
    database_url: str, race: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup_engine = create_engine(database_url)
    async with create_session_factory(setup_engine)() as session:
        await office(session)
    await setup_engine.dispose()
    if race == "both_pass_the_check":

        async def sees_nothing(*_args: object, **_kw: object) -> list:
            return []

        monkeypatch.setattr(appointments, "_taken", sees_nothing)
    engines = [create_engine(database_url), create_engine(database_url)]
    go = asyncio.Event()

    async def attempt(engine_index: int, user_id: int) -> str:
        async with create_session_factory(engines[engine_index])() as session:
            await go.wait()
            try:
                await book(session, user_id, at(MONDAY, 8))
                await session.commit()
                return "booked"
            except SlotTaken:
                await session.rollback()
                return "taken"

    try:
        tasks = [asyncio.create_task(attempt(0, ANA)), asyncio.create_task(attempt(1, BEA))]
        await asyncio.sleep(0)
        go.set()
        results = await asyncio.wait_for(asyncio.gather(*tasks), 30)
        assert sorted(results) == ["booked", "taken"]
        async with create_session_factory(engines[0])() as session:
            held = (
                await session.scalars(
                    select(Appointment).where(Appointment.starts_at == at(MONDAY, 8))
                )
            ).all()
            assert len(held) == 1
    finally:
        for engine in engines:
            await engine.dispose()


# ── Moving and cancelling ──────────────────────────────────────────────────────


async def test_rescheduling_frees_the_old_slot_and_moves_the_reminders(
    session: AsyncSession,
) -> None:
    await office(session)
    appointment = await book(session, ANA, at(MONDAY, 9))
    await appointments.confirm(session, appointment.id, now=NOW)
    await session.commit()
    old_reminders = [r.id for r in await reminders.reminders_of(session, appointment.id)]
    moved = await appointments.reschedule(
        session,
        appointment.id,
        service=LEGAL,
        starts_at=at(WEDNESDAY, 9),
        now=NOW,
        tz=GT,
        user_id=ANA,
    )
    await session.commit()
    assert moved.id == appointment.id and moved.starts_at == at(WEDNESDAY, 9)
    assert moved.status == AppointmentStatus.REQUESTED  # staff confirm the new time again
    rows = await reminders.reminders_of(session, appointment.id)
    assert {r.id: r.status for r in rows if r.id in old_reminders} == dict.fromkeys(
        old_reminders, "cancelled"
    )
    assert [(r.kind, r.due_at) for r in rows if r.status == "pending"] == [
        ("24h", at(WEDNESDAY, 9) - timedelta(hours=24)),
        ("2h", at(WEDNESDAY, 9) - timedelta(hours=2)),
    ]
    # The old slot is free again: someone else can take it.
    slots = await appointments.free_slots(session, LEGAL, from_date=MONDAY, days=1, tz=GT, now=NOW)
    assert "Mon 09:00" in local_times(slots)
    await book(session, BEA, at(MONDAY, 9))
    await session.commit()


async def test_rescheduling_onto_a_taken_slot_changes_nothing(session: AsyncSession) -> None:
    await office(session)
    hers = await book(session, ANA, at(WEDNESDAY, 8))
    await book(session, BEA, at(WEDNESDAY, 9))
    await session.commit()
    with pytest.raises(SlotTaken):
        await appointments.reschedule(
            session, hers.id, service=LEGAL, starts_at=at(WEDNESDAY, 9), now=NOW, tz=GT
        )
    assert hers.starts_at == at(WEDNESDAY, 8)
    pending = [
        r.kind for r in await reminders.reminders_of(session, hers.id) if r.status == "pending"
    ]
    assert pending == ["24h", "2h"]
    with pytest.raises(NotFound):  # not hers
        await appointments.reschedule(
            session, hers.id, service=LEGAL, starts_at=at(MONDAY, 11), now=NOW, tz=GT, user_id=BEA
        )
    with pytest.raises(AlreadyDone):
        await appointments.reschedule(
            session, hers.id, service=LEGAL, starts_at=at(WEDNESDAY, 8), now=NOW, tz=GT
        )
    by_staff = await appointments.reschedule(
        session, hers.id, service=LEGAL, starts_at=at(MONDAY, 11), now=NOW, tz=GT, by_staff=True
    )
    assert by_staff.status == AppointmentStatus.CONFIRMED


async def test_rescheduling_when_the_database_finds_the_clash_reloads_the_appointment(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    await office(session)
    hers = await book(session, ANA, at(WEDNESDAY, 8))
    await book(session, BEA, at(WEDNESDAY, 9))
    await session.commit()

    async def sees_nothing(*_args: object, **_kw: object) -> list:
        return []

    monkeypatch.setattr(appointments, "_taken", sees_nothing)
    with pytest.raises(SlotTaken):
        await appointments.reschedule(
            session, hers.id, service=LEGAL, starts_at=at(WEDNESDAY, 9), now=NOW, tz=GT
        )
    assert hers.starts_at == at(WEDNESDAY, 8)
    pending = [
        r.kind for r in await reminders.reminders_of(session, hers.id) if r.status == "pending"
    ]
    assert pending == ["24h", "2h"]
    await session.commit()


async def test_cancelling_frees_the_slot_and_cancels_reminders(session: AsyncSession) -> None:
    await office(session)
    hers = await book(session, ANA, at(MONDAY, 9))
    await session.commit()
    with pytest.raises(NotFound):
        await appointments.cancel(session, hers.id, now=NOW, user_id=BEA)
    cancelled = await appointments.cancel(session, hers.id, now=NOW, reason="viaje", user_id=ANA)
    await session.commit()
    assert cancelled.status == AppointmentStatus.CANCELLED and cancelled.cancel_reason == "viaje"
    assert {r.status for r in await reminders.reminders_of(session, hers.id)} == {"cancelled"}
    with pytest.raises(AlreadyDone):
        await appointments.cancel(session, hers.id, now=NOW)
    assert await appointments.upcoming_for_user(session, ANA, NOW) == []
    # She may book again, even the same slot.
    again = await book(session, ANA, at(MONDAY, 9))
    await session.commit()
    assert again.id != hers.id


# ── Staff: confirm, attended, no-show, agenda ──────────────────────────────────


async def test_attendance_and_no_shows_are_counted_per_woman(session: AsyncSession) -> None:
    await office(session)
    first = await book(session, ANA, at(MONDAY, 8))
    second = await book(session, ANA, at(MONDAY, 8), service=SOCIAL)
    await session.commit()
    confirmed = await appointments.confirm(session, first.id, now=NOW)
    assert confirmed.status == AppointmentStatus.CONFIRMED
    with pytest.raises(AlreadyDone):
        await appointments.confirm(session, first.id, now=NOW)
    with pytest.raises(InvalidInput):  # not started yet
        await appointments.mark_no_show(session, first.id, now=NOW)
    later = at(MONDAY, 9, 30)
    await appointments.mark_no_show(session, first.id, now=later)
    await appointments.mark_no_show(session, second.id, now=later)
    await session.commit()
    assert await appointments.no_show_count(session, ANA) == 2
    assert await appointments.no_show_count(session, BEA) == 0
    # A mistake is corrected: she did come.
    await appointments.mark_attended(session, second.id, now=later)
    with pytest.raises(AlreadyDone):
        await appointments.mark_attended(session, second.id, now=later)
    await session.commit()
    assert await appointments.no_show_count(session, ANA) == 1
    with pytest.raises(NotFound):
        await appointments.confirm(session, 999_999, now=NOW)


async def test_the_agenda_lists_a_local_day_in_order(session: AsyncSession) -> None:
    await office(session)
    late = await book(session, ANA, at(MONDAY, 15))
    early = await book(session, BEA, at(MONDAY, 8), service=SOCIAL)
    gone = await book(session, CARMEN, at(MONDAY, 9))
    await book(session, CARMEN, at(WEDNESDAY, 8, 30), service=SOCIAL)
    await appointments.cancel(session, gone.id, now=NOW)
    await session.commit()
    # 15:00 in Guatemala is 21:00 UTC, still Monday locally.
    day = await appointments.agenda(session, MONDAY, GT)
    assert [a.id for a in day] == [early.id, late.id]
    assert [a.id for a in await appointments.agenda(session, MONDAY, GT, service_key="legal")] == [
        late.id
    ]
    everything = await appointments.agenda(session, MONDAY, GT, include_cancelled=True)
    assert gone.id in [a.id for a in everything]


async def test_a_closure_lists_the_appointments_it_falls_on(session: AsyncSession) -> None:
    await office(session)
    hit = await book(session, ANA, at(MONDAY, 9))
    await book(session, BEA, at(MONDAY, 13))
    closure = await appointments.add_exception(
        session, on_date=MONDAY, service_key="legal", start=time(8), end=time(12), now=NOW
    )
    assert [a.id for a in await appointments.appointments_on_closed_day(session, closure, GT)] == [
        hit.id
    ]


# ── Call-back and visit requests ───────────────────────────────────────────────


async def test_she_can_ask_to_be_called_back_instead(session: AsyncSession) -> None:
    await office(session)
    request = await appointments.request_contact(
        session, user_id=ANA, service=LEGAL, kind="callback", now=NOW
    )
    visit = await appointments.request_contact(
        session, user_id=BEA, service=SOCIAL, kind="visit", now=NOW + timedelta(minutes=1)
    )
    await session.commit()
    assert request.kind == AppointmentKind.CALLBACK and request.starts_at is None
    assert await reminders.reminders_of(session, request.id) == []
    with pytest.raises(AlreadyDone):
        await appointments.request_contact(
            session, user_id=ANA, service=LEGAL, kind="visit", now=NOW
        )
    with pytest.raises(InvalidInput):
        await appointments.request_contact(
            session, user_id=CARMEN, service=LEGAL, kind="telepathy", now=NOW
        )
    assert [a.id for a in await appointments.open_contact_requests(session)] == [
        request.id,
        visit.id,
    ]
    assert [a.id for a in await appointments.upcoming_for_user(session, ANA, NOW)] == [request.id]
    # Staff call her and agree on a time: the request becomes a confirmed booking.
    booked = await appointments.reschedule(
        session,
        request.id,
        service=LEGAL,
        starts_at=at(WEDNESDAY, 8),
        now=NOW,
        tz=GT,
        by_staff=True,
    )
    await session.commit()
    assert booked.kind == AppointmentKind.SLOT and booked.status == AppointmentStatus.CONFIRMED
    assert len(await reminders.reminders_of(session, booked.id)) == 2
    assert [a.id for a in await appointments.open_contact_requests(session)] == [visit.id]


async def test_her_appointments_stay_as_counts_when_she_deletes_her_data(
    session: AsyncSession,
) -> None:
    await office(session)
    hers = await book(session, ANA, at(MONDAY, 9))
    await session.commit()
    await privacy.delete_personal_data(session, ANA, now=NOW)
    await session.commit()
    await session.refresh(hers)
    assert hers.user_id is None


# ── Weekly hours (staff) ───────────────────────────────────────────────────────


async def test_default_hours_are_seeded_once_and_staff_changes_are_kept(
    session: AsyncSession,
) -> None:
    assert await appointments.seed_default_rules_if_empty(session, [LEGAL, SOCIAL]) == 8
    assert await appointments.weekly_hours(session, "legal") == list(LEGAL.hours)
    await appointments.set_weekly_hours(session, "legal", [hours(FRI, 9, 11)])
    await appointments.set_weekly_hours(session, "social_aid", [])
    await session.commit()
    assert await appointments.seed_default_rules_if_empty(session, [LEGAL, SOCIAL]) == 0
    assert await appointments.weekly_hours(session, "legal") == [hours(FRI, 9, 11)]
    assert await appointments.weekly_hours(session, "social_aid") == []
    assert len((await session.scalars(select(ScheduleRule))).all()) == 1
    with pytest.raises(InvalidInput):
        await appointments.set_weekly_hours(
            session, "legal", [hours(FRI, 9, 11), WeeklyHours(FRI, time(10, 30), time(12))]
        )
    with pytest.raises(ValueError):
        hours(FRI, 11, 9)


async def test_exceptions_are_validated_and_removable(session: AsyncSession) -> None:
    with pytest.raises(InvalidInput):
        await appointments.add_exception(session, on_date=MONDAY, closed=False, now=NOW)
    with pytest.raises(InvalidInput):
        await appointments.add_exception(session, on_date=MONDAY, start=time(9), now=NOW)
    with pytest.raises(InvalidInput):
        await appointments.add_exception(
            session, on_date=MONDAY, start=time(10), end=time(9), now=NOW
        )
    exception = await appointments.add_exception(session, on_date=MONDAY, now=NOW, staff_id=7)
    await session.commit()
    await appointments.remove_exception(session, exception.id)
    await session.commit()
    assert await appointments.exceptions_between(session, MONDAY, MONDAY) == []
    with pytest.raises(NotFound):
        await appointments.remove_exception(session, exception.id)
