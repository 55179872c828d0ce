"""Activities: clubs, fairs and trainings, one-off or recurring, with sign-ups and waitlists.

A recurring series is one `Activity` row with an RFC 5545 `rrule` read in the office's
local time (`tz`), its time of day taken from the series' first start, so "the first
Tuesday of every month at 9:00" stays at 9:00 local. One occurrence is edited or
cancelled by an override row (`series_id` = the series, `occurrence_start` = the start
it replaces). Sign-ups always name the series (or one-off) row and the occurrence's
original start, so they survive an occurrence being moved.

Places are never over-given: `sign_up` and `cancel_signup` lock the activity row
(`SELECT ... FOR UPDATE` on PostgreSQL; on SQLite the BEGIN IMMEDIATE transaction
already serialises writers) before counting who is going.

Services take the session, never commit, and get `now` (aware UTC) from the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import check_aware
from bot.core.errors import AlreadyDone, InvalidInput, NotFound
from bot.core.ids import parse_record_id
from bot.db.constraints import violates
from bot.db.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    ActivitySubscription,
    NetworkWoman,
    Signup,
    SignupStatus,
    User,
)

MAX_TITLE_LENGTH = 256
MAX_PLACE_LENGTH = 256
MAX_RRULE_LENGTH = 512
DEFAULT_DAYS_AHEAD = 60
# Stored as her only subscription row when she wants to hear about no kind at all
# (no rows at all means every kind).
NO_KINDS = "none"
ALL_KINDS: frozenset[str] = frozenset(k.value for k in ActivityKind)
# Fields staff may change on a series or on one occurrence.
EDITABLE_FIELDS = frozenset(
    {"title", "description", "place", "capacity", "photo_file_id", "starts_at", "duration_minutes"}
)
SERIES_ONLY_FIELDS = frozenset({"kind", "community", "rrule"})
STAMP_FORMAT = "%Y%m%d%H%M"
_DEEP_LINK = re.compile(r"act_([1-9][0-9]{0,11})(?:_([0-9]{12}))?")


@dataclass(frozen=True)
class Occurrence:
    """One date of an activity, as she sees it.

    `activity_id` and `key` name it for sign-ups (the series or one-off row and the
    original start); `details` is the row whose title, place, time etc. apply (an
    override's when the date was edited).
    """

    activity_id: int
    key: datetime
    details: Activity

    @property
    def starts_at(self) -> datetime:
        # A series row's own starts_at is its first date; an override's is the moved one.
        return self.details.starts_at if self.edited else self.key

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.details.duration_minutes)

    @property
    def community(self) -> str | None:
        return self.details.community

    @property
    def capacity(self) -> int | None:
        return self.details.capacity

    @property
    def edited(self) -> bool:
        return self.details.series_id is not None


def _to_minute(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(second=0, microsecond=0)


def _parse_rule(rule: str, first_start: datetime, tz: ZoneInfo | None = None) -> rrule:
    local = first_start.astimezone(tz) if tz is not None else first_start
    try:
        parsed = rrulestr(rule, dtstart=local.replace(tzinfo=None))
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"not a valid recurrence rule: {rule!r}") from exc
    if not isinstance(parsed, rrule):
        raise InvalidInput("give one RRULE, not a set")
    return parsed


def _check_fields(changes: Mapping[str, Any]) -> None:
    if "title" in changes and not (0 < len(changes["title"].strip()) <= MAX_TITLE_LENGTH):
        raise InvalidInput("the title must be 1-256 characters")
    if "place" in changes and len(changes["place"]) > MAX_PLACE_LENGTH:
        raise InvalidInput("place too long")
    if "capacity" in changes and changes["capacity"] is not None and changes["capacity"] < 1:
        raise InvalidInput("capacity must be at least 1 (or none)")
    if "duration_minutes" in changes and changes["duration_minutes"] < 1:
        raise InvalidInput("duration must be positive")
    if "kind" in changes and changes["kind"] not in ALL_KINDS:
        raise InvalidInput(f"unknown activity kind {changes['kind']!r}")
    if "starts_at" in changes:
        check_aware(changes["starts_at"], "starts_at")
    if "rrule" in changes and changes["rrule"] is not None:
        if len(changes["rrule"]) > MAX_RRULE_LENGTH:
            raise InvalidInput("recurrence rule too long")
        _parse_rule(changes["rrule"], datetime(2000, 1, 1, tzinfo=UTC))


# ── Creating and expanding ─────────────────────────────────────────────────────


async def create(
    session: AsyncSession,
    *,
    kind: str,
    title: str,
    starts_at: datetime,
    now: datetime,
    description: str = "",
    place: str = "",
    community: str | None = None,
    capacity: int | None = None,
    photo_file_id: str | None = None,
    duration_minutes: int = 60,
    rrule: str | None = None,
    created_by: int | None = None,
) -> Activity:
    """A one-off activity, or with `rrule` a series whose first date is `starts_at`."""
    fields: dict[str, Any] = {
        "kind": kind,
        "title": title,
        "description": description,
        "place": place,
        "community": community,
        "capacity": capacity,
        "photo_file_id": photo_file_id,
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "rrule": rrule,
    }
    _check_fields(fields)
    fields["starts_at"] = _to_minute(starts_at)
    fields["title"] = title.strip()
    activity = Activity(
        **fields,
        status=ActivityStatus.SCHEDULED,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    session.add(activity)
    await session.flush()
    return activity


def _original_starts(
    activity: Activity, start: datetime, end: datetime, tz: ZoneInfo
) -> list[datetime]:
    """The series' (or one-off's) own starts in [start, end), before overrides, in UTC."""
    if activity.rrule is None:
        return [activity.starts_at] if start <= activity.starts_at < end else []
    rule = _parse_rule(activity.rrule, activity.starts_at, tz)
    # Local bounds with a day of slack either side; exact filtering is done in UTC.
    after = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    before = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    starts = []
    for local in rule.between(after, before, inc=True):
        utc = local.replace(tzinfo=tz).astimezone(UTC)
        if start <= utc < end:
            starts.append(utc)
    return starts


def is_occurrence(activity: Activity, occurrence_start: datetime, tz: ZoneInfo) -> bool:
    """Whether the series (or one-off) has a date starting at `occurrence_start`."""
    return occurrence_start in _original_starts(
        activity, occurrence_start, occurrence_start + timedelta(minutes=1), tz
    )


def occurrences(
    activity: Activity,
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    overrides: Iterable[Activity] = (),
) -> list[Occurrence]:
    """The dates of an activity that start in [start, end), sorted.

    Cancelled overrides remove their date; edited ones replace it (and count by their
    own, possibly moved, start). A cancelled series or one-off has none.
    """
    check_aware(start, "start")
    check_aware(end, "end")
    if activity.status != ActivityStatus.SCHEDULED:
        return []
    by_key = {o.occurrence_start: o for o in overrides if o.occurrence_start is not None}
    found = [
        Occurrence(activity.id, key, activity)
        for key in _original_starts(activity, start, end, tz)
        if key not in by_key
    ]
    found.extend(
        Occurrence(activity.id, key, override)
        for key, override in by_key.items()
        if override.status == ActivityStatus.SCHEDULED and start <= override.starts_at < end
    )
    return sorted(found, key=lambda o: (o.starts_at, o.activity_id))


async def _overrides(session: AsyncSession, series_ids: Sequence[int]) -> dict[int, list[Activity]]:
    result: dict[int, list[Activity]] = {i: [] for i in series_ids}
    if not series_ids:
        return result
    rows = await session.scalars(select(Activity).where(Activity.series_id.in_(series_ids)))
    for row in rows:
        assert row.series_id is not None
        result[row.series_id].append(row)
    return result


async def upcoming(
    session: AsyncSession,
    now: datetime,
    tz: ZoneInfo,
    days: int = DEFAULT_DAYS_AHEAD,
    kind: str | None = None,
    community: str | None = None,
) -> list[Occurrence]:
    """Dates from now on for `days`: with a community, hers first, then municipality-wide.

    Without a community every activity is listed, by time.
    """
    check_aware(now, "now")
    end = now + timedelta(days=days)
    statement = select(Activity).where(
        Activity.series_id.is_(None),
        Activity.status == ActivityStatus.SCHEDULED,
        Activity.starts_at < end,
        Activity.rrule.is_not(None) | (Activity.starts_at >= now),
    )
    if kind is not None:
        statement = statement.where(Activity.kind == kind)
    if community is not None:
        statement = statement.where(
            (Activity.community.is_(None)) | (Activity.community == community)
        )
    activities = (await session.scalars(statement.order_by(Activity.id))).all()
    overrides = await _overrides(session, [a.id for a in activities if a.rrule is not None])
    found: list[Occurrence] = []
    for activity in activities:
        found.extend(occurrences(activity, now, end, tz, overrides.get(activity.id, ())))

    def order(o: Occurrence) -> tuple[int, datetime, int]:
        theirs = community is not None and o.community == community
        return (0 if theirs or community is None else 1, o.starts_at, o.activity_id)

    return sorted(found, key=order)


async def _series(session: AsyncSession, activity_id: int) -> Activity:
    activity = await session.get(Activity, activity_id)
    if activity is None or activity.series_id is not None:
        raise NotFound(f"activity {activity_id}")
    return activity


async def _override(
    session: AsyncSession, series_id: int, occurrence_start: datetime
) -> Activity | None:
    return await session.scalar(
        select(Activity).where(
            Activity.series_id == series_id, Activity.occurrence_start == occurrence_start
        )
    )


async def find_activity(session: AsyncSession, activity_id: int) -> Activity | None:
    """The activity row (a series, a one-off date or an override), or None."""
    return await session.get(Activity, activity_id)


async def find_signup(session: AsyncSession, signup_id: int) -> Signup | None:
    return await session.get(Signup, signup_id)


async def get_occurrence(
    session: AsyncSession, activity_id: int, occurrence_start: datetime, tz: ZoneInfo
) -> Occurrence:
    """One date of an activity, as it is now; NotFound if it never was, or is cancelled."""
    check_aware(occurrence_start, "occurrence_start")
    key = occurrence_start.astimezone(UTC)
    activity = await _series(session, activity_id)
    if activity.status != ActivityStatus.SCHEDULED:
        raise NotFound(f"activity {activity_id} is cancelled")
    override = await _override(session, activity_id, key)
    if override is None:
        if not is_occurrence(activity, key, tz):
            raise NotFound(f"activity {activity_id} has no date at {key.isoformat()}")
        return Occurrence(activity_id, key, activity)
    if override.status != ActivityStatus.SCHEDULED:
        raise NotFound(f"activity {activity_id} at {key.isoformat()} is cancelled")
    return Occurrence(activity_id, key, override)


# ── Editing and cancelling (staff) ─────────────────────────────────────────────


async def edit_series(
    session: AsyncSession, activity_id: int, now: datetime, **changes: Any
) -> Activity:
    """Change a one-off activity, or every date of a series (edited dates keep their edits).

    An edited date keeps its own changes and follows the series in every other field.
    Moving a one-off moves its sign-ups with it. Moving a series' `starts_at` or changing
    its rule changes which dates exist; sign-ups and overrides for dates that no longer
    exist are left for the caller to handle (tell those women: `next_signups`).
    """
    unknown = set(changes) - EDITABLE_FIELDS - SERIES_ONLY_FIELDS
    if unknown:
        raise InvalidInput(f"cannot change {sorted(unknown)}")
    _check_fields(changes)
    activity = await _series(session, activity_id)
    if activity.status != ActivityStatus.SCHEDULED:
        raise AlreadyDone(f"activity {activity_id} is cancelled")
    if "starts_at" in changes:
        changes["starts_at"] = _to_minute(changes["starts_at"])
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    moved_from = activity.starts_at if activity.rrule is None else None
    if activity.rrule is not None:
        await _follow_series(session, activity, changes, now)
    for name, value in changes.items():
        setattr(activity, name, value)
    activity.updated_at = now
    if moved_from is not None and activity.rrule is None and activity.starts_at != moved_from:
        # A one-off has one date, named by its start: her sign-up moves with it.
        await session.execute(
            update(Signup)
            .where(Signup.activity_id == activity_id, Signup.occurrence_start == moved_from)
            .values(occurrence_start=activity.starts_at, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    await session.flush()
    return activity


async def _follow_series(
    session: AsyncSession, series: Activity, changes: Mapping[str, Any], now: datetime
) -> None:
    """An edited date keeps what was changed for it, and follows the series in the rest:
    a field it still shares with the series gets the series' new value."""
    shared = [n for n in changes if n in EDITABLE_FIELDS and n != "starts_at"]
    if not shared:
        return
    for override in (await _overrides(session, [series.id]))[series.id]:
        followed = False
        for name in shared:
            if getattr(override, name) == getattr(series, name):
                setattr(override, name, changes[name])
                followed = True
        if followed:
            override.updated_at = now


