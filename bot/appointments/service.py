"""Appointments: free slots, booking, call-back and visit requests, and staff's weekly hours.

Two active appointments can never hold the same slot of a service. The guarantee is the
database's: a partial unique index on appointments(service, starts_at) over active slot
bookings (`uq_appointments_active_slot`). `book` and `reschedule` write inside a
SAVEPOINT, so when two women confirm the same slot at the same instant the second
write fails there, is turned into `SlotTaken`, and the caller's transaction stays
usable. (On SQLite the second writer waits for the first one's BEGIN IMMEDIATE lock and
already sees the slot taken; on PostgreSQL the index makes the second insert wait for
the first commit and then fail.) Cancelling or moving an appointment takes it out of the
index, which frees the slot at once.

Times are aware UTC datetimes; local dates and weekly hours use the office time zone
passed in as `tz`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.appointments import service_reminders as reminders
from bot.appointments.availability import DayException, Slot, generate_slots, local_day_bounds
from bot.cases import posts as staff_posts
from bot.core.clock import check_aware
from bot.core.errors import AlreadyDone, DomainError, InvalidInput, NotFound
from bot.db.constraints import violates
from bot.db.models import (
    ACTIVE_APPOINTMENT_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    ScheduleException,
    ScheduleRule,
    User,
)
from bot.office import DEFAULT_REMINDER_OFFSETS_HOURS, AppointmentService, WeeklyHours

# How far ahead she can book.
MAX_DAYS_AHEAD = 60
CONTACT_KINDS = (AppointmentKind.CALLBACK, AppointmentKind.VISIT)
MAX_REASON_LENGTH = 256
MAX_NOTE_LENGTH = 256


class SlotTaken(DomainError):
    """Someone else holds that slot (possibly since a moment ago)."""


# ── Weekly hours and exceptions (staff) ────────────────────────────────────────


async def weekly_hours(session: AsyncSession, service_key: str) -> list[WeeklyHours]:
    """The live weekly hours of a service, Monday first."""
    rules = (
        await session.scalars(
            select(ScheduleRule)
            .where(ScheduleRule.service == service_key)
            .order_by(ScheduleRule.weekday, ScheduleRule.start_time)
        )
    ).all()
    return [WeeklyHours(r.weekday, r.start_time, r.end_time) for r in rules]


def _check_windows(windows: Sequence[WeeklyHours]) -> None:
    ordered = sorted(windows, key=lambda w: (w.weekday, w.start))
    for before, after in pairwise(ordered):
        if before.weekday == after.weekday and after.start < before.end:
            raise InvalidInput(f"{before} and {after} overlap")


async def set_weekly_hours(
    session: AsyncSession, service_key: str, windows: Sequence[WeeklyHours]
) -> list[ScheduleRule]:
    """Replace a service's weekly hours (empty: no bookable times, only call-backs).

    Appointments already booked stay as they are.
    """
    _check_windows(windows)
    await session.execute(delete(ScheduleRule).where(ScheduleRule.service == service_key))
    rules = [
        ScheduleRule(service=service_key, weekday=w.weekday, start_time=w.start, end_time=w.end)
        for w in sorted(windows, key=lambda w: (w.weekday, w.start))
    ]
    session.add_all(rules)
    await session.flush()
    return rules


async def seed_default_rules_if_empty(
    session: AsyncSession, services: Sequence[AppointmentService]
) -> int:
    """At start-up: copy the office file's hours into schedule_rules if it has none at all.

    Only an empty table is seeded, so hours staff changed (even to none) are kept;
    returns the number of rules written.
    """
    if await session.scalar(select(ScheduleRule.id).limit(1)) is not None:
        return 0
    rules = [
        ScheduleRule(service=s.key, weekday=w.weekday, start_time=w.start, end_time=w.end)
        for s in services
        for w in s.hours
    ]
    session.add_all(rules)
    await session.flush()
    return len(rules)


async def add_exception(
    session: AsyncSession,
    *,
    on_date: date,
    now: datetime,
    service_key: str | None = None,
    closed: bool = True,
    start: time | None = None,
    end: time | None = None,
    note: str | None = None,
    staff_id: int | None = None,
) -> ScheduleException:
    """Close a day (or part of it), or open extra hours, for one service or all of them."""
    if (start is None) != (end is None):
        raise InvalidInput("give both the start and the end time, or neither")
    if start is not None and end is not None and start >= end:
        raise InvalidInput("the end time must be after the start time")
    if not closed and start is None:
        raise InvalidInput("extra hours need a start and an end time")
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput("note too long")
    exception = ScheduleException(
        service=service_key,
        on_date=on_date,
        closed=closed,
        start_time=start,
        end_time=end,
        note=note,
        created_by=staff_id,
        created_at=now,
    )
    session.add(exception)
    await session.flush()
    return exception


async def remove_exception(session: AsyncSession, exception_id: int) -> None:
    exception = await session.get(ScheduleException, exception_id)
    if exception is None:
        raise NotFound(f"schedule exception {exception_id}")
    await session.delete(exception)
    await session.flush()


async def exceptions_between(
    session: AsyncSession, first: date, last: date, service_key: str | None = None
) -> Sequence[ScheduleException]:
    """Exceptions from `first` to `last` (inclusive); with a service, its own and office-wide."""
    statement = select(ScheduleException).where(
        ScheduleException.on_date >= first, ScheduleException.on_date <= last
    )
    if service_key is not None:
        statement = statement.where(
            or_(ScheduleException.service.is_(None), ScheduleException.service == service_key)
        )
    return (
        await session.scalars(statement.order_by(ScheduleException.on_date, ScheduleException.id))
    ).all()


# ── Free slots ─────────────────────────────────────────────────────────────────


async def _taken(
    session: AsyncSession,
    service_key: str,
    start: datetime,
    end: datetime,
    exclude_id: int | None = None,
) -> list[tuple[datetime, datetime]]:
    statement = select(Appointment.starts_at, Appointment.ends_at).where(
        Appointment.service == service_key,
        Appointment.kind == AppointmentKind.SLOT,
        Appointment.status.in_(ACTIVE_APPOINTMENT_STATUSES),
        Appointment.starts_at < end,
        Appointment.ends_at > start,
    )
    if exclude_id is not None:
        statement = statement.where(Appointment.id != exclude_id)
    return [(s, e) for s, e in (await session.execute(statement)).all() if s and e]


async def free_slots(
    session: AsyncSession,
    service: AppointmentService,
    *,
    from_date: date,
    days: int,
    tz: ZoneInfo,
    now: datetime,
    min_notice: timedelta = timedelta(0),
    exclude_appointment_id: int | None = None,
) -> list[Slot]:
    """Bookable slots of `service` on `days` local dates from `from_date`, in time order.

    Weekly hours come from schedule_rules (staff-edited), then the dates' exceptions;
    slots held by active appointments (except `exclude_appointment_id`, the one being
    moved) are left out, and so is any not after `now + min_notice`.
    """
    return await _slots(
        session,
        service,
        from_date=from_date,
        days=days,
        tz=tz,
        now=now,
        min_notice=min_notice,
        skip_taken=True,
        exclude_appointment_id=exclude_appointment_id,
    )


async def _slots(
    session: AsyncSession,
    service: AppointmentService,
    *,
    from_date: date,
    days: int,
    tz: ZoneInfo,
    now: datetime,
    min_notice: timedelta,
    skip_taken: bool,
    exclude_appointment_id: int | None,
) -> list[Slot]:
    check_aware(now, "now")
    days = max(0, min(days, MAX_DAYS_AHEAD + 1))
    if days == 0:
        return []
    last = from_date + timedelta(days=days - 1)
    rules = await weekly_hours(session, service.key)
    exceptions = [
        DayException(
            on_date=e.on_date,
            closed=e.closed,
            start=e.start_time,
            end=e.end_time,
            service=e.service,
        )
        for e in await exceptions_between(session, from_date, last, service.key)
    ]
    taken: list[tuple[datetime, datetime]] = []
    if skip_taken:
        range_start, _ = local_day_bounds(from_date, tz)
        _, range_end = local_day_bounds(last, tz)
        taken = await _taken(session, service.key, range_start, range_end, exclude_appointment_id)
    return generate_slots(
        service=service.key,
        duration=service.duration,
        rules=rules,
        exceptions=exceptions,
        from_date=from_date,
        days=days,
        tz=tz,
        now=now,
        taken=taken,
        min_notice=min_notice,
    )


async def _check_offered(
    session: AsyncSession,
    service: AppointmentService,
    starts_at: datetime,
    tz: ZoneInfo,
    now: datetime,
    exclude_id: int | None,
) -> datetime:
    """Refuse a time that is not a slot of the service; SlotTaken if another booking has it."""
    check_aware(starts_at, "starts_at")
    check_aware(now, "now")
    starts_at = starts_at.astimezone(UTC)
    if starts_at <= now:
        raise InvalidInput("that time has passed")
    local_date = starts_at.astimezone(tz).date()
    if local_date > now.astimezone(tz).date() + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput("too far ahead")
    # Offered at all (hours, exceptions, future), before looking at who holds what.
    offered = await _slots(
        session,
        service,
        from_date=local_date,
        days=1,
        tz=tz,
        now=now,
        min_notice=timedelta(0),
        skip_taken=False,
        exclude_appointment_id=None,
    )
    if not any(s.starts_at == starts_at for s in offered):
        raise InvalidInput("that time is not offered")
    ends_at = starts_at + service.duration
    if await _taken(session, service.key, starts_at, ends_at, exclude_id):
        raise SlotTaken(f"{service.key} at {starts_at.isoformat()} is taken")
    return starts_at


# ── Her appointments ───────────────────────────────────────────────────────────


async def book(
    session: AsyncSession,
    *,
    user_id: int,
    service: AppointmentService,
    starts_at: datetime,
    now: datetime,
    tz: ZoneInfo,
    reminder_offsets_hours: Sequence[float] = DEFAULT_REMINDER_OFFSETS_HOURS,
) -> Appointment:
    """Book a slot for her, with its reminders, all or nothing.

    InvalidInput when the time is not one the service offers, AlreadyDone when she
    already has an active appointment with this service, SlotTaken when another
    booking holds (or overlaps) the slot, including one committed a moment ago.
    """
    starts_at = await _check_offered(session, service, starts_at, tz, now, None)
    if await _active_for_user(session, user_id, service.key) is not None:
        raise AlreadyDone("she already has an appointment with this service")
    appointment = Appointment(
        user_id=user_id,
        service=service.key,
        kind=AppointmentKind.SLOT,
        starts_at=starts_at,
        ends_at=starts_at + service.duration,
        status=AppointmentStatus.REQUESTED,
        created_at=now,
        updated_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(appointment)
            await session.flush()
            await reminders.schedule_for(session, appointment, reminder_offsets_hours, now)
    except IntegrityError as exc:
        if _is_slot_clash(exc):
            raise SlotTaken(f"{service.key} at {starts_at.isoformat()} is taken") from None
        raise
    return appointment


def _is_slot_clash(exc: IntegrityError) -> bool:
    return violates(
        exc,
        index="uq_appointments_active_slot",
        sqlite="UNIQUE constraint failed: appointments.service, appointments.starts_at",
    )


async def _active_for_user(
    session: AsyncSession, user_id: int, service_key: str
) -> Appointment | None:
    return await session.scalar(
        select(Appointment)
        .where(
            Appointment.user_id == user_id,
            Appointment.service == service_key,
            Appointment.status.in_(ACTIVE_APPOINTMENT_STATUSES),
        )
        .limit(1)
    )


async def request_contact(
    session: AsyncSession,
    *,
    user_id: int,
    service: AppointmentService,
    kind: str,
    now: datetime,
) -> Appointment:
    """She asks to be called back or visited instead of choosing a time."""
    if kind not in CONTACT_KINDS:
        raise InvalidInput(f"unknown contact kind {kind!r}")
    if await _active_for_user(session, user_id, service.key) is not None:
        raise AlreadyDone("she already has an appointment or request with this service")
    appointment = Appointment(
        user_id=user_id,
        service=service.key,
        kind=kind,
        status=AppointmentStatus.REQUESTED,
        created_at=now,
        updated_at=now,
    )
    session.add(appointment)
    await session.flush()
    return appointment


async def get_appointment(session: AsyncSession, appointment_id: int) -> Appointment:
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound(f"appointment {appointment_id}")
    return appointment


async def _load(session: AsyncSession, appointment_id: int, user_id: int | None) -> Appointment:
    """The appointment; when `user_id` is given, only hers (anyone else's reads as missing)."""
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None or (user_id is not None and appointment.user_id != user_id):
        raise NotFound(f"appointment {appointment_id}")
    return appointment


async def appointment_of_user(
    session: AsyncSession, user_id: int, appointment_id: int
) -> Appointment:
    return await _load(session, appointment_id, user_id)


async def reschedule(
    session: AsyncSession,
    appointment_id: int,
    *,
    service: AppointmentService,
    starts_at: datetime,
    now: datetime,
    tz: ZoneInfo,
    user_id: int | None = None,
    by_staff: bool = False,
    reminder_offsets_hours: Sequence[float] = DEFAULT_REMINDER_OFFSETS_HOURS,
) -> Appointment:
    """Move an active appointment (or give a call-back request a time).

    The old slot is freed in the same write, its pending reminders are cancelled and new
    ones scheduled. Moved by her it waits for staff to confirm again; moved by staff it
    is confirmed. With `user_id`, only her own appointment can be moved.
    """
    appointment = await _load(session, appointment_id, user_id)
    if not appointment.is_active:
        raise AlreadyDone(f"appointment is {appointment.status}")
    if appointment.service != service.key:
        raise InvalidInput("an appointment keeps its service")
    check_aware(starts_at, "starts_at")
    if appointment.kind == AppointmentKind.SLOT and appointment.starts_at == starts_at:
        raise AlreadyDone("it is already at that time")
    starts_at = await _check_offered(session, service, starts_at, tz, now, appointment.id)
    try:
        async with session.begin_nested():
            appointment.kind = AppointmentKind.SLOT
            appointment.starts_at = starts_at
            appointment.ends_at = starts_at + service.duration
            appointment.status = (
                AppointmentStatus.CONFIRMED if by_staff else AppointmentStatus.REQUESTED
            )
            appointment.updated_at = now
            await session.flush()
            await reminders.cancel_for_appointment(session, appointment.id)
            await reminders.schedule_for(session, appointment, reminder_offsets_hours, now)
    except IntegrityError as exc:
        # The savepoint rolled back and expired the appointment; reload it for the caller.
        await session.refresh(appointment)
        if _is_slot_clash(exc):
            raise SlotTaken(f"{service.key} at {starts_at.isoformat()} is taken") from None
        raise
    return appointment


async def cancel(
    session: AsyncSession,
    appointment_id: int,
    *,
    now: datetime,
    reason: str | None = None,
    user_id: int | None = None,
) -> Appointment:
    """Cancel (by her with `user_id`, or by staff): frees the slot, cancels reminders."""
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput("reason too long")
    appointment = await _load(session, appointment_id, user_id)
    if not appointment.is_active:
        raise AlreadyDone(f"appointment is {appointment.status}")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancel_reason = reason
    appointment.updated_at = now
    await session.flush()
    await reminders.cancel_for_appointment(session, appointment.id)
    return appointment


async def confirm(session: AsyncSession, appointment_id: int, *, now: datetime) -> Appointment:
    """Staff confirm a requested appointment."""
    appointment = await _load(session, appointment_id, None)
    if appointment.status != AppointmentStatus.REQUESTED:
        raise AlreadyDone(f"appointment is {appointment.status}")
    if appointment.starts_at is not None and appointment.starts_at <= now:
        raise InvalidInput("the appointment time has passed")
    appointment.status = AppointmentStatus.CONFIRMED
    appointment.updated_at = now
    await session.flush()
    return appointment


async def _finish(
    session: AsyncSession, appointment_id: int, status: AppointmentStatus, now: datetime
) -> Appointment:
    appointment = await _load(session, appointment_id, None)
    if appointment.status == status:
        raise AlreadyDone(f"appointment is already {status}")
    # Attended and no-show can correct each other; cancelled stays cancelled.
    if appointment.status == AppointmentStatus.CANCELLED:
        raise AlreadyDone("appointment is cancelled")
    if (
        appointment.kind == AppointmentKind.SLOT
        and appointment.starts_at is not None
        and appointment.starts_at > now
    ):
        raise InvalidInput("the appointment has not started yet")
    appointment.status = status
    appointment.updated_at = now
    await session.flush()
    await reminders.cancel_for_appointment(session, appointment.id)
    return appointment


async def mark_attended(
    session: AsyncSession, appointment_id: int, *, now: datetime
) -> Appointment:
    return await _finish(session, appointment_id, AppointmentStatus.ATTENDED, now)


async def mark_no_show(session: AsyncSession, appointment_id: int, *, now: datetime) -> Appointment:
    return await _finish(session, appointment_id, AppointmentStatus.NO_SHOW, now)


async def no_show_count(session: AsyncSession, user_id: int) -> int:
    """Appointments she did not come to (staff see it when confirming her next one)."""
    count = await session.scalar(
        select(func.count())
        .select_from(Appointment)
        .where(Appointment.user_id == user_id, Appointment.status == AppointmentStatus.NO_SHOW)
    )
    return int(count or 0)


async def upcoming_for_user(
    session: AsyncSession, user_id: int, now: datetime, limit: int = 10
) -> Sequence[Appointment]:
    """Her active appointments still ahead, soonest first, then call-back/visit requests."""
    return (
        await session.scalars(
            select(Appointment)
            .where(
                Appointment.user_id == user_id,
                Appointment.status.in_(ACTIVE_APPOINTMENT_STATUSES),
                or_(Appointment.starts_at.is_(None), Appointment.starts_at > now),
            )
            .order_by(Appointment.starts_at.is_(None), Appointment.starts_at, Appointment.id)
            .limit(limit)
        )
    ).all()


async def agenda(
    session: AsyncSession,
    day: date,
    tz: ZoneInfo,
    *,
    service_key: str | None = None,
    include_cancelled: bool = False,
) -> Sequence[Appointment]:
    """A local day's appointments with a time, in order (the staff's daily digest)."""
    start, end = local_day_bounds(day, tz)
    statement = select(Appointment).where(
        Appointment.starts_at >= start, Appointment.starts_at < end
    )
    if service_key is not None:
        statement = statement.where(Appointment.service == service_key)
    if not include_cancelled:
        statement = statement.where(Appointment.status != AppointmentStatus.CANCELLED)
    return (await session.scalars(statement.order_by(Appointment.starts_at, Appointment.id))).all()


async def open_contact_requests(session: AsyncSession, limit: int = 50) -> Sequence[Appointment]:
    """Active call-back and visit requests, oldest first."""
    return (
        await session.scalars(
            select(Appointment)
            .where(
                Appointment.kind.in_(CONTACT_KINDS),
                Appointment.status.in_(ACTIVE_APPOINTMENT_STATUSES),
            )
            .order_by(Appointment.created_at, Appointment.id)
            .limit(limit)
        )
    ).all()


def tell_staff(session: AsyncSession, appointment_id: int, now: datetime, *, new: bool) -> None:
    """Queue the news for the staff group: a new appointment's card, or (she moved or
    cancelled it, or deleted her data) a line under its card, which is redrawn."""
    staff_posts.enqueue(
        session,
        kind=staff_posts.NEW_APPOINTMENT if new else staff_posts.APPOINTMENT_CHANGED,
        appointment_id=appointment_id,
        now=now,
    )


def record_staff_card(appointment: Appointment, message_id: int) -> None:
    """The appointment's card was posted to the staff group: it is redrawn there from now on
    (a StaffMessageLink needs a case, so the appointment keeps the message id itself)."""
    appointment.staff_card_message_id = message_id


async def find_by_staff_card(session: AsyncSession, message_id: int) -> Appointment | None:
    return await session.scalar(
        select(Appointment).where(Appointment.staff_card_message_id == message_id).limit(1)
    )


async def appointments_on_closed_day(
    session: AsyncSession, exception: ScheduleException, tz: ZoneInfo
) -> Sequence[Appointment]:
    """Active appointments a new closure falls on, so staff can move them."""
    if not exception.closed:
        return []
    start, end = local_day_bounds(exception.on_date, tz)
    if exception.start_time is not None and exception.end_time is not None:
        window_start = datetime.combine(exception.on_date, exception.start_time, tzinfo=tz)
        window_end = datetime.combine(exception.on_date, exception.end_time, tzinfo=tz)
        start, end = window_start.astimezone(UTC), window_end.astimezone(UTC)
    statement = select(Appointment).where(
        Appointment.kind == AppointmentKind.SLOT,
        Appointment.status.in_(ACTIVE_APPOINTMENT_STATUSES),
        and_(Appointment.starts_at < end, Appointment.ends_at > start),
    )
    if exception.service is not None:
        statement = statement.where(Appointment.service == exception.service)
    return (await session.scalars(statement.order_by(Appointment.starts_at))).all()


@dataclass(frozen=True)
class Person:
    """What staff see about the woman behind an appointment."""

    name: str | None
    community: str | None
    no_shows: int = 0


async def people_behind(session: AsyncSession, items: Sequence[Appointment]) -> dict[int, Person]:
    """Name, community and no-show count of the women behind these appointments."""
    people: dict[int, Person] = {}
    for item in items:
        if item.user_id is None or item.user_id in people:
            continue
        user = await session.get(User, item.user_id)
        people[item.user_id] = Person(
            name=user.name if user else None,
            community=user.community if user else None,
            no_shows=await no_show_count(session, item.user_id),
        )
    return people
