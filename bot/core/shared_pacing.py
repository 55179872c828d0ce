"""The broadcast rate budget shared by every replica, in PostgreSQL.

The same rule as bot.core.pacing's one-second window, but counted in the database, so
that together the replicas stay within BROADCAST_MESSAGES_PER_SECOND (30 a second, or
the paid rate), one message a second per woman and 20 a minute per group:

- each message handed to Telegram first takes a row in `send_slots` (its `taken_at`),
  and the row records when Telegram answered (`done_at`);
- a new row is only taken while fewer than the limit are in flight or answered within
  the last second (per chat: within the last second for a private chat, the last minute
  for a group). Telegram counts a message when it arrives, which lies between the two
  times we record, so no one-second window at Telegram can hold more than the limit,
  whatever the replicas, the network or their event loops do;
- the check and the insert run in one statement under a transaction-scoped advisory
  lock of the budget, taken by the statement before (so that the check's snapshot
  includes the last row taken): two replicas never both take the last place. Times are the
  database's clock (`clock_timestamp()`), one clock for all replicas.

A row whose process died before recording its answer stops counting after
STALE_AFTER. Within a process one query at a time asks for places for all the requests
waiting at that moment, so N replicas put at most N queries on the lock.
"""

from __future__ import annotations

import asyncio
import logging
import time
import zlib
from collections import deque
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.pacing import RateLimiter

log = logging.getLogger(__name__)

# First half of the two-int advisory lock key ("omr": rate budgets).
LOCK_NAMESPACE = 0x6F6D72
STALE_AFTER = 10  # seconds: a row never answered (its process died) stops counting
PRUNE_EVERY = 500  # acquisitions between two deletions of old rows

# Places for several chats at once (the waiting requests of this process, in order),
# as many as the window has left, skipping chats that had their message too recently.
_TAKE = text(
    f"""
    WITH clock AS MATERIALIZED (SELECT clock_timestamp() AS now),
    overall AS (
        SELECT count(s.id) AS used, min(s.done_at) AS oldest
        FROM clock LEFT JOIN send_slots s ON s.scope = :scope AND (
            s.done_at > clock.now - interval '1 second'
            OR (s.done_at IS NULL AND s.taken_at > clock.now - interval '{STALE_AFTER} seconds'))
    ),
    wanted AS (
        SELECT w.chat, w.n FROM clock, unnest(CAST(:chats AS bigint[])) WITH ORDINALITY AS w(chat, n)
        WHERE (
            SELECT count(*) FROM send_slots s
            WHERE s.chat_id = w.chat AND (
                s.done_at > clock.now - make_interval(secs => CASE WHEN w.chat < 0
                    THEN 60.0 ELSE CAST(:chat_gap AS float8) END)
                OR (s.done_at IS NULL
                    AND s.taken_at > clock.now - interval '{STALE_AFTER} seconds'))
        ) < CASE WHEN w.chat < 0 THEN :group_limit ELSE 1 END
    ),
    taken AS (
        INSERT INTO send_slots (scope, chat_id, taken_at)
        SELECT :scope, wanted.chat, clock.now FROM clock, overall, wanted
        WHERE wanted.n <= :limit - overall.used
        RETURNING id, chat_id
    )
    SELECT taken.id, taken.chat_id, NULL FROM taken
    UNION ALL
    SELECT NULL, NULL, EXTRACT(EPOCH FROM overall.oldest + interval '1 second' - clock.now)
    FROM clock, overall
    """
)
# Its own statement: in READ COMMITTED the next one's snapshot is taken after the lock
# is granted, so it sees the row the previous holder just committed.
_LOCK = text("SELECT pg_advisory_xact_lock(:ns, :key)")
_DONE = text("UPDATE send_slots SET done_at = clock_timestamp() WHERE id = :id")
_PRUNE = text("DELETE FROM send_slots WHERE taken_at < clock_timestamp() - interval '2 minutes'")