async def edit_occurrence(
    session: AsyncSession,
    activity_id: int,
    occurrence_start: datetime,
    now: datetime,
    tz: ZoneInfo,
    **changes: Any,
) -> Activity:
    """Change one date of a series (creating or updating its override); a one-off is edited."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInput(f"cannot change {sorted(unknown)} of one date")
    activity = await _series(session, activity_id)
    if activity.rrule is None:
        return await edit_series(session, activity_id, now, **changes)
    _check_fields(changes)
    current = await get_occurrence(session, activity_id, occurrence_start, tz)
    override = current.details if current.edited else _new_override(activity, current.key, now)
    if "starts_at" in changes:
        changes["starts_at"] = _to_minute(changes["starts_at"])
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    for name, value in changes.items():
        setattr(override, name, value)
    override.updated_at = now
    session.add(override)
    await session.flush()
    return override


def _new_override(series: Activity, key: datetime, now: datetime) -> Activity:
    return Activity(
        kind=series.kind,
        title=series.title,
        description=series.description,
        place=series.place,
        community=series.community,
        capacity=series.capacity,
        photo_file_id=series.photo_file_id,
        starts_at=key,
        duration_minutes=series.duration_minutes,
        status=ActivityStatus.SCHEDULED,
        rrule=None,
        series_id=series.id,
        occurrence_start=key,
        created_by=series.created_by,
        created_at=now,
        updated_at=now,
    )


async def cancel_occurrence(
    session: AsyncSession,
    activity_id: int,
    occurrence_start: datetime,
    now: datetime,
    tz: ZoneInfo,
) -> Activity:
    """Cancel one date of a series (a one-off is cancelled whole). Sign-ups stay as they are:
    ask `who_is_coming` first to tell them."""
    activity = await _series(session, activity_id)
    if activity.rrule is None:
        return await cancel_series(session, activity_id, now)
    current = await get_occurrence(session, activity_id, occurrence_start, tz)
    override = current.details if current.edited else _new_override(activity, current.key, now)
    override.status = ActivityStatus.CANCELLED
    override.updated_at = now
    session.add(override)
    await session.flush()
    return override


async def cancel_series(session: AsyncSession, activity_id: int, now: datetime) -> Activity:
    activity = await _series(session, activity_id)
    if activity.status == ActivityStatus.CANCELLED:
        raise AlreadyDone(f"activity {activity_id} is already cancelled")
    activity.status = ActivityStatus.CANCELLED
    activity.updated_at = now
    await session.flush()
    return activity


# ── Sign-ups ───────────────────────────────────────────────────────────────────


async def _lock(session: AsyncSession, activity_id: int) -> None:
    # Renders FOR UPDATE on PostgreSQL; SQLite ignores it (BEGIN IMMEDIATE holds the lock).
    await session.execute(select(Activity.id).where(Activity.id == activity_id).with_for_update())


async def _going_count(session: AsyncSession, activity_id: int, key: datetime) -> int:
    count = await session.scalar(
        select(func.count(Signup.id)).where(
            Signup.activity_id == activity_id,
            Signup.occurrence_start == key,
            Signup.status == SignupStatus.GOING,
        )
    )
    return count or 0


async def _signup(
    session: AsyncSession,
    activity_id: int,
    key: datetime,
    user_id: int | None,
    woman_id: int | None = None,
) -> Signup | None:
    who = Signup.user_id == user_id if user_id is not None else Signup.woman_id == woman_id
    return await session.scalar(
        select(Signup).where(
            Signup.activity_id == activity_id,
            Signup.occurrence_start == key,
            who,
        )
    )


async def sign_up(
    session: AsyncSession,
    activity_id: int,
    occurrence_start: datetime,
    user_id: int,
    now: datetime,
    *,
    tz: ZoneInfo,
) -> SignupStatus:
    """She signs up for one date: `going`, or `waitlist` when its places are taken."""
    return await _sign_up(session, activity_id, occurrence_start, now, tz, user_id, None)


async def sign_up_woman(
    session: AsyncSession,
    activity_id: int,
    occurrence_start: datetime,
    woman_id: int,
    now: datetime,
    *,
    tz: ZoneInfo,
) -> SignupStatus:
    """Her leader signs up a woman without a phone (bot.network.service_women): the same
    places, waiting list and rules as any sign-up."""
    return await _sign_up(session, activity_id, occurrence_start, now, tz, None, woman_id)


async def _sign_up(
    session: AsyncSession,
    activity_id: int,
    occurrence_start: datetime,
    now: datetime,
    tz: ZoneInfo,
    user_id: int | None,
    woman_id: int | None,
) -> SignupStatus:
    occurrence = await get_occurrence(session, activity_id, occurrence_start, tz)
    if occurrence.starts_at <= now:
        raise InvalidInput("that date has already begun")
    key = occurrence.key
    try:
        async with session.begin_nested():
            await _lock(session, activity_id)
            existing = await _signup(session, activity_id, key, user_id, woman_id)
            if existing is not None and existing.status != SignupStatus.CANCELLED:
                raise AlreadyDone(f"already signed up ({existing.status})")
            capacity = occurrence.capacity
            full = (
                capacity is not None and await _going_count(session, activity_id, key) >= capacity
            )
            status = SignupStatus.WAITLIST if full else SignupStatus.GOING
            if existing is None:
                session.add(
                    Signup(
                        activity_id=activity_id,
                        occurrence_start=key,
                        user_id=user_id,
                        woman_id=woman_id,
                        status=status,
                        created_at=now,
                        updated_at=now,
                    )
                )
            else:
                # Signing up again puts her at the back of the queue.
                existing.status = status
                existing.created_at = now
                existing.updated_at = now
            await session.flush()
    except IntegrityError as exc:
        if violates(
            exc, index="uq_signups_occurrence_user", sqlite="UNIQUE constraint failed: signups"
        ) or violates(
            exc, index="uq_signups_occurrence_woman", sqlite="UNIQUE constraint failed: signups"
        ):
            raise AlreadyDone("already signed up") from None
        raise
    return status


async def cancel_signup(
    session: AsyncSession,
    activity_id: int,
    occurrence_start: datetime,
    user_id: int,
    now: datetime,
) -> int | None:
    """She will not come. If that freed a place, the longest-waiting woman gets it:
    returns her user id (for the caller to tell her), else None."""
    check_aware(occurrence_start, "occurrence_start")
    key = occurrence_start.astimezone(UTC)
    activity = await _series(session, activity_id)
    async with session.begin_nested():
        await _lock(session, activity_id)
        signup = await _signup(session, activity_id, key, user_id)
        if signup is None:
            raise NotFound("no such sign-up")
        if signup.status == SignupStatus.CANCELLED:
            raise AlreadyDone("sign-up already cancelled")
        was_going = signup.status == SignupStatus.GOING
        signup.status = SignupStatus.CANCELLED
        signup.updated_at = now
        await session.flush()
        if not was_going:
            return None
        override = await _override(session, activity_id, key)
        capacity = (override or activity).capacity
        if capacity is not None and await _going_count(session, activity_id, key) >= capacity:
            return None
        waiting = await session.scalar(
            select(Signup)
            .where(
                Signup.activity_id == activity_id,
                Signup.occurrence_start == key,
                Signup.status == SignupStatus.WAITLIST,
            )
            .order_by(Signup.created_at, Signup.id)
            .limit(1)
        )
        if waiting is None:
            return None
        waiting.status = SignupStatus.GOING
        waiting.updated_at = now
        await session.flush()
        return waiting.user_id


@dataclass(frozen=True)
class Promotion:
    """A woman who got a place someone else gave up."""

    user_id: int
    activity_id: int
    occurrence_start: datetime


async def give_up_coming_signups(
    session: AsyncSession, user_id: int, now: datetime
) -> list[Promotion]:
    """Cancel her sign-ups to dates from now on (she is leaving); the places freed go to
    the longest-waiting women, who are returned to be told."""
    rows = await session.execute(
        select(Signup.activity_id, Signup.occurrence_start).where(
            Signup.user_id == user_id,
            Signup.status.in_((SignupStatus.GOING, SignupStatus.WAITLIST)),
            Signup.occurrence_start >= now - timedelta(days=1),
        )
    )
    promotions = []
    for activity_id, key in rows.all():
        promoted = await cancel_signup(session, activity_id, key, user_id, now)
        if promoted is not None:
            promotions.append(Promotion(promoted, activity_id, key))
    return promotions


async def attendees(
    session: AsyncSession, activity_id: int, occurrence_start: datetime
) -> list[Signup]:
    """Going first, then the waitlist, each in the order they signed up."""
    key = occurrence_start.astimezone(UTC)
    rows = await session.scalars(
        select(Signup)
        .where(
            Signup.activity_id == activity_id,
            Signup.occurrence_start == key,
            Signup.status.in_((SignupStatus.GOING, SignupStatus.WAITLIST)),
        )
        .order_by(Signup.created_at, Signup.id)
    )
    signups = list(rows)
    return [s for s in signups if s.status == SignupStatus.GOING] + [
        s for s in signups if s.status == SignupStatus.WAITLIST
    ]


async def who_is_coming(
    session: AsyncSession,
    activity_id: int,
    occurrence_start: datetime | None = None,
    *,
    after: datetime | None = None,
) -> list[int]:
    """User ids going or waitlisted: for one date, or (no date) every date from `after` on.

    For telling them when the date, or the series, is edited or cancelled.
    """
    statement = select(Signup.user_id).where(
        Signup.activity_id == activity_id,
        Signup.status.in_((SignupStatus.GOING, SignupStatus.WAITLIST)),
        Signup.user_id.is_not(None),
    )
    if occurrence_start is not None:
        statement = statement.where(Signup.occurrence_start == occurrence_start.astimezone(UTC))
    if after is not None:
        statement = statement.where(Signup.occurrence_start >= after)
    return sorted({u for u in (await session.scalars(statement)).all() if u is not None})


@dataclass(frozen=True)
class Attendee:
    """One woman on a date's list, for staff: who she is and whether she came."""

    signup_id: int
    # A woman without a phone (signed up by her leader) has no user id.
    user_id: int | None
    name: str | None
    community: str | None
    status: str
    attended: bool


