"""Telegram's flood limits on sending: overall per second, per private chat per second,
per group per minute, and paid broadcasts per second; over a limit Telegram answers 429
with ``retry_after``."""

from __future__ import annotations

import math
import time
from collections import deque

from .chats import Chat
from .common import ApiError


class Limits:
    """Sliding windows, like Telegram's. A limit set to None is not enforced; the
    attributes may be changed while the server runs."""

    def __init__(
        self,
        overall_per_second: int | None = None,
        per_chat_per_second: int | None = None,
        group_per_minute: int | None = None,
        paid_per_second: int | None = 1000,
    ) -> None:
        self.overall_per_second = overall_per_second
        self.per_chat_per_second = per_chat_per_second
        self.group_per_minute = group_per_minute
        # Paid broadcasting (allow_paid_broadcast): these messages are counted against
        # their own limit (Telegram: up to 1,000 a second) instead of the overall one.
        self.paid_per_second = paid_per_second
        self.paid_messages: int = 0
        self._all: deque[float] = deque()
        self._paid: deque[float] = deque()
        self._chat: dict[int, deque[float]] = {}

    def admit(self, chat: Chat, *, paid: bool) -> None:
        """Count one message sent to ``chat``, or refuse it (429) when a window is full."""
        self._check(chat, paid=paid)
        if paid:
            self.paid_messages += 1

    def _check(self, chat: Chat, *, paid: bool) -> None:
        """A request is refused (429) when the last second (per chat: second; group:
        minute) already holds `limit` accepted requests, whatever their spacing.
        Refused requests do not count."""
        now = time.monotonic()
        checks: list[tuple[deque[float], int, float]] = []
        if paid and self.paid_per_second is not None:
            checks.append((self._paid, self.paid_per_second, 1.0))
        elif not paid and self.overall_per_second is not None:
            checks.append((self._all, self.overall_per_second, 1.0))
        if chat.type == "private":
            if self.per_chat_per_second is not None:
                checks.append(
                    (self._chat.setdefault(chat.id, deque()), self.per_chat_per_second, 1.0)
                )
        elif self.group_per_minute is not None:
            checks.append((self._chat.setdefault(chat.id, deque()), self.group_per_minute, 60.0))
        for dq, limit, window in checks:
            edge = now - window
            while dq and dq[0] <= edge:
                dq.popleft()
            if len(dq) >= limit:
                retry = max(1, math.ceil(dq[0] + window - now)) if dq else 1
                raise ApiError(429, f"Too Many Requests: retry after {retry}", retry)
        for dq, _limit, _window in checks:
            dq.append(now)
