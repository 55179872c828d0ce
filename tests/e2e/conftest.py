"""End-to-end fixtures: the fake Bot API server and the real bot talking to it over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from bot.app import BotRuntime
from bot.db.engine import create_session_factory
from bot.standin import FakeTelegram
from tests.conftest import ADMIN_ID, STAFF_CHAT_ID, make_settings
from tests.e2e.harness import OffsetClock, Person
from tests.e2e.office_language import english_in

WOMAN_ID = 100001
STAFF_ID = 200002
OUTSIDER_ID = 300003


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    server.add_group(STAFF_CHAT_ID, "OMM equipo")
    server.add_user(WOMAN_ID, first_name="Ana", language_code="es")
    server.add_user(ADMIN_ID, first_name="Lucía", language_code="es")
    server.add_user(STAFF_ID, first_name="María", language_code="es")
    server.add_user(OUTSIDER_ID, first_name="Pedro", language_code="es")
    try:
        yield server
        # Every call the bot made must have been valid against the official spec.
        server.assert_no_errors()
        # The office is Spanish-speaking (DEFAULT_LOCALE=es): its staff read Spanish.
        shown = server.bot_messages(STAFF_CHAT_ID)
        assert english_in(shown) == [], "English in the staff group of a Spanish office"
    finally:
        await server.stop()


@pytest.fixture
def e2e_clock() -> OffsetClock:
    return OffsetClock()


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
async def runtime(
    fake: FakeTelegram, db_url: str, e2e_clock: OffsetClock
) -> AsyncIterator[BotRuntime]:
    bot = BotRuntime(make_settings(db_url, fake.url), clock=e2e_clock)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[AsyncSession]:
    """A separate session to look into the bot's database, as an auditor would.

    A plain engine (deferred transactions), so looking never takes the write lock;
    call `await db.rollback()` before a look to see the latest committed state.
    """
    engine = create_async_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            yield session
    finally:
        await engine.dispose()


@pytest.fixture
def ana(fake: FakeTelegram, runtime: BotRuntime) -> Person:
    return Person(fake, runtime, WOMAN_ID)


@pytest.fixture
def admin_in_group(fake: FakeTelegram, runtime: BotRuntime) -> Person:
    return Person(fake, runtime, ADMIN_ID, chat_id=STAFF_CHAT_ID)


@pytest.fixture
def outsider_in_group(fake: FakeTelegram, runtime: BotRuntime) -> Person:
    return Person(fake, runtime, OUTSIDER_ID, chat_id=STAFF_CHAT_ID)
