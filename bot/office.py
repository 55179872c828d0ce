"""The office settings file: what differs per municipality, and its types.

`load_office_settings()` reads and checks the TOML file (default: config/office.toml);
its types (OfficeSettings, categories, services and their hours, scheduling, aid items,
plan lines) are what the domains read. Every problem is reported as a `ConfigError`
whose message is one sentence saying what to fix.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any

from bot.data_files import shipped_path
from bot.settings_errors import SUPPORTED_LOCALES, ConfigError

# In the checkout, or inside the installed package (bot/data_files.py).
EXAMPLE_OFFICE_FILE = shipped_path("config/office.example.toml")
# Relative to the working directory. The example is never used unless named explicitly
# (OFFICE_SETTINGS_FILE=config/office.example.toml): its municipality and emergency
# numbers are not this office's.
DEFAULT_OFFICE_FILE = Path("config") / "office.toml"

# [scheduling] defaults, written once: the dataclass, the parser and the appointments
# service read these.
DEFAULT_REMINDER_OFFSETS_HOURS: tuple[float, ...] = (24, 2)
DEFAULT_DIGEST_TIME = time(7, 30)
DEFAULT_ACTIVITY_REMINDER_DAY_BEFORE = time(18, 0)
DEFAULT_ACTIVITY_REMINDER_MORNING_OF = time(7, 0)


def in_language(texts: Mapping[str, str], locale: str, fallback: str = "") -> str:
    """A text the office wrote per language: hers, else Spanish, else the fallback."""
    return texts.get(locale) or texts.get("es") or fallback


def _texts(value: Any) -> dict[str, str]:
    """Text the office file gives once for every language ("…") or per language
    ({ es = "…", en = "…" })."""
    if isinstance(value, dict):
        return {str(locale): str(text) for locale, text in value.items()}
    return {"es": str(value)}


@dataclass(frozen=True)
class EmergencyContact:
    labels: Mapping[str, str]
    number: str

    def label(self, locale: str) -> str:
        return in_language(self.labels, locale, self.number)


@dataclass(frozen=True)
class AidCategory:
    """A kind of need a woman can report (food, medicine, violence...)."""

    key: str
    emoji: str
    labels: Mapping[str, str]
    # Sensitive cases never name their topic outside her own chat, and only the
    # assigned staff member and admins see their details.
    sensitive: bool = False
    # Urgent categories ask "are you safe to talk?" first and are flagged for staff.
    urgent: bool = False

    def label(self, locale: str) -> str:
        return in_language(self.labels, locale, self.key)


# Day names accepted in weekly hours ("mon 08:00-12:00", "lun-vie 8:00-16:00").
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("mon", "monday", "lun", "lunes"),
        ("tue", "tues", "tuesday", "mar", "martes"),
        ("wed", "wednesday", "mie", "mié", "miercoles", "miércoles"),
        ("thu", "thur", "thurs", "thursday", "jue", "jueves"),
        ("fri", "friday", "vie", "viernes"),
        ("sat", "saturday", "sab", "sáb", "sabado", "sábado"),
        ("sun", "sunday", "dom", "domingo"),
    )
):
    for _name in _names:
        _DAY_NAMES[_name] = _number
_TIME = re.compile(r"^([01]?\d|2[0-3])(?::([0-5]\d))?$")


@dataclass(frozen=True)
class WeeklyHours:
    """One opening window in the week, in the office's local time: Monday 08:00-12:00."""

    weekday: int  # 0 = Monday ... 6 = Sunday, as datetime.weekday()
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday {self.weekday} is not between 0 (Monday) and 6 (Sunday)")
        if self.start >= self.end:
            raise ValueError(f"{self.start:%H:%M}-{self.end:%H:%M} does not end after it starts")

    def __str__(self) -> str:
        return f"{WEEKDAY_KEYS[self.weekday]} {self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class AppointmentService:
    """Something a woman can book a time for (legal advice, psychological support...)."""

    key: str
    emoji: str
    labels: Mapping[str, str]
    duration_minutes: int
    # Sensitive services are never named in reminders or other notifications.
    sensitive: bool = False
    # What to bring, per language ("your DPI and any papers about the case").
    bring: Mapping[str, str] = field(default_factory=dict)
    # The default weekly hours; staff edit the live ones (schedule_rules) from the bot.
    hours: tuple[WeeklyHours, ...] = ()

    def label(self, locale: str) -> str:
        return in_language(self.labels, locale, self.key)

    def what_to_bring(self, locale: str) -> str:
        return in_language(self.bring, locale)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class SchedulingSettings:
    """The `[scheduling]` table: when reminders go out and when staff get the day's agenda."""

    # Hours before an appointment at which she is reminded (largest first).
    reminder_offsets_hours: tuple[float, ...] = DEFAULT_REMINDER_OFFSETS_HOURS
    # Local time at which staff get the day's agenda.
    daily_digest_time: time = DEFAULT_DIGEST_TIME
    # Local times at which women going to an activity are reminded of it: the day before
    # and the morning of. None: that reminder is not sent.
    activity_reminder_day_before: time | None = DEFAULT_ACTIVITY_REMINDER_DAY_BEFORE
    activity_reminder_morning_of: time | None = DEFAULT_ACTIVITY_REMINDER_MORNING_OF

    @property
    def reminder_offsets(self) -> tuple[timedelta, ...]:
        return tuple(timedelta(hours=h) for h in self.reminder_offsets_hours)


