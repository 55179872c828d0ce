"""`python -m bot demo`: start the demo, say what it is, run until Ctrl+C."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys

from bot.config import ConfigError
from bot.demo.runner import DEFAULT_PORT, Demo
from bot.logging_setup import configure_logging

HOW_TO_RUN_FOR_REAL = (
    "To run the bot for real: create a bot with @BotFather, put its token in .env as "
    "TELEGRAM_BOT_TOKEN=... (see .env.example) and run ./scripts/run.sh again."
)


def port_from_env() -> int:
    raw = os.environ.get("DEMO_PORT", "").strip()
    if not raw:
        return DEFAULT_PORT
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"DEMO_PORT must be a port number like 8080, got {raw!r}.")
    return int(raw)


def banner(demo: Demo) -> list[str]:
    lines = []
    if demo.no_token:
        lines.append("No TELEGRAM_BOT_TOKEN is set (environment or .env): starting the demo.")
    lines += [
        "DEMO: a simulator in your browser, not connected to Telegram.",
        f"Open {demo.url}/ (Ctrl+C stops it).",
        f"The real bot runs against a Telegram stand-in, with the example office and its own "
        f"database {demo.database} (emptied at every demo start).",
    ]
    if not demo.loopback:
        lines.append(
            f"Careful: served on {demo.host}, so others on the network can open it "
            "(the default is 127.0.0.1)."
        )
    lines.append(HOW_TO_RUN_FOR_REAL)
    return lines


async def _serve(demo: Demo) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await demo.start()
        for line in banner(demo):
            print(f"omm-bot: {line}", flush=True)
        await stop.wait()
    finally:
        await demo.stop()


def run_demo(host: str, port: int | None, *, no_token: bool = False) -> int:
    """The demo until Ctrl+C; 2 with one sentence when it cannot start."""
    try:
        chosen = port_from_env() if port is None else port
    except ConfigError as exc:
        print(f"omm-bot: {exc}", file=sys.stderr)
        return 2
    configure_logging("WARNING")
    demo = Demo(host=host, port=chosen, no_token=no_token)
    try:
        asyncio.run(_serve(demo))
    except ConfigError as exc:
        print(f"omm-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    with contextlib.suppress(Exception):
        print("omm-bot: demo stopped.", flush=True)
    return 0
