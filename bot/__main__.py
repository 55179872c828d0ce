"""python -m bot [run|migrate]: start the bot (migrating the database first), or only migrate."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import Redactor, configure_logging, secrets_of

log = logging.getLogger("bot")


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


async def _run(settings: Settings) -> None:
    from telegram.error import InvalidToken, NetworkError

    from bot.app import BotRuntime
    from bot.core.update_pipeline import FatalPollingError

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runtime = BotRuntime(settings)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("command", nargs="?", default="run", choices=["run", "migrate"])
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        return _fail(str(exc))
    secrets = secrets_of(settings.bot_token, settings.database_url)
    configure_logging(settings.log_level, secrets)
    redactor = Redactor(secrets)
    try:
        _migrate(settings)
        if args.command == "migrate":
            print("omm-bot: database is up to date.")
            return 0
        asyncio.run(_run(settings))
    except ConfigError as exc:
        return _fail(str(exc), redactor)
    except KeyboardInterrupt:
        pass
    except Exception:
        # Through the log handler, so that the traceback is redacted like any other record.
        log.exception("omm-bot stopped by an unexpected error")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
