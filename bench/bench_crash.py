"""Kill a real `python -m bot` with -9 at random moments while women report needs.

    python -m bench.bench_crash [--rounds 10] [--women 30] [--database postgresql+asyncpg://…]

Each round starts the bot on a fresh database, lets `--women` women write reports as
people do (each waits for the answer before her next step: her part, then "Send"),
kills the bot at a random moment, starts it again, and lets everyone finish. Then:

- lost answers: a step whose answer never came (she would be left waiting);
- effects applied twice: a part stored twice in her case, or a case made twice;
- effects lost: a part she sent (and was told was received) missing from her case
  (counted after her report was confirmed with its reference, or her step timed out);
- answers twice: an acknowledgement she received twice, against the sends that were
  in flight at the kill (written, handed to Telegram, not yet recorded as sent).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import tempfile
import time
from collections import Counter
from pathlib import Path

from bot.db.migrate import upgrade_database_async
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID
from tests.databases import PostgresDatabase
from tests.e2e.crash import (
    cases_with_entries,
    pending_answers,
    registered_women,
    spawn_bot,
    tap,
    until_requests_stop,
)

PARTS = 3
ACK = re.compile(r"Recibidos? \((\d+) mensajes?\)")
STEP_TIMEOUT = 60.0


class Woman:
    def __init__(self, fake: FakeTelegram, user_id: int) -> None:
        self.fake, self.user_id = fake, user_id
        self.parts: list[str] = []
        self.lost = 0
        self.reports = 0

    def acks(self) -> list[int]:
        found = []
        for message in self.fake.bot_messages(self.user_id):
            match = ACK.search(message.get("text") or "")
            if match:
                found.append(int(match.group(1)))
        return found

    async def _until(self, condition: object) -> bool:
        assert callable(condition)
        deadline = time.monotonic() + STEP_TIMEOUT
        while not condition():
            if time.monotonic() > deadline:
                self.lost += 1
                return False
            await asyncio.sleep(0.05)
        return True

    async def _tap_when_shown(self, data: str) -> bool:
        def shown() -> bool:
            try:
                tap(self.fake, self.user_id, data)
            except AssertionError:
                return False
            return True

        return await self._until(shown)

    async def report(self, number: int) -> None:
        before = len(self.fake.bot_messages(self.user_id))
        self.fake.user_sends_text(self.user_id, "/start")
        if not await self._until(lambda: len(self.fake.bot_messages(self.user_id)) > before):
            return
        for step in ("n:new", "n:cat:food"):
            if not await self._tap_when_shown(step):
                return
            await asyncio.sleep(random.uniform(0.05, 0.3))
        for part in range(1, PARTS + 1):
            text = f"Mujer {self.user_id}, informe {number}, parte {part}"
            self.fake.user_sends_text(self.user_id, text)
            self.parts.append(text)
            seen = len([a for a in self.acks() if a == part])
            if not await self._until(lambda p=part, s=seen: self.acks().count(p) > s):
                return
            await asyncio.sleep(random.uniform(0.05, 0.3))
        done = self.references()
        if not await self._tap_when_shown("n:send"):
            return
        if await self._until(lambda: self.references() > done):
            self.reports += 1

    def references(self) -> int:
        """Messages telling her the reference of a request she sent."""
        return sum("OMM-" in (m.get("text") or "") for m in self.fake.bot_messages(self.user_id))


async def one_round(
    database_url: str, women_count: int, workdir: Path, seed: int
) -> dict[str, int]:
    random.seed(seed)
    fake = FakeTelegram()
    await fake.start()
    fake.add_group(STAFF_CHAT_ID, "OMM equipo")
    ids = list(range(130001, 130001 + women_count))
    for user_id in ids:
        fake.add_user(user_id, first_name="Mujer", language_code="es")
    await registered_women(database_url, ids)
    bot = spawn_bot(fake, database_url, workdir)
    women = [Woman(fake, user_id) for user_id in ids]
    try:
        await fake.wait_for_call("getUpdates", timeout=30)
        runs = [asyncio.create_task(w.report(1)) for w in women]
        await asyncio.sleep(random.uniform(0.5, 4.0))
        bot.kill()
        await asyncio.to_thread(bot.wait)
        await until_requests_stop(fake)
        # Written but not recorded as sent: the most that can come twice.
        unrecorded = len(await pending_answers(database_url))
        bot = spawn_bot(fake, database_url, workdir)
        await asyncio.gather(*runs)
        await fake.wait_until_idle(timeout=30)
    finally:
        if bot.poll() is None:
            bot.terminate()
            await asyncio.to_thread(bot.wait)
        await fake.stop()
    cases = await cases_with_entries(database_url)
    stored = Counter(e.text for c in cases for e in c.entries)
    sent = Counter(p for w in women for p in w.parts)
    twice = sum(
        count - 1
        for count in Counter((w.user_id, a) for w in women for a in w.acks()).values()
        if count > 1
    )
    return {
        "steps lost": sum(w.lost for w in women),
        "parts stored twice": sum(max(0, n - 1) for n in stored.values()),
        "parts lost": sum(max(0, sent[p] - stored[p]) for p in sent if sent[p] > stored[p]),
        "cases": len(cases),
        "reports confirmed": sum(w.reports for w in women),
        "answers twice": twice,
        "answers unrecorded at kill": unrecorded,
    }


async def fresh_sqlite(folder: Path, number: int) -> str:
    url = f"sqlite+aiosqlite:///{folder / f'crash-{number}.sqlite3'}"
    await upgrade_database_async(url)
    return url


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--women", type=int, default=30)
    parser.add_argument("--database", help="a PostgreSQL server URL (default: SQLite files)")
    args = parser.parse_args()
    totals: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        for number in range(args.rounds):
            postgres = None
            if args.database:
                postgres = await asyncio.to_thread(PostgresDatabase, args.database)
                url = postgres.url
            else:
                url = await fresh_sqlite(Path(folder), number)
            try:
                figures = await one_round(url, args.women, Path(folder), seed=number)
            finally:
                if postgres is not None:
                    await asyncio.to_thread(postgres.drop)
            totals.update(figures)
            print(f"round {number + 1}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    print(f"\n{args.rounds} rounds, {args.women} women, a kill -9 in each:")
    for key, value in totals.items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    asyncio.run(main())
