"""The broadcast rate budget: one limiter per bot, shared by everything sent to many women
(announcements, activity notices) and the announcements' progress edits.

Telegram (and the fake server in tests) counts requests in a sliding one-second window
by the time each request *arrives*. We cannot see that time, only that it lies between
the moment we hand the request over (`acquire`) and the moment its answer comes back
(`done`). So a request holds a place in our window from `acquire` until one second after
its answer; with at most `per_second` places, no one-second window at the server can
ever hold more than `per_second` of our requests, whatever the network or our event
loop do: exactly safe, at the full configured rate. What it costs is the answer time
(a place is held 1 s + latency), a few per cent at worst on this machine.

A token bucket at PACE_SHARE of the rate spreads the requests evenly; it banks at least
BURST_MIN tokens, so that oversleeping by a millisecond (asyncio's timer granularity) is
not thrown away at every request — which, with a one-token bucket at 30/s, alone cost
3 % of the rate. Per chat, at most one message a second (Telegram's per-chat limit).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

# The even pace, as a share of the configured rate; the window above makes it safe to
# be this close to the limit.
PACE_SHARE = 0.995
# The bucket banks this share of a second's requests, and never fewer than BURST_MIN.
BURST_SHARE = 0.05
BURST_MIN = 2.0


class RateLimiter:
    """Overall pacing (token bucket + answer-aware one-second window), a gap per chat.

    `acquire` before each request, `done` when its answer (or error) came back; both use
    the monotonic clock.
    """

    def __init__(
        self,
        per_second: float,
        per_chat_per_second: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_second = per_second
        self.rate = max(0.1, per_second * PACE_SHARE)
        self.capacity = max(BURST_MIN, per_second * BURST_SHARE)
        self.window_limit = max(1, int(per_second))
        self.chat_gap = 1.0 / per_chat_per_second
        self.clock = clock
        self.tokens = 1.0
        self.updated = clock()
        self.paused_until = 0.0
        self.chat_next: dict[int, float] = {}
        self.in_flight = 0
        self.finished: deque[float] = deque()

    def pause(self, seconds: float) -> None:
        """Telegram asked us to wait: nothing is sent before then."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)
        self.tokens = 0.0

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def _window_wait(self, now: float) -> float:
        while self.finished and self.finished[0] <= now - 1.0:
            self.finished.popleft()
        if self.in_flight + len(self.finished) < self.window_limit:
            return 0.0
        return self.finished[0] + 1.0 - now if self.finished else 0.002

    async def acquire(self, chat_id: int) -> None:
        while True:
            now = self.clock()
            wait = max(
                self.paused_until - now,
                self.chat_next.get(chat_id, 0.0) - now,
                self._window_wait(now),
            )
            if wait <= 0:
                self._refill(now)
                if self.tokens >= 1.0:
                    self.tokens -= 1.0
                    self.in_flight += 1
                    self.chat_next[chat_id] = now + self.chat_gap
                    if len(self.chat_next) > 10_000:
                        self._forget_old(now)
                    return
                wait = (1.0 - self.tokens) / self.rate
            await asyncio.sleep(max(wait, 0.0005))

    def done(self, chat_id: int | None = None) -> None:
        """The request's answer arrived (or it failed): it leaves the window in a second.
        (`chat_id`: the chat it went to; the shared budget, bot.core.shared_pacing, uses it.)"""
        self.in_flight = max(0, self.in_flight - 1)
        self.finished.append(self.clock())

    @property
    def senders(self) -> int:
        """Processes sharing this budget right now (bot.core.shared_pacing: replicas)."""
        return 1

    async def close(self) -> None:
        """The bot stops (the shared budget, bot.core.shared_pacing, lets go of its places)."""

    def _forget_old(self, now: float) -> None:
        self.chat_next = {chat: at for chat, at in self.chat_next.items() if at > now}