async def attendance(
    session: AsyncSession, activity_id: int, occurrence_start: datetime
) -> list[Attendee]:
    """The list staff check at the door: going first, then the waitlist (as `attendees`)."""
    signups = await attendees(session, activity_id, occurrence_start)
    ids = {s.user_id for s in signups if s.user_id is not None}
    people: dict[int, User] = (
        {u.id: u for u in await session.scalars(select(User).where(User.id.in_(ids)))}
        if ids
        else {}
    )
    women_ids = {s.woman_id for s in signups if s.woman_id is not None}
    women = (
        {
            w.id: w
            for w in await session.scalars(
                select(NetworkWoman).where(NetworkWoman.id.in_(women_ids))
            )
        }
        if women_ids
        else {}
    )
    found = []
    for signup in signups:
        person: User | NetworkWoman | None = (
            people.get(signup.user_id)
            if signup.user_id is not None
            else women.get(signup.woman_id or 0)
        )
        found.append(
            Attendee(
                signup_id=signup.id,
                user_id=signup.user_id,
                name=person.name if person is not None else None,
                community=person.community if person is not None else None,
                status=signup.status,
                attended=signup.attended_at is not None,
            )
        )
    return found


async def counts(
    session: AsyncSession, activity_id: int, occurrence_start: datetime
) -> tuple[int, int]:
    """(going, waiting) for one date."""
    signups = await attendees(session, activity_id, occurrence_start)
    going = sum(1 for s in signups if s.status == SignupStatus.GOING)
    return going, len(signups) - going