class SharedRateLimiter(RateLimiter):
    """RateLimiter's interface (`acquire`, `done`, `pause`), the budget in PostgreSQL."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        per_second: float,
        *,
        group_per_minute: int = 20,
        scope: str = "all",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(per_second, clock=clock)
        self.session_factory = session_factory
        self.scope = scope
        self.limit = max(1, int(per_second))
        self.group_per_minute = group_per_minute
        self._key = zlib.crc32(scope.encode()) - 2**31
        self._waiting: deque[tuple[int, asyncio.Future[int]]] = deque()
        self._asker: asyncio.Task[None] | None = None
        # Rows in flight: by chat, and all in the order taken (for `done()` without a chat).
        self._by_chat: dict[int, deque[int]] = {}
        self._order: deque[tuple[int, int]] = deque()
        self._marking: set[asyncio.Task[None]] = set()
        self._taken = 0

    async def acquire(self, chat_id: int) -> None:
        """Wait for a place for a message to `chat_id` (asked together with the other
        requests of this process waiting now: one query for all of them)."""
        waiter: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.append((chat_id, waiter))
        if self._asker is None or self._asker.done():
            self._asker = asyncio.create_task(self._ask_forever(), name="shared-budget")
        slot = await waiter
        self._by_chat.setdefault(chat_id, deque()).append(slot)
        self._order.append((chat_id, slot))
        self.in_flight += 1

    async def _ask_forever(self) -> None:
        while self._waiting:
            pause = self.paused_until - self.clock()
            if pause > 0:
                await asyncio.sleep(pause)
                continue
            batch = [(chat, w) for chat, w in self._waiting if not w.done()][: self.limit]
            self._waiting = deque((chat, w) for chat, w in self._waiting if not w.done())
            if not batch:
                return
            try:
                taken, wait = await self._take([chat for chat, _ in batch])
            except Exception:
                log.exception("could not take places in the shared budget; retrying")
                await asyncio.sleep(0.5)
                continue
            for chat, waiter in batch:
                slots = taken.get(chat)
                if slots and not waiter.done():
                    waiter.set_result(slots.popleft())
                    self._waiting.remove((chat, waiter))
            if not taken:
                # Full: until the oldest answered row leaves the window (only rows in
                # flight, or only chats that wait their second: soon).
                await asyncio.sleep(min(max(float(wait or 0.0), 0.005), 1.0))

    async def _take(self, chats: list[int]) -> tuple[dict[int, deque[int]], float | None]:
        params = {
            "ns": LOCK_NAMESPACE,
            "key": self._key,
            "scope": self.scope,
            "chats": chats,
            "limit": self.limit,
            "chat_gap": self.chat_gap,
            "group_limit": self.group_per_minute,
        }
        taken: dict[int, deque[int]] = {}
        wait: float | None = None
        async with self.session_factory() as session:
            await session.execute(_LOCK, params)
            for slot, chat, until in (await session.execute(_TAKE, params)).all():
                if slot is not None:
                    taken.setdefault(int(chat), deque()).append(int(slot))
                elif until is not None:
                    wait = float(until)
            self._taken += 1
            if self._taken % PRUNE_EVERY == 0:
                await session.execute(_PRUNE)
            await session.commit()
        return taken, wait

    def done(self, chat_id: int | None = None) -> None:
        """The answer came: the row's `done_at` is recorded (now, in the background)."""
        self.in_flight = max(0, self.in_flight - 1)
        slot = self._pop(chat_id)
        if slot is None:
            return
        task = asyncio.create_task(self._mark(slot))
        self._marking.add(task)
        task.add_done_callback(self._marking.discard)

    def _pop(self, chat_id: int | None) -> int | None:
        if chat_id is None or not self._by_chat.get(chat_id):
            if not self._order:
                return None
            chat_id = self._order[0][0]
        slots = self._by_chat[chat_id]
        slot = slots.popleft()
        if not slots:
            del self._by_chat[chat_id]
        self._order.remove((chat_id, slot))
        return slot

    async def _mark(self, slot: int) -> None:
        try:
            async with self.session_factory() as session, session.begin():
                await session.execute(_DONE, {"id": slot})
        except Exception:  # it stops counting after STALE_AFTER anyway
            log.warning("could not record a message's answer in the shared budget", exc_info=True)
