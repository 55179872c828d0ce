"""Settings from the environment.

Nothing here runs at import time: `load_settings()` is called once by `python -m bot`
(and by tests with their own environment). Every problem is reported as a
`ConfigError` whose message is one sentence saying what to fix. The office settings
file and its types are in `bot/office.py`.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.office import DEFAULT_OFFICE_FILE, OfficeSettings, load_office_settings
from bot.settings_errors import SUPPORTED_LOCALES, ConfigError

__all__ = ["SUPPORTED_LOCALES", "ConfigError", "Settings", "load_settings"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class Settings:
    bot_token: str
    api_url: str
    database_url: str
    # None: linked from Telegram with /vincular (bot.people.service_workspace).
    staff_chat_id: int | None
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
    # Where `office` was read from (shown in the start-up summary).
    office_file: str = ""
    # Telegram's paid broadcasting (allow_paid_broadcast): up to 1,000 a second, for a fee.
    broadcast_paid: bool = False
    # MONTHLY_REPORT: this process posts the monthly report (bot.reports.jobs).
    monthly_report: bool = True
    # LANGUAGE_MIN_TRANSLATED: percent of a language's texts translated before the
    # language picker offers it (Spanish and English always are).
    language_min_translated: int = 90
    # WEBHOOK_URL: webhook mode (bot.core.webhook) at this public address; "" polls.
    webhook_url: str = ""
    # WEBHOOK_SECRET, or derived from the token: checked on every webhook request.
    webhook_secret: str = ""
    # WEBHOOK_LISTEN (or PORT): where this process serves the webhook.
    webhook_host: str = "0.0.0.0"  # every interface: behind the reverse proxy
    webhook_port: int = 8443
    # WEBHOOK_MAX_CONNECTIONS: connections Telegram opens at once to deliver updates.
    webhook_max_connections: int = 40

    @property
    def bot_api_base_url(self) -> str:
        return f"{self.api_url.rstrip('/')}/bot"

    @property
    def bot_file_base_url(self) -> str:
        return f"{self.api_url.rstrip('/')}/file/bot"


def _default_database_url() -> str:
    # Relative to the working directory, like the office file: never inside the package.
    return "sqlite+aiosqlite:///./data/omm.sqlite3"


def _finite(
    env: Mapping[str, str], name: str, default: float, hint: str, *, minimum: float
) -> float:
    """A finite number no smaller than `minimum`; nan, inf and negatives are refused."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < minimum:
        raise ConfigError(f"{name} must be {hint}, got {raw!r}: fix it in your .env file.")
    return value


