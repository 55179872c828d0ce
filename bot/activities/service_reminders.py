"""Activity reminders: the day before and the morning of a date, to the women going.

No row is written at sign-up: sign-ups change in many places (her buttons, the waiting
list, staff moving or cancelling a date or a series), and a row written then would have
to follow them all. Each sweep works out what is due from the current state instead,
in one transaction (several processes may sweep at once):

1. `write_due(...)`: for every date whose current start is within `HORIZON` (a moved
   date counts by its new time; cancelled ones have none), the latest slot whose time
   has come (due ≤ now < start) gets a row for each woman going (not waitlisted,
   active), unless she has one; UNIQUE(sign-up, slot, local day of the date) makes a
   second row impossible. A slot due before she signed up gets none (she has just said
   she will come); after downtime only the latest slot is written.
2. `claim_due(...)`, commit. For each: `begin_attempt(...)` (is the date still on, the
   same day, is she still going? returns what to say), commit; send only if it returned
   something; `mark_sent` or `mark_failed`, commit. Claims of dead
   processes: `release_dead_claims` (at start-up and every half minute).

Delivery is at most once, as in `bot.appointments.service_reminders` (read its docstring): a dead
process's claim goes back to pending only if its send never began, else it is failed.

A woman without a phone (a sign-up naming `woman_id`) is reminded through her leader,
who gets the reminder naming her by first name and initial only.

Cheap: one-offs starting soon come from `ix_activities_status_starts_at`, series are
few, only overrides touching the next days are read, sign-ups only for dates with a slot
due now (`ix_signups_occurrence_status`); rows exist only once due, so the claim is a
short range scan of `ix_activity_reminders_status_due`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, exists, literal_column, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.activities import service_series as activities
from bot.core import reminder_claims
from bot.core.errors import NotFound
from bot.db.models import (
    Activity,
    ActivityReminder,
    ActivityStatus,
    NetworkWoman,
    ReminderSlot,
    ReminderStatus,
    Signup,
    SignupStatus,
    User,
)
from bot.db.upsert import insert_or_ignore

DAY_BEFORE = ReminderSlot.DAY_BEFORE
MORNING_OF = ReminderSlot.MORNING_OF
# How far ahead the sweep looks: a day-before reminder at 00:00 comes up to 48 h early.
HORIZON = timedelta(days=2, hours=1)
DEFAULT_CLAIM_LIMIT = 100

PENDING = ReminderStatus.PENDING
CLAIMED = ReminderStatus.CLAIMED
SENT = ReminderStatus.SENT
CANCELLED = ReminderStatus.CANCELLED
FAILED = ReminderStatus.FAILED
_UNIQUE = ("signup_id", "slot", "occurrence_day")


# ── When ──────────────────────────────────────────────────────────────────────


def due_slots(
    starts_at: datetime, tz: ZoneInfo, *, day_before: time | None, morning_of: time | None
) -> list[tuple[str, datetime]]:
    """The reminders of a date starting at `starts_at`, in order: (slot, due time in UTC).

    The day before at `day_before` and the same day at `morning_of`, both office-local
    times; a slot that is None, or a morning time not before the start, has none.
    """
    local_day = starts_at.astimezone(tz).date()
    found: list[tuple[str, datetime]] = []
    if day_before is not None:
        due = datetime.combine(local_day - timedelta(days=1), day_before, tzinfo=tz)
        found.append((DAY_BEFORE, due.astimezone(UTC)))
    if morning_of is not None:
        due = datetime.combine(local_day, morning_of, tzinfo=tz).astimezone(UTC)
        if due < starts_at:
            found.append((MORNING_OF, due))
    return found


def latest_due_slot(
    starts_at: datetime,
    now: datetime,
    tz: ZoneInfo,
    *,
    day_before: time | None,
    morning_of: time | None,
) -> tuple[str, datetime] | None:
    """The one slot to remind of now: the latest whose time has come, if it has not started."""
    if starts_at <= now:
        return None
    due = [
        s
        for s in due_slots(starts_at, tz, day_before=day_before, morning_of=morning_of)
        if s[1] <= now
    ]
    return due[-1] if due else None


# ── Writing the due rows ──────────────────────────────────────────────────────


async def _dates_soon(
    session: AsyncSession, now: datetime, end: datetime, tz: ZoneInfo
) -> list[activities.Occurrence]:
    """Dates whose current start is in [now, end): one-offs and series, edits applied."""
    scheduled = Activity.status == ActivityStatus.SCHEDULED
    one_offs = (
        await session.scalars(
            select(Activity)
            .where(
                scheduled,
                Activity.starts_at >= now,
                Activity.starts_at < end,
                Activity.series_id.is_(None),
                Activity.rrule.is_(None),
            )
            .execution_options(populate_existing=True)
        )
    ).all()
    series = (
        await session.scalars(
            select(Activity)
            .where(scheduled, Activity.series_id.is_(None), Activity.rrule.is_not(None))
            .execution_options(populate_existing=True)
        )
    ).all()
    # Only the overrides that move a date into, out of, or cancel one within the window.
    overrides = (
        (
            await session.scalars(
                select(Activity)
                .where(
                    Activity.series_id.in_([s.id for s in series]),
                    or_(
                        and_(Activity.starts_at >= now, Activity.starts_at < end),
                        and_(Activity.occurrence_start >= now, Activity.occurrence_start < end),
                    ),
                )
                .execution_options(populate_existing=True)
            )
        ).all()
        if series
        else []
    )
    found: list[activities.Occurrence] = []
    for activity in one_offs:
        found.extend(activities.occurrences(activity, now, end, tz))
    for activity in series:
        mine = [o for o in overrides if o.series_id == activity.id]
        found.extend(activities.occurrences(activity, now, end, tz, mine))
    return found


def _going_to(occurrence: activities.Occurrence) -> Select[int]:
    """The sign-ups of women going to this date who can be reminded: she (active), or,
    for a woman without a phone, her leader (her contact, active)."""
    leader = aliased(User)
    return (
        select(Signup.id)
        .outerjoin(User, User.id == Signup.user_id)
        .outerjoin(NetworkWoman, NetworkWoman.id == Signup.woman_id)
        .outerjoin(leader, leader.id == NetworkWoman.contact_id)
        .where(
            Signup.activity_id == occurrence.activity_id,
            Signup.occurrence_start == occurrence.key,
            Signup.status == SignupStatus.GOING,
            or_(User.active.is_(True), leader.active.is_(True)),
        )
    )


async def write_due(
    session: AsyncSession,
    now: datetime,
    tz: ZoneInfo,
    *,
    day_before: time | None,
    morning_of: time | None,
) -> int:
    """Write a pending row for every reminder due now that has none yet; returns how many.

    See the module docstring for which are due. Safe to run from several processes at
    once: an existing row is never written again.
    """
    if day_before is None and morning_of is None:
        return 0
    rows: list[dict[str, Any]] = []
    for occurrence in await _dates_soon(session, now, now + HORIZON, tz):
        slot = latest_due_slot(
            occurrence.starts_at, now, tz, day_before=day_before, morning_of=morning_of
        )
        if slot is None:
            continue
        name, due_at = slot
        day = occurrence.starts_at.astimezone(tz).date()
        already = exists().where(
            ActivityReminder.signup_id == Signup.id,
            ActivityReminder.slot == name,
            ActivityReminder.occurrence_day == day,
        )
        signup_ids = (
            await session.scalars(
                _going_to(occurrence).where(
                    # She said she would come after this reminder's time: she knows.
                    Signup.updated_at <= due_at,
                    ~already,
                )
            )
        ).all()
        rows.extend(
            {
                "signup_id": signup_id,
                "slot": name,
                "occurrence_day": day,
                "due_at": due_at,
                "status": PENDING,
                "attempts": 0,
            }
            for signup_id in signup_ids
        )
    if not rows:
        return 0
    # One multi-row INSERT ... ON CONFLICT DO NOTHING: a row another sweep wrote is kept.
    result: Any = await session.execute(
        insert_or_ignore(session, ActivityReminder, _UNIQUE).values(rows)
    )
    return max(int(result.rowcount or 0), 0)


async def next_due_at(
    session: AsyncSession,
    now: datetime,
    tz: ZoneInfo,
    *,
    day_before: time | None,
    morning_of: time | None,
    within: timedelta = timedelta(days=62),
) -> datetime | None:
    """When the next activity reminder is due (after `now`, for a date within `within`
    that someone is going to): the demo's clock control jumps there. None when none is."""
    found: list[datetime] = []
    for occurrence in await _dates_soon(session, now, now + within, tz):
        slots = [
            due
            for _, due in due_slots(
                occurrence.starts_at, tz, day_before=day_before, morning_of=morning_of
            )
            if now < due < occurrence.starts_at
        ]
        if not slots or (found and min(slots) >= min(found)):
            continue
        going = await session.scalar(_going_to(occurrence).limit(1))
        if going is not None:
            found.append(min(slots))
    return min(found) if found else None