class OfficeValueError(ValueError):
    """A value in the office file is malformed; the message says which and how to write it."""


def parse_weekly_hours(spec: str) -> list[WeeklyHours]:
    """Read "mon 08:00-12:00", "mon-fri 8:00-16:00", "lun,mié 13:00 - 16:30" and the like."""
    example = 'write it like "mon 08:00-12:00" or "mon-fri 13:00-16:00"'
    if not isinstance(spec, str):
        raise OfficeValueError(f"the hours entry {spec!r} is not text: {example}")
    text = spec.strip().lower()
    first_digit = next((i for i, c in enumerate(text) if c.isdigit()), -1)
    days_text = text[:first_digit].replace(" ", "") if first_digit > 0 else ""
    times_text = text[first_digit:] if first_digit > 0 else ""
    if not days_text or not times_text:
        raise OfficeValueError(f"the hours entry {spec!r} needs days and times: {example}")
    days: list[int] = []
    for chunk in days_text.split(","):
        ends = [d.strip().rstrip(".") for d in chunk.split("-")]
        if len(ends) > 2 or not all(d in _DAY_NAMES for d in ends):
            raise OfficeValueError(f"the hours entry {spec!r} has unknown days: {example}")
        first, last = _DAY_NAMES[ends[0]], _DAY_NAMES[ends[-1]]
        if last < first:
            raise OfficeValueError(f"the days in the hours entry {spec!r} go backwards: {example}")
        days.extend(d for d in range(first, last + 1) if d not in days)
    times = re.split(r"\s*[-–—]\s*|\s+(?:to|a)\s+", times_text.strip())
    if len(times) != 2:
        raise OfficeValueError(f"the hours entry {spec!r} needs a start and an end time: {example}")
    start, end = (_parse_time(t, spec, example) for t in times)
    if start >= end:
        raise OfficeValueError(f"the hours entry {spec!r} does not end after it starts: {example}")
    return [WeeklyHours(day, start, end) for day in days]


def _parse_time(text: str, spec: str, example: str) -> time:
    match = _TIME.match(text.strip())
    if not match:
        raise OfficeValueError(
            f"the time {text!r} in the hours entry {spec!r} is not valid: {example}"
        )
    return time(int(match.group(1)), int(match.group(2) or 0))


def _weekly_hours(entries: Iterable[Any], where: str) -> tuple[WeeklyHours, ...]:
    if isinstance(entries, str) or not isinstance(entries, list):
        raise OfficeValueError(
            f'{where} must be a list like ["mon 08:00-12:00", "wed 13:00-16:00"]'
        )
    found: list[WeeklyHours] = []
    for entry in entries:
        for window in parse_weekly_hours(entry):
            clash = next(
                (
                    w
                    for w in found
                    if w.weekday == window.weekday and w.start < window.end and window.start < w.end
                ),
                None,
            )
            if clash is not None:
                raise OfficeValueError(f"{where} has {clash} and {window}, which overlap")
            found.append(window)
    return tuple(sorted(found, key=lambda w: (w.weekday, w.start)))


@dataclass(frozen=True)
class AidItem:
    """Something the office gives (a food bag, diapers, money for medicine), tied to a plan line."""

    key: str
    emoji: str
    labels: Mapping[str, str]
    plan_line: str | None = None
    # Money: staff type an amount in the local currency instead of a quantity.
    money: bool = False
    # Warn staff when she received this item fewer than these many days ago.
    repeat_days: int = 30

    def label(self, locale: str) -> str:
        return in_language(self.labels, locale, self.key)


