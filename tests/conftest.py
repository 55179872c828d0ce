"""Shared fixtures: databases (SQLite always, PostgreSQL when configured), clock, settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings, load_settings
from bot.core.clock import FrozenClock
from bot.db.engine import create_engine, create_session_factory
from bot.office import EXAMPLE_OFFICE_FILE
from tests.databases import PG_SKIP_REASON, PostgresDatabase, SqliteTemplate, postgres_server_url

STAFF_CHAT_ID = -1001000000001
ADMIN_ID = 900001


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresDatabase | None]:
    server = postgres_server_url()
    if server is None:
        yield None
        return
    database = PostgresDatabase(server)
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(
    request: pytest.FixtureRequest,
    sqlite_template: SqliteTemplate,
    postgres_database: PostgresDatabase | None,
    tmp_path: Path,
) -> AsyncIterator[str]:
    """A migrated, empty database: each test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield sqlite_template.fresh(tmp_path)
        return
    if postgres_database is None:
        pytest.skip(PG_SKIP_REASON)
    await postgres_database.empty()
    yield postgres_database.url


@pytest.fixture
async def sqlite_url(sqlite_template: SqliteTemplate, tmp_path: Path) -> str:
    return sqlite_template.fresh(tmp_path)


@pytest.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    engine = create_engine(database_url)
    factory = create_session_factory(engine)
    try:
        async with factory() as session:
            yield session
    finally:
        await engine.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


def make_settings(database_url: str, api_url: str = "http://127.0.0.1:9", **extra: str) -> Settings:
    env = {
        "TELEGRAM_BOT_TOKEN": "123456:TEST-token",
        "TELEGRAM_API_URL": api_url,
        "DATABASE_URL": database_url,
        "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
        "ADMIN_USER_IDS": str(ADMIN_ID),
        "SWEEP_INTERVAL_SECONDS": "0.1",
        "POLL_TIMEOUT_SECONDS": "1",
        "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE),
        # The monthly report would post last month's at start: only its own tests turn it on.
        "MONTHLY_REPORT": "false",
        **extra,
    }
    return load_settings(env)


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return make_settings(sqlite_url)
