"""Report-a-need throughput and latency, against a bare python-telegram-bot echo bot.

Both bots run as separate processes talking over HTTP to the same fake Bot API
server (bot/standin), driven in the same run by the same closed loop:
USERS women at once, each sending her next update as soon as she sees the
answer to the previous one. Our bot does the whole report-a-need flow (menu →
ask for help → category → describe → send, five updates a round) on a real
database; the echo bot answers the same number of text messages.

    python bench/bench_intake.py                # SQLite, 100 users
    python bench/bench_intake.py --database postgresql+asyncpg://postgres@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.common import (
    ROOT,
    SignallingFake,
    cpu_seconds,
    python,
    spawn,
    stop,
    summary,
    wait_polling,
)
from bot.core import users
from bot.core.clock import SystemClock
from bot.db.engine import create_engine, create_session_factory
from bot.db.migrate import upgrade_database_async
from bot.office import EXAMPLE_OFFICE_FILE

STAFF_CHAT_ID = -1009999
FIRST_USER = 10_000
ROUND = 5  # updates per report: menu, ask for help, category, text, send


async def timed(
    fake: SignallingFake, chat_id: int, action: Callable[[], object], think: float = 0.0
) -> float:
    if think:
        # People pause between taps; spread them so they do not act in lock-step.
        await asyncio.sleep(random.uniform(0.5, 1.5) * think)
    event = fake.waiter(chat_id)
    event.clear()
    started = time.perf_counter()
    action()
    await asyncio.wait_for(event.wait(), timeout=30)
    return time.perf_counter() - started


async def run_users(
    count: int, one_user: Callable[[int], Awaitable[list[float]]]
) -> tuple[list[float], float]:
    started = time.perf_counter()
    results = await asyncio.gather(*(one_user(FIRST_USER + n) for n in range(count)))
    elapsed = time.perf_counter() - started
    return [lat for r in results for lat in r], elapsed


async def echo_phase(
    fake: SignallingFake, users_count: int, rounds: int, workdir: Path, think: float
) -> tuple[dict[str, float], dict[str, float]]:
    token = "111:ECHO"
    process = spawn(
        [python(), str(ROOT / "bench" / "echo_bot.py")],
        {"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": fake.url},
        workdir,
    )
    try:
        await wait_polling(fake, token)

        def woman(pause: float) -> Callable[[int], Awaitable[list[float]]]:
            async def run(user_id: int) -> list[float]:
                return [
                    await timed(
                        fake,
                        user_id,
                        lambda i=i: fake.user_sends_text(user_id, f"mensaje {i}"),
                        pause,
                    )
                    for i in range(rounds * ROUND)
                ]

            return run

        cpu_before = cpu_seconds(process)
        latencies, elapsed = await run_users(users_count, woman(0.0))
        saturated = summary(
            "echo (bare PTB)", latencies, elapsed, cpu_seconds(process) - cpu_before
        )
        latencies, elapsed = await run_users(users_count, woman(think))
        paced = summary("echo (bare PTB)", latencies, elapsed)
    finally:
        await stop(process)
    return saturated, paced


async def report_needs(
    fake: SignallingFake, user_id: int, rounds: int, pause: float = 0.0
) -> list[float]:
    """One woman: /start, then `rounds` reports (menu → ask for help → category →
    describe → send), each update sent when she sees the answer to the previous one;
    returns each update's answer time."""

    def last_id() -> int:
        message = fake.last_bot_message(user_id)
        assert message is not None
        return int(message["message_id"])

    def press(message_id: int | None, data: str) -> Callable[[], object]:
        return lambda: fake.user_presses_button(
            user_id, last_id() if message_id is None else message_id, data
        )

    latencies = [await timed(fake, user_id, lambda: fake.user_sends_text(user_id, "/start"), pause)]
    menu_id = last_id()
    for n in range(rounds):
        if n > 0:
            latencies.append(await timed(fake, user_id, press(None, "m"), pause))
            menu_id = last_id()
        latencies.append(await timed(fake, user_id, press(menu_id, "n:new"), pause))
        latencies.append(await timed(fake, user_id, press(menu_id, "n:cat:food"), pause))
        describe = lambda: fake.user_sends_text(  # noqa: E731
            user_id, "No tenemos maíz para esta semana"
        )
        latencies.append(await timed(fake, user_id, describe, pause))
        latencies.append(await timed(fake, user_id, press(None, "n:send"), pause))
    return latencies


async def omm_phase(
    fake: SignallingFake,
    users_count: int,
    rounds: int,
    database_url: str,
    workdir: Path,
    extra_env: dict[str, str],
    profile: Path | None = None,
    think: float = 1.0,
) -> tuple[dict[str, float], dict[str, float]]:
    token = "222:OMM"
    env = {
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": database_url,
        "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
        "LOG_LEVEL": "WARNING",
        "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE),
        **extra_env,
    }
    command = [python(), "-m", "bot"]
    if profile is not None:
        wrapper = (
            "import cProfile\nfrom bot.__main__ import main\nprofiler = cProfile.Profile()\n"
            "profiler.enable()\ntry:\n    main([])\nfinally:\n    profiler.disable()\n"
            f"    profiler.dump_stats({str(profile)!r})\n"
        )
        command = [python(), "-c", wrapper]
    process = spawn(command, env, workdir, "omm-bot.log")
    print(f"omm-bot log: {workdir / 'omm-bot.log'}")
    try:
        await wait_polling(fake, token)

        pause = 0.0

        def make_woman(user_id: int) -> Awaitable[list[float]]:
            return report_needs(fake, user_id, rounds, pause)

        cpu_before = cpu_seconds(process)
        latencies, elapsed = await run_users(users_count, make_woman)
        saturated = summary(
            "omm-bot report-a-need", latencies, elapsed, cpu_seconds(process) - cpu_before
        )
        pause = think
        latencies, elapsed = await run_users(users_count, make_woman)
        paced = summary("omm-bot report-a-need", latencies, elapsed)
    finally:
        await stop(process)
    return saturated, paced


