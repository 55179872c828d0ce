"""Logging for the bot process: one stream, never a woman's words, never the token.

Three things keep her words out of the log, at every level:

- the engine hides statement parameters (`hide_parameters=True` in bot/db/engine.py);
- libraries that log contents or URLs are held at a level where they do not
  (python-telegram-bot logs every update and every call's parameters at DEBUG; httpx
  logs each URL, which holds the token, at INFO; SQLAlchemy logs statements);
- `Redactor`, on the one handler, removes the token, the database password, PostgreSQL's
  `DETAIL:` lines ("Failing row contains (...)" is the whole row: her name, her phone)
  and any `[parameters: ...]` line, from messages and from formatted tracebacks.

Our own code never passes her text, name or phone to a log call.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import IO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# The least a library logs at, whatever LOG_LEVEL says.
LIBRARY_LEVELS: dict[str, int] = {
    # At DEBUG: every update received and every Bot API call with its parameters. At INFO
    # only "Application started" and stopping chatter: our own summary line says more.
    "telegram": logging.WARNING,
    # At INFO: every request's URL, which contains the bot token.
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp": logging.WARNING,
    # At INFO/DEBUG: statements, and rows as they are fetched.
    "sqlalchemy": logging.WARNING,
    "aiosqlite": logging.WARNING,
    "asyncpg": logging.WARNING,
    # Plugin set-up and "Running upgrade" lines at every start.
    "alembic": logging.WARNING,
    # The executors log each run of each sweep at INFO: about four lines a second idle.
    "apscheduler": logging.WARNING,
    # A sweep still running when the next is due is skipped on purpose; not worth a warning.
    "apscheduler.scheduler": logging.ERROR,
    # Reports: font subsetting chatter for every PDF, font cache lines of the charts.
    "fontTools": logging.WARNING,
    "fpdf": logging.WARNING,
    "matplotlib": logging.WARNING,
    "PIL": logging.WARNING,
}

HIDDEN = "[hidden]"
_DETAIL = re.compile(r"^(\s*DETAIL:\s*).*$", re.MULTILINE)
_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)
# Short strings would blank out ordinary words; real secrets are longer.
_MIN_SECRET = 6


class Redactor(logging.Filter):
    """Removes secrets and database row contents from every record a handler emits."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted(
            {s for s in secrets if s and len(s) >= _MIN_SECRET}, key=len, reverse=True
        )
        self._formatter = logging.Formatter()

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, HIDDEN)
        text = _DETAIL.sub(rf"\g<1>{HIDDEN}", text)
        return _PARAMETERS.sub(f"[parameters: {HIDDEN}]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.msg = self.redact(record.getMessage())
            record.args = None
        except Exception:  # a malformed call: logging reports it; keep the record as it is
            return True
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def secrets_of(bot_token: str, database_url: str) -> list[str]:
    """The token, its secret half, and the database password."""
    from sqlalchemy.engine import make_url

    found = [bot_token, bot_token.partition(":")[2]]
    password = make_url(database_url).password
    if password:
        found.append(str(password))
    return found


def configure_logging(
    level: str, secrets: Iterable[str] = (), stream: IO[str] | None = None
) -> logging.Handler:
    """Send every record to `stream` (default stderr) through the redactor; returns the handler."""
    numeric = logging.getLevelName(level)
    if not isinstance(numeric, int):
        numeric = logging.INFO
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(Redactor(secrets))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(numeric)
    for name, floor in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(max(floor, numeric))
    return handler
