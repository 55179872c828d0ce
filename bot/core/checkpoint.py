"""Fold SQLite's write-ahead log back into the database file, off the event loop.

The bot's connection runs SQLite inline on the event loop and has automatic
checkpoints turned off, because a checkpoint writes and fsyncs pages and would
stall every conversation for its duration. This job does it from a worker thread
with its own connection instead.

After a woman deleted her data the log still holds old copies of the pages her
rows were on (the database file itself has them zeroed: `secure_delete` is on).
So the first checkpoint after an erasure is a TRUNCATE one: every page is copied
back and the log is cut to zero bytes. Erasures, and the count the log was last
truncated at, are kept in the database (`anonymous_counts`), so the job notices an
erasure even after a crash and restart, and keeps trying each run until the log
could be truncated (a reader can hold it up); otherwise it checkpoints PASSIVE.
The privacy handler also runs this job at once after an erasure.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from sqlalchemy.engine import make_url

from bot.core.context import BotContext

log = logging.getLogger(__name__)

# The counter the erase flow increments (bot.privacy.service.delete_personal_data).
ERASURES_KEY = "personal_data_deleted"
# The erasure count the log was last truncated at: kept in the database too, so that a
# start after a crash still truncates after an erasure the log has not yet lost, while
# an ordinary start does not (a TRUNCATE checkpoint holds every writer back while it
# copies the whole log: a stall of her answers worth avoiding when nothing needs it).
TRUNCATED_KEY = "wal_truncated_at_erasures"
_truncated_at: dict[str, int] = {}


def checkpoint_file(path: str, *, truncate: bool = False) -> tuple[int, int]:
    """Checkpoint the WAL; returns (frames in the log, frames copied into the database).

    With `truncate`, the log is then cut to zero bytes; (-1, -1) when a reader or
    writer kept that from happening (try again later).
    """
    connection = sqlite3.connect(path, timeout=5)
    try:
        mode = "TRUNCATE" if truncate else "PASSIVE"
        busy, in_log, copied = connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        if truncate and busy:
            return -1, -1
        return int(in_log), int(copied)
    finally:
        connection.close()


def erasures(path: str, key: str = ERASURES_KEY) -> int:
    connection = sqlite3.connect(path, timeout=5)
    try:
        row = connection.execute(
            "SELECT value FROM anonymous_counts WHERE key = ?", (key,)
        ).fetchone()
        return int(row[0]) if row else 0
    except sqlite3.OperationalError:  # not migrated yet
        return 0
    finally:
        connection.close()


def _remember_truncation(path: str, count: int) -> None:
    connection = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        connection.execute(
            "INSERT INTO anonymous_counts (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (TRUNCATED_KEY, count),
        )
    finally:
        connection.close()


def checkpoint_after_erasures(path: str) -> bool:
    """A TRUNCATE checkpoint if someone's data was erased since the last one, else PASSIVE.

    Returns True when the log was truncated.
    """
    count = erasures(path)
    if path not in _truncated_at:
        _truncated_at[path] = erasures(path, TRUNCATED_KEY)
    if _truncated_at[path] >= count:
        checkpoint_file(path)
        return False
    in_log, _copied = checkpoint_file(path, truncate=True)
    if in_log < 0:
        log.info("SQLite log not truncated yet (busy); will try again")
        return False
    _remember_truncation(path, count)
    _truncated_at[path] = count
    return True


async def checkpoint_sqlite(context: BotContext) -> None:
    url = make_url(context.bot_data.settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    try:
        await asyncio.to_thread(checkpoint_after_erasures, url.database)
    except sqlite3.Error:
        log.warning("SQLite checkpoint failed; will try again", exc_info=True)