# What a plan line counts (bot.plan.service).
PLAN_MEASURES = ("activities", "attendance", "aid", "cases", "women")


@dataclass(frozen=True)
class PlanLine:
    """A line of the annual operating plan (POA) with its indicator and annual target."""

    key: str
    programme: str
    label: str
    indicator: str
    target: int
    measure: str
    # activities/attendance: activity kinds; cases: categories; aid: items (besides
    # those whose plan_line names this line). Empty: every kind.
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfficeSettings:
    """Facts that differ per municipality, read from the office settings file."""

    name: str
    municipality: str
    addresses: Mapping[str, str]
    opening_hours: Mapping[str, str]
    phone: str
    emergency_contacts: tuple[EmergencyContact, ...]
    communities: tuple[str, ...]
    categories: tuple[AidCategory, ...]
    referral_institutions: tuple[str, ...]
    # Appointments: what can be booked, the default weekly hours, reminder timing.
    services: tuple[AppointmentService, ...] = ()
    default_service_hours: tuple[WeeklyHours, ...] = ()
    scheduling: SchedulingSettings = field(default_factory=SchedulingSettings)
    # Accountability: aid items, the municipality's language communities, the plan.
    aid_items: tuple[AidItem, ...] = ()
    language_communities: tuple[str, ...] = ()
    plan: tuple[PlanLine, ...] = ()
    currency: str = "GTQ"
    monthly_report: bool = True
    # The entrepreneurship school: share of a course's sessions to attend to complete it.
    school_completion_percent: int = 80

    def aid_item(self, key: str) -> AidItem | None:
        return next((i for i in self.aid_items if i.key == key), None)

    def category(self, key: str) -> AidCategory | None:
        return next((c for c in self.categories if c.key == key), None)

    def service(self, key: str) -> AppointmentService | None:
        return next((s for s in self.services if s.key == key), None)

    def hours(self, locale: str) -> str:
        return in_language(self.opening_hours, locale)

    def address(self, locale: str) -> str:
        return in_language(self.addresses, locale)


def load_office_settings(path: Path | None = None) -> OfficeSettings:
    """Read the office settings file (default: config/office.toml in the working directory).

    The shipped example is read only when named, as `path` or OFFICE_SETTINGS_FILE.
    """
    path = DEFAULT_OFFICE_FILE if path is None else path
    create = f"copy config/office.example.toml to {path} and edit it"
    if path.is_dir():
        raise ConfigError(
            f"The office settings file {path} is a directory, not a file (Docker creates one "
            f"when the file it should mount does not exist): remove the directory, {create}."
        )
    if not path.exists():
        raise ConfigError(
            f"The office settings file {path} does not exist: {create} "
            "(or set OFFICE_SETTINGS_FILE to the file's path)."
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"The office settings file {path} is not UTF-8 text (byte {exc.start} is not): "
            "save it as UTF-8 in your editor."
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"Cannot read the office settings file {path} ({exc.strerror}): check that the "
            "bot's user may read it."
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The office settings file {path} is not valid TOML ({exc}).") from None
    unknown = _unknown_key(data, _OFFICE_SCHEMA, "the top level")
    if unknown is not None:
        raise ConfigError(f"In the office settings file {path}, {unknown}")
    try:
        return _parse_office(data)
    except OfficeValueError as exc:
        raise ConfigError(f"In the office settings file {path}, {exc}.") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"The office settings file {path} is incomplete ({exc}): compare it with "
            "config/office.example.toml."
        ) from None


