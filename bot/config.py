"""Settings from the environment and the office settings file.

Nothing here runs at import time: `load_settings()` is called once by `python -m bot`
(and by tests with their own environment). Every problem is reported as a
`ConfigError` whose message is one sentence saying what to fix.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SUPPORTED_LOCALES = ("es", "en")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_OFFICE_FILE = PROJECT_ROOT / "config" / "office.example.toml"


class ConfigError(Exception):
    """A setting is missing or malformed; the message says how to fix it."""


@dataclass(frozen=True)
class EmergencyContact:
    label: str
    number: str


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
        return self.labels.get(locale) or self.labels.get("es") or self.key


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
        return self.labels.get(locale) or self.labels.get("es") or self.key

    def what_to_bring(self, locale: str) -> str:
        return self.bring.get(locale) or self.bring.get("es", "")

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class SchedulingSettings:
    """The `[scheduling]` table: when reminders go out and when staff get the day's agenda."""

    # Hours before an appointment at which she is reminded (largest first).
    reminder_offsets_hours: tuple[float, ...] = (24, 2)
    # Local time at which staff get the day's agenda.
    daily_digest_time: time = time(7, 30)
    # Local times at which women going to an activity are reminded of it: the day before
    # and the morning of. None: that reminder is not sent.
    activity_reminder_day_before: time | None = time(18, 0)
    activity_reminder_morning_of: time | None = time(7, 0)

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
class OfficeSettings:
    """Facts that differ per municipality, read from the office settings file."""

    name: str
    municipality: str
    address: str
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

    def category(self, key: str) -> AidCategory | None:
        return next((c for c in self.categories if c.key == key), None)

    def service(self, key: str) -> AppointmentService | None:
        return next((s for s in self.services if s.key == key), None)

    def hours(self, locale: str) -> str:
        return self.opening_hours.get(locale) or self.opening_hours.get("es", "")


@dataclass(frozen=True)
class Settings:
    bot_token: str
    api_url: str
    database_url: str
    staff_chat_id: int
    admin_user_ids: frozenset[int]
    timezone: ZoneInfo
    default_locale: str
    office: OfficeSettings
    log_level: str = "INFO"
    # Updates handled at once (each chat's own updates stay in order).
    max_concurrent_updates: int = 32
    # Telegram allows about 20 messages a minute into one group.
    staff_messages_per_minute: int = 20
    # How often queued rows (staff posts, later reminders) are swept.
    sweep_interval_seconds: float = 2.0
    # Long-polling wait for getUpdates.
    poll_timeout_seconds: int = 10
    # Overall rate of broadcast messages (Telegram allows about 30 a second to many chats).
    broadcast_messages_per_second: float = 30.0
    # Telegram's paid broadcasting (allow_paid_broadcast): up to 1,000 a second, for a fee.
    broadcast_paid: bool = False

    @property
    def bot_api_base_url(self) -> str:
        return f"{self.api_url.rstrip('/')}/bot"

    @property
    def bot_file_base_url(self) -> str:
        return f"{self.api_url.rstrip('/')}/file/bot"


def _default_database_url() -> str:
    return f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'omm.sqlite3'}"


def _int(env: Mapping[str, str], name: str, hint: str) -> int:
    raw = env.get(name, "").strip()
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(
            f"{name} must be {hint}, got {raw!r}: fix it in your .env file."
        ) from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(
            f"{name} must be a number of seconds, got {raw!r}: fix it in your .env file."
        ) from None


