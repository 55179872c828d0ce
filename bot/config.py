"""Settings from the environment and the office settings file.

Nothing here runs at import time: `load_settings()` is called once by `python -m bot`
(and by tests with their own environment). Every problem is reported as a
`ConfigError` whose message is one sentence saying what to fix.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
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

    def category(self, key: str) -> AidCategory | None:
        return next((c for c in self.categories if c.key == key), None)

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
    )


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
    )
