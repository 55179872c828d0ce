"""Reading what staff type: a date and time in the office's time zone.

Staff write dates the way people in the office write them: "25/12 9:00",
"25/12/2026 14:30", "2026-12-25 09:00", "mañana 9:00" / "tomorrow 9". A date without
a year is the next one that is not in the past.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_TIME = r"(?P<hour>[01]?\d|2[0-3])(?:[:.h](?P<minute>[0-5]\d))?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?"
_DAY_MONTH = re.compile(
    rf"^(?P<day>[0-3]?\d)[/\-.](?P<month>[01]?\d)(?:[/\-.](?P<year>\d{{2}}|\d{{4}}))?\s+{_TIME}$"
)
_ISO = re.compile(rf"^(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})[ T]+{_TIME}$")
_RELATIVE = re.compile(rf"^(?P<word>hoy|today|mañana|manana|tomorrow)\s+{_TIME}$")


def _clock(match: re.Match[str]) -> time | None:
    hour = int(match.group("hour"))
    minute = int(match.group("minute") or 0)
    ampm = (match.group("ampm") or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    return time(hour, minute)


def parse_local_datetime(text: str, tz: ZoneInfo, now: datetime) -> datetime | None:
    """The moment staff mean (aware, UTC), or None when the text is not a date and time."""
    cleaned = " ".join(text.lower().split())
    today = now.astimezone(tz).date()
    match = _RELATIVE.match(cleaned)
    if match is not None:
        clock = _clock(match)
        if clock is None:
            return None
        day = today if match.group("word") in ("hoy", "today") else today + timedelta(days=1)
        return _aware(day, clock, tz)
    match = _ISO.match(cleaned) or _DAY_MONTH.match(cleaned)
    if match is None:
        return None
    clock = _clock(match)
    if clock is None:
        return None
    year_text = match.group("year")
    try:
        if year_text is None:
            day = date(today.year, int(match.group("month")), int(match.group("day")))
            if day < today:
                day = date(today.year + 1, day.month, day.day)
        else:
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
            day = date(year, int(match.group("month")), int(match.group("day")))
    except ValueError:
        return None
    return _aware(day, clock, tz)


_PAST_WORDS = {"hoy": 0, "today": 0, "ayer": 1, "yesterday": 1, "anteayer": 2}
_DAY_ONLY = re.compile(
    r"^(?P<day>[0-3]?\d)[/\-.](?P<month>[01]?\d)(?:[/\-.](?P<year>\d{2}|\d{4}))?$"
)
_ISO_DAY = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})$")


def parse_past_date(text: str, today: date) -> date | None:
    """A day that has happened ("ayer", "25/11", "25/11/2026", "2026-11-25"), or None.

    A date without a year is the latest such day not after today; a future day is None
    (staff record what was done, not what will be)."""
    cleaned = text.strip().lower()
    if cleaned in _PAST_WORDS:
        return today - timedelta(days=_PAST_WORDS[cleaned])
    match = _ISO_DAY.match(cleaned) or _DAY_ONLY.match(cleaned)
    if match is None:
        return None
    year_text = match.group("year")
    try:
        if year_text is None:
            day = date(today.year, int(match.group("month")), int(match.group("day")))
            if day > today:
                day = date(today.year - 1, day.month, day.day)
        else:
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
            day = date(year, int(match.group("month")), int(match.group("day")))
    except ValueError:
        return None
    return day if day <= today else None


def _aware(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)
