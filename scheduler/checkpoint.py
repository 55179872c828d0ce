"""Fold SQLite's write-ahead log back into the database file, off the event loop.

The bot's connection runs SQLite inline on the event loop and has automatic
checkpoints turned off, because a checkpoint writes and fsyncs pages and would
stall every conversation for its duration. This job does it from a worker thread
with its own connection instead.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from sqlalchemy.engine import make_url

from bot.context import BotContext

log = logging.getLogger(__name__)


def checkpoint_file(path: str) -> tuple[int, int]:
    """Checkpoint the WAL; returns (frames in the log, frames copied into the database)."""
    connection = sqlite3.connect(path, timeout=5)
    try:
        _busy, in_log, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(in_log), int(copied)
    finally:
        connection.close()


async def checkpoint_sqlite(context: BotContext) -> None:
    url = make_url(context.bot_data.settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    try:
        await asyncio.to_thread(checkpoint_file, url.database)
    except sqlite3.Error:
        log.warning("SQLite checkpoint failed; will try again", exc_info=True)
