"""An aiosqlite connection that runs SQLite calls on the event loop's own thread.

aiosqlite hands every call (cursor, execute, fetch, close: three or four per
statement) to a worker thread and back. Each hand-off is a thread wake-up and a
GIL switch; measured on the report-a-need flow that was ~28 hand-offs and most of
the 14 ms of CPU an update cost. SQLite answers our small queries in
microseconds, so running them inline is cheaper than the hand-off.

The one thing that must never run inline is waiting for SQLite's lock, which
would freeze the loop. These connections use busy_timeout=0 and the engine
retries `BEGIN IMMEDIATE` with an asyncio sleep instead (see bot.db.engine), so
lock waits stay asynchronous. Reads in WAL mode never wait.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

import aiosqlite


class _RunNow:
    """Stands in for aiosqlite's queue to the worker thread: runs each call at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:  # handed to the awaiting caller, as aiosqlite does
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunNow()  # type: ignore[assignment]

    def __await__(self) -> Any:
        # No worker thread to start.
        return self._connect().__await__()


def inline_connector(path: str) -> Callable[[], Any]:
    """An `async_creator` for SQLAlchemy's aiosqlite dialect."""

    async def create() -> InlineConnection:
        def connect() -> sqlite3.Connection:
            return sqlite3.connect(path, timeout=0, check_same_thread=False, isolation_level=None)

        return await InlineConnection(connect)

    return create
