"""The send budget shared by replicas in PostgreSQL (bot.core.shared_pacing): three
limiters, each with its own engine like three processes, send to a recorder that
counts arrivals the way Telegram does (a sliding one-second window, 1/s per chat)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import time
from collections import deque
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.shared_pacing import SharedRateLimiter
from bot.db.engine import create_engine, create_session_factory
from tests.databases import PG_SKIP_REASON

CAP = 30


@pytest.fixture
async def engines(database_url: str) -> AsyncIterator[list[AsyncEngine]]:
    if not database_url.startswith("postgresql"):
        pytest.skip(PG_SKIP_REASON + " (the shared budget lives in PostgreSQL)")
    made = [create_engine(database_url) for _ in range(3)]
    try:
        yield made
    finally:
        for engine in made:
            await engine.dispose()


class Recorder:
    """Arrival times, refused like Telegram's 429 when a window is full."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, int]] = []
        self.window: deque[float] = deque()
        self.chat_last: dict[int, float] = {}
        self.refused = 0

    async def send(self, chat: int) -> None:
        await asyncio.sleep(random.uniform(0.0005, 0.01))  # on the way
        now = time.monotonic()
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        if len(self.window) >= CAP or now - self.chat_last.get(chat, -10.0) < 1.0:
            self.refused += 1
        else:
            self.window.append(now)
            self.chat_last[chat] = now
            self.arrivals.append((now, chat))
        await asyncio.sleep(random.uniform(0.0005, 0.01))  # the answer's way back


async def _sender(limiter: SharedRateLimiter, recorder: Recorder, chats: deque[int]) -> None:
    """Like the announcement sender: one request after the other, answers in the background."""
    tasks = []

    async def one(chat: int) -> None:
        try:
            await recorder.send(chat)
        finally:
            limiter.done(chat)

    while chats:
        chat = chats.popleft()
        await limiter.acquire(chat)
        tasks.append(asyncio.create_task(one(chat)))
    await asyncio.gather(*tasks)


async def test_three_replicas_share_the_cap_within_every_window(
    engines: list[AsyncEngine],
) -> None:
    recorder = Recorder()
    limiters = [SharedRateLimiter(create_session_factory(e), CAP) for e in engines]
    chats = deque(range(1000, 1000 + CAP * 12))
    try:
        await asyncio.wait_for(
            asyncio.gather(*(_sender(lim, recorder, chats) for lim in limiters)), 60
        )
    finally:
        for limiter in limiters:
            await limiter.close()
    assert recorder.refused == 0
    times = [at for at, _ in recorder.arrivals]
    assert len(times) == CAP * 12
    rate = (len(times) - 1) / (times[-1] - times[0])
    print(f"three limiters: {rate:.2f}/s ({rate / CAP:.3f} of {CAP}/s)")
    assert rate >= 0.97 * CAP
    # Each took a share: places changed hands.
    assert all(limiter.taken_places > 0 for limiter in limiters)


async def test_one_chat_gets_one_message_a_second_whatever_the_replica(
    engines: list[AsyncEngine],
) -> None:
    recorder = Recorder()
    limiters = [SharedRateLimiter(create_session_factory(e), CAP) for e in engines]
    try:
        await asyncio.wait_for(
            asyncio.gather(*(_sender(lim, recorder, deque([7] * 2)) for lim in limiters)), 30
        )
    finally:
        for limiter in limiters:
            await limiter.close()
    assert recorder.refused == 0
    times = sorted(at for at, _ in recorder.arrivals)
    assert len(times) == 6
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(times))


async def test_a_replica_that_dies_frees_its_places(engines: list[AsyncEngine]) -> None:
    first, second = (SharedRateLimiter(create_session_factory(e), CAP) for e in engines[:2])
    recorder = Recorder()
    try:
        await _sender(first, recorder, deque(range(1, CAP + 1)))
        assert len(first.places) == CAP
        # Its connection goes (a kill -9 closes it): the places are free at once.
        assert first._connection is not None
        await first._connection.invalidate()
        await _sender(second, recorder, deque(range(100, 100 + CAP)))
        assert len(second.places) == CAP
    finally:
        await first.close()
        await second.close()
    assert recorder.refused == 0


async def test_a_group_gets_its_messages_a_minute_whatever_the_replica(
    engines: list[AsyncEngine],
) -> None:
    group = -1001234
    limiters = [
        SharedRateLimiter(create_session_factory(e), CAP, group_per_minute=3) for e in engines
    ]
    handed: list[float] = []

    async def two(limiter: SharedRateLimiter) -> None:
        for _ in range(2):
            await limiter.acquire(group)
            handed.append(time.monotonic())
            limiter.done(group)

    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(two(lim) for lim in limiters)), 4)
    finally:
        for limiter in limiters:
            await limiter.close()
    # Three a minute: the other three wait for the first to leave the minute.
    assert len(handed) == 3


async def test_a_request_given_up_before_it_was_sent_frees_her_chat_at_once(
    engines: list[AsyncEngine],
) -> None:
    first, second = (SharedRateLimiter(create_session_factory(e), CAP) for e in engines[:2])
    try:
        # Cancelled while it waits for its first place (a place just taken waits 1 s).
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(first.acquire(7), 0.3)
        await asyncio.wait_for(second.acquire(7), 3)
        second.done(7)
    finally:
        await first.close()
        await second.close()
