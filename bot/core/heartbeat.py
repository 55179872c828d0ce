"""Is the bot alive? It records when it last heard from Telegram; `python -m bot health`
reads that; and a bot that can no longer reach Telegram or its database stops itself.

- The running bot keeps one row in `heartbeats` (source "telegram"): when a getUpdates
  call last answered (with a webhook, later, it would be a request from Telegram), and
  when the row was written. It is written every WRITE_EVERY_SECONDS, whether or not
  anything changed, so a failing database shows too.
- `python -m bot health` (the Docker image's HEALTHCHECK) exits 0 only when the database
  answers and that row says Telegram was heard recently (`max_age`).
- Docker does not restart a container that is merely "unhealthy". So the bot's own
  watchdog stops it (exit code 1, one line in the log) when it has not heard from
  Telegram, or could not write to its database, for WATCHDOG_SECONDS (default 300; 0
  turns it off); `restart: unless-stopped` then starts it again, which also reconnects
  everything from scratch.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from bot.config import ConfigError, Settings
from bot.db.models import Heartbeat

log = logging.getLogger(__name__)

SOURCE = "telegram"
WRITE_EVERY_SECONDS = 30.0
DEFAULT_WATCHDOG_SECONDS = 300
MIN_WATCHDOG_SECONDS = 60
# How long `health` waits for the database.
HEALTH_TIMEOUT_SECONDS = 10.0


def watchdog_seconds(env: Mapping[str, str] | None = None) -> float:
    """WATCHDOG_SECONDS: 0 (off) or a number of seconds of at least 60."""
    env = os.environ if env is None else env
    raw = env.get("WATCHDOG_SECONDS", "").strip()
    if not raw:
        return float(DEFAULT_WATCHDOG_SECONDS)
    hint = f"0 (off) or a whole number of seconds of at least {MIN_WATCHDOG_SECONDS}, like 300"
    if not raw.isascii() or not raw.isdigit():
        raise ConfigError(
            f"WATCHDOG_SECONDS must be {hint}, got {raw!r}: fix it in your .env file."
        )
    value = int(raw)
    if 0 < value < MIN_WATCHDOG_SECONDS:
        raise ConfigError(
            f"WATCHDOG_SECONDS must be {hint}, got {raw!r}: fix it in your .env file."
        )
    return float(value)


def max_age(settings: Settings) -> float:
    """How old the heartbeat may be for `health`: a write interval, a long poll, a margin."""
    return WRITE_EVERY_SECONDS + settings.poll_timeout_seconds + 60.0


async def record(session: AsyncSession, heard_at: datetime, now: datetime) -> None:
    """Write the heartbeat row (insert or update; one statement)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Heartbeat).values(source=SOURCE, heard_at=heard_at, written_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[Heartbeat.source],
        set_={"heard_at": statement.excluded.heard_at, "written_at": statement.excluded.written_at},
    )
    await session.execute(statement)


class HeartbeatKeeper:
    """Writes the heartbeat while the bot runs; `run` returns when the watchdog fires."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        last_contact: Callable[[], float | None],
        *,
        watchdog: float = DEFAULT_WATCHDOG_SECONDS,
        write_every: float = WRITE_EVERY_SECONDS,
    ) -> None:
        # last_contact: time.monotonic() of the last answer from Telegram, or None.
        self.session_factory = session_factory
        self.last_contact = last_contact
        self.watchdog = watchdog
        self.write_every = write_every
        self.started = time.monotonic()
        self.written: float | None = None
        self.error: str | None = None

    async def run(self) -> str:
        """Write every `write_every` seconds; return the reason to stop, in one sentence."""
        while True:
            await self._write()
            reason = self.reason_to_stop()
            if reason is not None:
                return reason
            # Until the first write (the first answer from Telegram), look every second.
            await asyncio.sleep(
                self.write_every if self.written is not None else min(1.0, self.write_every)
            )

    async def _write(self) -> None:
        contact = self.last_contact()
        if contact is None:
            return
        now = time.monotonic()
        wall = datetime.now(UTC)
        heard_at = wall - timedelta(seconds=now - contact)
        try:
            async with self.session_factory() as session, session.begin():
                await record(session, heard_at, wall)
        except Exception as exc:
            if self.error is None:
                log.warning("could not write the heartbeat (%s)", type(exc).__name__)
            self.error = type(exc).__name__
            return
        self.written, self.error = now, None

    def reason_to_stop(self) -> str | None:
        if not self.watchdog:
            return None
        now = time.monotonic()
        contact = self.last_contact()
        silent = now - (contact if contact is not None else self.started)
        if silent > self.watchdog:
            return (
                f"No answer from Telegram for {silent:.0f} s (WATCHDOG_SECONDS={self.watchdog:.0f}): "
                "stopping so that the bot is started again."
            )
        unwritten = now - (self.written if self.written is not None else self.started)
        if contact is not None and unwritten > self.watchdog:
            return (
                f"Could not write to the database for {unwritten:.0f} s ({self.error or 'no answer'}, "
                f"WATCHDOG_SECONDS={self.watchdog:.0f}): stopping so that the bot is started again."
            )
        return None


def check(settings: Settings) -> tuple[bool, str]:
    """(healthy, one sentence): the database answers and Telegram was heard recently."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        # Connecting would create an empty file.
        path = url.database or ""
        if path in ("", ":memory:") or not Path(path).is_file():
            return False, f"Unhealthy: there is no database file at {path or '(none)'}."
    return asyncio.run(_check(settings))


async def _check(settings: Settings) -> tuple[bool, str]:
    url = make_url(settings.database_url)
    # Its own small engine: no migrations, no write lock (SQLite), no pool.
    engine = create_async_engine(url, hide_parameters=True, poolclass=NullPool)
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS), engine.connect() as connection:
            row = (
                await connection.execute(
                    select(Heartbeat.heard_at, Heartbeat.written_at).where(
                        Heartbeat.source == SOURCE
                    )
                )
            ).first()
    except TimeoutError:
        return False, (
            f"Unhealthy: the database did not answer within {HEALTH_TIMEOUT_SECONDS:.0f} s."
        )
    except Exception as exc:
        return False, f"Unhealthy: the database does not answer ({type(exc).__name__})."
    finally:
        await engine.dispose()
    if row is None:
        return False, "Unhealthy: the bot has not heard from Telegram yet (no heartbeat)."
    now = datetime.now(UTC)
    heard = (now - _utc(row.heard_at)).total_seconds()
    written = (now - _utc(row.written_at)).total_seconds()
    limit = max_age(settings)
    if written > limit:
        return False, (
            f"Unhealthy: the bot has not written its heartbeat for {written:.0f} s "
            f"(limit {limit:.0f} s): it is not running, or cannot write to the database."
        )
    if heard > limit:
        return False, (
            f"Unhealthy: the bot last heard from Telegram {heard:.0f} s ago (limit {limit:.0f} s)."
        )
    return True, (
        f"Healthy: the database answers and the bot heard from Telegram {heard:.0f} s ago."
    )


def _utc(moment: datetime) -> datetime:
    # SQLite gives naive datetimes back through a plain select of the column.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
