"""Reminder sweep latency: one `claim_due` over 100,000 waiting reminders.

Creates a fresh database (an SQLite file in a temporary folder, or a temporary
PostgreSQL database that is dropped afterwards), migrates it, bulk-inserts 100,000
future reminders with their appointments, then, several times: adds a few hundred
reminders due now and times one sweep — `claim_due` in its own transaction, commit
included. The goal is < 50 ms.

As a same-run baseline, the claiming UPDATE alone is timed on the real table and on a
copy of it that has everything but the due index (`ix_reminders_status_due`), each
round with the same number of fresh due rows, and again with a typical handful due;
the ratios say what the index buys.
The query plans of the claim are printed for both tables.

    python -m bench.bench_reminders                      # SQLite
    python -m bench.bench_reminders --database postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Index, MetaData, Table, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.appointments import service_reminders as reminders
from bot.core.liveness import new_token
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade_database_async
from bot.db.models import Appointment, Reminder, User

GOAL_MS = 50.0
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
SERVICES = ("legal", "psychological", "social_aid", "guidance")
USERS = 1000
CHUNK = 10_000


@asynccontextmanager
async def fresh_database(server: str, workdir: Path) -> AsyncIterator[str]:
    if not server:
        yield f"sqlite+aiosqlite:///{workdir / 'bench-reminders.sqlite3'}"
        return
    url = make_url(server)
    name = f"omm_bench_rem_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


class Ids:
    def __init__(self) -> None:
        self.appointment = 0
        self.reminder = 0


def appointment_row(ids: Ids, starts_at: datetime, service: str) -> dict[str, Any]:
    ids.appointment += 1
    return {
        "id": ids.appointment,
        "user_id": ids.appointment % USERS + 1,
        "service": service,
        "kind": "slot",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(minutes=30),
        "status": "confirmed",
        "created_at": NOW - timedelta(days=3),
        "updated_at": NOW - timedelta(days=3),
    }


def reminder_row(ids: Ids, appointment_id: int, due_at: datetime, kind: str) -> dict[str, Any]:
    ids.reminder += 1
    return {
        "id": ids.reminder,
        "appointment_id": appointment_id,
        "due_at": due_at,
        "kind": kind,
        "status": "pending",
        "attempts": 0,
    }


async def insert_rows(engine: AsyncEngine, table: Any, rows: list[dict[str, Any]]) -> None:
    async with engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            await connection.execute(insert(table), rows[start : start + CHUNK])


async def seed(engine: AsyncEngine, ids: Ids, count: int) -> None:
    """`count` future reminders: two (24 h and 2 h) per appointment, spread over a year."""
    await insert_rows(
        engine,
        User.__table__,
        [
            {"id": n, "locale": "es", "consent_at": NOW, "active": True, "created_at": NOW}
            for n in range(1, USERS + 1)
        ],
    )
    appointments = [
        appointment_row(
            ids, NOW + timedelta(days=2, minutes=15 * (n // len(SERVICES))), SERVICES[n % 4]
        )
        for n in range((count + 1) // 2)
    ]
    await insert_rows(engine, Appointment.__table__, appointments)
    rows: list[dict[str, Any]] = []
    for a in appointments:
        for hours in (24, 2):
            if len(rows) < count:
                rows.append(
                    reminder_row(ids, a["id"], a["starts_at"] - timedelta(hours=hours), f"{hours}h")
                )
    await insert_rows(engine, Reminder.__table__, rows)


def sweep_time(round_no: int) -> datetime:
    """Each sweep runs a little later than the one before, as the bot's do."""
    return NOW + timedelta(minutes=round_no)


async def add_due(
    engine: AsyncEngine, ids: Ids, count: int, round_no: int, tables: list[Table]
) -> None:
    """`count` appointments later today, each with a reminder that fell due a moment ago."""
    now = sweep_time(round_no)
    appointments = [
        appointment_row(ids, now + timedelta(hours=1, seconds=round_no * 10_000 + n), "due")
        for n in range(count)
    ]
    await insert_rows(engine, Appointment.__table__, appointments)
    rows = [
        reminder_row(ids, a["id"], now - timedelta(seconds=n % 600), "2h")
        for n, a in enumerate(appointments)
    ]
    for table in tables:
        await insert_rows(engine, table, rows)