# ── Claiming ──────────────────────────────────────────────────────────────────


def _overtaken(table: Any) -> Any:
    """A day-before reminder whose morning-of one is also due (or already out)."""
    later = table.alias("later")
    return and_(
        table.c.slot == DAY_BEFORE,
        exists().where(
            later.c.signup_id == table.c.signup_id,
            later.c.occurrence_day == table.c.occurrence_day,
            later.c.slot == MORNING_OF,
            later.c.status.in_([PENDING, CLAIMED, SENT]),
        ),
    )


@dataclass(frozen=True)
class ClaimedReminder:
    id: int
    signup_id: int
    slot: str


async def claim_due(
    session: AsyncSession, now: datetime, token: str, limit: int = DEFAULT_CLAIM_LIMIT
) -> list[ClaimedReminder]:
    """Atomically take up to `limit` due rows for this process (oldest due first).

    Never one another claimer got (same statement and reasoning as
    `bot.appointments.service_reminders.claim_statement`); a day-before reminder overtaken by its
    morning-of one is cancelled instead. The caller commits right after.
    """
    table: Any = ActivityReminder.__table__
    candidates = (
        select(table.c.id)
        .where(table.c.status == PENDING, table.c.due_at <= now, ~_overtaken(table))
        .order_by(table.c.due_at, table.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=table)
    )
    unindexable_status = table.c.status.concat(literal_column("''"))
    claimed = set(
        (
            await session.scalars(
                update(table)
                .where(table.c.id.in_(candidates), unindexable_status == PENDING)
                .values(status=CLAIMED, claimed_by=token, claimed_at=now, attempted_at=None)
                .returning(table.c.id)
            )
        ).all()
    )
    await session.execute(
        update(table)
        .where(table.c.status == PENDING, table.c.due_at <= now, _overtaken(table))
        .values(status=CANCELLED)
    )
    if not claimed:
        return []
    rows = await session.execute(
        select(ActivityReminder.id, ActivityReminder.signup_id, ActivityReminder.slot)
        .where(
            ActivityReminder.status == CLAIMED,
            ActivityReminder.claimed_by == token,
            ActivityReminder.claimed_at == now,
        )
        .order_by(ActivityReminder.due_at, ActivityReminder.id)
    )
    return [ClaimedReminder(r[0], r[1], r[2]) for r in rows.all() if r[0] in claimed]