# The keys the office file may hold. A table is a dict of its keys; an array of tables
# ([[categories]]) is a one-element list holding the entries' dict; None is a value
# (text, number, list of text). A misspelt key is an error, never silently ignored:
# `sensitve = true` must not leave violence cases unprotected.
_LOCALE_TABLE: dict[str, Any] = {locale: None for locale in SUPPORTED_LOCALES}
_OFFICE_SCHEMA: dict[str, Any] = {
    "office": {
        "name": None,
        "municipality": None,
        "address": _LOCALE_TABLE,
        "phone": None,
        "opening_hours": _LOCALE_TABLE,
    },
    "emergency": [{"label": _LOCALE_TABLE, "number": None}],
    "communities": None,
    "categories": [
        {"key": None, "emoji": None, "label": _LOCALE_TABLE, "sensitive": None, "urgent": None}
    ],
    "referral_institutions": None,
    "opening_hours": [{"days": None, "hours": None}],
    "services": [
        {
            "key": None,
            "emoji": None,
            "label": _LOCALE_TABLE,
            "duration_minutes": None,
            "sensitive": None,
            "bring": _LOCALE_TABLE,
            "hours": None,
        }
    ],
    "scheduling": {
        "reminder_offsets_hours": None,
        "daily_digest_time": None,
        "activity_reminder_day_before": None,
        "activity_reminder_morning_of": None,
    },
    "language_communities": None,
    "aid": {"repeat_days": None, "currency": None},
    "aid_items": [
        {
            "key": None,
            "emoji": None,
            "label": _LOCALE_TABLE,
            "plan_line": None,
            "money": None,
            "repeat_days": None,
        }
    ],
    "plan": [
        {
            "key": None,
            "programme": None,
            "label": None,
            "indicator": None,
            "target": None,
            "measure": None,
            "kinds": None,
        }
    ],
    "reports": {"monthly_report": None},
    "school": {"completion_percent": None},
}


def _unknown_key(value: Any, schema: Any, where: str) -> str | None:
    """The first key in `value` that `schema` does not know, as a sentence; else None."""
    if isinstance(schema, list) and isinstance(value, list):
        name = where.split()[0]
        for number, entry in enumerate(value, start=1):
            label = f"{name} entry {number}"
            if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                label += f' (key = "{entry["key"]}")'
            found = _unknown_key(entry, schema[0], label)
            if found is not None:
                return found
        return None
    if not isinstance(schema, dict) or not isinstance(value, dict):
        return None
    for key, inner in value.items():
        if key not in schema:
            known = list(schema)
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else f"the keys known there are {', '.join(known)}."
            )
            return f"{where} has an unknown key {key!r}: {hint}"
        sub = schema[key]
        if isinstance(sub, list):
            inner_where = f"[[{key}]]"
        elif where == "the top level":
            inner_where = f"[{key}]"
        else:
            inner_where = f"{key} of {where}"
        found = _unknown_key(inner, sub, inner_where)
        if found is not None:
            return found
    return None


def _flag(table: Mapping[str, Any], name: str, what: str) -> bool:
    value = table.get(name, False)
    if not isinstance(value, bool):
        raise OfficeValueError(f"{name} of {what} must be true or false, got {value!r}")
    return value


def _parse_office(data: Mapping[str, Any]) -> OfficeSettings:
    office = data["office"]
    categories = tuple(
        AidCategory(
            key=str(c["key"]),
            emoji=str(c.get("emoji", "")),
            labels=dict(c["label"]),
            sensitive=_flag(c, "sensitive", f"the category {c['key']!r}"),
            urgent=_flag(c, "urgent", f"the category {c['key']!r}"),
        )
        for c in data["categories"]
    )
    if not categories:
        raise ValueError("at least one [[categories]] entry is needed")
    keys = [c.key for c in categories]
    if len(set(keys)) != len(keys):
        raise ValueError("two categories share a key")
    communities = tuple(str(c) for c in data["communities"])
    if not communities:
        raise ValueError("the communities list is empty")
    hours = office["opening_hours"]
    return OfficeSettings(
        name=str(office["name"]),
        municipality=str(office["municipality"]),
        addresses=_texts(office["address"]),
        opening_hours=_texts(hours),
        phone=str(office.get("phone", "")),
        emergency_contacts=tuple(
            EmergencyContact(_texts(e["label"]), str(e["number"])) for e in data["emergency"]
        ),
        communities=communities,
        categories=categories,
        referral_institutions=tuple(str(i) for i in data.get("referral_institutions", [])),
        **_parse_appointments(data),
        **_parse_accountability(data),
        school_completion_percent=_completion_percent(data),
    )


def _completion_percent(data: Mapping[str, Any]) -> int:
    """`[school] completion_percent`: 1 to 100, 80 when not given."""
    value = data.get("school", {}).get("completion_percent", 80)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise OfficeValueError(
            f"completion_percent in [school] must be a whole number from 1 to 100, got {value!r}"
        )
    return value


_KEY = re.compile(r"[a-z0-9_]{1,32}")


