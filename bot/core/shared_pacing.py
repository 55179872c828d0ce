"""The broadcast rate budget shared by every replica, in PostgreSQL.

Together the replicas stay within BROADCAST_MESSAGES_PER_SECOND (30 a second, or the paid
rate), one message a second per woman and 20 a minute per group. Telegram counts a
message when it arrives, which lies between the moment we hand it over and the moment
its answer comes back. Everything below is held on one connection per replica (in
autocommit), as session-level advisory locks: a replica that dies loses them with its
connection, at once.

**The overall rate: places.** The budget is `limit` places (30), each a lock; a replica
sends only on places it holds, one message per place at a time, and a place is used
again one second after the answer of its previous message (bot.core.pacing's rule, per
place). Two arrivals on one place are more than a second apart, so no one-second window
at Telegram ever holds more than `limit` messages. The timing is local (the replica's
monotonic clock): no query stands between an answer and the next message, which is what
lets the replicas together reach the cap.

A place changes hands through the database: a replica with requests waiting and no place
ready is *hungry* (it holds the shared "hungry" lock) and takes free places; a replica
hands back places it has not used for IDLE_RELEASE, and while another replica is hungry
keeps no more than its fair share (the limit divided by the replicas holding the shared
"want" lock: those that have requests or places). Beyond its fair share a replica only
takes places nobody else was hungry for within the last EXTRA_AFTER. A place just taken
is first used FIRST_USE (one second) later: its previous holder's last message arrived
before the lock was let go (the answer comes before the release; a killed process's
locks go with its connection). Places taken together are staggered by 1/limit s so that
the messages stay evenly spread.

**Per chat.** A private chat is a lock too (its key from bot.core.chat_lanes.lock_key, in
another namespace), taken before the place and let go one second after the answer: two
replicas never write to one woman within a second. A group's 20 a minute is a sliding
window, counted in `send_slots`: a row per message (`taken_at`, and `done_at` when
Telegram answered), taken while fewer than 20 are in flight or answered within the last
minute, under a transaction-scoped lock of the group taken by the statement before (so
that the check's snapshot includes the last row taken). Times are the database's clock;
a row whose process died before its answer stops counting after STALE_AFTER.
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
from typing import Any

from sqlalchemy import CursorResult, TextClause, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from bot.core.chat_lanes import lock_key as chat_key
from bot.core.pacing import RateLimiter

log = logging.getLogger(__name__)

# First halves of two-int advisory lock keys: "omr" chats' budgets, "omp" places.
LOCK_NAMESPACE = 0x6F6D72
PLACE_NAMESPACE = 0x6F6D70
# Second half of a place's key: the scope's 15 bits, then the place's number; the two
# shared locks sit above the places.
WANT, HUNGRY = 0xFFFF, 0xFFFE
MAX_PLACES = 0xFFF0
WINDOW = 1.0  # seconds from a message's answer until its place is used again
FIRST_USE = 1.0  # a place just taken waits this long (its previous holder's window)
TEND_EVERY = 0.1  # seconds between two looks at the places while some are wanted or held
IDLE_RELEASE = 1.0  # seconds a place may stay ready and unused before it is handed back
EXTRA_AFTER = 1.0  # seconds without another hungry replica before taking beyond the share
CHAT_RETRY = 0.2  # seconds before asking again for a chat that had its message too recently
FLUSH_EVERY = 0.02  # seconds over which answers (and chat locks to let go) are gathered
STALE_AFTER = 10  # seconds: a group's row never answered (its process died) stops counting
PRUNE_EVERY = 200  # group rows taken between two deletions of old rows

# -- on the replica's connection (autocommit) --
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
_LOCK_CHATS = text(
    "SELECT k FROM unnest(CAST(:keys AS int[])) AS k WHERE pg_try_advisory_lock(:ns, k)"
)
_UNLOCK_CHATS = text(
    "SELECT count(pg_advisory_unlock(:ns, k)) FROM unnest(CAST(:keys AS int[])) AS k"
)
_UNLOCK_ALL = text("SELECT pg_advisory_unlock_all()")

# -- groups, in transactions --
_GROUP_LOCK = text("SELECT pg_advisory_xact_lock(:ns, :key)")
_GROUP_TAKE = text(
    f"""
    WITH clock AS MATERIALIZED (SELECT clock_timestamp() AS now)
    INSERT INTO send_slots (scope, chat_id, taken_at)
    SELECT :scope, :chat, clock.now FROM clock
    WHERE (
        SELECT count(*) FROM send_slots s
        WHERE s.chat_id = :chat AND (
            s.done_at > clock.now - interval '60 seconds'
            OR (s.done_at IS NULL AND s.taken_at > clock.now - interval '{STALE_AFTER} seconds'))
    ) < :group_limit
    RETURNING id
    """
)
_GROUP_DONE = text("UPDATE send_slots SET done_at = clock_timestamp() WHERE id = ANY(:ids)")
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
        engine = session_factory.kw.get("bind")
        assert isinstance(engine, AsyncEngine), "the session factory must be bound to an engine"
        self.engine = engine
        self.scope = scope
        self.limit = min(MAX_PLACES, max(1, int(per_second)))
        self.group_per_minute = group_per_minute
        self._base = (zlib.crc32(scope.encode()) & 0x7FFF) << 16
        # The connection holding the locks, one statement at a time; its generation
        # tells locks taken on a connection since lost.
        self._connection: AsyncConnection | None = None
        self._statement = asyncio.Lock()
        self._generation = 0
        # Requests handed over: (chat, group row or None, place), in order.
        self._sent: deque[tuple[int, int | None, int]] = deque()
        # Places: those held (when each may be used next), those in flight.
        self.places: dict[int, float] = {}
        self._busy: set[int] = set()
        self._place_turn = asyncio.Lock()
        self._place_waiters = 0
        self._changed = asyncio.Event()
        self._keeper: asyncio.Task[None] | None = None
        self._shared: set[int] = set()  # WANT, HUNGRY: the shared locks held
        self._senders = 1
        self._others_hungry_at = -math.inf
        self.taken_places = 0  # places taken from the database so far (for benchmarks)
        # Private chats: those locked by this process, requests waiting for their lock,
        # keys to let go of (with their connection's generation).
        self._chats: set[int] = set()
        self._chat_waiting: list[tuple[int, asyncio.Future[bool]]] = []
        self._unlocking: list[tuple[int, int]] = []
        self._answered: list[int] = []  # group rows answered, `done_at` not written yet
        self._flusher: asyncio.Task[None] | None = None
        self._group_rows = 0
        self._closed = False

    @property
    def senders(self) -> int:
        """Replicas that wanted places at the last look (this one included)."""
        return self._senders

    async def acquire(self, chat_id: int) -> None:
        """Wait for the chat's turn, then for a place of the overall budget."""
        row = await (self._group_row(chat_id) if chat_id < 0 else self._chat_lock(chat_id))
        try:
            place = await self._place()
        except BaseException:  # cancelled: nothing was sent, the chat's turn ends now
            self._turn_over(chat_id, row)
            raise
        self._sent.append((chat_id, row, place))
        self.in_flight += 1

    def done(self, chat_id: int | None = None) -> None:
        """The answer came: the place is used again in a second, the chat's turn ends a
        second (a group's row: a minute) from now."""
        self.in_flight = max(0, self.in_flight - 1)
        found = next((s for s in self._sent if s[0] == chat_id), None) if chat_id else None
        if found is None:
            if not self._sent:
                return
            found = self._sent[0]
        self._sent.remove(found)
        chat, row, place = found
        if place in self._busy:
            self._busy.discard(place)
            if place in self.places:
                self.places[place] = self.clock() + WINDOW
                self._changed.set()
        if row is not None:
            self._turn_over(chat, row)
        elif chat > 0:
            generation = self._generation
            asyncio.get_running_loop().call_later(
                self.chat_gap, self._chat_turn_over, chat, generation
            )

    def _turn_over(self, chat_id: int, row: int | None) -> None:
        """The chat's request is answered (a group's row) or was never sent (a woman's
        lock is let go of at once)."""
        if row is not None:
            self._answered.append(row)
            self._flush_soon()
        elif chat_id > 0:
            self._chat_turn_over(chat_id, self._generation)

    # Private chats: a lock each.

    async def _chat_lock(self, chat_id: int) -> None:
        while True:
            if chat_id not in self._chats:
                self._chats.add(chat_id)
                waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
                self._chat_waiting.append((chat_id, waiter))
                self._flush_soon()
                try:
                    if await waiter:
                        return
                except asyncio.CancelledError:
                    if waiter.done() and not waiter.cancelled() and waiter.result():
                        self._chat_turn_over(chat_id, self._generation)
                    else:  # a lock taken later is let go of by _flush
                        self._chats.discard(chat_id)
                    raise
                self._chats.discard(chat_id)
            await asyncio.sleep(CHAT_RETRY)

    def _chat_turn_over(self, chat_id: int, generation: int) -> None:
        self._chats.discard(chat_id)
        if self._closed:
            return
        self._unlocking.append((chat_key(chat_id), generation))
        self._flush_soon()

    def _flush_soon(self) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_forever(), name="shared-budget")

    async def _flush_forever(self) -> None:
        """Chat locks asked for and let go of, group rows answered: gathered, then written;
        the connection goes back to the pool once nothing is held."""
        while self._chat_waiting or self._unlocking or self._answered:
            if not self._chat_waiting:
                await asyncio.sleep(FLUSH_EVERY)
            waiting, self._chat_waiting = self._chat_waiting, []
            unlocking, self._unlocking = self._unlocking, []
            answered, self._answered = self._answered, []
            try:
                await self._flush(waiting, unlocking, answered)
            except Exception:
                log.warning("the shared budget's connection failed; starting again", exc_info=True)
                await self._drop_connection()
                for _, waiter in waiting:
                    if not waiter.done():
                        waiter.set_result(False)
                await asyncio.sleep(0.5)
            if not (self._chat_waiting or self._unlocking or self._answered) and (
                self._keeper is None or self._keeper.done()
            ):
                await self._let_go()

    async def _flush(
        self,
        waiting: list[tuple[int, asyncio.Future[bool]]],
        unlocking: list[tuple[int, int]],
        answered: list[int],
    ) -> None:
        if answered:  # group rows that stop counting after STALE_AFTER anyway
            try:
                async with self.session_factory() as session, session.begin():
                    await session.execute(_GROUP_DONE, {"ids": answered})
            except Exception:
                log.warning("could not record answers in the shared budget", exc_info=True)
        keys = [key for key, generation in unlocking if generation == self._generation]
        if keys and self._connection is not None:
            await self._execute(_UNLOCK_CHATS, {"ns": LOCK_NAMESPACE, "keys": keys})
        if waiting:
            params = {"ns": LOCK_NAMESPACE, "keys": [chat_key(chat) for chat, _ in waiting]}
            got = set((await self._execute(_LOCK_CHATS, params)).scalars())
            for chat, waiter in waiting:
                if not waiter.done():
                    waiter.set_result(chat_key(chat) in got)
                elif chat_key(chat) in got:  # cancelled meanwhile
                    self._unlocking.append((chat_key(chat), self._generation))

    # Groups: rows (20 a minute).

    async def _group_row(self, chat_id: int) -> int:
        params = {
            "ns": LOCK_NAMESPACE,
            "key": chat_key(chat_id),
            "scope": self.scope,
            "chat": chat_id,
            "group_limit": self.group_per_minute,
        }
        while True:
            try:
                async with self.session_factory() as session:
                    await session.execute(_GROUP_LOCK, params)
                    row = await session.scalar(_GROUP_TAKE, params)
                    self._group_rows += 1
                    if self._group_rows % PRUNE_EVERY == 0:
                        await session.execute(_PRUNE)
                    await session.commit()
            except Exception:
                log.exception("could not take a group's row in the shared budget; retrying")
                row = None
            if row is not None:
                return int(row)
            await asyncio.sleep(CHAT_RETRY)

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
            await self._let_go_places()
            return False
        await self._release(idle)
        if waiting:
            await self._share(WANT, True)
        params = {"ns": PLACE_NAMESPACE, "want": self._base + WANT, "hungry": self._base + HUNGRY}
        counts: Any = (await self._execute(_COUNT, params)).one()
        wanting, others_hungry = int(counts[0]), int(counts[1])
        self._senders = max(1, wanting)
        fair = math.ceil(self.limit / self._senders)
        if others_hungry:
            self._others_hungry_at = now
            spare = sorted(
                (p for p in self.places if p not in self._busy), key=lambda p: -self.places[p]
            )
            await self._release(spare[: max(0, len(self.places) - fair)])
        hungry = waiting and not any(
            p not in self._busy and at <= now for p, at in self.places.items()
        )
        if hungry:
            alone = now - self._others_hungry_at > EXTRA_AFTER
            cap = self.limit if alone else fair
            if cap > len(self.places):
                await self._take_places(cap - len(self.places))
        await self._share(HUNGRY, hungry and len(self.places) < self.limit)
        if not waiting and not self.places:
            await self._share(WANT, False)
        return True

    async def _execute(self, statement: TextClause, params: dict[str, Any]) -> CursorResult[Any]:
        """One statement on the replica's connection (opened when needed)."""
        async with self._statement:
            connection = await self._connect()
            return await connection.execute(statement, params)

    async def _connect(self) -> AsyncConnection:
        if self._connection is None:
            connection = await self.engine.connect()
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            self._connection = connection
            self._generation += 1
        return self._connection

    async def _take_places(self, want: int) -> None:
        params = {
            "ns": PLACE_NAMESPACE,
            "base": self._base,
            "places": self.limit,
            "held": list(self.places),
            "want": want,
        }
        taken = [int(p) for p in (await self._execute(_TAKE_PLACES, params)).scalars()]
        start = self.clock() + FIRST_USE
        for index, place in enumerate(taken):
            self.places[place] = start + index / self.limit
        self.taken_places += len(taken)
        if taken:
            self._changed.set()

    async def _release(self, places: list[int]) -> None:
        if not places:
            return
        for place in places:
            del self.places[place]
        params = {"ns": PLACE_NAMESPACE, "base": self._base, "places": places}
        await self._execute(_RELEASE_PLACES, params)

    async def _share(self, which: int, hold: bool) -> None:
        if hold == (which in self._shared):
            return
        params = {"ns": PLACE_NAMESPACE, "key": self._base + which}
        await self._execute(_SHARE if hold else _UNSHARE, params)
        if hold:
            self._shared.add(which)
        else:
            self._shared.discard(which)

    async def _let_go_places(self) -> None:
        """No place wanted or held any more: let go of the places and the shared locks;
        the connection goes back to the pool once no chat is locked either."""
        await self._release(list(self.places))
        for which in (HUNGRY, WANT):
            await self._share(which, False)
        await self._let_go()

    def _unused(self) -> bool:
        return not (
            self.places
            or self._busy
            or self._place_waiters
            or self._chats
            or self._chat_waiting
            or self._unlocking
        )

    async def _let_go(self, *, closing: bool = False) -> None:
        """Every lock let go of; the connection goes back to the pool (unless something
        is held or wanted again by now)."""
        async with self._statement:
            if not closing and not self._unused():
                return
            self.places.clear()
            self._shared.clear()
            if closing:
                self._chats.clear()
            connection, self._connection = self._connection, None
            if connection is None:
                return
            try:
                await connection.execute(_UNLOCK_ALL)
                await connection.close()
            except Exception:
                log.warning("could not hand back the shared budget's locks", exc_info=True)
                await connection.invalidate()

    async def _drop_connection(self) -> None:
        """The connection failed: its locks are gone (closing it frees any left)."""
        async with self._statement:
            self.places.clear()
            self._shared.clear()
            self._chats.clear()
            connection, self._connection = self._connection, None
            if connection is not None:
                with contextlib.suppress(Exception):
                    await connection.invalidate()
                    await connection.close()

    async def close(self) -> None:
        """The bot stops: let go of everything now (the connection must not outlive the
        engine)."""
        for task in (self._keeper, self._flusher):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._closed = True
        await self._let_go(closing=True)
