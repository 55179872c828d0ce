"""Free appointment slots: weekly hours, minus exceptions, minus taken slots, never past.

Pure functions, no database: `bot.appointments.service.free_slots` loads the rules,
exceptions and taken appointments and calls `generate_slots`.

Weekly hours are wall-clock times in the office's time zone ("Monday 08:00-12:00"); a
slot starts at the same local time every week whatever daylight saving does, and is
stored in UTC. A local time that does not exist (the hour skipped when clocks go
forward) offers no slot; a repeated one (clocks go back) offers the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import WEEKLY, rrule

from bot.office import WeeklyHours

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class DayException:
    """A date that differs from the weekly hours (see models.ScheduleException).

    `service` None applies to every service. Closed without times: no slots that day;
    closed with times: none in that window; open with times: extra hours that day.
    """

    on_date: date
    closed: bool
    start: time | None = None
    end: time | None = None
    service: str | None = None

    def applies_to(self, service: str) -> bool:
        return self.service is None or self.service == service


@dataclass(frozen=True, order=True)
class Slot:
    """A bookable time of one service, in UTC."""

    starts_at: datetime
    ends_at: datetime
    service: str

    def local_start(self, tz: ZoneInfo) -> datetime:
        return self.starts_at.astimezone(tz)


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _merge(windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(windows: list[tuple[int, int]], closed: tuple[int, int]) -> list[tuple[int, int]]:
    result: list[tuple[int, int]] = []
    for start, end in windows:
        if closed[1] <= start or end <= closed[0]:
            result.append((start, end))
            continue
        if start < closed[0]:
            result.append((start, closed[0]))
        if closed[1] < end:
            result.append((closed[1], end))
    return result


def day_windows(
    day: date, rules: Sequence[WeeklyHours], exceptions: Sequence[DayException]
) -> list[tuple[int, int]]:
    """Open windows of one local day, as (start, end) minutes after midnight."""
    windows = [(_minutes(r.start), _minutes(r.end)) for r in rules if r.weekday == day.weekday()]
    todays = [e for e in exceptions if e.on_date == day]
    windows += [
        (_minutes(e.start), _minutes(e.end))
        for e in todays
        if not e.closed and e.start is not None and e.end is not None
    ]
    open_windows = _merge(windows)
    for exception in todays:
        if not exception.closed:
            continue
        if exception.start is None or exception.end is None:
            return []
        open_windows = _subtract(open_windows, (_minutes(exception.start), _minutes(exception.end)))
    return open_windows


def local_to_utc(day: date, minute: int, tz: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time, or None when that time does not exist."""
    naive = datetime.combine(day, time(minute // 60, minute % 60))
    aware = naive.replace(tzinfo=tz).astimezone(UTC)
    if aware.astimezone(tz).replace(tzinfo=None) != naive:
        return None  # skipped when the clocks went forward
    return aware


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, in UTC (23 or 25 hours long on DST days)."""
    start = datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)
    return start, end


def generate_slots(
    *,
    service: str,
    duration: timedelta,
    rules: Sequence[WeeklyHours],
    exceptions: Sequence[DayException],
    from_date: date,
    days: int,
    tz: ZoneInfo,
    now: datetime,
    taken: Sequence[tuple[datetime, datetime]] = (),
    min_notice: timedelta = timedelta(0),
) -> list[Slot]:
    """Slots of `service` on the `days` local dates from `from_date`, in time order.

    A slot is offered when it fits in an open window of its day, starts after
    `now + min_notice`, and overlaps none of the `taken` (start, end) UTC intervals.
    Slots follow each other from the start of each window, `duration` apart.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    if days <= 0:
        return []
    step = int(duration.total_seconds() // 60)
    if step <= 0:
        raise ValueError("a slot must last at least a minute")
    last_date = from_date + timedelta(days=days - 1)
    exceptions = [e for e in exceptions if e.applies_to(service)]
    weekdays = sorted({r.weekday for r in rules})
    dates: set[date] = set()
    if weekdays:
        # dateutil's rrule is the project's recurrence engine: every date in range that
        # falls on a weekday with weekly hours.
        recurrence = rrule(
            WEEKLY,
            byweekday=weekdays,
            dtstart=datetime.combine(from_date, time()),
            until=datetime.combine(last_date, time()),
        )
        dates.update(moment.date() for moment in recurrence)
    dates.update(
        e.on_date for e in exceptions if not e.closed and from_date <= e.on_date <= last_date
    )
    earliest = now + min_notice
    busy = sorted(taken)
    slots: list[Slot] = []
    for day in sorted(dates):
        for start, end in day_windows(day, rules, exceptions):
            minute = start
            while minute + step <= end:
                starts_at = local_to_utc(day, minute, tz)
                minute += step
                if starts_at is None or starts_at <= earliest:
                    continue
                ends_at = starts_at + duration
                if any(b_start < ends_at and starts_at < b_end for b_start, b_end in busy):
                    continue
                slots.append(Slot(starts_at=starts_at, ends_at=ends_at, service=service))
    return slots