def _parse_accountability(data: Mapping[str, Any]) -> dict[str, Any]:
    """`language_communities`, `[aid]`, `[[aid_items]]`, `[[plan]]`, `[reports]`; all optional."""
    languages = data.get("language_communities", [])
    if not isinstance(languages, list) or not all(
        isinstance(x, str) and 0 < len(x) <= 32 for x in languages
    ):
        raise OfficeValueError(
            "language_communities must be a list of names up to 32 letters, like "
            "[\"Tz'utujil\", \"K'iche'\"]"
        )
    aid = data.get("aid", {})
    default_days = aid.get("repeat_days", 30)
    if isinstance(default_days, bool) or not isinstance(default_days, int) or default_days < 0:
        raise OfficeValueError(f"repeat_days in [aid] must be a number of days, got {default_days!r}")
    plan: list[PlanLine] = []
    for raw in data.get("plan", []):
        key = str(raw.get("key", ""))
        if not _KEY.fullmatch(key) or any(p.key == key for p in plan):
            raise OfficeValueError(
                f"the plan line key {key!r} must be unique, 1 to 32 lowercase letters, digits or _"
            )
        measure = raw.get("measure", "")
        if measure not in PLAN_MEASURES:
            raise OfficeValueError(
                f"measure of the plan line {key!r} must be one of {', '.join(PLAN_MEASURES)}, "
                f"got {measure!r}"
            )
        target = raw.get("target")
        if isinstance(target, bool) or not isinstance(target, int) or target <= 0:
            raise OfficeValueError(f"target of the plan line {key!r} must be a whole number above 0")
        plan.append(
            PlanLine(
                key=key,
                programme=str(raw.get("programme", "")),
                label=str(raw.get("label", key)),
                indicator=str(raw.get("indicator", "")),
                target=target,
                measure=measure,
                kinds=tuple(str(k) for k in raw.get("kinds", [])),
            )
        )
    items: list[AidItem] = []
    for raw in data.get("aid_items", []):
        key = str(raw.get("key", ""))
        if not _KEY.fullmatch(key) or any(i.key == key for i in items):
            raise OfficeValueError(
                f"the aid item key {key!r} must be unique, 1 to 32 lowercase letters, digits or _"
            )
        labels = raw.get("label")
        if not isinstance(labels, dict) or not labels.get("es"):
            raise OfficeValueError(f'the aid item {key!r} needs label = {{ es = "...", en = "..." }}')
        line = raw.get("plan_line")
        if line is not None and not any(p.key == line for p in plan):
            raise OfficeValueError(f"the aid item {key!r} names a plan line {line!r} not in [[plan]]")
        days = raw.get("repeat_days", default_days)
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise OfficeValueError(f"repeat_days of the aid item {key!r} must be a number of days")
        items.append(
            AidItem(
                key=key,
                emoji=str(raw.get("emoji", "")),
                labels={str(k): str(v) for k, v in labels.items()},
                plan_line=line,
                money=_flag(raw, "money", f"the aid item {key!r}"),
                repeat_days=days,
            )
        )
    reports = data.get("reports", {})
    return {
        "aid_items": tuple(items),
        "language_communities": tuple(languages),
        "plan": tuple(plan),
        "currency": str(aid.get("currency", "GTQ")),
        "monthly_report": _flag(reports, "monthly_report", "[reports]")
        if "monthly_report" in reports
        else True,
    }


