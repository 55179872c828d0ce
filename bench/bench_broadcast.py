"""Broadcast throughput: the fake server's limit and the bot's rate equal.

The fake Bot API server runs in this process with Telegram's limits as sliding windows
(an overall limit of RATE messages in any one second, one a second per chat; with paid
broadcasting, calls carrying allow_paid_broadcast are counted against a limit of RATE
instead); the bot runs as a subprocess with BROADCAST_MESSAGES_PER_SECOND=RATE (and
BROADCAST_PAID=true above 30). Reported: achieved rate ÷ limit (announcements only, and
every message the limit counts: the progress edits too), 429s, lost (reachable women
without the message), duplicated messages, and the bot's peak RSS.

    python -m bench.bench_broadcast                      # the suite: 30/s (300 and 10,000
                                                         # women), 500/s and 1,000/s paid
    python -m bench.bench_broadcast --suite quick        # 30/s ×300, 500/s and 1,000/s paid
    python -m bench.bench_broadcast --rate 30 --recipients 300        # one run
    python -m bench.bench_broadcast --rate 1000 --paid   # paid broadcasting
    python -m bench.bench_broadcast --blocked 0.05       # 5 % of them blocked the bot
    python -m bench.bench_broadcast --database postgresql+asyncpg://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.common import python, spawn, stop, wait_polling
from bot.broadcasts import service as broadcasts
from bot.config import FREE_BROADCAST_LIMIT
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade_database_async
from bot.db.models import Broadcast, User
from bot.office import EXAMPLE_OFFICE_FILE
from bot.standin import FakeTelegram

STAFF_CHAT_ID = -1009999
FIRST_USER = 5_000_000
TEXT = "📣 Jornada de salud el sábado a las 8:00 en el salón municipal."


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), read while it still runs."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import psutil

    return float(psutil.Process(pid).memory_info().rss) / 2**20


async def fresh_database(base_url: str | None, workdir: Path) -> tuple[str, str | None]:
    """A migrated empty database; for PostgreSQL a new database to drop afterwards."""
    if base_url is None:
        return f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}", None
    name = f"omm_bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(base_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False), name


async def drop_database(base_url: str, name: str) -> None:
    admin = create_async_engine(base_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def seed(database_url: str, ids: list[int], *, due: bool = True) -> int:
    """The women (one Core executemany) and a broadcast to everyone: due now, or a draft
    (`due=False`; `broadcasts.schedule` it later)."""
    now = datetime.now(UTC)
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            await session.execute(
                insert(User),
                [
                    {
                        "id": user_id,
                        "locale": "es",
                        "consent_at": now - timedelta(days=3),
                        "registered_at": now - timedelta(days=3),
                        "community": "Xecotz",
                        "active": True,
                        "created_at": now - timedelta(days=3),
                    }
                    for user_id in ids
                ],
            )
            broadcast = await broadcasts.create(
                session, text=TEXT, audience={"kind": "everyone"}, created_by=1, now=now
            )
            if due:
                await broadcasts.schedule(session, broadcast.id, now)
            await session.commit()
            return broadcast.id
    finally:
        await engine.dispose()


def delivery_figures(
    fake: FakeTelegram, ids: list[int], blocked: set[int], rate: int, paid: bool
) -> dict[str, float | int | None]:
    """What the fake server saw of the announcement: its rate and everything the same
    limit counts, ÷ the limit; 429s, lost and duplicated messages."""
    sends = [
        c
        for c in fake.calls
        if c.method == "sendMessage" and c.params.get("text") == TEXT and c.status != 429
    ]
    duration = sends[-1].time - sends[0].time if len(sends) > 1 else float("nan")
    achieved = (len(sends) - 1) / duration if duration else float("nan")
    # Everything the same limit counts, over the same span: without paid
    # broadcasting the progress edits share the overall limit with the announcements.
    start, end = sends[0].time, sends[-1].time
    counted = [
        c
        for c in fake.calls
        if c.status == 200
        and start <= c.time <= end
        and (c.method.startswith(("send", "edit")))
        and bool(c.params.get("allow_paid_broadcast")) == paid
    ]
    counted_rate = (len(counted) - 1) / duration if duration else float("nan")
    received = {user_id: 0 for user_id in ids}
    for user_id in ids:
        received[user_id] = sum(1 for m in fake.bot_messages(user_id) if m.get("text") == TEXT)
    reachable = [i for i in ids if i not in blocked]
    first_429 = next(
        (c.time for c in fake.calls if c.method == "sendMessage" and c.status == 429), None
    )
    tries = Counter(c.params.get("chat_id") for c in sends)
    return {
        "requests": len(sends),
        "seconds": round(duration, 2),
        "achieved_per_second": round(achieved, 1),
        "achieved_over_limit": round(achieved / rate, 3),
        "all_counted_over_limit": round(counted_rate / rate, 3),
        "too_many_requests_429": fake.too_many_requests,
        "first_429_after_s": round(first_429 - sends[0].time, 2) if first_429 else None,
        "lost": sum(1 for i in reachable if received[i] == 0),
        "duplicated": sum(max(0, n - 1) for n in received.values()),
        "blocked_tried_more_than_once": sum(1 for i in blocked if tries[i] > 1),
    }


async def wait_done(database_url: str, broadcast_id: int, within: float) -> dict[str, int]:
    engine = create_engine(database_url)
    try:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            async with create_session_factory(engine)() as session:
                status = await session.scalar(
                    select(Broadcast.status).where(Broadcast.id == broadcast_id)
                )
                if status == "done":
                    return await broadcasts.progress(session, broadcast_id)
            await asyncio.sleep(0.5)
        raise RuntimeError("the broadcast did not finish in time")
    finally:
        await engine.dispose()


async def run(args: argparse.Namespace) -> dict[str, float | int | str | None]:
    workdir = Path(tempfile.mkdtemp(prefix="omm-bench-broadcast-"))
    database_url, pg_name = await fresh_database(args.database, workdir)
    paid = bool(args.paid or args.rate > FREE_BROADCAST_LIMIT)
    fake = FakeTelegram(
        overall_per_second=FREE_BROADCAST_LIMIT if paid else args.rate,
        paid_per_second=args.rate if paid else None,
        per_chat_per_second=1,
    )
    await fake.start()
    token = "333:BROADCAST"
    try:
        await upgrade_database_async(database_url)
        ids = list(range(FIRST_USER, FIRST_USER + args.recipients))
        rng = random.Random(args.seed)
        blocked = set(rng.sample(ids, round(len(ids) * args.blocked)))
        fake.add_group(STAFF_CHAT_ID, "OMM equipo")
        for user_id in ids:
            fake.add_user(user_id, first_name="Mujer")
        for user_id in blocked:
            fake.block(user_id)
        broadcast_id = await seed(database_url, ids)
        # The fake server is the measuring instrument: its own garbage-collection pauses
        # (10,000 chats, every call kept) would bunch the requests it timestamps.
        gc.collect()
        gc.freeze()
        env = {
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_API_URL": fake.url,
            "DATABASE_URL": database_url,
            "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
            "LOG_LEVEL": "WARNING",
            "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE),
            "BROADCAST_MESSAGES_PER_SECOND": str(args.rate),
            "BROADCAST_PAID": "true" if paid else "false",
            "SWEEP_INTERVAL_SECONDS": "0.5",
        }
        process = spawn([python(), "-m", "bot"], env, workdir, "omm-bot.log")
        print(f"omm-bot log: {workdir / 'omm-bot.log'}")
        try:
            await wait_polling(fake, token)
            expected = len(ids) / args.rate
            counts = await wait_done(database_url, broadcast_id, within=expected * 3 + 60)
            rss = peak_rss_mb(process.pid)
        finally:
            await stop(process)
        return {
            "database": "postgresql" if args.database else "sqlite",
            "paid": paid,
            "recipients": len(ids),
            "blocked": len(blocked),
            "limit_per_second": args.rate,
            **delivery_figures(fake, ids, blocked, args.rate, paid),
            "paid_flag_sent": fake.limits.paid_messages,
            "deliveries_sent": counts["sent"],
            "deliveries_blocked": counts["blocked"],
            "deliveries_failed": counts["failed"],
            "deliveries_unknown": counts["unknown"],
            "peak_rss_mb": round(rss, 1),
        }
    finally:
        await fake.stop()
        if pg_name is not None and args.database is not None:
            await drop_database(args.database, pg_name)


SUITES = {
    # (rate, recipients, paid)
    "full": [(30, 300, False), (30, 10_000, False), (500, 10_000, True), (1000, 10_000, True)],
    "quick": [(30, 300, False), (500, 10_000, True), (1000, 10_000, True)],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=sorted(SUITES), default=None)
    parser.add_argument("--recipients", type=int, default=None)
    parser.add_argument("--rate", type=int, default=None, help="fake limit = bot rate, per second")
    parser.add_argument("--paid", action="store_true", help="paid broadcasting (above 30/s: on)")
    parser.add_argument("--blocked", type=float, default=0.0, help="share who blocked the bot")
    parser.add_argument("--database", default=None, help="PostgreSQL server URL (default SQLite)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.rate is None and args.recipients is None:
        runs = SUITES[args.suite or "full"]
    else:
        runs = [(args.rate or 30, args.recipients or 10_000, args.paid)]
    results = []
    for rate, recipients, paid in runs:
        one = argparse.Namespace(**{**vars(args), "rate": rate, "recipients": recipients})
        one.paid = paid
        result = asyncio.run(run(one))
        print(json.dumps(result, indent=2), flush=True)
        results.append(result)
    print("\nrate/s  paid  women   sent÷limit  all÷limit  429s  lost  dup  unknown  RSS MB")
    for r in results:
        print(
            f"{r['limit_per_second']:>6}  {'yes' if r['paid'] else 'no ':>4}  "
            f"{r['recipients']:>6}  {r['achieved_over_limit']:>10}  "
            f"{r['all_counted_over_limit']:>9}  {r['too_many_requests_429']:>4}  "
            f"{r['lost']:>4}  {r['duplicated']:>3}  {r['deliveries_unknown']:>7}  "
            f"{r['peak_rss_mb']:>6}"
        )


if __name__ == "__main__":
    main()
