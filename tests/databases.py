"""Fresh databases for tests: an SQLite file per test, a PostgreSQL database per run.

PostgreSQL is used when TEST_DATABASE_URL points at a server (for example
postgresql+asyncpg://postgres@127.0.0.1:5432/postgres); the tests create their own
database there, migrate it once, empty it between tests and drop it at the end.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.migrate import upgrade_database
from bot.db.models import Base

PG_ENV = "TEST_DATABASE_URL"
PG_SKIP_REASON = (
    "PostgreSQL tests need TEST_DATABASE_URL (e.g. "
    "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres); .ci/run sets it"
)


def postgres_server_url() -> str | None:
    url = os.environ.get(PG_ENV, "").strip()
    return url or None


class SqliteTemplate:
    """Migrate once, then copy the file for each test (much faster than migrating)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "template.sqlite3"
        upgrade_database(f"sqlite+aiosqlite:///{self.path}")

    def fresh(self, folder: Path) -> str:
        target = folder / f"omm-{uuid.uuid4().hex[:8]}.sqlite3"
        shutil.copyfile(self.path, target)
        return f"sqlite+aiosqlite:///{target}"


class PostgresDatabase:
    """One throw-away database on the server for the whole test run."""

    def __init__(self, server_url: str) -> None:
        self.server_url = make_url(server_url)
        self.name = f"omm_test_{uuid.uuid4().hex[:10]}"
        self.url = self.server_url.set(database=self.name).render_as_string(hide_password=False)
        asyncio.run(self._admin(f'CREATE DATABASE "{self.name}"'))
        upgrade_database(self.url)

    async def _admin(self, statement: str) -> None:
        engine = create_async_engine(self.server_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.execute(text(statement))
        finally:
            await engine.dispose()

    async def empty(self) -> None:
        engine = create_async_engine(self.url)
        try:
            async with engine.begin() as connection:
                names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
                await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        finally:
            await engine.dispose()

    def drop(self) -> None:
        asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
