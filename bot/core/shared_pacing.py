"""The broadcast rate budget shared by every replica, in PostgreSQL.

Together the replicas stay within BROADCAST_MESSAGES_PER_SECOND (30 a second, or the paid
rate), one message a second per woman and 20 a minute per group. Telegram counts a
message when it arrives, which lies between the moment we hand it over and the moment
its answer comes back.

**The overall rate: places.** The budget is `limit` places (30), each a session-level
advisory lock; a replica sends only on places it holds, one message per place at a
time, and a place is used again one second after the answer of its previous message
(bot.core.pacing's rule, per place). Two arrivals on one place are more than a second
apart, so no one-second window at Telegram ever holds more than `limit` messages. The
timing is all local (the replica's monotonic clock): no query stands between an answer
and the next message, which is what lets the replicas together reach the cap.

A place changes hands through the database: a replica with requests waiting takes free
places (`pg_try_advisory_lock`), hands back those it has not used for IDLE_RELEASE,
and, while another replica is short of places (it holds the shared "hungry" lock), keeps
no more than its fair share (the limit divided by the replicas that want places: those
holding the shared "want" lock). A place just taken is first used one second later: its
previous holder's last message arrived before the lock was let go (an answer comes
before the release; a killed process's connection, and so its locks, closes with it).
Newly taken places are staggered by 1/limit s so that the messages stay evenly spread.

**Per chat: rows.** Each message first takes a row in `send_slots` (its chat and
`taken_at`), which records when Telegram answered (`done_at`); a new row for a chat is
only taken while fewer than its limit are in flight or answered within the last second
(a private chat) or minute (a group). The check and the insert run under a
transaction-scoped advisory lock per chat, taken by the statement before (so that the
check's snapshot includes the last row taken): two replicas never both take a chat's
last place. Times are the database's clock (`clock_timestamp()`). A row whose process
died before recording its answer stops counting after STALE_AFTER. The row is taken
before the place, so the query costs no place time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import zlib
from collections import deque
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from bot.core.chat_lanes import lock_key as chat_key
from bot.core.pacing import RateLimiter

log = logging.getLogger(__name__)

# First halves of two-int advisory lock keys: "omr" per-chat budgets, "omp" places.
LOCK_NAMESPACE = 0x6F6D72
PLACE_NAMESPACE = 0x6F6D70
# Second half of a place's key: the scope's 15 bits, then the place's number; the two
# shared locks sit above the places.
WANT, HUNGRY = 0xFFFF, 0xFFFE
MAX_PLACES = 0xFFF0
STALE_AFTER = 10  # seconds: a row never answered (its process died) stops counting
PRUNE_EVERY = 500  # per-chat transactions between two deletions of old rows
TEND_EVERY = 0.1  # seconds between two looks at the places while some are wanted or held
IDLE_RELEASE = 0.5  # seconds a place may stay ready and unused before it is handed back
CHAT_RETRY = 0.2  # seconds before asking again for a chat that had its message too recently
MARK_EVERY = 0.02  # seconds over which answers are gathered into one UPDATE
WINDOW = 1.0  # seconds from a message's answer until its place is used again
FIRST_USE = 1.0  # a place just taken waits this long (its previous holder's window)

_CHAT_LOCKS = text(
    """
    WITH keys AS MATERIALIZED (
        SELECT DISTINCT k FROM unnest(CAST(:keys AS int[])) AS k ORDER BY k
    )
    SELECT count(pg_advisory_xact_lock(:ns, k)) FROM keys
    """
)
# A row for each chat (one request per chat) that may have a message now.
_TAKE = text(
    f"""
    WITH clock AS MATERIALIZED (SELECT clock_timestamp() AS now),
    wanted AS (
        SELECT w.chat FROM clock, unnest(CAST(:chats AS bigint[])) AS w(chat)
        WHERE (
            SELECT count(*) FROM send_slots s
            WHERE s.chat_id = w.chat AND (
                s.done_at > clock.now - make_interval(secs => CASE WHEN w.chat < 0
                    THEN 60.0 ELSE CAST(:chat_gap AS float8) END)
                OR (s.done_at IS NULL
                    AND s.taken_at > clock.now - interval '{STALE_AFTER} seconds'))
        ) < CASE WHEN w.chat < 0 THEN :group_limit ELSE 1 END
    )
    INSERT INTO send_slots (scope, chat_id, taken_at)
    SELECT :scope, wanted.chat, clock.now FROM clock, wanted
    RETURNING id, chat_id
    """
)
_DONE = text("UPDATE send_slots SET done_at = clock_timestamp() WHERE id = ANY(:ids)")
_PRUNE = text("DELETE FROM send_slots WHERE taken_at < clock_timestamp() - interval '2 minutes'")

# Free places, in order, until `want` are taken (the filter runs as rows are pulled).
_TAKE_PLACES = text(
    """
    WITH free AS MATERIALIZED (
        SELECT p FROM generate_series(0, CAST(:places AS int) - 1) AS p
        WHERE p <> ALL(CAST(:held AS int[])) ORDER BY p
    )
    SELECT p FROM free WHERE pg_try_advisory_lock(:ns, :base + p) LIMIT :want
    """
)
_RELEASE_PLACES = text(
    "SELECT count(pg_advisory_unlock(:ns, :base + p)) FROM unnest(CAST(:places AS int[])) AS p"
)
_UNLOCK_ALL = text("SELECT pg_advisory_unlock_all()")
_SHARE = text("SELECT pg_advisory_lock_shared(:ns, :key)")
_UNSHARE = text("SELECT pg_advisory_unlock_shared(:ns, :key)")
# Replicas wanting places (this one included) and the other replicas short of places.
_COUNT = text(
    """
    SELECT count(*) FILTER (WHERE objid = CAST(:want AS oid)),
           count(*) FILTER (WHERE objid = CAST(:hungry AS oid) AND pid <> pg_backend_pid())
    FROM pg_locks
    WHERE locktype = 'advisory' AND objsubid = 2 AND granted
      AND classid = CAST(:ns AS oid) AND objid IN (CAST(:want AS oid), CAST(:hungry AS oid))
    """
)


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
        engine = session_factory.kw.get("bind")
        assert isinstance(engine, AsyncEngine), "the session factory must be bound to an engine"
        self.engine = engine
        self.scope = scope
        self.limit = min(MAX_PLACES, max(1, int(per_second)))
        self.group_per_minute = group_per_minute
        self._base = (zlib.crc32(scope.encode()) & 0x7FFF) << 16
        # Per chat: requests waiting for their row, rows in flight by chat and in order.
        self._waiting: deque[tuple[int, asyncio.Future[int]]] = deque()
        self._asker: asyncio.Task[None] | None = None
        self._by_chat: dict[int, deque[tuple[int, int | None]]] = {}
        self._order: deque[tuple[int, int, int | None]] = deque()
        self._answered: list[int] = []
        self._marker: asyncio.Task[None] | None = None
        self._asked = 0
        # Places: those held (when each may be used next), those in flight.
        self.places: dict[int, float] = {}
        self._busy: set[int] = set()
        self._place_turn = asyncio.Lock()
        self._place_waiters = 0
        self._changed = asyncio.Event()
        self._keeper: asyncio.Task[None] | None = None
        self._connection: AsyncConnection | None = None
        self._shared: set[int] = set()  # WANT, HUNGRY: the shared locks held
        self.taken_places = 0  # places taken from the database so far (for benchmarks)

    async def acquire(self, chat_id: int) -> None:
        """Wait for the chat's row, then for a place of the overall budget."""
        slot = await self._chat_slot(chat_id)
        place = await self._place()
        self._by_chat.setdefault(chat_id, deque()).append((slot, place))
        self._order.append((chat_id, slot, place))
        self.in_flight += 1

    def done(self, chat_id: int | None = None) -> None:
        """The answer came: the place is used again in a second, the row's `done_at` is
        recorded (in the background, with the other answers of the moment)."""
        self.in_flight = max(0, self.in_flight - 1)
        popped = self._pop(chat_id)
        if popped is None:
            return
        slot, place = popped
        if place is not None and place in self._busy:
            self._busy.discard(place)
            if place in self.places:
                self.places[place] = self.clock() + WINDOW
                self._changed.set()
        self._answered.append(slot)
        if self._marker is None or self._marker.done():
            self._marker = asyncio.create_task(self._mark_forever(), name="shared-budget-marks")

    def _pop(self, chat_id: int | None) -> tuple[int, int | None] | None:
        if chat_id is None or not self._by_chat.get(chat_id):
            if not self._order:
                return None
            chat_id = self._order[0][0]
        rows = self._by_chat[chat_id]
        slot, place = rows.popleft()
        if not rows:
            del self._by_chat[chat_id]
        self._order.remove((chat_id, slot, place))
        return slot, place

    # Per chat: a row in send_slots.

    async def _chat_slot(self, chat_id: int) -> int:
        waiter: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.append((chat_id, waiter))
        if self._asker is None or self._asker.done():
            self._asker = asyncio.create_task(self._ask_forever(), name="shared-budget")
        return await waiter

    async def _ask_forever(self) -> None:
        while True:
            self._waiting = deque((chat, w) for chat, w in self._waiting if not w.done())
            if not self._waiting:
                return
            batch: dict[int, asyncio.Future[int]] = {}
            for chat, waiter in self._waiting:  # one request per chat at a time
                batch.setdefault(chat, waiter)
            try:
                taken = await self._take(list(batch))
            except Exception:
                log.exception("could not take rows in the shared budget; retrying")
                await asyncio.sleep(0.5)
                continue
            for chat, slot in taken.items():
                waiter = batch[chat]
                if not waiter.done():
                    waiter.set_result(slot)
                    self._waiting.remove((chat, waiter))
            if not taken:  # only chats that had their message too recently
                await asyncio.sleep(CHAT_RETRY)

    async def _take(self, chats: list[int]) -> dict[int, int]:
        params = {
            "ns": LOCK_NAMESPACE,
            "keys": [chat_key(chat) for chat in chats],
            "scope": self.scope,
            "chats": chats,
            "chat_gap": self.chat_gap,
            "group_limit": self.group_per_minute,
        }
        async with self.session_factory() as session:
            await session.execute(_CHAT_LOCKS, params)
            rows = (await session.execute(_TAKE, params)).all()
            self._asked += 1
            if self._asked % PRUNE_EVERY == 0:
                await session.execute(_PRUNE)
            await session.commit()
        return {int(chat): int(slot) for slot, chat in rows}

    async def _mark_forever(self) -> None:
        while self._answered:
            await asyncio.sleep(MARK_EVERY)
            ids, self._answered = self._answered, []
            try:
                async with self.session_factory() as session, session.begin():
                    await session.execute(_DONE, {"ids": ids})
            except Exception:  # they stop counting after STALE_AFTER anyway
                log.warning("could not record answers in the shared budget", exc_info=True)

    # Overall: places.

    async def _place(self) -> int:
        """The next place of ours that may be used (this process's requests in turn)."""
        async with self._place_turn:
            self._place_waiters += 1
            try:
                while True:
                    self._tend_places()
                    now = self.clock()
                    wait = self.paused_until - now
                    if wait <= 0:
                        free = [(at, p) for p, at in self.places.items() if p not in self._busy]
                        if free:
                            at, place = min(free)
                            if at <= now:
                                self._busy.add(place)
                                return place
                            wait = at - now
                        else:
                            wait = TEND_EVERY
                    self._changed.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), max(wait, 0.0005))
            finally:
                self._place_waiters -= 1

    def _tend_places(self) -> None:
        if self._keeper is None or self._keeper.done():
            self._keeper = asyncio.create_task(self._keep_places(), name="shared-budget-places")

    async def _keep_places(self) -> None:
        """While places are wanted or held: take, share and hand back (module docstring)."""
        while True:
            try:
                if not await self._tend():
                    return
            except Exception:
                log.warning("lost the shared budget's places; taking them again", exc_info=True)
                await self._drop_connection()
                await asyncio.sleep(0.5)
                continue
            await asyncio.sleep(TEND_EVERY)

    async def _tend(self) -> bool:
        """One look at the places; False once none is held or wanted (all let go)."""
        now = self.clock()
        waiting = self._place_waiters > 0
        idle = [
            p for p, at in self.places.items() if p not in self._busy and at < now - IDLE_RELEASE
        ]
        if not waiting and not self._busy and len(idle) == len(self.places):
            await self._let_go()
            return False
        connection = await self._connect()
        await self._release(connection, idle)
        if waiting:
            await self._share(connection, WANT, True)
        wanting, others_hungry = (await connection.execute(_COUNT, self._keys())).one()
        fair = math.ceil(self.limit / max(1, int(wanting)))
        if others_hungry and len(self.places) > fair:
            spare = sorted(
                (p for p in self.places if p not in self._busy), key=lambda p: -self.places[p]
            )
            await self._release(connection, spare[: len(self.places) - fair])
        ready = any(p not in self._busy and at <= now for p, at in self.places.items())
        hungry = waiting and not ready
        if hungry:
            cap = fair if others_hungry else self.limit
            if cap > len(self.places):
                await self._take_places(connection, cap - len(self.places))
        await self._share(connection, HUNGRY, hungry and len(self.places) < self.limit)
        if not waiting and not self.places:
            await self._share(connection, WANT, False)
        return True

    def _keys(self) -> dict[str, int]:
        return {"ns": PLACE_NAMESPACE, "want": self._base + WANT, "hungry": self._base + HUNGRY}

    async def _connect(self) -> AsyncConnection:
        if self._connection is None:
            connection = await self.engine.connect()
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            self._connection = connection
        return self._connection

    async def _take_places(self, connection: AsyncConnection, want: int) -> None:
        params = {
            "ns": PLACE_NAMESPACE,
            "base": self._base,
            "places": self.limit,
            "held": list(self.places),
            "want": want,
        }
        taken = [int(p) for p in (await connection.execute(_TAKE_PLACES, params)).scalars()]
        start = self.clock() + FIRST_USE
        for index, place in enumerate(taken):
            self.places[place] = start + index / self.limit
        self.taken_places += len(taken)
        if taken:
            self._changed.set()

    async def _release(self, connection: AsyncConnection, places: list[int]) -> None:
        if not places:
            return
        for place in places:
            del self.places[place]
        params = {"ns": PLACE_NAMESPACE, "base": self._base, "places": places}
        await connection.execute(_RELEASE_PLACES, params)

    async def _share(self, connection: AsyncConnection, which: int, hold: bool) -> None:
        if hold == (which in self._shared):
            return
        params = {"ns": PLACE_NAMESPACE, "key": self._base + which}
        await connection.execute(_SHARE if hold else _UNSHARE, params)
        if hold:
            self._shared.add(which)
        else:
            self._shared.discard(which)

    async def _let_go(self) -> None:
        """Hand back every place and the shared locks; the connection goes back to the pool."""
        self.places.clear()
        self._shared.clear()
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.execute(_UNLOCK_ALL)
                await connection.close()
            except Exception:
                log.warning("could not hand back the shared budget's places", exc_info=True)
                await connection.invalidate()

    async def close(self) -> None:
        """The bot stops: let go of the places now (the connection must not outlive the
        engine)."""
        for task in (self._keeper, self._asker):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self._marker is not None:  # the last answers are recorded
            with contextlib.suppress(Exception):
                await self._marker
        await self._let_go()

    async def _drop_connection(self) -> None:
        """Let go of every place (closing the connection frees its locks)."""
        self.places.clear()
        self._shared.clear()
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.invalidate()
                await connection.close()
            except Exception:
                log.debug("closing the places' connection", exc_info=True)