async def seed_women(database_url: str, count: int) -> None:
    await upgrade_database_async(database_url)
    engine = create_engine(database_url)
    now = SystemClock().now()
    async with create_session_factory(engine)() as session, session.begin():
        for n in range(count):
            user = await users.give_consent(session, FIRST_USER + n, "es", now)
            users.update_profile(
                user, name=f"Mujer {n}", community="Cantón Central", age_group="30_59"
            )
            users.finish_registration(user, now)
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=4, help="reports per woman")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean pause between a woman's taps in the paced run (s)",
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=3,
        help="echo/omm runs, interleaved; the median ratio is reported",
    )
    parser.add_argument("--database", default="", help="PostgreSQL server URL; default SQLite")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--profile", type=Path, help="run our bot under cProfile, writing here")
    parser.add_argument(
        "--concurrency", type=int, default=0, help="MAX_CONCURRENT_UPDATES for the bot"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="omm-bench-"))
    drop = None
    if args.database:
        server = make_url(args.database)
        name = f"omm_bench_{uuid.uuid4().hex[:8]}"
        admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        database_url = server.set(database=name).render_as_string(hide_password=False)

        async def drop_database() -> None:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await admin.dispose()

        drop = drop_database
    else:
        database_url = f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}"
    try:
        await seed_women(database_url, args.users)
        fake = SignallingFake()
        await fake.start()
        fake.add_group(STAFF_CHAT_ID, "OMM equipo")
        for n in range(args.users):
            fake.add_user(FIRST_USER + n, first_name=f"Mujer {n}")
        try:
            pairs = []
            for n in range(args.pairs):
                # Interleaved, so each ratio compares runs made at the same moment.
                echo, echo_paced = await echo_phase(
                    fake, args.users, args.rounds, workdir, args.think
                )
                extra = (
                    {"MAX_CONCURRENT_UPDATES": str(args.concurrency)} if args.concurrency else {}
                )
                ours, ours_paced = await omm_phase(
                    fake,
                    args.users,
                    args.rounds,
                    database_url,
                    workdir,
                    extra,
                    args.profile if n == 0 else None,
                    args.think,
                )
                pairs.append((echo, ours, echo_paced, ours_paced))
            spec_errors = list(fake.errors)
        finally:
            await fake.stop()
    finally:
        if drop is not None:
            await drop()
    backend = "PostgreSQL" if args.database else "SQLite"

    def pair_ratio(pair: tuple[dict[str, float], ...]) -> float:
        return pair[1]["updates_per_second"] / pair[0]["updates_per_second"]

    pairs.sort(key=pair_ratio)
    ratios = [pair_ratio(p) for p in pairs]
    # The figures shown are those of the median pair.
    echo, ours, echo_paced, ours_paced = pairs[len(pairs) // 2]
    ratio = ratios[len(pairs) // 2]
    print(f"Report-a-need vs bare PTB echo bot — {args.users} concurrent users, {backend}")
    print(f"{'':38}{'updates/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'CPU ms/upd':>11}{'updates':>9}")
    rows = [
        ("saturated", echo),
        ("saturated", ours),
        (f"paced ~{args.think:g}s", echo_paced),
        (f"paced ~{args.think:g}s", ours_paced),
    ]
    for label, row in rows:
        print(
            f"{row['name'] + ', ' + label:38}{row['updates_per_second']:>10.1f}{row['p50_ms']:>9.1f}"
            f"{row['p99_ms']:>9.1f}{row['cpu_ms_per_update']:>11.2f}{row['updates']:>9}"
        )
    print(
        f"throughput ratio, saturated (omm ÷ echo): {ratio:.2f}× median of "
        f"{', '.join(f'{r:.2f}' for r in ratios)}   goal ≥ 0.50×"
    )
    worst_p99 = max(o["p99_ms"] for _, _, _, o in pairs)
    print(
        f"omm p99 with {args.users} women tapping every ~{args.think:g}s: {ours_paced['p99_ms']:.1f} ms"
        f"   (echo: {echo_paced['p99_ms']:.1f} ms; worst run {worst_p99:.1f} ms)   goal < 100 ms"
    )
    print(f"spec errors seen by the fake server: {len(spec_errors)}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "backend": backend,
                    "users": args.users,
                    "ratio": ratio,
                    "echo": echo,
                    "omm": ours,
                    "echo_paced": echo_paced,
                    "omm_paced": ours_paced,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    asyncio.run(main())