async def mark_attended(
    session: AsyncSession, signup_id: int, attended: bool, now: datetime
) -> Signup:
    """Staff mark that she came (or undo it). Going or waitlisted: a woman waiting for a
    place may come anyway; a cancelled sign-up is NotFound."""
    signup = await session.get(Signup, signup_id)
    if signup is None or signup.status == SignupStatus.CANCELLED:
        raise NotFound(f"sign-up {signup_id}")
    signup.attended_at = now if attended else None
    signup.updated_at = now
    await session.flush()
    return signup


async def next_signups(
    session: AsyncSession, activity_id: int, after: datetime
) -> dict[int, datetime]:
    """Each woman going to (or waiting for) a date from `after` on, with her first such
    date: to tell her once when the whole series changes."""
    rows = await session.execute(
        select(Signup.user_id, func.min(Signup.occurrence_start))
        .where(
            Signup.activity_id == activity_id,
            Signup.status.in_((SignupStatus.GOING, SignupStatus.WAITLIST)),
            Signup.occurrence_start >= after,
            Signup.user_id.is_not(None),
        )
        .group_by(Signup.user_id)
    )
    return {user_id: _as_utc(first) for user_id, first in rows.all() if user_id is not None}


def _as_utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes for aggregates; the column stores UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


async def next_dates(
    session: AsyncSession, activity_id: int, now: datetime, tz: ZoneInfo, days: int = 120
) -> list[Occurrence]:
    """The coming dates of one activity (a one-off has at most one)."""
    activity = await _series(session, activity_id)
    overrides = await _overrides(session, [activity.id]) if activity.rrule else {}
    return occurrences(
        activity, now, now + timedelta(days=days), tz, overrides.get(activity.id, ())
    )


