"""Activities: clubs, fairs and trainings, one-off or recurring; their dates and links.

A recurring series is one `Activity` row with an RFC 5545 `rrule` read in the office's
local time (`tz`), its time of day taken from the series' first start, so "the first
Tuesday of every month at 9:00" stays at 9:00 local. One occurrence is edited or
cancelled by an override row (`series_id` = the series, `occurrence_start` = the start
it replaces). Sign-ups (bot.activities.service_signups) always name the series (or
one-off) row and the occurrence's original start, so they survive an occurrence being
moved; what kinds she hears about is bot.activities.service_subscriptions.

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
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import check_aware
from bot.core.errors import AlreadyDone, InvalidInput, NotFound
from bot.core.ids import parse_record_id
from bot.db.models import Activity, ActivityKind, ActivityStatus, Signup

MAX_TITLE_LENGTH = 256
MAX_PLACE_LENGTH = 256
MAX_RRULE_LENGTH = 512
DEFAULT_DAYS_AHEAD = 60
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


async def get_series(session: AsyncSession, activity_id: int) -> Activity:
    """The series or one-off row (never an override); NotFound when there is none."""
    activity = await session.get(Activity, activity_id)
    if activity is None or activity.series_id is not None:
        raise NotFound(f"activity {activity_id}")
    return activity


async def find_override(
    session: AsyncSession, series_id: int, occurrence_start: datetime
) -> Activity | None:
    """The row that edits or cancels one date of a series, if that date has one."""
    return await session.scalar(
        select(Activity).where(
            Activity.series_id == series_id, Activity.occurrence_start == occurrence_start
        )
    )


async def find_activity(session: AsyncSession, activity_id: int) -> Activity | None:
    """The activity row (a series, a one-off date or an override), or None."""
    return await session.get(Activity, activity_id)


async def get_occurrence(
    session: AsyncSession, activity_id: int, occurrence_start: datetime, tz: ZoneInfo
) -> Occurrence:
    """One date of an activity, as it is now; NotFound if it never was, or is cancelled."""
    check_aware(occurrence_start, "occurrence_start")
    key = occurrence_start.astimezone(UTC)
    activity = await get_series(session, activity_id)
    if activity.status != ActivityStatus.SCHEDULED:
        raise NotFound(f"activity {activity_id} is cancelled")
    override = await find_override(session, activity_id, key)
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
    activity = await get_series(session, activity_id)
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
    activity = await get_series(session, activity_id)
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
    activity = await get_series(session, activity_id)
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
    activity = await get_series(session, activity_id)
    if activity.status == ActivityStatus.CANCELLED:
        raise AlreadyDone(f"activity {activity_id} is already cancelled")
    activity.status = ActivityStatus.CANCELLED
    activity.updated_at = now
    await session.flush()
    return activity


async def next_dates(
    session: AsyncSession, activity_id: int, now: datetime, tz: ZoneInfo, days: int = 120
) -> list[Occurrence]:
    """The coming dates of one activity (a one-off has at most one)."""
    activity = await get_series(session, activity_id)
    overrides = await _overrides(session, [activity.id]) if activity.rrule else {}
    return occurrences(
        activity, now, now + timedelta(days=days), tz, overrides.get(activity.id, ())
    )


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
