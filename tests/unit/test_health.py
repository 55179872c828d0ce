"""`python -m bot health` and the heartbeat behind it; the watchdog that stops a stuck bot."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from bot.config import ConfigError
from bot.core.heartbeat import HeartbeatKeeper, record, watchdog_seconds
from bot.db.engine import create_engine, create_session_factory
from bot.office import EXAMPLE_OFFICE_FILE


@pytest.fixture
def bot_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.chdir(tmp_path)  # no .env read from the checkout
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-token")
    monkeypatch.setenv("STAFF_CHAT_ID", "-1001000000001")
    monkeypatch.setenv("OFFICE_SETTINGS_FILE", str(EXAMPLE_OFFICE_FILE))
    monkeypatch.setenv("POLL_TIMEOUT_SECONDS", "10")
    return monkeypatch


async def _beat(database_url: str, age: timedelta) -> None:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            now = datetime.now(UTC)
            await record(session, now - age, now - age)
    finally:
        await engine.dispose()


def _health(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["health"])
    return code, capsys.readouterr().out.strip()


async def test_healthy_with_a_fresh_heartbeat(
    database_url: str, bot_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bot_env.setenv("DATABASE_URL", database_url)
    await _beat(database_url, timedelta(seconds=5))
    code, out = await asyncio.to_thread(_health, capsys)
    assert code == 0, out
    assert out.startswith("omm-bot: Healthy: the database answers and the bot heard from Telegram")
    assert out.count("\n") == 0


async def test_a_stale_heartbeat_is_unhealthy(
    database_url: str, bot_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bot_env.setenv("DATABASE_URL", database_url)
    # The limit is 30 s (writes) + POLL_TIMEOUT_SECONDS + 60 s = 100 s.
    await _beat(database_url, timedelta(seconds=150))
    code, out = await asyncio.to_thread(_health, capsys)
    assert code == 1
    assert "has not written its heartbeat for 150 s (limit 100 s)" in out
    assert out.count("\n") == 0


async def test_no_heartbeat_yet_is_unhealthy(
    database_url: str, bot_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bot_env.setenv("DATABASE_URL", database_url)
    code, out = await asyncio.to_thread(_health, capsys)
    assert (code, out) == (
        1,
        "omm-bot: Unhealthy: the bot has not heard from Telegram yet (no heartbeat).",
    )


async def test_written_recently_but_telegram_silent_is_unhealthy(
    sqlite_url: str, bot_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bot_env.setenv("DATABASE_URL", sqlite_url)
    engine = create_engine(sqlite_url)
    async with create_session_factory(engine)() as session, session.begin():
        now = datetime.now(UTC)
        await record(session, now - timedelta(seconds=400), now)
    await engine.dispose()
    code, out = await asyncio.to_thread(_health, capsys)
    assert code == 1
    assert "the bot last heard from Telegram 400 s ago (limit 100 s)" in out


def test_an_unreachable_database_is_unhealthy(
    bot_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Nothing listens on port 9: the connection is refused at once.
    bot_env.setenv("DATABASE_URL", "postgresql+asyncpg://omm:s3cret@127.0.0.1:9/omm")
    started = time.monotonic()
    code, out = _health(capsys)
    assert code == 1
    assert out.startswith("omm-bot: Unhealthy: the database does not answer (")
    assert "s3cret" not in out and out.count("\n") == 0
    assert time.monotonic() - started < 15


def test_a_missing_sqlite_file_is_unhealthy_and_not_created(
    bot_env: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _health(capsys)  # the default: ./data/omm.sqlite3
    assert (code, out) == (
        1,
        "omm-bot: Unhealthy: there is no database file at ./data/omm.sqlite3.",
    )
    assert not (tmp_path / "data").exists()


def test_health_with_a_broken_setting_exits_2(
    bot_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bot_env.delenv("TELEGRAM_BOT_TOKEN")
    assert main(["health"]) == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in capsys.readouterr().err


async def test_the_keeper_writes_what_the_poller_heard(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    factory = create_session_factory(engine)
    heard = time.monotonic() - 7
    keeper = HeartbeatKeeper(factory, lambda: heard, watchdog=300, write_every=0.05)
    task = asyncio.create_task(keeper.run())
    try:
        for _ in range(100):
            if keeper.written is not None:
                break
            await asyncio.sleep(0.02)
        async with factory() as session:
            from sqlalchemy import select

            from bot.db.models import Heartbeat

            row = (await session.execute(select(Heartbeat))).scalar_one()
        assert row.source == "telegram"
        age = (datetime.now(UTC) - row.heard_at).total_seconds()
        assert 6 < age < 10
        assert (datetime.now(UTC) - row.written_at).total_seconds() < 3
        assert not task.done()
    finally:
        task.cancel()
        await engine.dispose()


async def test_the_watchdog_fires_when_telegram_is_silent(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    keeper = HeartbeatKeeper(
        create_session_factory(engine), lambda: None, watchdog=0.2, write_every=0.05
    )
    try:
        reason = await asyncio.wait_for(keeper.run(), timeout=5)
    finally:
        await engine.dispose()
    assert reason.startswith("No answer from Telegram for 0 s (WATCHDOG_SECONDS=0):")
    assert reason.endswith("stopping so that the bot is started again.")


async def test_the_watchdog_fires_when_the_database_refuses_writes() -> None:
    class Broken:
        def __call__(self) -> Any:
            raise ConnectionRefusedError("database gone")

    keeper = HeartbeatKeeper(Broken(), time.monotonic, watchdog=0.2, write_every=0.05)  # type: ignore[arg-type]
    reason = await asyncio.wait_for(keeper.run(), timeout=5)
    assert reason.startswith("Could not write to the database for 0 s (ConnectionRefusedError,")


def test_watchdog_off_never_fires() -> None:
    keeper = HeartbeatKeeper(None, lambda: None, watchdog=0)  # type: ignore[arg-type]
    keeper.started -= 10_000
    assert keeper.reason_to_stop() is None


@pytest.mark.parametrize(
    ("raw", "expected"), [("", 300.0), ("0", 0.0), ("60", 60.0), ("900", 900.0)]
)
def test_watchdog_seconds(raw: str, expected: float) -> None:
    assert watchdog_seconds({"WATCHDOG_SECONDS": raw}) == expected


@pytest.mark.parametrize("raw", ["10", "-5", "nan", "5m", "１２０"])
def test_watchdog_seconds_refused(raw: str) -> None:
    with pytest.raises(ConfigError, match=r"WATCHDOG_SECONDS must be 0 \(off\) or a whole number"):
        watchdog_seconds({"WATCHDOG_SECONDS": raw})
