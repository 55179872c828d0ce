"""The period a report covers, from what staff type after /informe.

"" or "este mes" (this month), a month ("2026-10", "octubre", "october 2025"), a quarter
("T3", "Q3", "T3 2025"), a year ("2026", "año"), or two dates ("2026-01-15 2026-02-15").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_month_names


@dataclass(frozen=True)
class Period:
    start: date  # first day
    end: date  # last day, included
    kind: str  # month | quarter | year | range

    def utc_bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) in UTC: local midnights."""
        begin = datetime.combine(self.start, time(0), tz).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(0), tz).astimezone(UTC)
        return begin, after

    def label(self, locale: str) -> str:
        if self.kind == "month":
            return format_date(self.start, "LLLL yyyy", locale=locale)
        if self.kind == "quarter":
            return format_date(self.start, "QQQQ yyyy", locale=locale)
        if self.kind == "year":
            return str(self.start.year)
        return (
            f"{format_date(self.start, 'medium', locale=locale)} – "
            f"{format_date(self.end, 'medium', locale=locale)}"
        )


def month(year: int, number: int) -> Period:
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return Period(first, following - timedelta(days=1), "month")


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * number - 2, 1)
    last = month(year, 3 * number).end
    return Period(first, last, "quarter")


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31), "year")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


_MONTHS: dict[str, int] = {}
for _locale in ("es", "en"):
    for _width in ("wide", "abbreviated"):
        for _number, _name in get_month_names(_width, locale=_locale).items():
            _MONTHS[_plain(_name).rstrip(".")] = _number


def parse_period(text: str, today: date) -> Period | None:
    """The period `text` names (None when it names none); months and quarters without a
    year are the latest ones not after today."""
    words = _plain(text).split()
    joined = " ".join(words)
    if joined in ("", "este mes", "mes", "this month", "month"):
        return month(today.year, today.month)
    if joined in ("mes pasado", "last month"):
        previous = date(today.year, today.month, 1) - timedelta(days=1)
        return month(previous.year, previous.month)
    if joined in ("ano", "este ano", "year", "this year"):
        return year(today.year)
    dates = re.findall(r"\d{4}-\d{2}-\d{2}", joined)
    if len(dates) == 2 and len(words) == 2:
        try:
            first, last = (date.fromisoformat(d) for d in dates)
        except ValueError:
            return None
        return Period(first, last, "range") if first <= last else None
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", joined)
    if match and 1 <= int(match.group(2)) <= 12:
        return month(int(match.group(1)), int(match.group(2)))
    if re.fullmatch(r"\d{4}", joined):
        return year(int(joined))
    years = [int(w) for w in words[1:] if re.fullmatch(r"\d{4}", w)]
    if len(words) > 2 or (len(words) == 2 and not years):
        return None
    head = words[0] if words else ""
    quarter_match = re.fullmatch(r"[tq]([1-4])", head)
    if quarter_match:
        number = int(quarter_match.group(1))
        at = years[0] if years else today.year
        if not years and quarter(at, number).start > today:
            at -= 1
        return quarter(at, number)
    named = _MONTHS.get(head.rstrip("."))
    if named is not None:
        at = years[0] if years else today.year
        if not years and date(at, named, 1) > today:
            at -= 1
        return month(at, named)
    return None
