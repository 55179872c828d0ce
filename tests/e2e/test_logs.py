"""The log: none of her words, her name, her phone or the token, at any level; quiet when idle.

These run `python -m bot` as its own process, so the log is exactly what an operator
would see (and forward, and keep): the logging set-up of `bot/__main__.py` included.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.office import EXAMPLE_OFFICE_FILE
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID
from tests.e2e.harness import buttons

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:LOGS-secret-TOKEN-value"
XIOMARA = 100077
HER_WORDS = "Mi cuñado Bartolomé me amenaza con el machete, llámeme al 5550-7788"
# Nothing here may appear in the log: her words, her name, her phone, the token.
NEVER_LOGGED = [
    "Bartolomé",
    "cuñado",
    "amenaza",
    "machete",
    "llámeme",
    "5550",
    "7788",
    "Xiomara",
    "Tzununcay",
    TOKEN,
    TOKEN.split(":", 1)[1],
]


def spawn_bot(
    fake: FakeTelegram, database_url: str, workdir: Path, log_level: str, **extra: str
) -> tuple[subprocess.Popen[bytes], Path]:
    log_path = workdir / "omm-bot.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": database_url,
        "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
        "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE),
        "MONTHLY_REPORT": "false",
        "POLL_TIMEOUT_SECONDS": "1",
        "LOG_LEVEL": log_level,
        **extra,
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=workdir, env=env, stdout=log, stderr=log
        )
    return process, log_path


async def stop_bot(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(process.wait, 30)
        finally:
            if process.poll() is None:
                process.kill()


def read_log(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


async def wait_for_log(path: Path, needle: str, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while needle not in read_log(path):
        assert time.monotonic() < deadline, f"{needle!r} never logged:\n{read_log(path)}"
        await asyncio.sleep(0.1)


class Refusal:
    """Makes the database refuse to write a table, as a full disk or a broken server would.

    The error comes from the database itself, through the bot's own engine, with the
    row's values as statement parameters (and, on PostgreSQL, in its DETAIL line).
    """

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.postgres = make_url(database_url).get_backend_name() == "postgresql"

    async def _run(self, *statements: str) -> None:
        engine = create_async_engine(self.url)
        try:
            async with engine.begin() as connection:
                for statement in statements:
                    await connection.execute(text(statement))
        finally:
            await engine.dispose()

    async def refuse(self, table: str) -> None:
        if self.postgres:
            await self._run(
                f"ALTER TABLE {table} ADD CONSTRAINT test_refuse CHECK (false) NOT VALID"
            )
        else:
            await self._run(
                f"CREATE TRIGGER test_refuse_insert BEFORE INSERT ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
                f"CREATE TRIGGER test_refuse_update BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
            )

    async def allow(self, table: str) -> None:
        if self.postgres:
            await self._run(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS test_refuse")
        else:
            await self._run(
                "DROP TRIGGER IF EXISTS test_refuse_insert",
                "DROP TRIGGER IF EXISTS test_refuse_update",
            )


@pytest.fixture
async def refusal(database_url: str) -> AsyncIterator[Refusal]:
    refusal = Refusal(database_url)
    try:
        yield refusal
    finally:
        for table in ("inbox_updates", "users"):
            await refusal.allow(table)


async def tap(fake: FakeTelegram, user_id: int, data: str) -> None:
    """She presses the button with this callback data on the newest message showing it."""
    for message in reversed(fake.bot_messages(user_id)):
        if any(d == data for _, d in buttons(message)):
            since = len(fake.calls)
            fake.user_presses_button(user_id, message["message_id"], data)
            await fake.wait_for_call("answerCallbackQuery", timeout=20, since=since)
            return
    raise AssertionError(f"no button {data!r}:\n{fake.dump_chat(user_id)}")


async def test_the_log_holds_no_words_name_phone_or_token_when_the_database_refuses(
    fake: FakeTelegram, database_url: str, refusal: Refusal, tmp_path: Path
) -> None:
    fake.add_user(XIOMARA, first_name="Xiomara", last_name="Tzununcay", language_code="es")
    # The database refuses to store what arrives: her first message must wait in Telegram.
    await refusal.refuse("inbox_updates")
    process, log_path = spawn_bot(fake, database_url, tmp_path, "DEBUG")
    try:
        await fake.wait_for_call("getUpdates", timeout=30)
        fake.user_sends_text(XIOMARA, HER_WORDS)
        await wait_for_log(log_path, "could not store incoming updates")
        await refusal.allow("inbox_updates")
        await fake.wait_for_message(XIOMARA, contains="Oficina Municipal", timeout=30)

        # She agrees; then the database refuses to save her name from Telegram.
        await tap(fake, XIOMARA, "c:y:es")
        await refusal.refuse("users")
        await tap(fake, XIOMARA, "r:name")
        await wait_for_log(log_path, "Traceback")
        await refusal.allow("users")
    finally:
        await stop_bot(process)

    log = read_log(log_path)
    assert " DEBUG " in log, "the bot did not log at DEBUG"
    assert "refused by the test" in log or "test_refuse" in log, log
    leaked = [word for word in NEVER_LOGGED if word.lower() in log.lower()]
    assert leaked == [], f"the log holds {leaked}:\n{log}"


async def test_an_idle_bot_logs_one_summary_line_at_start_then_nothing(
    fake: FakeTelegram, sqlite_url: str, tmp_path: Path
) -> None:
    process, log_path = spawn_bot(fake, sqlite_url, tmp_path, "INFO", SWEEP_INTERVAL_SECONDS="0.1")
    try:
        await wait_for_log(log_path, "omm-bot started")
        started = read_log(log_path).splitlines()
        # Idle for a while: about a hundred sweeps of every job, polling every second.
        await asyncio.sleep(8)
        idle = read_log(log_path).splitlines()[len(started) :]
    finally:
        await stop_bot(process)
    assert process.returncode == 0
    assert len(started) == 1, started
    summary = started[0]
    database = make_url(sqlite_url).database
    assert re.search(
        rf"omm-bot started: bot @\w+, database sqlite {re.escape(str(database))}, office file "
        rf"{re.escape(str(EXAMPLE_OFFICE_FILE))} \(Oficina Municipal de la Mujer de San Juan "
        rf"La Laguna\), staff group {STAFF_CHAT_ID}$",
        summary,
    ), summary
    assert TOKEN.split(":", 1)[1] not in summary
    assert idle == []
