"""Reports over five years of a busy office: 50,000 cases, 100,000 aid deliveries.

Creates a fresh database (an SQLite file in a temporary folder, or a temporary PostgreSQL
database dropped afterwards), migrates it, bulk-inserts five years of history (2,000
women with their people and language, 50,000 cases with a staff reply each, 100,000
deliveries, 260 activities with 20,000 sign-ups), then times a five-year report: the
figures (bot.reports.service.build, all in SQL), and the files (XLSX, four charts, the
council PDF). The goal is < 10 s in all.

Memory: Python's allocations are traced (tracemalloc) while the figures are built, once
over the last year and once over all five (five times the rows): a peak that does not
grow with the rows is what "constant memory" means here.

    python -m bench.bench_reports                      # SQLite
    python -m bench.bench_reports --database postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from bench.bench_reminders import fresh_database
from bot.core.i18n import Catalogs
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade_database_async
from bot.db.models import Activity, AidDelivery, Case, CaseEntry, Signup, User
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings
from bot.reports import charts, pdf, service, xlsx
from bot.reports.period import Period

GOAL_S = 10.0
TZ = ZoneInfo("America/Guatemala")
NOW = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)
START = datetime(2022, 1, 1, 12, 0, tzinfo=UTC)
DAYS = (NOW - START).days
WOMEN = 2000
CASES = 50_000
DELIVERIES = 100_000
ACTIVITIES = 260
SIGNUPS = 20_000
CHUNK = 5000


async def _insert(session: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(model), rows[start : start + CHUNK])


async def seed(url: str) -> None:
    office = load_office_settings(EXAMPLE_OFFICE_FILE)
    rng = random.Random(11)
    communities = list(office.communities)
    categories = [c.key for c in office.categories]
    items = [i.key for i in office.aid_items]
    peoples = ["maya", "maya", "maya", "ladina", "garifuna", "xinka", "undisclosed"]
    languages = [*office.language_communities, "spanish", "undisclosed"]
    engine = create_engine(url)
    async with create_session_factory(engine)() as session:
        await _insert(
            session,
            User,
            [
                {
                    "id": i, "locale": "es", "consent_at": START, "name": f"M{i}",
                    "community": rng.choice(communities), "age_group": "30_59",
                    "registered_at": START, "active": True, "created_at": START,
                    "people": rng.choice(peoples), "language": rng.choice(languages),
                    "disability": rng.choice(["no", "no", "yes", "undisclosed"]),
                    "identity_asked_at": START,
                }
                for i in range(1, WOMEN + 1)
            ],
        )
        cases, entries = [], []
        for i in range(1, CASES + 1):
            at = START + timedelta(minutes=rng.randrange(DAYS * 24 * 60))
            closed = rng.random() < 0.8
            cases.append(
                {
                    "id": i, "user_id": rng.randrange(1, WOMEN + 1),
                    "category": rng.choice(categories), "community": rng.choice(communities),
                    "age_group": "30_59", "sensitive": False, "urgent": False,
                    "status": "closed" if closed else "open",
                    "outcome": rng.choice(["attended", "referred", "unreachable"]) if closed else None,
                    "referred_to": None, "created_at": at, "updated_at": at,
                }
            )
            entries.append(
                {
                    "case_id": i, "kind": "staff_reply", "author_id": 900, "media_kind": "text",
                    "text": "ok", "created_at": at + timedelta(minutes=rng.randrange(1, 6000)),
                }
            )
        await _insert(session, Case, cases)
        await _insert(session, CaseEntry, entries)
        del cases, entries
        await _insert(
            session,
            AidDelivery,
            [
                {
                    "item": (item := rng.choice(items)), "plan_line": office.aid_item(item).plan_line,  # type: ignore[union-attr]
                    "quantity": 1, "amount_cents": 15000 if item == "medicine" else None,
                    "user_id": rng.randrange(1, WOMEN + 1), "community": rng.choice(communities),
                    "delivered_on": (START + timedelta(days=rng.randrange(DAYS))).date(),
                    "recorded_by": 900, "created_at": START, "updated_at": START,
                }
                for _ in range(DELIVERIES)
            ],
        )
        kinds = ["pregnant_club", "training", "fair", "network_meeting"]
        await _insert(
            session,
            Activity,
            [
                {
                    "id": i, "kind": rng.choice(kinds), "title": f"A{i}", "description": "",
                    "place": "", "starts_at": START + timedelta(days=7 * i, hours=3),
                    "duration_minutes": 60, "status": "scheduled", "created_at": START,
                    "updated_at": START,
                }
                for i in range(1, ACTIVITIES + 1)
            ],
        )
        pairs = set()
        while len(pairs) < SIGNUPS:
            pairs.add((rng.randrange(1, ACTIVITIES + 1), rng.randrange(1, WOMEN + 1)))
        await _insert(
            session,
            Signup,
            [
                {
                    "activity_id": a, "occurrence_start": START + timedelta(days=7 * a, hours=3),
                    "user_id": u, "status": "going", "created_at": START, "updated_at": START,
                    "attended_at": START if rng.random() < 0.7 else None,
                }
                for a, u in pairs
            ],
        )
        await session.commit()
    await engine.dispose()


async def figures(url: str, period: Period) -> tuple[service.ReportData, float, int]:
    office = load_office_settings(EXAMPLE_OFFICE_FILE)
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            tracemalloc.start()
            began = time.perf_counter()
            data = await service.build(session, office, period, TZ, NOW)
            took = time.perf_counter() - began
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            await session.commit()
    finally:
        await engine.dispose()
    return data, took, peak


async def main(server: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        async with fresh_database(server, Path(folder)) as url:
            await upgrade_database_async(url)
            began = time.perf_counter()
            await seed(url)
            print(f"seeded {CASES:,} cases, {DELIVERIES:,} deliveries, {SIGNUPS:,} sign-ups in {time.perf_counter() - began:.1f} s")
            one_year = Period(date(2026, 1, 1), date(2026, 12, 31), "year")
            five_years = Period(date(2022, 1, 1), date(2026, 12, 31), "range")
            _, took_1, peak_1 = await figures(url, one_year)
            data, took_5, peak_5 = await figures(url, five_years)
            office = load_office_settings(EXAMPLE_OFFICE_FILE)
            t = Catalogs(TZ).get("es")
            began = time.perf_counter()
            sheet = xlsx.build_xlsx(t, office, data)
            images = charts.all_charts(t, office, data)
            document = pdf.build_pdf(t, office, data, images)
            files = time.perf_counter() - began
            total = took_5 + files
            backend = "postgresql" if server else "sqlite"
            print(f"[{backend}] figures, 1 year:  {took_1:6.2f} s, peak Python memory {peak_1 / 1e6:5.2f} MB")
            print(f"[{backend}] figures, 5 years: {took_5:6.2f} s, peak Python memory {peak_5 / 1e6:5.2f} MB")
            print(f"[{backend}] files (xlsx {len(sheet) // 1024} KB, 4 charts, pdf {len(document) // 1024} KB): {files:5.2f} s")
            print(f"[{backend}] five-year report in all: {total:.2f} s (goal < {GOAL_S:.0f} s): {'OK' if total < GOAL_S else 'TOO SLOW'}")
            print(f"[{backend}] memory ratio 5 years / 1 year: {peak_5 / max(peak_1, 1):.2f} (rows ×5)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="", help="a PostgreSQL server URL (default: SQLite)")
    asyncio.run(main(parser.parse_args().database))
