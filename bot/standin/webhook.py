"""Webhook delivery: once the bot has called setWebhook, queued updates are POSTed to it
instead of waiting for getUpdates, like Telegram does, with the `secret_token` in
``X-Telegram-Bot-Api-Secret-Token``.

Like a load balancer in front of several replicas, the deliveries can be spread over
several backends (`set_backends`: base URLs such as ``http://127.0.0.1:8001``; the path
is the registered webhook's). Each chat's updates go one at a time, in order (the next
one leaves when the previous one got its 200), at most ``max_connections`` at once, as
Telegram does; an update whose POST fails (refused, 5xx, connection lost: a replica
killed) is sent again, to another backend. What the backends refused is recorded in
`refusals`; `forge` sends a request of the test's making (a wrong secret, a wrong path)
and returns its HTTP status.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import deque
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from .common import Activity, JsonDict
from .info import BotInfo
from .updates import UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# A backend that failed is skipped this long (a killed replica), then tried again.
BACKEND_REST = 1.0
RETRY_DELAY = 0.05


def chat_of(update: JsonDict) -> int:
    """The chat an update belongs to (its updates are delivered in order)."""
    for value in update.values():
        if not isinstance(value, dict):
            continue
        message = value.get("message") if "message" in value else value
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return int(message["chat"]["id"])
        sender = value.get("from")
        if isinstance(sender, dict):
            return int(sender["id"])
    return 0


class WebhookDelivery:
    """Pushes the queue's updates to the webhook (see the module docstring)."""

    def __init__(self, updates: UpdateQueue, info: BotInfo, activity: Activity) -> None:
        self._updates = updates
        self._info = info
        self._activity = activity
        self.backends: list[str] = []
        self.refusals: list[str] = []
        self.delivered = 0
        self.attempts = 0
        # Update ids delivered to each backend (a test can tell who got what).
        self.received_by: dict[str, list[int]] = {}
        # The chat of each update handed to a backend (the bot keeps no chat id once an
        # update is processed, so a test checks each chat's order against this).
        self.chat_of_update: dict[int, int] = {}
        self._resting: dict[str, float] = {}
        self._turn = itertools.count()
        self._chats: dict[int, deque[JsonDict]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._wakeup = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None

    # ------------------------------------------------------------------ control

    def set_backends(self, urls: list[str]) -> None:
        """Spread deliveries over these base URLs (``http://host:port``), round robin."""
        self.backends = [u.rstrip("/") for u in urls]
        self._resting.clear()

    @property
    def active(self) -> bool:
        return bool(self._info.webhook.get("url"))

    @property
    def in_delivery(self) -> int:
        return sum(len(q) for q in self._chats.values())

    async def forge(self, update: JsonDict, *, secret: str | None, path: str | None = None) -> int:
        """POST an update made up by the test (to the first backend, or the registered
        URL) with this secret header (None: none) and path; returns the HTTP status."""
        url = self._url(self.backends[0] if self.backends else None)
        if path is not None:
            parts = urlsplit(url)
            url = f"{parts.scheme}://{parts.netloc}{path}"
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        assert self._session is not None, "the fake server is not running"
        async with self._session.post(url, json=update, headers=headers) as response:
            return response.status

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=200),
            timeout=aiohttp.ClientTimeout(total=30),
        )
        self._updates.listeners.append(self._wakeup.set)
        self._pump = asyncio.create_task(self._pump_forever(), name="standin-webhook")

    async def stop(self) -> None:
        if self._wakeup.set in self._updates.listeners:
            self._updates.listeners.remove(self._wakeup.set)
        tasks = [t for t in (self._pump, *self._workers) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._workers.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    # ------------------------------------------------------------------ delivery

    async def _pump_forever(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            if not self.active:
                continue
            queue = self._updates.queue
            while queue:
                update = queue.popleft()
                chat = chat_of(update)
                self.chat_of_update[int(update["update_id"])] = chat
                waiting = self._chats.get(chat)
                if waiting is None:
                    self._chats[chat] = deque([update])
                    task = asyncio.create_task(self._deliver_chat(chat))
                    self._workers.add(task)
                    task.add_done_callback(self._workers.discard)
                else:
                    waiting.append(update)

    async def _deliver_chat(self, chat: int) -> None:
        waiting = self._chats[chat]
        try:
            while waiting:
                await self._deliver(waiting[0])
                waiting.popleft()
                self.delivered += 1
                self._activity.last = time.monotonic()
                self._activity.wake()
        finally:
            del self._chats[chat]

    def _url(self, backend: str | None) -> str:
        registered = str(self._info.webhook.get("url", ""))
        if backend is None:
            return registered
        parts = urlsplit(registered)
        return f"{backend}{parts.path}"

    def _next_backend(self) -> str | None:
        if not self.backends:
            return None
        now = time.monotonic()
        for _ in range(len(self.backends)):
            backend = self.backends[next(self._turn) % len(self.backends)]
            if self._resting.get(backend, 0.0) <= now:
                return backend
        return self.backends[next(self._turn) % len(self.backends)]

    async def _deliver(self, update: JsonDict) -> None:
        """POST until a backend answers 200."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(int(self._info.webhook.get("max_connections") or 40))
        body = json.dumps(update, ensure_ascii=False).encode()
        while True:
            backend = self._next_backend()
            secret = self._info.webhook.get("secret_token")
            headers = {"Content-Type": "application/json"}
            if secret:
                headers[SECRET_HEADER] = str(secret)
            self.attempts += 1
            status: Any
            try:
                assert self._session is not None
                async with (
                    self._slots,
                    self._session.post(self._url(backend), data=body, headers=headers) as answer,
                ):
                    status = answer.status
                    await answer.read()
            except (aiohttp.ClientError, TimeoutError, ConnectionError) as exc:
                status = type(exc).__name__
            if status == 200:
                if backend is not None:
                    self.received_by.setdefault(backend, []).append(int(update["update_id"]))
                return
            self.refusals.append(f"{backend or 'webhook'}: {status}")
            if backend is not None:
                self._resting[backend] = time.monotonic() + BACKEND_REST
            await asyncio.sleep(RETRY_DELAY)
