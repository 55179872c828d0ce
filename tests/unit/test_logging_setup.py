"""The log handler removes the token, the database password and database row contents."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logging_setup import LIBRARY_LEVELS, configure_logging, secrets_of

TOKEN = "123456:AAH-very-secret-token"


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Our handler on the root logger at DEBUG; levels and handlers restored afterwards."""
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in LIBRARY_LEVELS}
    saved_root = root.level
    stream = io.StringIO()
    handler = configure_logging(
        "DEBUG", secrets_of(TOKEN, "postgresql+asyncpg://omm:pa%40ss-word@db/omm"), stream
    )
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_root)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def test_token_password_detail_rows_and_parameters_never_reach_the_log(
    log_stream: io.StringIO,
) -> None:
    log = logging.getLogger("bot.test")
    log.warning("getUpdates failed (http://api/bot%s/getUpdates); retrying", TOKEN)
    log.info("connecting with password %s", "pa@ss-word")
    try:
        raise RuntimeError(
            'new row for relation "users" violates check constraint "c"\n'
            "DETAIL:  Failing row contains (7, Xiomara, +502 5550 7788).\n"
            "[SQL: UPDATE users SET name=$1]\n"
            "[parameters: ('Xiomara', '+502 5550 7788')]"
        )
    except RuntimeError:
        log.exception("could not save update %s", 42)
    text = log_stream.getvalue()
    for secret in (TOKEN, "AAH-very-secret-token", "pa@ss-word", "Xiomara", "5550"):
        assert secret not in text
    assert "could not save update 42" in text and "[SQL: UPDATE users SET name=$1]" in text
    assert "DETAIL:  [hidden]" in text and "[parameters: [hidden]]" in text


def test_libraries_that_log_contents_stay_quiet_even_at_debug(log_stream: io.StringIO) -> None:
    logging.getLogger("telegram.Bot").debug("Calling Bot API endpoint with text=Xiomara")
    logging.getLogger("telegram.ext.Application").info("Application started")
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s", TOKEN)
    logging.getLogger("apscheduler.executors.default").info('Running job "sweep"')
    logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")
    logging.getLogger("sqlalchemy.engine.Engine").info("INSERT INTO users VALUES (?)")
    logging.getLogger("bot.app").debug("our own debug line")
    assert log_stream.getvalue().count("\n") == 1
    assert "our own debug line" in log_stream.getvalue()
