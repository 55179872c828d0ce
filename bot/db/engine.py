"""Engine and session factory. SQLite gets WAL and immediate transactions."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import await_only

from bot.db.inline_sqlite import inline_connector

# How long a writer waits for another connection (another process) to commit.
LOCK_WAIT_SECONDS = 30.0


def create_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    """Create the async engine; for SQLite, make concurrent writers wait instead of fail."""
    url = make_url(database_url)
    # A failed statement's error (and so the log) must never carry its parameters: they
    # are her words, her name, her phone number.
    kwargs.setdefault("hide_parameters", True)
    if url.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("pool_size", 10)
        return create_async_engine(database_url, **kwargs)

    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    # One connection per process: SQLite has one writer anyway, and waiting for the
    # connection in SQLAlchemy's async pool is a cheap asyncio wait.
    kwargs.setdefault("pool_size", 1)
    kwargs.setdefault("max_overflow", 0)
    kwargs.setdefault("pool_timeout", 60)
    path = url.database or ":memory:"
    engine = create_async_engine(database_url, async_creator=inline_connector(path), **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted rows (her data, erased update payloads) are overwritten with zeros
        # instead of lingering in free space; see bot/core/checkpoint.py for the WAL.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=0")
        # Checkpoints fsync; bot/core/checkpoint.py runs them from a thread instead.
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _sqlite_begin_immediate(conn: Any) -> None:
        # A deferred transaction that reads, then writes, fails at once with
        # SQLITE_BUSY when another writer got there first, so the write lock is taken
        # at BEGIN. Connections run inline (busy_timeout=0), so waiting for another
        # connection's lock is done here with an asyncio sleep: the loop keeps going.
        wait_until = time.monotonic() + LOCK_WAIT_SECONDS
        pause = 0.001
        while True:
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > wait_until:
                    raise
            await_only(asyncio.sleep(pause))
            pause = min(pause * 2, 0.05)

    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
