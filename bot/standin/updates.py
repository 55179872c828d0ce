"""The update queue and getUpdates: offsets, allowed_updates, long polls, and the 409 a
poll gets when another one replaces it."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .common import Activity, ApiError, JsonDict, wake

# Update types delivered when allowed_updates is empty/not given.
_NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def _allowed(upd: JsonDict, allowed: frozenset[str] | None) -> bool:
    for k in upd:
        if k != "update_id":
            return k in allowed if allowed is not None else k not in _NOT_DEFAULT_UPDATES
    return True


class UpdateQueue:
    """Updates waiting for the bot, in order, until a getUpdates offset confirms them."""

    def __init__(self, activity: Activity) -> None:
        self._activity = activity
        self.queue: deque[JsonDict] = deque()
        self.confirmed_offset: int = 0
        self._seq = itertools.count(1)
        self._last_update_id = 0
        self._last_delivered_id = 0
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._waiters: list[asyncio.Future[None]] = []
        self.stopping = False
        # Called at every push (the webhook delivery, bot.standin.webhook, listens).
        self.listeners: list[Callable[[], None]] = []

    def push(self, upd: JsonDict) -> int:
        """Queue an update (numbered unless it has an update_id); returns its update_id."""
        if "update_id" in upd:
            uid = int(upd["update_id"])
            if uid > self._last_update_id:
                self._seq = itertools.count(uid + 1)
        else:
            uid = next(self._seq)
            upd = {"update_id": uid, **upd}
        self._last_update_id = max(self._last_update_id, uid)
        self.queue.append(upd)
        self._activity.last = time.monotonic()
        wake(self._waiters)
        self._activity.wake()
        for listener in self.listeners:
            listener()
        return uid

    def stop(self) -> None:
        """Pending long polls return at once with an empty result."""
        self.stopping = True
        wake(self._waiters)

    def undelivered(self) -> int:
        """Updates queued after the last one getUpdates delivered (that it would deliver)."""
        last = self._last_delivered_id
        n = 0
        for u in reversed(self.queue):
            if u["update_id"] <= last:
                break
            if _allowed(u, self._allowed_updates):
                n += 1
        return n

    def _collect(self, limit: int) -> list[JsonDict]:
        out: list[JsonDict] = []
        for upd in self.queue:
            if _allowed(upd, self._allowed_updates):
                out.append(upd)
                if len(out) >= limit:
                    break
        if out:
            self._last_delivered_id = max(self._last_delivered_id, out[-1]["update_id"])
        return out

    def _apply_offset(self, offset: int | None) -> None:
        if not offset:
            return
        q = self.queue
        if offset > 0:
            while q and q[0]["update_id"] < offset:
                q.popleft()
            self.confirmed_offset = max(self.confirmed_offset, offset)
        else:
            keep = -offset
            while len(q) > keep:
                q.popleft()

    async def get_updates(self, p: dict[str, Any], request: web.Request) -> list[JsonDict]:
        """getUpdates (the webhook check is the caller's)."""
        if "allowed_updates" in p:
            au = p["allowed_updates"]
            self._allowed_updates = frozenset(au) if au else None
        self._apply_offset(p.get("offset"))
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        timeout = max(float(p.get("timeout") or 0), 0.0)
        self._poll_generation += 1
        generation = self._poll_generation
        wake(self._waiters)  # terminate the previous long poll (409), like Telegram does
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = self._collect(limit)
            if result or self.stopping:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return result
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append(fut)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(fut, remaining)
            if self._poll_generation != generation:
                transport = request.transport
                if transport is None or transport.is_closing():
                    return []  # the client already gave up on this poll: nobody to tell
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
