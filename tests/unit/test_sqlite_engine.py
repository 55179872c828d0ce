"""SQLite runs inline on the event loop; waiting for another writer must not freeze the loop."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from bot.db.engine import create_engine


async def test_a_writer_waits_for_another_connection_without_blocking_the_loop(
    sqlite_url: str,
) -> None:
    first, second = create_engine(sqlite_url), create_engine(sqlite_url)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticking = asyncio.create_task(ticker())
    try:
        async with first.begin() as holder:
            await holder.execute(text("INSERT INTO anonymous_counts(key, value) VALUES ('a', 1)"))

            async def second_writer() -> None:
                async with second.begin() as waiter:
                    await waiter.execute(
                        text("INSERT INTO anonymous_counts(key, value) VALUES ('b', 2)")
                    )

            waiting = asyncio.create_task(second_writer())
            before = ticks
            await asyncio.sleep(0.3)
            assert not waiting.done()  # it waits for the lock...
            assert ticks - before >= 10  # ...while the loop keeps running
        await asyncio.wait_for(waiting, 5)
        async with second.connect() as check:
            rows = (
                (await check.execute(text("SELECT key FROM anonymous_counts ORDER BY key")))
                .scalars()
                .all()
            )
        assert rows == ["a", "b"]
    finally:
        ticking.cancel()
        await first.dispose()
        await second.dispose()


async def test_errors_inside_sqlite_reach_the_caller(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            try:
                await connection.execute(text("SELECT * FROM no_such_table"))
            except Exception as exc:
                assert "no_such_table" in str(exc)
            else:
                raise AssertionError("expected an error")
    finally:
        await engine.dispose()


async def test_the_checkpoint_job_folds_the_write_ahead_log_back(sqlite_url: str) -> None:
    from bot.core.checkpoint import checkpoint_file

    engine = create_engine(sqlite_url)
    try:
        async with engine.begin() as connection:
            for n in range(200):
                await connection.execute(
                    text("INSERT INTO anonymous_counts(key, value) VALUES (:k, 1)"), {"k": f"k{n}"}
                )
        path = sqlite_url.split("///", 1)[1]
        in_log, copied = await asyncio.to_thread(checkpoint_file, path)
        # Automatic checkpoints are off, so the log holds our writes until the job runs.
        assert in_log > 0 and copied == in_log
    finally:
        await engine.dispose()


async def test_deleted_rows_are_zeroed_and_an_erasure_truncates_the_log(sqlite_url: str) -> None:
    from bot.core import checkpoint

    path = sqlite_url.split("///", 1)[1]
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA secure_delete"))).scalar() == 1
        async with engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO anonymous_counts(key, value) VALUES ('Xiomara-Tzunun', 1)")
            )
        # No erasure ever: a start checkpoints without holding writers back (PASSIVE).
        checkpoint._truncated_at.clear()
        assert not await asyncio.to_thread(checkpoint.checkpoint_after_erasures, path)
        async with engine.begin() as connection:
            await connection.execute(
                text("DELETE FROM anonymous_counts WHERE key = 'Xiomara-Tzunun'")
            )
            await connection.execute(
                text("INSERT INTO anonymous_counts(key, value) VALUES ('personal_data_deleted', 1)")
            )
        # The process died right after the erasure: the next one still truncates.
        checkpoint._truncated_at.clear()
        assert await asyncio.to_thread(checkpoint.checkpoint_after_erasures, path)
        assert b"Xiomara-Tzunun" not in Path(path).read_bytes()  # noqa: ASYNC240
        assert b"Xiomara-Tzunun" not in Path(path + "-wal").read_bytes()  # noqa: ASYNC240
        # And a start after that does not truncate again for the same erasure.
        checkpoint._truncated_at.clear()
        assert not await asyncio.to_thread(checkpoint.checkpoint_after_erasures, path)
    finally:
        await engine.dispose()


def _wal_size(path: str) -> int:
    wal = Path(path + "-wal")
    return wal.stat().st_size if wal.exists() else 0
