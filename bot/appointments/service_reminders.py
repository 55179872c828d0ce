"""Durable appointment reminders: rows written at booking, claimed and sent by a sweep.

A sweeping process (several may run at once) does, each in its own transaction:

1. `claim_due(session, now, token)`, commit: the due reminders are now its own.
2. For each one: `begin_attempt(...)`, commit; only if it returned True, send the message;
   then `mark_sent(...)` or `mark_failed(...)`, commit.
3. At start-up and every half minute, `release_dead_claims(session, liveness.dead_tokens)`.

Rows survive restarts, so a reminder that became due while the bot was down is sent
at the next sweep, as long as its appointment is still active and has not started.
If several reminders of one appointment are overdue at once (the bot was down through
both the 24 h and the 2 h one), only the latest is sent; the others are cancelled.

Claiming is one statement on both backends:

    UPDATE reminders SET status='claimed', claimed_by=:token, claimed_at=:now
    WHERE status || '' = 'pending' AND id IN (
        SELECT reminders.id FROM reminders JOIN appointments ON ...
        WHERE reminders.status = 'pending' AND reminders.due_at <= :now
          AND appointments.status IN ('requested', 'confirmed')
          AND appointments.starts_at > :now AND appointments.user_id IS NOT NULL
          AND NOT EXISTS (a later reminder of the same appointment also due)
        ORDER BY due_at, id LIMIT :n
        FOR UPDATE OF reminders SKIP LOCKED)   -- rendered on PostgreSQL only
    RETURNING id

On PostgreSQL, SKIP LOCKED lets concurrent sweeps take different rows, and both the
locking select and the outer status check are re-evaluated on the latest version of a
row another sweep changed, so a row can never be claimed twice. On SQLite the
transaction holds the write lock from BEGIN IMMEDIATE, so claimers take turns.
`ix_reminders_status_due` (status, due_at) makes the inner select a range scan over
the due rows only, however many reminders wait in the future.

Delivery: never twice, and nothing lost that was never tried. A claim whose process
died (kill -9 mid-sweep) is found by `release_dead_claims` as soon as bot.core.liveness
says its process is gone (at the next start-up, or within half a minute):

- if its send never began (`attempted_at` is NULL), it goes back to pending and is sent
  by a later sweep: the woman was certainly not reminded yet;
- if its send began but was never recorded as sent or failed, nobody knows whether
  Telegram delivered it, and it is marked failed rather than sent again (at most once).

We prefer a possibly missing reminder to a duplicate one: every message from the office
on her phone is a risk for some women, the appointment itself is unaffected (staff see
it in the day's agenda), and the window between `begin_attempt`'s commit and the
Telegram call is a few milliseconds, so in practice almost nothing is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, exists, literal_column, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningUpdate

from bot.core import reminder_claims
from bot.db.models import (
    ACTIVE_APPOINTMENT_STATUSES,
    Appointment,
    Reminder,
    ReminderStatus,
)
from bot.office import AppointmentService

DEFAULT_CLAIM_LIMIT = 100

PENDING = ReminderStatus.PENDING
CLAIMED = ReminderStatus.CLAIMED
SENT = ReminderStatus.SENT
CANCELLED = ReminderStatus.CANCELLED
FAILED = ReminderStatus.FAILED
_ACTIVE = [s.value for s in ACTIVE_APPOINTMENT_STATUSES]


def _offset(value: float | timedelta) -> timedelta:
    return value if isinstance(value, timedelta) else timedelta(hours=value)


def offset_kind(value: float | timedelta) -> str:
    """How long before the start a reminder goes out, as its kind: 24h, 2h, 1.5h."""
    hours = _offset(value).total_seconds() / 3600
    return f"{hours:g}h"


async def schedule_for(
    session: AsyncSession,
    appointment: Appointment,
    offsets: Sequence[float | timedelta],
    now: datetime,
) -> list[Reminder]:
    """Write the reminders of an appointment: one per offset (hours before its start).

    Only offsets whose time is still ahead (after `now`, before the start) get a row; a
    kind already pending for the appointment is not written twice.
    """
    if appointment.starts_at is None or appointment.id is None:
        return []
    existing = set(
        (
            await session.scalars(
                select(Reminder.kind).where(
                    Reminder.appointment_id == appointment.id, Reminder.status == PENDING
                )
            )
        ).all()
    )
    created: list[Reminder] = []
    for value in offsets:
        offset = _offset(value)
        due_at = appointment.starts_at - offset
        kind = offset_kind(offset)
        if offset <= timedelta(0) or due_at <= now or kind in existing:
            continue
        existing.add(kind)
        created.append(
            Reminder(
                appointment_id=appointment.id,
                due_at=due_at,
                kind=kind,
                status=PENDING,
                attempts=0,
            )
        )
    session.add_all(created)
    await session.flush()
    return created


async def cancel_for_appointment(session: AsyncSession, appointment_id: int) -> int:
    """Cancel its reminders not yet being sent (pending, or claimed but not begun)."""
    result: Any = await session.execute(
        update(Reminder)
        .where(
            Reminder.appointment_id == appointment_id,
            or_(
                Reminder.status == PENDING,
                and_(Reminder.status == CLAIMED, Reminder.attempted_at.is_(None)),
            ),
        )
        .values(status=CANCELLED, claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class DueReminder:
    """A claimed reminder with what the sender needs to word it."""

    id: int
    kind: str
    due_at: datetime
    attempts: int
    appointment_id: int
    user_id: int | None
    service: str
    appointment_kind: str
    starts_at: datetime
    ends_at: datetime | None


def service_is_sensitive(service_key: str, services: Sequence[AppointmentService]) -> bool:
    """Must the reminder leave the service unnamed? Unknown services are treated as sensitive."""
    service = next((s for s in services if s.key == service_key), None)
    return True if service is None else service.sensitive


def _overtaken(table: Any, now: datetime) -> Any:
    """A later reminder of the same appointment is also due (or already out)."""
    later = table.alias("later")
    return exists().where(
        later.c.appointment_id == table.c.appointment_id,
        later.c.due_at > table.c.due_at,
        later.c.due_at <= now,
        later.c.status.in_([PENDING, CLAIMED, SENT]),
    )


def claim_statement(
    now: datetime, token: str, limit: int, reminders: Table | None = None
) -> ReturningUpdate[tuple[int]]:
    """The claiming UPDATE ... RETURNING id (exposed so the benchmark can time it alone)."""
    table: Any = reminders if reminders is not None else Reminder.__table__
    appointments: Any = Appointment.__table__
    candidates = (
        select(table.c.id)
        .join(appointments, appointments.c.id == table.c.appointment_id)
        .where(
            table.c.status == PENDING,
            table.c.due_at <= now,
            appointments.c.status.in_(_ACTIVE),
            appointments.c.starts_at > now,
            appointments.c.user_id.is_not(None),  # she deleted her data: nobody to remind
            ~_overtaken(table, now),
        )
        .order_by(table.c.due_at, table.c.id)
        .limit(limit)
        # PostgreSQL: concurrent sweeps skip each other's rows. SQLite renders nothing.
        .with_for_update(skip_locked=True, of=table)
    )
    # The outer re-check of the status (PostgreSQL evaluates it on the latest row version)
    # is written `status || '' = 'pending'` so that no index can serve it: without
    # statistics SQLite would otherwise walk every pending row of the status index
    # instead of fetching the few candidates by id.
    unindexable_status = table.c.status.concat(literal_column("''"))
    statement: ReturningUpdate[tuple[int]] = (
        update(table)
        .where(table.c.id.in_(candidates), unindexable_status == PENDING)
        .values(status=CLAIMED, claimed_by=token, claimed_at=now, attempted_at=None)
        .returning(table.c.id)
    )
    return statement


async def retire_unusable(session: AsyncSession, now: datetime) -> int:
    """Cancel due pending reminders that must never be sent.

    Those whose appointment is no longer active, has started (the bot was down when
    they were due) or lost its woman (she deleted her data), and those overtaken by a
    later reminder of the same appointment that is also due or already out. Run after
    the claim, it only looks at the few due rows the claim left; it keeps the due range
    of the index short.
    """
    table: Any = Reminder.__table__
    appointment_ok = exists().where(
        Appointment.id == table.c.appointment_id,
        Appointment.status.in_(_ACTIVE),
        Appointment.starts_at > now,
        Appointment.user_id.is_not(None),
    )
    result: Any = await session.execute(
        update(table)
        .where(
            table.c.status == PENDING,
            table.c.due_at <= now,
            or_(~appointment_ok, _overtaken(table, now)),
        )
        .values(status=CANCELLED)
    )
    return int(result.rowcount or 0)


async def claim_due(
    session: AsyncSession, now: datetime, token: str, limit: int = DEFAULT_CLAIM_LIMIT
) -> list[DueReminder]:
    """Atomically take up to `limit` due reminders for this process (oldest due first).

    Never returns a reminder another claimer got, nor one whose appointment was
    cancelled, finished or has already started, nor one nobody can receive (her data
    was deleted); of several due for one appointment only the latest. Due reminders
    that must never be sent are cancelled on the way. The caller commits right after.
    """
    ids = set((await session.scalars(claim_statement(now, token, limit))).all())
    await retire_unusable(session, now)
    if not ids:
        return []
    # This batch's rows, found by its claim (no list of ids to bind).
    rows = await session.execute(
        select(
            Reminder.id,
            Reminder.kind,
            Reminder.due_at,
            Reminder.attempts,
            Appointment.id,
            Appointment.user_id,
            Appointment.service,
            Appointment.kind,
            Appointment.starts_at,
            Appointment.ends_at,
        )
        .join(Appointment, Appointment.id == Reminder.appointment_id)
        .where(
            Reminder.status == CLAIMED,
            Reminder.claimed_by == token,
            Reminder.claimed_at == now,
        )
        .order_by(Reminder.due_at, Reminder.id)
    )
    return [
        DueReminder(
            id=r[0],
            kind=r[1],
            due_at=r[2],
            attempts=r[3],
            appointment_id=r[4],
            user_id=r[5],
            service=r[6],
            appointment_kind=r[7],
            starts_at=r[8],
            ends_at=r[9],
        )
        for r in rows.all()
        # starts_at is always set (the claim requires a start after now).
        if r[0] in ids and r[8] is not None
    ]


def _own_claim(reminder_id: int, token: str) -> list[Any]:
    return reminder_claims.own_claim(Reminder, reminder_id, token)


async def begin_attempt(session: AsyncSession, reminder_id: int, token: str, now: datetime) -> bool:
    """Record that this process is about to send it; commit before sending.

    False means do not send: the claim is no longer this process's (it was released or
    the reminder cancelled), or the appointment was cancelled or has started since the
    claim (then the reminder is cancelled here).
    """
    still_useful = exists().where(
        Appointment.id == Reminder.appointment_id,
        Appointment.status.in_(_ACTIVE),
        Appointment.starts_at > now,
    )
    result: Any = await session.execute(
        update(Reminder)
        .where(*_own_claim(reminder_id, token), still_useful)
        .values(attempted_at=now, attempts=Reminder.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        return True
    await session.execute(
        update(Reminder)
        .where(*_own_claim(reminder_id, token))
        .values(status=CANCELLED)
        .execution_options(synchronize_session=False)
    )
    return False


# Telegram accepted it / retry later or give up / claims of processes that are gone.
_claims = reminder_claims.ReminderClaims(Reminder)
mark_sent = _claims.mark_sent
mark_failed = _claims.mark_failed
release_dead_claims = _claims.release_dead_claims


async def reminders_of(session: AsyncSession, appointment_id: int) -> Sequence[Reminder]:
    """All reminder rows of an appointment, in due order (fresh from the database)."""
    return (
        await session.scalars(
            select(Reminder)
            .where(Reminder.appointment_id == appointment_id)
            .order_by(Reminder.due_at, Reminder.id)
            .execution_options(populate_existing=True)
        )
    ).all()


async def next_due_at(session: AsyncSession, now: datetime) -> datetime | None:
    """When the next reminder still to be sent is due (after `now`): the demo's clock
    control jumps there. None when no active appointment waits for one."""
    due: datetime | None = await session.scalar(
        select(Reminder.due_at)
        .join(Appointment, Appointment.id == Reminder.appointment_id)
        .where(
            Reminder.status == PENDING,
            Reminder.due_at > now,
            Appointment.status.in_(_ACTIVE),
            Appointment.starts_at > Reminder.due_at,
            Appointment.user_id.is_not(None),
        )
        .order_by(Reminder.due_at)
        .limit(1)
    )
    return due