# ── Subscriptions ──────────────────────────────────────────────────────────────


async def subscriptions(session: AsyncSession, user_id: int) -> frozenset[str]:
    """The kinds she hears about: every kind unless she chose."""
    kinds = set(
        (
            await session.scalars(
                select(ActivitySubscription.kind).where(ActivitySubscription.user_id == user_id)
            )
        ).all()
    )
    if not kinds:
        return ALL_KINDS
    return frozenset(kinds & ALL_KINDS)


async def set_subscriptions(
    session: AsyncSession, user_id: int, kinds: Iterable[str]
) -> frozenset[str]:
    chosen = frozenset(kinds)
    unknown = chosen - ALL_KINDS
    if unknown:
        raise InvalidInput(f"unknown activity kinds {sorted(unknown)}")
    await session.execute(
        delete(ActivitySubscription).where(ActivitySubscription.user_id == user_id)
    )
    if chosen != ALL_KINDS:
        rows = sorted(chosen) or [NO_KINDS]
        session.add_all(ActivitySubscription(user_id=user_id, kind=k) for k in rows)
    await session.flush()
    return chosen


# ── Deep links ─────────────────────────────────────────────────────────────────


def deep_link_payload(activity_id: int, occurrence_start: datetime | None = None) -> str:
    """A /start payload (≤ 64 chars): `act_<id>` names the activity (for a series, a poster
    that stays valid: it opens the next date); `act_<id>_<yyyymmddhhmm UTC>` one date."""
    if activity_id < 1:
        raise InvalidInput("activity id must be positive")
    if occurrence_start is None:
        return f"act_{activity_id}"
    check_aware(occurrence_start, "occurrence_start")
    return f"act_{activity_id}_{occurrence_stamp(occurrence_start)}"


def parse_deep_link(payload: str) -> tuple[int, datetime | None]:
    """The activity id and, when the link names one date, its start; InvalidInput if the
    payload is not an activity link.

    The caller still checks that the activity or date exists (`get_occurrence`).
    """
    match = _DEEP_LINK.fullmatch(payload)
    activity_id = parse_record_id(match.group(1)) if match is not None else None
    if match is None or activity_id is None:
        raise InvalidInput("not an activity link")
    if match.group(2) is None:
        return activity_id, None
    start = parse_occurrence_stamp(match.group(2))
    if start is None:
        raise InvalidInput("not an activity link")
    return activity_id, start


def occurrence_stamp(key: datetime) -> str:
    """How links and buttons name a date: its key (original start) in UTC, to the minute."""
    return key.astimezone(UTC).strftime(STAMP_FORMAT)


def parse_occurrence_stamp(text: str | None) -> datetime | None:
    """The key a stamp names; None when it is not one (forged or garbled)."""
    if text is None or len(text) != 12 or not text.isdigit():
        return None
    try:
        return datetime.strptime(text, STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
