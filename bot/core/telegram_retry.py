"""Retry policy for every Bot API call: honour 429 RetryAfter, back off on network errors.

Plugged in as python-telegram-bot's rate limiter, so it wraps every request the
bot makes (handlers, jobs, notifier) in one place.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]

# The longest 429 wait a caller sits out (seconds; None: the policy's own `max_wait`).
# Set by a caller that can come back later, so a longer wait raises at once instead:
# the outbox (bot.core.outbox), which sends a chat's answers in that chat's lane.
longest_wait: ContextVar[float | None] = ContextVar("longest_wait", default=None)


def sends_a_message(endpoint: str) -> bool:
    return endpoint.startswith("send") or endpoint in {
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }


def retry_after_seconds(exc: RetryAfter) -> float:
    value: Any = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class RetryPolicy(BaseRateLimiter[None]):
    """Retries 429s after the time Telegram asks, and transient network errors with back-off.

    Network errors are retried for about 15 seconds in all (0.5 s doubling), which
    rides out a short outage of the office's connection without losing the answer.
    Network errors are retried for about 15 seconds in all (0.5 s doubling), which
    rides out a short outage of the office's connection without losing the answer.
    A wait longer than `max_wait` is not sat out: the error goes up so the caller
    (e.g. a queue sweep) can come back later instead of blocking a conversation.
    """

    def __init__(self, max_attempts: int = 6, max_wait: float = 60.0, backoff: float = 0.5) -> None:
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.backoff = backoff
        self.retried_429 = 0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | JSONDict | list[JSONDict]:
        if endpoint == "getUpdates":
            # The poller has its own loop; a retry here would delay shutdown.
            return await callback(*args, **kwargs)
        attempt = 1
        while True:
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                bound = longest_wait.get()
                limit = self.max_wait if bound is None else min(bound, self.max_wait)
                if attempt >= self.max_attempts or wait > limit:
                    raise
                self.retried_429 += 1
                log.warning("Telegram asked to wait %.1fs before %s", wait, endpoint)
                await asyncio.sleep(wait)
            except (TimedOut, NetworkError) as exc:
                if isinstance(exc, BadRequest) or attempt >= self.max_attempts:
                    raise
                if isinstance(exc, TimedOut) and sends_a_message(endpoint):
                    # It may have been delivered before the answer was lost; sending
                    # again could put the same message (a reminder, a broadcast) on her
                    # phone twice. The caller decides what an unknown outcome means.
                    raise
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
            attempt += 1