def _parse_appointments(data: Mapping[str, Any]) -> dict[str, Any]:
    """`[[opening_hours]]`, `[[services]]` and `[scheduling]`; all optional."""
    raw_defaults = data.get("opening_hours", [])
    if not isinstance(raw_defaults, list):
        raise OfficeValueError(
            '[[opening_hours]] must be a list of tables like days = "mon-fri" and '
            'hours = ["08:00-12:00", "13:00-16:00"]'
        )
    specs: list[str] = []
    for entry in raw_defaults:
        if not isinstance(entry, dict) or "days" not in entry or "hours" not in entry:
            raise OfficeValueError(
                'each [[opening_hours]] entry needs days = "mon-fri" and hours = "08:00-12:00"'
            )
        days = entry["days"]
        days_text = ",".join(str(d) for d in days) if isinstance(days, list) else str(days)
        windows = entry["hours"] if isinstance(entry["hours"], list) else [entry["hours"]]
        specs.extend(f"{days_text} {w}" for w in windows)
    default_hours = _weekly_hours(specs, "[[opening_hours]]")

    services: list[AppointmentService] = []
    for raw in data.get("services", []):
        if not isinstance(raw, dict) or "key" not in raw:
            raise OfficeValueError("each [[services]] entry needs a key")
        key = str(raw["key"]).strip()
        if not re.fullmatch(r"[a-z0-9_]{1,32}", key):
            raise OfficeValueError(
                f"the service key {key!r} must be 1 to 32 lowercase letters, digits or _"
            )
        if any(s.key == key for s in services):
            raise OfficeValueError(f"two [[services]] share the key {key!r}")
        labels = raw.get("label")
        if not isinstance(labels, dict) or not labels.get("es"):
            raise OfficeValueError(
                f'the service {key!r} needs label = {{ es = "...", en = "..." }}'
            )
        duration = raw.get("duration_minutes", 60)
        if isinstance(duration, bool) or not isinstance(duration, int) or not 5 <= duration <= 480:
            raise OfficeValueError(
                f"duration_minutes of the service {key!r} must be a whole number of minutes "
                f"between 5 and 480, got {duration!r}"
            )
        bring = raw.get("bring", {})
        if isinstance(bring, str):
            bring = {"es": bring}
        if not isinstance(bring, dict):
            raise OfficeValueError(
                f'bring of the service {key!r} must be {{ es = "...", en = "..." }}'
            )
        sensitive = raw.get("sensitive", False)
        if not isinstance(sensitive, bool):
            raise OfficeValueError(f"sensitive of the service {key!r} must be true or false")
        hours = (
            _weekly_hours(raw["hours"], f"hours of the service {key!r}")
            if "hours" in raw
            else default_hours
        )
        short = next((w for w in hours if _minutes(w.end) - _minutes(w.start) < duration), None)
        if short is not None:
            raise OfficeValueError(
                f"the service {key!r} lasts {duration} minutes but its window {short} is shorter"
            )
        services.append(
            AppointmentService(
                key=key,
                emoji=str(raw.get("emoji", "")),
                labels={str(k): str(v) for k, v in labels.items()},
                duration_minutes=duration,
                sensitive=sensitive,
                bring={str(k): str(v) for k, v in bring.items()},
                hours=hours,
            )
        )

    raw_scheduling = data.get("scheduling", {})
    if not isinstance(raw_scheduling, dict):
        raise OfficeValueError("[scheduling] must be a table")
    offsets = raw_scheduling.get("reminder_offsets_hours", list(DEFAULT_REMINDER_OFFSETS_HOURS))
    if (
        not isinstance(offsets, list)
        or not all(
            isinstance(h, int | float) and not isinstance(h, bool) and 0 < h <= 24 * 14
            for h in offsets
        )
        or len(set(offsets)) != len(offsets)
    ):
        raise OfficeValueError(
            "reminder_offsets_hours in [scheduling] must be a list of different numbers of "
            f"hours between 0 and 336, like [24, 2], got {offsets!r}"
        )
    digest = raw_scheduling.get("daily_digest_time", f"{DEFAULT_DIGEST_TIME:%H:%M}")
    match = _TIME.match(str(digest).strip()) if isinstance(digest, str) else None
    if match is None:
        raise OfficeValueError(
            f'daily_digest_time in [scheduling] must be a time like "07:30", got {digest!r}'
        )
    return {
        "services": tuple(services),
        "default_service_hours": default_hours,
        "scheduling": SchedulingSettings(
            reminder_offsets_hours=tuple(sorted(offsets, reverse=True)),
            daily_digest_time=time(int(match.group(1)), int(match.group(2) or 0)),
            activity_reminder_day_before=_optional_time(
                raw_scheduling, "activity_reminder_day_before", DEFAULT_ACTIVITY_REMINDER_DAY_BEFORE
            ),
            activity_reminder_morning_of=_optional_time(
                raw_scheduling, "activity_reminder_morning_of", DEFAULT_ACTIVITY_REMINDER_MORNING_OF
            ),
        ),
    }


def _optional_time(table: Mapping[str, Any], name: str, default: time) -> time | None:
    """A local time like "18:00" in [scheduling]; an empty string turns the thing off."""
    if name not in table:
        return default
    value = table[name]
    if isinstance(value, str) and not value.strip():
        return None
    match = _TIME.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise OfficeValueError(
            f'{name} in [scheduling] must be a time like "{default:%H:%M}", or "" to send '
            f"no such reminder, got {value!r}"
        )
    return time(int(match.group(1)), int(match.group(2) or 0))


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute
