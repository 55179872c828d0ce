"""Fold SQLite's write-ahead log back into the database file, off the event loop.

The bot's connection runs SQLite inline on the event loop and has automatic
checkpoints turned off, because a checkpoint writes and fsyncs pages and would
stall every conversation for its duration. This job does it from a worker thread
with its own connection instead.

After a woman deleted her data the log still holds old copies of the pages her
rows were on (the database file itself has them zeroed: `secure_delete` is on).
So the first checkpoint after an erasure is a TRUNCATE one: every page is copied
back and the log is cut to zero bytes. Erasures are counted in the database
(`anonymous_counts`), so the job notices one even after a restart, and keeps
trying each run until the log could be truncated (a reader can hold it up).
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
# The erasure count the log was last truncated at, per database file; none yet at start,
# so the first run after a start truncates (an erasure may have preceded a crash).
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


def erasures(path: str) -> int:
    connection = sqlite3.connect(path, timeout=5)
    try:
        row = connection.execute(
            "SELECT value FROM anonymous_counts WHERE key = ?", (ERASURES_KEY,)
        ).fetchone()
        return int(row[0]) if row else 0
    except sqlite3.OperationalError:  # not migrated yet
        return 0
    finally:
        connection.close()


def checkpoint_after_erasures(path: str) -> bool:
    """A TRUNCATE checkpoint if someone's data was erased since the last one, else PASSIVE.

    Returns True when the log was truncated.
    """
    count = erasures(path)
    if _truncated_at.get(path) == count:
        checkpoint_file(path)
        return False
    in_log, _copied = checkpoint_file(path, truncate=True)
    if in_log < 0:
        log.info("SQLite log not truncated yet (busy); will try again")
        return False
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
