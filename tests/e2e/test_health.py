"""A real `python -m bot` records that it heard from Telegram; `python -m bot health`,
run beside it as Docker's HEALTHCHECK would, answers 0 then, and 1 once it stopped."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from bot.office import EXAMPLE_OFFICE_FILE
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID
from tests.e2e.crash import ROOT, spawn_bot, stop


def health(fake: FakeTelegram, database_url: str, workdir: Path) -> tuple[int, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": "123456:KILL-test",
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": database_url,
        "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
        "POLL_TIMEOUT_SECONDS": "1",
        "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "health"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout.strip()


async def test_health_follows_a_running_bot(
    fake: FakeTelegram, sqlite_url: str, tmp_path: Path
) -> None:
    process = spawn_bot(fake, sqlite_url, tmp_path)
    try:
        deadline = time.monotonic() + 60
        code, out = 1, ""
        while time.monotonic() < deadline:
            code, out = await asyncio.to_thread(health, fake, sqlite_url, tmp_path)
            if code == 0:
                break
            await asyncio.sleep(0.5)
        assert code == 0, out
        assert out.startswith("omm-bot: Healthy: the database answers and the bot heard from")
    finally:
        await asyncio.to_thread(stop, process)
    assert process.returncode == 0
    # Stopped: the row stays, and is fresh for a while; a database that is gone is not.
    code, out = await asyncio.to_thread(
        health, fake, "postgresql+asyncpg://omm:pw@127.0.0.1:9/omm", tmp_path
    )
    assert code == 1 and "the database does not answer" in out