# ── Sending ───────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class DueActivityReminder:
    """What the sender needs to word one reminder, as the date is now."""

    id: int
    slot: str
    user_id: int
    locale: str
    activity_id: int
    # The date's key (its original start: what her buttons name) and its current start.
    key: datetime
    starts_at: datetime
    title: str
    place: str
    # Set when she is a woman without a phone: the reminder goes to her leader
    # (`user_id`), naming her only by first name and initial.
    on_behalf_of: str | None = None


def first_name_and_initial(name: str) -> str:
    """ "María López" → "María L.": how a reminder to her leader names her."""
    words = name.split()
    if not words:
        return "—"
    return f"{words[0]} {words[1][0]}." if len(words) > 1 else words[0]


async def _recipient(session: AsyncSession, signup: Signup) -> tuple[User, str | None] | None:
    """Who gets the reminder of a sign-up: she, or (without a phone) her leader."""
    if signup.user_id is not None:
        user = await session.get(User, signup.user_id, populate_existing=True)
        return (user, None) if user is not None and user.active else None
    woman = await session.get(NetworkWoman, signup.woman_id, populate_existing=True)
    if woman is None or woman.contact_id is None:
        return None
    leader = await session.get(User, woman.contact_id, populate_existing=True)
    if leader is None or not leader.active:
        return None
    return leader, first_name_and_initial(woman.name)