def load_settings(env: Mapping[str, str] | None = None, *, read_dotenv: bool = True) -> Settings:
    """Read settings from `env` (default: the process environment plus `.env`)."""
    if env is None:
        if read_dotenv:
            from dotenv import load_dotenv

            load_dotenv(Path.cwd() / ".env", override=False)
        env = os.environ

    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put its token "
            "in .env (see .env.example)."
        )
    if ":" not in token or not token.split(":", 1)[0].isdigit():
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (it should be like "
            "123456:ABC-...): copy it again from @BotFather."
        )

    if not env.get("STAFF_CHAT_ID", "").strip():
        raise ConfigError(
            "STAFF_CHAT_ID is not set: add the bot to the staff group, send /chatid there and "
            "put the number it answers (it starts with -100) in .env."
        )
    staff_chat_id = _int(env, "STAFF_CHAT_ID", "the numeric id of the staff group (like -1001234)")

    admins: set[int] = set()
    for part in env.get("ADMIN_USER_IDS", "").replace(";", ",").split(","):
        if part.strip():
            if not part.strip().isdigit():
                raise ConfigError(
                    f"ADMIN_USER_IDS must be Telegram user ids separated by commas, got "
                    f"{part.strip()!r}: fix it in your .env file."
                )
            admins.add(int(part))

    tz_name = env.get("TIMEZONE", "America/Guatemala").strip() or "America/Guatemala"
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"TIMEZONE {tz_name!r} is not a known time zone: use a name like "
            "America/Guatemala or America/Tegucigalpa."
        ) from None

    locale = (env.get("DEFAULT_LOCALE", "es").strip() or "es").lower()
    if locale not in SUPPORTED_LOCALES:
        raise ConfigError(
            f"DEFAULT_LOCALE {locale!r} is not supported: use one of {', '.join(SUPPORTED_LOCALES)}."
        )

    api_url = env.get("TELEGRAM_API_URL", "https://api.telegram.org").strip()
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError(f"TELEGRAM_API_URL must start with http:// or https://, got {api_url!r}.")

    database_url = env.get("DATABASE_URL", "").strip() or _default_database_url()
    if not database_url.startswith(("sqlite", "postgresql")):
        raise ConfigError(
            "DATABASE_URL must be an SQLite (sqlite+aiosqlite:///path) or PostgreSQL "
            "(postgresql+asyncpg://user:pass@host/db) address."
        )

    office_file = env.get("OFFICE_SETTINGS_FILE", "").strip()
    office = load_office_settings(Path(office_file) if office_file else None)

    level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    concurrency = 32
    if env.get("MAX_CONCURRENT_UPDATES", "").strip():
        concurrency = _int(env, "MAX_CONCURRENT_UPDATES", "a whole number like 32")
    per_minute = 20
    if env.get("STAFF_MESSAGES_PER_MINUTE", "").strip():
        per_minute = _int(env, "STAFF_MESSAGES_PER_MINUTE", "a whole number like 20")

    sweep = _float(env, "SWEEP_INTERVAL_SECONDS", 2.0)
    poll = int(_float(env, "POLL_TIMEOUT_SECONDS", 10))
    broadcast_paid = _broadcast_paid(env)
    broadcast_rate = _broadcast_rate(env, broadcast_paid)

    return Settings(
        bot_token=token,
        api_url=api_url,
        database_url=database_url,
        staff_chat_id=staff_chat_id,
        admin_user_ids=frozenset(admins),
        timezone=timezone,
        default_locale=locale,
        office=office,
        log_level=level,
        max_concurrent_updates=max(1, concurrency),
        staff_messages_per_minute=max(1, per_minute),
        sweep_interval_seconds=max(0.05, sweep),
        poll_timeout_seconds=max(0, poll),
        broadcast_messages_per_second=broadcast_rate,
        broadcast_paid=broadcast_paid,
    )


# Telegram's limits for messages to many chats: free, and with paid broadcasting.
FREE_BROADCAST_LIMIT = 30
PAID_BROADCAST_LIMIT = 1000


def _broadcast_paid(env: Mapping[str, str]) -> bool:
    raw = env.get("BROADCAST_PAID", "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(
        f"BROADCAST_PAID must be true or false, got {raw!r}: fix it in your .env file."
    )


def _broadcast_rate(env: Mapping[str, str], paid: bool) -> float:
    raw = env.get("BROADCAST_MESSAGES_PER_SECOND", "").strip()
    if not raw:
        return 30.0
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(
            f"BROADCAST_MESSAGES_PER_SECOND must be a positive number like 30, got {raw!r}: "
            "fix it in your .env file."
        )
    limit = PAID_BROADCAST_LIMIT if paid else FREE_BROADCAST_LIMIT
    if value > limit:
        raise ConfigError(
            f"BROADCAST_MESSAGES_PER_SECOND is {raw} but Telegram allows at most {limit} a "
            + (
                "second even with paid broadcasting: fix it in your .env file."
                if paid
                else "second without paid broadcasting: lower it, or set BROADCAST_PAID=true "
                "(0.1 Telegram Star a message) in your .env file."
            )
        )
    return value


def load_office_settings(path: Path | None = None) -> OfficeSettings:
    """Read the office settings file; without one, the shipped example is used."""
    if path is None:
        local = Path.cwd() / "config" / "office.toml"
        path = local if local.exists() else EXAMPLE_OFFICE_FILE
    if not path.exists():
        raise ConfigError(
            f"The office settings file {path} does not exist: copy "
            "config/office.example.toml and set OFFICE_SETTINGS_FILE to it."
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The office settings file {path} is not valid TOML ({exc}).") from None
    try:
        return _parse_office(data)
    except OfficeValueError as exc:
        raise ConfigError(f"In the office settings file {path}, {exc}.") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"The office settings file {path} is incomplete ({exc}): compare it with "
            "config/office.example.toml."
        ) from None


def _parse_office(data: Mapping[str, Any]) -> OfficeSettings:
    office = data["office"]
    categories = tuple(
        AidCategory(
            key=str(c["key"]),
            emoji=str(c.get("emoji", "")),
            labels=dict(c["label"]),
            sensitive=bool(c.get("sensitive", False)),
            urgent=bool(c.get("urgent", False)),
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
        address=str(office["address"]),
        opening_hours=dict(hours) if isinstance(hours, dict) else {"es": str(hours)},
        phone=str(office.get("phone", "")),
        emergency_contacts=tuple(
            EmergencyContact(str(e["label"]), str(e["number"])) for e in data["emergency"]
        ),
        communities=communities,
        categories=categories,
        referral_institutions=tuple(str(i) for i in data.get("referral_institutions", [])),
        **_parse_appointments(data),
    )


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
    offsets = raw_scheduling.get("reminder_offsets_hours", [24, 2])
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
    digest = raw_scheduling.get("daily_digest_time", "07:30")
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
                raw_scheduling, "activity_reminder_day_before", time(18, 0)
            ),
            activity_reminder_morning_of=_optional_time(
                raw_scheduling, "activity_reminder_morning_of", time(7, 0)
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
