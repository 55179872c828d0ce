"""python -m bot [run|migrate|health|example-office|demo]

run (the default): migrate the database, then run the bot. migrate: only migrate.
health: exit 0 when the database answers and the bot heard from Telegram recently.
example-office: print the example office settings file (to start config/office.toml).
demo: the simulator in the browser, not connected to Telegram (no token needed):
  the real bot against a Telegram stand-in, on http://127.0.0.1:8080
  (--host, --port or DEMO_PORT to change it).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import NoReturn

from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import Redactor, configure_logging, secrets_of

log = logging.getLogger("bot")

# After the watchdog stops the bot, a stop that hangs (a dead database) is cut short.
STOP_DEADLINE_SECONDS = 60.0


class Stalled(Exception):
    """The watchdog stopped the bot (bot/core/heartbeat.py); the message says why."""


def _fail(message: str, redactor: Redactor | None = None) -> int:
    if redactor is not None:
        message = redactor.redact(message)
    print(f"omm-bot: {message}", file=sys.stderr)
    return 2


def _migrate(settings: Settings) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.db.migrate import upgrade_database

    try:
        upgrade_database(settings.database_url)
    except (SQLAlchemyError, OSError) as exc:
        raise ConfigError(
            f"Cannot open the database at DATABASE_URL ({type(exc).__name__}): check that it is "
            "running and that the address, user and password are right."
        ) from None


async def _run(settings: Settings, watchdog: float) -> None:
    from telegram.error import InvalidToken, NetworkError

    from bot.app import BotRuntime
    from bot.core.heartbeat import HeartbeatKeeper
    from bot.core.update_pipeline import FatalPollingError

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runtime = BotRuntime(settings)
    keeper = HeartbeatKeeper(
        runtime.application.bot_data.session_factory,
        lambda: runtime.pipeline.last_contact,
        watchdog=watchdog,
    )
    keeping = asyncio.create_task(keeper.run(), name="heartbeat")

    def _watchdog_fired(task: asyncio.Task[str]) -> None:
        if task.cancelled():
            return
        stop.set()
        deadline = threading.Timer(STOP_DEADLINE_SECONDS, os._exit, (1,))
        deadline.daemon = True
        deadline.start()

    keeping.add_done_callback(_watchdog_fired)
    try:
        await runtime.run_until(stop)
    except (InvalidToken, FatalPollingError):
        raise ConfigError(
            "Telegram refused TELEGRAM_BOT_TOKEN: copy the token again from @BotFather."
        ) from None
    except NetworkError as exc:
        raise ConfigError(
            f"Cannot reach Telegram at {settings.api_url} ({exc}): check the internet "
            "connection or TELEGRAM_API_URL."
        ) from None
    finally:
        keeping.cancel()
    if keeping.done() and not keeping.cancelled():
        raise Stalled(keeping.result())


def _health(settings: Settings) -> int:
    from bot.core.heartbeat import check

    healthy, sentence = check(settings)
    print(f"omm-bot: {sentence}")
    return 0 if healthy else 1


class _Parser(argparse.ArgumentParser):
    """A mistake on the command line is one sentence and exit 2, like every other."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"omm-bot: {message} (see python -m bot --help).\n")


def _token_configured() -> bool:
    """Is TELEGRAM_BOT_TOKEN set, in the environment or in .env (as load_settings reads it)?"""
    from dotenv import load_dotenv

    load_dotenv(Path.cwd() / ".env", override=False)
    return bool(os.environ.get("TELEGRAM_BOT_TOKEN", "").strip())


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog="python -m bot", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "migrate", "health", "example-office", "demo"],
    )
    parser.add_argument("--host", help="demo: the address to serve on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="demo: the port (default 8080, or DEMO_PORT)")
    parser.add_argument(
        "--demo-if-no-token",
        action="store_true",
        help="run: without TELEGRAM_BOT_TOKEN, start the demo instead (scripts/run.sh does)",
    )
    args = parser.parse_args(argv)
    if args.command != "demo" and (args.host is not None or args.port is not None):
        parser.error("--host and --port are for the demo only")
    if args.port is not None and not 0 <= args.port < 65536:
        parser.error(f"--port must be a port number like 8080, not {args.port}")
    if args.command == "demo" or (
        args.demo_if_no_token and args.command == "run" and not _token_configured()
    ):
        from bot.demo.cli import run_demo

        return run_demo(
            args.host or "127.0.0.1", args.port, no_token=args.command != "demo"
        )
    if args.command == "example-office":
        from bot.office import EXAMPLE_OFFICE_FILE

        sys.stdout.write(EXAMPLE_OFFICE_FILE.read_text(encoding="utf-8"))
        return 0
    try:
        settings = load_settings()
        from bot.core.heartbeat import watchdog_seconds

        watchdog = watchdog_seconds()
    except ConfigError as exc:
        return _fail(str(exc))
    if args.command == "health":
        return _health(settings)
    secrets = secrets_of(settings.bot_token, settings.database_url)
    configure_logging(settings.log_level, secrets)
    redactor = Redactor(secrets)
    try:
        _migrate(settings)
        if args.command == "migrate":
            print("omm-bot: database is up to date.")
            return 0
        asyncio.run(_run(settings, watchdog))
    except ConfigError as exc:
        return _fail(str(exc), redactor)
    except Stalled as exc:
        _fail(str(exc), redactor)
        return 1
    except KeyboardInterrupt:
        pass
    except Exception:
        # Through the log handler, so that the traceback is redacted like any other record.
        log.exception("omm-bot stopped by an unexpected error")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
