"""Replicas on one PostgreSQL: report-a-need updates per second with 1, 2 and 3 replicas,
and an announcement to 3,000 women sent by three replicas at 30/s.

Every replica is a `python -m bot` process in webhook mode; the fake Bot API server
(bot/standin) delivers the updates by webhook, spreading them over the replicas like a
load balancer (each chat's next update when the previous one got its 200, as Telegram
does). The report-a-need flow is bench_intake's: USERS women at once, each sending her
next update as soon as she sees the answer to the previous one (menu → ask for help →
category → describe → send). The replica counts run in the order given (`--order`,
default 1,2,3,3,2,1: the machine's speed drifts, so each count is measured early and
late and the two runs are averaged). Then three replicas send an announcement to WOMEN
women through a fake server enforcing Telegram's limits (30 a second overall, one a
second per chat, 20 a minute per group) as sliding windows; it is scheduled once they
run. Printed: updates/s, speed-up and per-core figures, then the announcement's rate ÷
the cap, 429s, lost and duplicated messages; and the load average before and after.

    python -m bench.bench_replicas
    python -m bench.bench_replicas --database postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
    python -m bench.bench_replicas --order 1,3 --women 600       # quicker
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
from sqlalchemy import text

from bench.bench_broadcast import (
    delivery_figures,
    drop_database,
    fresh_database,
    seed,
    wait_done,
)
from bench.bench_intake import FIRST_USER, STAFF_CHAT_ID, report_needs, run_users, seed_women
from bench.common import SignallingFake, cpu_seconds, python, spawn, stop, summary
from bot.broadcasts import service as broadcasts
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade_database_async
from bot.db.models import Base
from bot.office import EXAMPLE_OFFICE_FILE
from bot.standin import FakeTelegram

DEFAULT_DATABASE = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
TOKEN = "444:REPLICAS"
CAP = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy so far (every core)."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def table_sizes(database_url: str) -> dict[str, tuple[int, int]]:
    """Rows and bytes (with indexes and TOAST) of every table that has rows."""
    engine = create_engine(database_url)
    sizes: dict[str, tuple[int, int]] = {}
    try:
        async with engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                rows = await connection.scalar(text(f'SELECT count(*) FROM "{table.name}"'))
                size = await connection.scalar(
                    text("SELECT pg_total_relation_size(CAST(:t AS regclass))"), {"t": table.name}
                )
                if rows:
                    sizes[table.name] = (int(rows), int(size or 0))
    finally:
        await engine.dispose()
    return sizes


def print_sizes(title: str, sizes: dict[str, tuple[int, int]]) -> None:
    print(f"\n{title}")
    print(f"{'table':28}{'rows':>9}{'MB':>9}{'bytes/row':>11}")
    for name, (rows, size) in sorted(sizes.items(), key=lambda item: -item[1][1]):
        print(f"{name:28}{rows:>9}{size / 2**20:>9.2f}{size / rows:>11.0f}")


class Replicas:
    """`count` bot processes in webhook mode behind the fake server's load balancer."""

    def __init__(
        self, fake: FakeTelegram, database_url: str, workdir: Path, count: int, **extra: str
    ) -> None:
        self.fake = fake
        self.count = count
        self.before = len(fake.calls_to("setWebhook"))
        ports = [free_port() for _ in range(count)]
        self.processes = [
            spawn(
                [python(), "-m", "bot"],
                {
                    "TELEGRAM_BOT_TOKEN": TOKEN,
                    "TELEGRAM_API_URL": fake.url,
                    "DATABASE_URL": database_url,
                    "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
                    "LOG_LEVEL": "WARNING",
                    "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE),
                    "WEBHOOK_URL": "http://omm.test",
                    "WEBHOOK_LISTEN": f"127.0.0.1:{port}",
                    **extra,
                },
                workdir,
                f"replica-{count}-{n}.log",
            )
            for n, port in enumerate(ports)
        ]
        fake.webhook.set_backends([f"http://127.0.0.1:{port}" for port in ports])

    async def registered(self, within: float = 60) -> None:
        deadline = time.monotonic() + within
        while len(self.fake.calls_to("setWebhook")) < self.before + self.count:
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                raise RuntimeError("a replica did not start (see its log)")
            await asyncio.sleep(0.05)

    def cpu(self) -> float:
        return sum(cpu_seconds(p) for p in self.processes)

    async def stop(self) -> None:
        await asyncio.gather(*(stop(p) for p in self.processes))