def copy_without_due_index() -> Table:
    """The reminders table with its primary key and appointment index, but no due index."""
    metadata = MetaData()
    Appointment.__table__.to_metadata(metadata)
    User.__table__.to_metadata(metadata)
    copy = Reminder.__table__.to_metadata(metadata, name="reminders_noindex")
    copy.indexes.clear()
    Index("ix_reminders_noindex_appointment_id", copy.c.appointment_id)
    return copy


async def timed(action: Callable[[], Awaitable[int]]) -> tuple[float, int]:
    started = time.perf_counter()
    claimed = await action()
    return (time.perf_counter() - started) * 1000, claimed


async def query_plan(engine: AsyncEngine, table: Table | None, limit: int) -> list[str]:
    """The plan of the claiming UPDATE, values inlined (EXPLAIN does not execute it)."""
    statement = reminders.claim_statement(NOW, "explain", limit, table)
    sql = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    async with engine.connect() as connection:
        rows = (await connection.exec_driver_sql(prefix + sql)).all()
        await connection.rollback()
    return [str(row[-1]) for row in rows]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="", help="PostgreSQL server URL; default SQLite")
    parser.add_argument("--reminders", type=int, default=100_000, help="future reminders")
    parser.add_argument("--due", type=int, default=300, help="reminders due at each sweep")
    parser.add_argument("--rounds", type=int, default=7, help="sweeps timed")
    parser.add_argument(
        "--typical-due", type=int, default=5, help="due rows in the small-batch comparison"
    )
    parser.add_argument("--limit", type=int, default=500, help="claim_due limit")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="omm-bench-reminders-"))
    async with fresh_database(args.database, workdir) as database_url:
        await upgrade_database_async(database_url)
        engine = create_engine(database_url)
        factory = create_session_factory(engine)
        ids = Ids()
        try:
            started = time.perf_counter()
            await seed(engine, ids, args.reminders)
            seeded_in = time.perf_counter() - started
            copy = copy_without_due_index()
            async with engine.begin() as connection:
                await connection.run_sync(lambda c: copy.create(c))
                await connection.execute(
                    text("INSERT INTO reminders_noindex SELECT * FROM reminders")
                )
            if args.database:
                # PostgreSQL's autovacuum keeps statistics; SQLite files never get them
                # unless someone runs ANALYZE, so SQLite is measured without.
                async with engine.begin() as connection:
                    await connection.execute(text("ANALYZE"))
            token = new_token()

            async def sweep(now: datetime) -> int:
                async with factory() as session:
                    claimed = await reminders.claim_due(session, now, token, args.limit)
                    await session.commit()
                return len(claimed)

            async def statement_only(now: datetime, table: Table | None) -> int:
                async with factory() as session:
                    result = await session.execute(
                        reminders.claim_statement(now, token, args.limit, table)
                    )
                    claimed = len(result.all())
                    await session.commit()
                return claimed

            sweeps: list[tuple[float, int]] = []
            indexed: list[tuple[float, int]] = []
            unindexed: list[tuple[float, int]] = []
            small_indexed: list[tuple[float, int]] = []
            small_unindexed: list[tuple[float, int]] = []
            real: Any = Reminder.__table__
            # A running bot has swept before: one untimed-in-the-stats sweep compiles and
            # prepares the statements (shown separately as the cold figure).
            await add_due(engine, ids, args.typical_due, 0, [real])
            cold = await timed(lambda: sweep(sweep_time(0)))
            for n in range(args.rounds):
                # Sweep, then the claim alone on both tables with as many due rows, then
                # the claim alone with a typical handful due (a sweep every few seconds).
                first = 3 * n + 1
                await add_due(engine, ids, args.due, first, [real])
                sweeps.append(await timed(lambda r=first: sweep(sweep_time(r))))
                for offset, count, with_index, without_index in (
                    (1, args.due, indexed, unindexed),
                    (2, args.typical_due, small_indexed, small_unindexed),
                ):
                    await add_due(engine, ids, count, first + offset, [real, copy])
                    at = sweep_time(first + offset)
                    with_index.append(await timed(lambda at=at: statement_only(at, None)))
                    without_index.append(await timed(lambda at=at: statement_only(at, copy)))
            plan_indexed = await query_plan(engine, None, args.limit)
            plan_unindexed = await query_plan(engine, copy, args.limit)
        finally:
            await engine.dispose()

    backend = "PostgreSQL" if args.database else "SQLite"

    def stats(rows: list[tuple[float, int]]) -> dict[str, float]:
        times = [ms for ms, _ in rows]
        return {
            "median_ms": statistics.median(times),
            "max_ms": max(times),
            "claimed_per_sweep": statistics.median(n for _, n in rows),
        }

    figures = {
        "sweep": stats(sweeps),
        "claim_with_index": stats(indexed),
        "claim_without_index": stats(unindexed),
        "typical_claim_with_index": stats(small_indexed),
        "typical_claim_without_index": stats(small_unindexed),
    }
    ratio = figures["claim_without_index"]["median_ms"] / figures["claim_with_index"]["median_ms"]
    typical_ratio = (
        figures["typical_claim_without_index"]["median_ms"]
        / figures["typical_claim_with_index"]["median_ms"]
    )
    print(
        f"Reminder sweep — {backend}, {args.reminders:,} future reminders, "
        f"{args.due} due per sweep, limit {args.limit}, {args.rounds} sweeps "
        f"(seeded in {seeded_in:.1f} s)"
    )
    print(f"{'':54}{'median ms':>10}{'max ms':>9}{'claimed':>9}")
    for label, key in (
        ("claim_due, own transaction (the sweep)", "sweep"),
        ("claim UPDATE alone, with the due index", "claim_with_index"),
        ("claim UPDATE alone, copy without the due index", "claim_without_index"),
        (f"  same, {args.typical_due} due, with the due index", "typical_claim_with_index"),
        (f"  same, {args.typical_due} due, without the due index", "typical_claim_without_index"),
    ):
        row = figures[key]
        print(
            f"{label:54}{row['median_ms']:>10.2f}{row['max_ms']:>9.2f}"
            f"{row['claimed_per_sweep']:>9.0f}"
        )
    sweep_ms = ", ".join(f"{ms:.1f}" for ms, _ in sweeps)
    print(f"each sweep, in order: {sweep_ms} ms")
    print(
        f"first sweep after start (cold: compiles and prepares the statements), "
        f"{cold[1]} due: {cold[0]:.1f} ms"
    )
    verdict = "met" if figures["sweep"]["max_ms"] < GOAL_MS else "NOT met"
    print(
        f"goal < {GOAL_MS:.0f} ms per sweep: {verdict} "
        f"(median {figures['sweep']['median_ms']:.2f} ms, max {figures['sweep']['max_ms']:.2f} ms)"
    )
    print(
        f"without the due index the claim takes {ratio:.1f}x as long with {args.due} due, "
        f"{typical_ratio:.1f}x with {args.typical_due} due (medians, same run)"
    )
    print("plan of the claim, reminders:")
    for line in plan_indexed:
        print(f"    {line}")
    print("plan of the claim, copy without the due index:")
    for line in plan_unindexed:
        print(f"    {line}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "backend": backend,
                    "reminders": args.reminders,
                    "due": args.due,
                    "limit": args.limit,
                    **figures,
                    "cold_sweep_ms": cold[0],
                    "ratio": ratio,
                    "typical_ratio": typical_ratio,
                    "goal_ms": GOAL_MS,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    asyncio.run(main())
