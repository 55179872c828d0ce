"""Webhook mode: Telegram (or the load balancer in front of the replicas) POSTs each
update here; it is committed to the inbox before Telegram gets its 200, then processed
(bot.core.update_pipeline, each chat in order across replicas: bot.core.chat_lanes).

- The path holds a value derived from the secret, and every request must carry the
  secret in `X-Telegram-Bot-Api-Secret-Token` (compared in constant time). Anything
  else gets 403 and one log line naming the reason and the client address, never the
  content (it may hold her words).
- 200 only once the update is stored: if the database does not answer, Telegram gets
  500 and sends the update again later (a duplicate is dropped by its update_id).
- At start each replica registers the same webhook (`setWebhook` with `secret_token`,
  `allowed_updates`, `max_connections`); several replicas doing so is harmless. At stop
  the webhook stays (the other replicas still serve it); polling again (no WEBHOOK_URL)
  removes it.
- With no getUpdates to tell that Telegram is there, `getWebhookInfo` every
  CHECK_EVERY seconds does (for the heartbeat), and logs Telegram's last delivery error.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import time
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError

from bot.config import Settings
from bot.core.update_pipeline import UpdatePipeline

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CHECK_EVERY = 30.0
# An update is a few kilobytes; anything much larger is not from Telegram.
MAX_BODY = 1024 * 1024


def webhook_path(settings: Settings) -> str:
    """The path served: WEBHOOK_URL's own path, then /telegram/<a value from the secret>."""
    digest = hmac.new(settings.webhook_secret.encode(), b"path", hashlib.sha256).hexdigest()
    prefix = urlsplit(settings.webhook_url).path.rstrip("/")
    return f"{prefix}/telegram/{digest[:32]}"


def webhook_address(settings: Settings) -> str:
    """The address registered with setWebhook."""
    parts = urlsplit(settings.webhook_url)
    return f"{parts.scheme}://{parts.netloc}{webhook_path(settings)}"


class WebhookIntake:
    """The webhook's HTTP server (aiohttp), feeding one UpdatePipeline."""

    def __init__(self, settings: Settings, pipeline: UpdatePipeline) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.path = webhook_path(settings)
        self._secret = settings.webhook_secret.encode()
        self._runner: web.AppRunner | None = None
        self._checker: asyncio.Task[None] | None = None
        self.accepted = 0
        self.refused = 0
        self.port = settings.webhook_port

    async def start(self) -> None:
        """Serve the webhook, then register it with Telegram."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self._receive)
        app.router.add_route("*", "/{tail:.*}", self._refuse_path)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(
            self._runner, self.settings.webhook_host, self.settings.webhook_port, backlog=512
        )
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]
        await self.pipeline.application.bot.set_webhook(
            url=webhook_address(self.settings),
            secret_token=self.settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
            max_connections=self.settings.webhook_max_connections,
        )
        self.pipeline.last_contact = time.monotonic()
        log.info(
            "webhook: serving on %s:%s, registered with Telegram",
            self.settings.webhook_host,
            self.port,
        )
        self._checker = asyncio.create_task(self._check_forever(), name="webhook-check")

    async def stop(self) -> None:
        """Stop taking updates (Telegram sends them to the other replicas, or again later)."""
        if self._checker is not None:
            self._checker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._checker
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _refused(self, request: web.Request, reason: str) -> web.Response:
        self.refused += 1
        log.warning("webhook: refused a request from %s (%s)", request.remote, reason)
        return web.Response(status=403)

    async def _refuse_path(self, request: web.Request) -> web.Response:
        return self._refused(request, "unknown path")

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return self._refused(request, "wrong or missing secret token")
        try:
            raw = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return self._refused(request, "not JSON")
        if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
            return self._refused(request, "not an update")
        try:
            await self.pipeline.accept(raw)
        except Exception:
            log.exception("webhook: could not store an update; Telegram will send it again")
            return web.Response(status=500)
        self.accepted += 1
        return web.Response(status=200)

    async def _check_forever(self) -> None:
        bot = self.pipeline.application.bot
        reported = None
        while True:
            await asyncio.sleep(CHECK_EVERY)
            try:
                info = await bot.get_webhook_info()
            except TelegramError as exc:
                log.warning("webhook: getWebhookInfo failed (%s)", exc)
                continue
            self.pipeline.last_contact = time.monotonic()
            error = info.last_error_message
            if error and error != reported:
                log.warning(
                    "webhook: Telegram reports %r (%s update(s) waiting)",
                    error,
                    info.pending_update_count,
                )
            reported = error