def _whole(env: Mapping[str, str], name: str, default: int, hint: str, *, minimum: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ConfigError(f"{name} must be {hint}, got {raw!r}: fix it in your .env file.")
    return value


def _percent(env: Mapping[str, str], name: str, default: int) -> int:
    value = _whole(env, name, default, "a whole percentage from 0 to 100, like 90", minimum=0)
    if value > 100:
        raise ConfigError(
            f"{name} must be a whole percentage from 0 to 100, like 90, got "
            f"{env.get(name, '').strip()!r}: fix it in your .env file."
        )
    return value


_DRIVERLESS = {"postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}
_SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


def normalize_database_url(raw: str) -> str:
    """Check DATABASE_URL and return it in the form the engine takes.

    `postgresql://` and `postgres://` (no driver) get asyncpg, `sqlite://` gets aiosqlite.
    A password may contain `@`, `:` or `/` written as they are, or percent-encoded
    (`%40`, `%3A`): the user and password are everything before the last `@`.
    """
    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.exc import ArgumentError

    shape = (
        "DATABASE_URL must be an SQLite (sqlite+aiosqlite:///path) or PostgreSQL "
        "(postgresql+asyncpg://user:password@host:5432/db) address"
    )
    scheme, sep, rest = raw.partition("://")
    scheme = scheme.lower()
    scheme = _DRIVERLESS.get(scheme, "sqlite+aiosqlite" if scheme == "sqlite" else scheme)
    if not sep or scheme not in _SUPPORTED_DRIVERS:
        kind, _, driver = scheme.partition("+")
        if sep and kind in ("postgresql", "sqlite"):
            wanted = "postgresql+asyncpg" if kind == "postgresql" else "sqlite+aiosqlite"
            raise ConfigError(
                f"{shape}: the driver {driver!r} is not installed, write {wanted}:// instead."
            )
        raise ConfigError(f"{shape}.")
    if scheme.startswith("sqlite"):
        return f"{scheme}://{rest}"
    user_info, at, host_part = rest.rpartition("@")
    username, _, password = user_info.partition(":")
    try:
        url: URL = make_url(f"{scheme}://{host_part}")
        port = url.port
    except (ArgumentError, ValueError):
        raise ConfigError(
            f"{shape}: the part after the password's last @ is not host:port/database "
            "(percent-encode @ in the password as %40 if it contains one)."
        ) from None
    if not url.host or not url.database:
        raise ConfigError(f"{shape}: the host or the database name is missing.")
    if port is not None and not 0 < port < 65536:
        raise ConfigError(f"{shape}: the port {port} is not valid.")
    if at:
        url = url.set(username=unquote(username) or None, password=unquote(password) or None)
    return url.render_as_string(hide_password=False)


def describe_database(database_url: str) -> str:
    """ "postgresql on db:5432/omm" or "sqlite ./data/omm.sqlite3": never the password."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite {url.database or ':memory:'}"
    return f"{url.get_backend_name()} on {url.host}:{url.port or 5432}/{url.database}"


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

    # Optional: without it, the staff group is linked from Telegram with /vincular.
    staff_raw = env.get("STAFF_CHAT_ID", "").strip()
    try:
        staff_chat_id = int(staff_raw) if staff_raw else None
    except ValueError:
        raise ConfigError(
            "STAFF_CHAT_ID must be the numeric id of the staff group (like -1001234), got "
            f"{staff_raw!r}: fix it in your .env file."
        ) from None

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

    database_url = normalize_database_url(
        env.get("DATABASE_URL", "").strip() or _default_database_url()
    )

    level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise ConfigError(
            f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got "
            f"{env.get('LOG_LEVEL', '').strip()!r}: fix it in your .env file."
        )
    concurrency = _whole(
        env, "MAX_CONCURRENT_UPDATES", 32, "a whole number of at least 1, like 32", minimum=1
    )
    per_minute = _whole(
        env, "STAFF_MESSAGES_PER_MINUTE", 20, "a whole number of at least 1, like 20", minimum=1
    )
    sweep = _finite(
        env, "SWEEP_INTERVAL_SECONDS", 2.0, "a positive number of seconds, like 2", minimum=0
    )
    if sweep == 0:
        raise ConfigError(
            "SWEEP_INTERVAL_SECONDS must be a positive number of seconds, like 2, got '0': "
            "fix it in your .env file."
        )
    poll = _finite(
        env, "POLL_TIMEOUT_SECONDS", 10, "a number of seconds from 0 to 50, like 10", minimum=0
    )
    if poll > 50:
        raise ConfigError(
            f"POLL_TIMEOUT_SECONDS must be a number of seconds from 0 to 50, like 10, got "
            f"{env.get('POLL_TIMEOUT_SECONDS', '').strip()!r}: fix it in your .env file."
        )
    broadcast_paid = _broadcast_paid(env)
    broadcast_rate = _broadcast_rate(env, broadcast_paid)

    # Last: every mistake in the environment is reported before the office file is read.
    office_file = Path(env.get("OFFICE_SETTINGS_FILE", "").strip() or DEFAULT_OFFICE_FILE)
    office = load_office_settings(office_file)

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
        max_concurrent_updates=concurrency,
        staff_messages_per_minute=per_minute,
        sweep_interval_seconds=max(0.05, sweep),
        poll_timeout_seconds=int(poll),
        broadcast_messages_per_second=broadcast_rate,
        office_file=str(office_file),
        broadcast_paid=broadcast_paid,
        monthly_report=_monthly_report(env),
        language_min_translated=_percent(env, "LANGUAGE_MIN_TRANSLATED", 90),
        **_webhook(env, token),
    )


_SECRET_CHARACTERS = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


def derive_webhook_secret(token: str) -> str:
    """The webhook secret when WEBHOOK_SECRET is not set: derived from the bot token, so
    every replica agrees on it without storing anything (a new token gives a new one)."""
    return hmac.new(token.encode(), b"omm-bot webhook", hashlib.sha256).hexdigest()[:48]


def _webhook(env: Mapping[str, str], token: str) -> dict[str, Any]:
    """WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_LISTEN (or PORT), WEBHOOK_MAX_CONNECTIONS."""
    url = env.get("WEBHOOK_URL", "").strip()
    if url and not re.match(r"^https?://[^/\s?#]+(/[^\s?#]*)?$", url):
        raise ConfigError(
            f"WEBHOOK_URL must be the bot's public https:// address (like "
            f"https://bot.example.org), got {url!r}: fix it in your .env file."
        )
    secret = env.get("WEBHOOK_SECRET", "").strip()
    if secret and not _SECRET_CHARACTERS.match(secret):
        raise ConfigError(
            "WEBHOOK_SECRET must be 16 to 256 letters, digits, _ or - (make one with "
            "`openssl rand -hex 24`): fix it in your .env file."
        )
    host, port = "0.0.0.0", 8443
    listen = env.get("WEBHOOK_LISTEN", "").strip()
    if listen:
        host, _, raw_port = listen.rpartition(":")
        if not host or not raw_port.isdigit() or not 0 <= int(raw_port) < 65536:
            raise ConfigError(
                f"WEBHOOK_LISTEN must be host:port (like 0.0.0.0:8443), got {listen!r}: "
                "fix it in your .env file."
            )
        port = int(raw_port)
    elif env.get("PORT", "").strip():
        port = _whole(env, "PORT", 8443, "a port number from 1 to 65535, like 8443", minimum=1)
        if port > 65535:
            raise ConfigError(
                f"PORT must be a port number from 1 to 65535, like 8443, got {port}: "
                "fix it in your .env file."
            )
    connections = _whole(
        env, "WEBHOOK_MAX_CONNECTIONS", 40, "a whole number from 1 to 100, like 40", minimum=1
    )
    if connections > 100:
        raise ConfigError(
            f"WEBHOOK_MAX_CONNECTIONS must be a whole number from 1 to 100, like 40, got "
            f"{connections}: fix it in your .env file."
        )
    return {
        "webhook_url": url.rstrip("/"),
        "webhook_secret": secret or derive_webhook_secret(token),
        "webhook_host": host.strip("[]"),
        "webhook_port": port,
        "webhook_max_connections": connections,
    }


# Telegram's limits for messages to many chats: free, and with paid broadcasting.
FREE_BROADCAST_LIMIT = 30
PAID_BROADCAST_LIMIT = 1000


def _monthly_report(env: Mapping[str, str]) -> bool:
    """MONTHLY_REPORT=false stops the monthly report of this process (tests, a second replica)."""
    raw = env.get("MONTHLY_REPORT", "").strip().lower()
    if raw in ("", "1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(
        f"MONTHLY_REPORT must be true or false, got {raw!r}: fix it in your .env file."
    )


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