async def intake(
    fake: SignallingFake, count: int, database_url: str, users: int, rounds: int, workdir: Path
) -> dict[str, float]:
    """USERS women reporting needs through `count` replicas: the figures of one run. (One
    fake server for every run: its update ids go on, as Telegram's do; the bot keeps
    those it has seen.)"""
    replicas = Replicas(fake, database_url, workdir, count)
    try:
        await replicas.registered()
        cpu, busy = replicas.cpu(), machine_busy()
        latencies, elapsed = await run_users(users, lambda woman: report_needs(fake, woman, rounds))
        figures = summary(f"{count} replicas", latencies, elapsed, replicas.cpu() - cpu)
        figures["machine_cores_busy"] = (machine_busy() - busy) / elapsed
        figures["replicas"] = count
    finally:
        await replicas.stop()
    return figures


async def announce(base_url: str, women: int, workdir: Path) -> dict[str, float | int | None]:
    """Three replicas send an announcement to `women` women at the 30/s cap."""
    database_url, name = await fresh_database(base_url, workdir)
    fake = FakeTelegram(overall_per_second=CAP, per_chat_per_second=1, group_per_minute=20)
    await fake.start()
    try:
        await upgrade_database_async(database_url)
        ids = list(range(5_000_000, 5_000_000 + women))
        fake.add_group(STAFF_CHAT_ID, "OMM equipo")
        for user_id in ids:
            fake.add_user(user_id, first_name="Mujer")
        broadcast_id = await seed(database_url, ids, due=False)
        replicas = Replicas(fake, database_url, workdir, 3, SWEEP_INTERVAL_SECONDS="0.5")
        try:
            await replicas.registered()
            engine = create_engine(database_url)
            try:
                async with create_session_factory(engine)() as session, session.begin():
                    await broadcasts.schedule(session, broadcast_id, datetime.now(UTC))
            finally:
                await engine.dispose()
            counts = await wait_done(database_url, broadcast_id, within=women / CAP * 3 + 60)
        finally:
            await replicas.stop()
        print_sizes(
            f"Storage after the announcement to {women:,} women", await table_sizes(database_url)
        )
        return {
            **delivery_figures(fake, ids, set(), CAP, paid=False),
            "deliveries_sent": counts["sent"],
            "deliveries_unknown": counts["unknown"],
        }
    finally:
        await fake.stop()
        if name is not None:
            await drop_database(base_url, name)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="PostgreSQL server URL")
    parser.add_argument("--users", type=int, default=100, help="women reporting at once")
    parser.add_argument("--rounds", type=int, default=4, help="reports per woman and run")
    parser.add_argument("--order", default="1,2,3,3,2,1", help="replica counts, in run order")
    parser.add_argument("--women", type=int, default=3000, help="the announcement's women")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    cores = psutil.cpu_count() or 1
    load_before = load()
    print(f"load average before: {load_before} (1, 5, 15 min); {cores} cores", flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="omm-bench-replicas-"))
    print(f"replica logs: {workdir}", flush=True)
    database_url, name = await fresh_database(args.database, workdir)
    assert name is not None
    runs: list[dict[str, float]] = []
    fake = SignallingFake()
    await fake.start()
    try:
        await seed_women(database_url, args.users)  # and migrates
        fake.add_group(STAFF_CHAT_ID, "OMM equipo")
        for n in range(args.users):
            fake.add_user(FIRST_USER + n, first_name=f"Mujer {n}")
        for count in (int(c) for c in args.order.split(",")):
            figures = await intake(fake, count, database_url, args.users, args.rounds, workdir)
            print(
                f"  {count} replica(s): {figures['updates_per_second']:.1f} updates/s, "
                f"p99 {figures['p99_ms']:.0f} ms, load {load()}",
                flush=True,
            )
            runs.append(figures)
        if fake.errors:
            raise RuntimeError(f"the fake server saw calls against the spec: {fake.errors[:3]}")
        intake_sizes = await table_sizes(database_url)
    finally:
        await fake.stop()
        await drop_database(args.database, name)
    announcement = await announce(args.database, args.women, workdir)
    load_after = load()

    by_count: dict[int, list[dict[str, float]]] = {}
    for figures in runs:
        by_count.setdefault(int(figures["replicas"]), []).append(figures)

    def mean(count: int, key: str) -> float:
        return statistics.fmean(f[key] for f in by_count[count])

    base = mean(min(by_count), "updates_per_second")
    print(
        f"\nReport-a-need through webhook replicas on PostgreSQL — {args.users} women at once, "
        f"{args.users * (1 + args.rounds * 5)} updates a run; machine: {cores} cores, "
        "shared by the replicas, PostgreSQL, the fake server and the women"
    )
    print(
        f"{'replicas':>8}{'runs':>6}{'updates/s':>11}{'speed-up':>10}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'bot CPU ms/upd':>16}{'cores busy':>12}{'upd/s per busy core':>21}"
    )
    table = []
    for count in sorted(by_count):
        rate = mean(count, "updates_per_second")
        busy = mean(count, "machine_cores_busy")
        row = {
            "replicas": count,
            "runs": len(by_count[count]),
            "updates_per_second": rate,
            "speed_up": rate / base,
            "p50_ms": mean(count, "p50_ms"),
            "p99_ms": mean(count, "p99_ms"),
            "bot_cpu_ms_per_update": mean(count, "cpu_ms_per_update"),
            "machine_cores_busy": busy,
            "updates_per_second_per_busy_core": rate / busy,
        }
        table.append(row)
        print(
            f"{count:>8}{row['runs']:>6}{rate:>11.1f}{row['speed_up']:>9.2f}×"
            f"{row['p50_ms']:>9.0f}{row['p99_ms']:>9.0f}{row['bot_cpu_ms_per_update']:>16.2f}"
            f"{busy:>12.2f}{row['updates_per_second_per_busy_core']:>21.1f}"
        )
    print(
        f"scaling efficiency (speed-up ÷ replicas, ÷ min(replicas, {cores} cores)): "
        + ", ".join(
            f"{r['replicas']}: {r['speed_up'] / r['replicas']:.2f}, "
            f"{r['speed_up'] / min(r['replicas'], cores):.2f}"
            for r in table
        )
    )
    print(
        f"\nAnnouncement to {args.women:,} women by 3 replicas, cap {CAP}/s: "
        f"{announcement['achieved_per_second']}/s = {announcement['achieved_over_limit']} of the "
        f"cap (everything the cap counts: {announcement['all_counted_over_limit']}), "
        f"{announcement['too_many_requests_429']} × 429, {announcement['lost']} lost, "
        f"{announcement['duplicated']} duplicated, {announcement['seconds']} s   "
        "goal ≥ 0.97, 0 × 429, nobody twice"
    )
    reports = args.users * args.rounds * len(runs)
    print_sizes(
        f"Storage after the report-a-need runs ({args.users} women, {reports:,} reports, "
        f"{args.users * (1 + args.rounds * 5) * len(runs):,} updates; the inbox keeps 7 days)",
        intake_sizes,
    )
    print(f"\nload average before: {load_before}; after: {load_after}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "cores": cores,
                    "load_before": load_before,
                    "load_after": load_after,
                    "runs": runs,
                    "by_replicas": table,
                    "announcement": announcement,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    asyncio.run(main())
