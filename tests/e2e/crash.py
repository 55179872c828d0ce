"""Killing a real `python -m bot` at bad moments, and looking at what she saw afterwards."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.core import users
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Case, OutboxMessage, OutboxStatus
from bot.office import EXAMPLE_OFFICE_FILE
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID
from tests.e2e.harness import JsonDict, buttons

ROOT = Path(__file__).resolve().parents[2]


def spawn_bot(
    fake: FakeTelegram, database_url: str, workdir: Path, **extra: str
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": "123456:KILL-test",
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": database_url,
        "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
        "POLL_TIMEOUT_SECONDS": "1",
        "SWEEP_INTERVAL_SECONDS": "0.2",
        "LOG_LEVEL": "WARNING",
        "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE),
        "MONTHLY_REPORT": "false",
        **extra,
    }
    return subprocess.Popen([sys.executable, "-m", "bot"], cwd=workdir, env=env)


def kill_9(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


async def registered_women(database_url: str, user_ids: Iterable[int]) -> None:
    """Women who agreed and registered earlier (through the services, as the bot does)."""
    now = datetime.now(UTC)
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            for user_id in user_ids:
                user = await users.give_consent(session, user_id, "es", now)
                user.name, user.community = f"Mujer {user_id}", "Aldea Palestina"
                users.finish_registration(user, now)
            await session.commit()
    finally:
        await engine.dispose()


def has_button(fake: FakeTelegram, user_id: int, data: str) -> bool:
    return any(d == data for message in fake.bot_messages(user_id) for _, d in buttons(message))


def tap(fake: FakeTelegram, user_id: int, data: str) -> None:
    """Press the button with this data on the newest message of her chat that shows it."""
    for message in reversed(fake.bot_messages(user_id)):
        if any(d == data for _, d in buttons(message)):
            fake.user_presses_button(user_id, message["message_id"], data)
            return
    raise AssertionError(f"no button {data!r}:\n{fake.dump_chat(user_id)}")


def texts(fake: FakeTelegram, user_id: int) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in fake.bot_messages(user_id)]


def count_containing(fake: FakeTelegram, user_id: int, fragment: str) -> int:
    return sum(fragment in text for text in texts(fake, user_id))


async def cases_with_entries(database_url: str) -> list[Case]:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return list(
                (await session.scalars(select(Case).options(selectinload(Case.entries)))).all()
            )
    finally:
        await engine.dispose()


async def pending_answers(database_url: str) -> list[OutboxMessage]:
    """Answers written but not recorded as accepted by Telegram (what a kill left)."""
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return list(
                (
                    await session.scalars(
                        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
                    )
                ).all()
            )
    finally:
        await engine.dispose()


async def wait_until(condition: Callable[[], bool], within: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"still not true after {within}s")
        await asyncio.sleep(0.02)


def newest(fake: FakeTelegram, user_id: int) -> JsonDict | None:
    return fake.last_bot_message(user_id)


async def until_requests_stop(fake: FakeTelegram, quiet: float = 0.5) -> None:
    """After a kill: requests that left the bot before it died still land; wait for them."""
    seen = -1
    while seen != len(fake.calls):
        seen = len(fake.calls)
        await asyncio.sleep(quiet)
