"""Shared pieces of the benchmarks: a fake server that signals replies, bot processes, stats."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bot.standin import FakeTelegram

ROOT = Path(__file__).resolve().parents[1]
ANSWERING_METHODS = frozenset({"sendMessage", "editMessageText", "sendPhoto", "copyMessage"})


class SignallingFake(FakeTelegram):
    """The test fake, plus an event per chat set whenever the bot answers in that chat."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.answered: dict[int, asyncio.Event] = {}

    def waiter(self, chat_id: int) -> asyncio.Event:
        event = self.answered.get(chat_id)
        if event is None:
            event = self.answered[chat_id] = asyncio.Event()
        return event

    async def _dispatch(self, request: Any, token: str) -> Any:
        result = await super()._dispatch(request, token)
        method, params, status, _ = result
        if method in ANSWERING_METHODS and status == 200:
            chat_id = params.get("chat_id")
            if isinstance(chat_id, int) and chat_id in self.answered:
                self.answered[chat_id].set()
        return result


def spawn(
    args: list[str], env: dict[str, str], cwd: Path, log_name: str = "bot.log"
) -> subprocess.Popen[bytes]:
    """Start a bot process; its output goes to a log file (a pipe nobody reads would block it)."""
    log = (cwd / log_name).open("ab")
    return subprocess.Popen(
        args,
        cwd=cwd,
        # The monthly report would post last month's at start: benches measure other things.
        env={**os.environ, "PYTHONPATH": str(ROOT), "MONTHLY_REPORT": "false", **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


async def stop(process: subprocess.Popen[bytes], grace: float = 30.0) -> float:
    """SIGTERM, then wait without blocking the loop (the fake server must keep answering)."""
    started = time.monotonic()
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            await asyncio.to_thread(process.wait, grace)
        if process.poll() is None:
            print(f"bot did not stop within {grace:.0f} s of SIGTERM; killed it", file=sys.stderr)
            process.kill()
    return time.monotonic() - started


async def wait_polling(fake: FakeTelegram, token: str, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if any(c.method == "getUpdates" and c.token == token for c in fake.calls[-50:]):
            return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"bot with token {token} never polled")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """CPU time (user + system) the process has used so far."""
    import psutil

    times = psutil.Process(process.pid).cpu_times()
    return float(times.user + times.system)


def summary(
    name: str, latencies: list[float], elapsed: float, cpu: float = float("nan")
) -> dict[str, float]:
    return {
        "cpu_ms_per_update": cpu / len(latencies) * 1000 if latencies else float("nan"),
        "name": name,  # type: ignore[dict-item]
        "updates": len(latencies),
        "seconds": elapsed,
        "updates_per_second": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
    }


def python() -> str:
    return sys.executable