def _own_claim(reminder_id: int, token: str) -> list[Any]:
    return reminder_claims.own_claim(ActivityReminder, reminder_id, token)


async def _still_useful(
    session: AsyncSession, row: ActivityReminder, now: datetime, tz: ZoneInfo
) -> DueActivityReminder | None:
    signup = await session.get(Signup, row.signup_id, populate_existing=True)
    if signup is None or signup.status != SignupStatus.GOING:
        return None
    recipient = await _recipient(session, signup)
    if recipient is None:
        return None
    user, on_behalf_of = recipient
    # The series (or one-off) and its override for this date, fresh: a long-lived session
    # would otherwise answer from what it loaded before staff changed them.
    await session.execute(
        select(Activity)
        .where(
            or_(
                Activity.id == signup.activity_id,
                and_(
                    Activity.series_id == signup.activity_id,
                    Activity.occurrence_start == signup.occurrence_start,
                ),
            )
        )
        .execution_options(populate_existing=True)
    )
    try:
        occurrence = await activities.get_occurrence(
            session, signup.activity_id, signup.occurrence_start, tz
        )
    except NotFound:
        return None
    starts_at = occurrence.starts_at
    if starts_at <= now or starts_at.astimezone(tz).date() != row.occurrence_day:
        return None
    return DueActivityReminder(
        id=row.id,
        slot=row.slot,
        user_id=user.id,
        locale=user.locale,
        activity_id=occurrence.activity_id,
        key=occurrence.key,
        starts_at=starts_at,
        title=occurrence.details.title,
        place=occurrence.details.place,
        on_behalf_of=on_behalf_of,
    )


async def begin_attempt(
    session: AsyncSession, reminder_id: int, token: str, now: datetime, tz: ZoneInfo
) -> DueActivityReminder | None:
    """Record that this process is about to send it; commit before sending.

    None means do not send: the claim is no longer this process's, or the reminder is
    no longer wanted (she cancelled or became inactive, the date or activity was
    cancelled, moved to another day, or has started), and then it is cancelled here.
    """
    row = await session.scalar(
        select(ActivityReminder)
        .where(*_own_claim(reminder_id, token))
        .execution_options(populate_existing=True)
    )
    if row is None:
        return None
    due = await _still_useful(session, row, now, tz)
    result: Any = await session.execute(
        update(ActivityReminder)
        .where(*_own_claim(reminder_id, token))
        .values(
            {"attempted_at": now, "attempts": ActivityReminder.attempts + 1}
            if due is not None
            else {"status": CANCELLED}
        )
        .execution_options(synchronize_session=False)
    )
    return due if result.rowcount else None


# Telegram accepted it / retry later or give up / claims of processes that are gone.
_claims = reminder_claims.ReminderClaims(ActivityReminder)
mark_sent = _claims.mark_sent
mark_failed = _claims.mark_failed
release_dead_claims = _claims.release_dead_claims


async def reminders_of(session: AsyncSession, signup_id: int) -> Sequence[ActivityReminder]:
    """Every reminder row of a sign-up, by day, day-before first (fresh from the database)."""
    return (
        await session.scalars(
            select(ActivityReminder)
            .where(ActivityReminder.signup_id == signup_id)
            .order_by(ActivityReminder.occurrence_day, ActivityReminder.slot, ActivityReminder.id)
            .execution_options(populate_existing=True)
        )
    ).all()
