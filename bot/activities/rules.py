"""Recurrence rules staff choose with buttons, built as RRULE text and read back in words.

Staff never type a rule: from the first date they pick "every week on that weekday",
"every 2 weeks", "every month on the same nth weekday" (a 5th weekday becomes the
month's last one, so the series never skips a month) or "every month on the same day".
The rule is RFC 5545 text that dateutil's `rrulestr` reads (bot.activities.service_series
expands it in the office's local time).
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_time, get_day_names

from bot.core.i18n import N_, Translator

NO_REPEAT = "none"
WEEKLY = "weekly"
BIWEEKLY = "biweekly"
MONTHLY_NTH = "monthly_nth"
MONTHLY_DAY = "monthly_day"
REPEATS = (NO_REPEAT, WEEKLY, BIWEEKLY, MONTHLY_NTH, MONTHLY_DAY)
# RFC 5545 weekday codes, Monday first like `date.weekday()` and Babel.
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ORDINALS = {
    1: N_("first"),
    2: N_("second"),
    3: N_("third"),
    4: N_("fourth"),
    -1: N_("last"),
}
# "Every month on day 31" would skip most months: the same-day choice stops at 28.
LAST_SAFE_MONTH_DAY = 28


def week_of_month(day: date) -> int:
    """1-4 for the first to fourth such weekday of its month; -1 for a fifth (the last)."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def repeat_choices(local_start: datetime) -> list[str]:
    """The ways this first date can repeat (every choice but the same day after the 28th)."""
    return [r for r in REPEATS if r != MONTHLY_DAY or local_start.day <= LAST_SAFE_MONTH_DAY]


def build_rule(repeat: str, local_start: datetime) -> str | None:
    """RRULE text for a choice, read from the first date in local time; None: one date."""
    weekday = WEEKDAY_CODES[local_start.weekday()]
    if repeat == NO_REPEAT:
        return None
    if repeat == WEEKLY:
        return f"FREQ=WEEKLY;BYDAY={weekday}"
    if repeat == BIWEEKLY:
        return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}"
    if repeat == MONTHLY_NTH:
        return f"FREQ=MONTHLY;BYDAY={week_of_month(local_start.date()):+d}{weekday}"
    if repeat == MONTHLY_DAY:
        if local_start.day > LAST_SAFE_MONTH_DAY:
            raise ValueError("the same day every month stops at the 28th")
        return f"FREQ=MONTHLY;BYMONTHDAY={local_start.day}"
    raise ValueError(f"unknown repeat {repeat!r}")


def _parts(rule: str) -> dict[str, str]:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts: dict[str, str] = {}
    for chunk in text.split(";"):
        name, _, value = chunk.partition("=")
        if name:
            parts[name.strip().upper()] = value.strip().upper()
    return parts


def repeat_of(rule: str | None) -> str | None:
    """Which choice a rule was built from (NO_REPEAT for none); None for any other rule."""
    if rule is None:
        return NO_REPEAT
    parts = _parts(rule)
    known = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY"}
    if set(parts) - known:
        return None
    freq, interval = parts.get("FREQ"), parts.get("INTERVAL", "1")
    byday, bymonthday = parts.get("BYDAY", ""), parts.get("BYMONTHDAY", "")
    if freq == "WEEKLY" and byday in WEEKDAY_CODES and not bymonthday:
        return {"1": WEEKLY, "2": BIWEEKLY}.get(interval)
    if freq == "MONTHLY" and interval == "1":
        if bymonthday and not byday:
            return MONTHLY_DAY
        if byday and not bymonthday and _nth_weekday(byday) is not None:
            return MONTHLY_NTH
    return None


def _nth_weekday(byday: str) -> tuple[int, int] | None:
    """ "+1TU" → (1, 1): the ordinal and the weekday's index; None if not one such day."""
    code, ordinal = byday[-2:], byday[:-2]
    if code not in WEEKDAY_CODES:
        return None
    try:
        nth = int(ordinal)
    except ValueError:
        return None
    if nth not in ORDINALS:
        return None
    return nth, WEEKDAY_CODES.index(code)


def weekday_name(t: Translator, index: int) -> str:
    """The weekday's full name in her language (0 = Monday): "martes", "Tuesday"."""
    return str(get_day_names("wide", locale=t.babel_locale)[index])


def _clock(t: Translator, local_start: datetime) -> str:
    return format_time(local_start, "H:mm", locale=t.babel_locale)


def describe_rule(t: Translator, rule: str | None, first_start: datetime) -> str:
    """The rule in words for staff: "first Tuesday of every month at 9:00".

    `first_start` is the series' first date (its local time of day is every date's)."""
    local = first_start.astimezone(t.timezone)
    time_text = _clock(t, local)
    if rule is None:
        return t("once, {when}").format(when=t.date_and_time(first_start))
    parts = _parts(rule)
    freq, interval = parts.get("FREQ"), parts.get("INTERVAL", "1")
    byday = parts.get("BYDAY", "")
    weekday = weekday_name(t, local.weekday())
    if byday in WEEKDAY_CODES:
        weekday = weekday_name(t, WEEKDAY_CODES.index(byday))
    pattern = repeat_of(rule)
    if pattern == WEEKLY or (freq == "WEEKLY" and not byday and interval == "1"):
        return t("every {weekday} at {time}").format(weekday=weekday, time=time_text)
    if pattern == BIWEEKLY:
        return t("every 2 weeks on {weekday} at {time}").format(weekday=weekday, time=time_text)
    if pattern == MONTHLY_NTH:
        found = _nth_weekday(byday)
        assert found is not None
        nth, index = found
        return t("{ordinal} {weekday} of every month at {time}").format(
            ordinal=t(ORDINALS[nth]), weekday=weekday_name(t, index), time=time_text
        )
    if pattern == MONTHLY_DAY:
        return t("day {day} of every month at {time}").format(
            day=parts["BYMONTHDAY"], time=time_text
        )
    return t("repeats ({rule})").format(rule=rule)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
