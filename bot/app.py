"""The one place that wires the bot: Application, handlers, jobs, database, update pipeline."""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram.ext import Application, ContextTypes

from bot.appointments import service as appointments
from bot.config import Settings, describe_database
from bot.core import forum_topics
from bot.core.claims import release_dead_claims_now
from bot.core.clock import Clock, SystemClock
from bot.core.command_menus import set_command_menus
from bot.core.context import BotContext, BotData
from bot.core.http_client import AiohttpRequest, UpdatesRequest
from bot.core.i18n import Catalogs
from bot.core.liveness import ProcessLiveness
from bot.core.notify import Notifier
from bot.core.office_group import StaffGroup
from bot.core.outbox import OutboxInterceptor, OutboxSender
from bot.core.pacing import RateLimiter
from bot.core.shared_pacing import SharedRateLimiter
from bot.core.telegram_retry import RetryPolicy
from bot.core.update_pipeline import UpdatePipeline
from bot.core.webhook import WebhookIntake
from bot.db.engine import create_engine, create_session_factory
from bot.jobs import register_jobs
from bot.people import workspace
from bot.routes import register_all

log = logging.getLogger(__name__)

OmmApplication = Application[Any, Any, Any, Any, Any, Any]
# A few keep-alive connections carry all our traffic to Telegram.
HTTP_CONNECTIONS = 8


def replicated(settings: Settings, liveness: ProcessLiveness) -> bool:
    """Several processes may serve this bot: webhook mode on PostgreSQL. (Telegram lets
    one process at a time poll getUpdates, so a polling bot is alone.)"""
    return liveness.postgres and bool(settings.webhook_url)


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: AsyncEngine | None = None,
    updates_request: UpdatesRequest | None = None,
) -> tuple[OmmApplication, AsyncEngine, ProcessLiveness]:
    """Build the Application with its services; nothing talks to Telegram yet.

    The ProcessLiveness carries this process's claim token (given to the jobs); start
    it before the jobs run (BotRuntime.start does).
    """
    clock = clock or SystemClock()
    engine = engine or create_engine(settings.database_url)
    liveness = ProcessLiveness(engine)
    updates_request = updates_request or UpdatesRequest(
        connections=1, read_timeout=settings.poll_timeout_seconds + 10
    )
    application: OmmApplication = (
        Application.builder()
        .token(settings.bot_token)
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.bot_file_base_url)
        .updater(None)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .rate_limiter(OutboxInterceptor(RetryPolicy()))
        .request(AiohttpRequest(connections=HTTP_CONNECTIONS))
        .get_updates_request(updates_request)
        .build()
    )
    data = application.bot_data
    data.settings = settings
    data.session_factory = create_session_factory(engine)
    data.catalogs = Catalogs(
        settings.timezone,
        settings.default_locale,
        min_translated=settings.language_min_translated,
    )
    data.clock = clock
    data.notifier = Notifier(application.bot, clock)
    # One claim token per running bot: its claims are its own, and a dead one's are stale.
    data.outbox = OutboxSender(application.bot, data.session_factory, clock, liveness.token)
    # Replicas share one budget in PostgreSQL (bot.core.shared_pacing); one polling
    # process paces alone.
    data.broadcast_pace = (
        SharedRateLimiter(
            data.session_factory,
            settings.broadcast_messages_per_second,
            group_per_minute=settings.staff_messages_per_minute,
        )
        if replicated(settings, liveness)
        else RateLimiter(settings.broadcast_messages_per_second)
    )
    # What .env says; BotRuntime.start adds what was linked from Telegram.
    data.staff_group = StaffGroup(settings.staff_chat_id, settings.admin_user_ids)

    async def forget_topic(chat_id: int, thread: int) -> None:
        async with data.session_factory() as session, session.begin():
            await forum_topics.forget_thread(session, chat_id, thread)

    data.outbox.thread_gone = forget_topic
    register_all(application)
    assert application.job_queue is not None, "install python-telegram-bot[job-queue]"
    register_jobs(
        application.job_queue,
        sweep_interval=settings.sweep_interval_seconds,
        liveness=liveness,
        digest_time=settings.office.scheduling.daily_digest_time,
        timezone=settings.timezone,
    )
    return application, engine, liveness


class BotRuntime:
    """A running bot: start it, stop it (tests run several in one process)."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        self.settings = settings
        updates_request = UpdatesRequest(
            connections=1, read_timeout=settings.poll_timeout_seconds + 10
        )
        self.application, self.engine, self.liveness = build_application(
            settings, clock=clock, updates_request=updates_request
        )
        data = self.application.bot_data
        self.pipeline = UpdatePipeline(
            self.application,
            data.session_factory,
            data.clock,
            concurrency=settings.max_concurrent_updates,
            poll_timeout=settings.poll_timeout_seconds,
            received=updates_request.received,
            outbox=data.outbox,
            dead_tokens=self.liveness.dead_tokens,
            # Replicas (webhook mode on PostgreSQL) share the database: each chat one process
            # at a time (bot.core.chat_lanes). Polling has one consumer of getUpdates, so the
            # in-process lanes are exact and cost no database round trips.
            shared_lanes=replicated(settings, self.liveness),
        )
        # WEBHOOK_URL: updates come by webhook (bot.core.webhook), not getUpdates.
        self.webhook = WebhookIntake(settings, self.pipeline) if settings.webhook_url else None

    async def start(self) -> None:
        data, settings = self.application.bot_data, self.settings
        await self._seed_schedule()
        await workspace.refresh(data, ask_telegram=False)
        if not data.staff_group.linked:
            await workspace.announce_setup_code(data)
        # Our claim token is live before any job claims; the claims of processes that
        # are gone (a kill, a crash) are released now, not minutes later.
        await self.liveness.start()
        await release_dead_claims_now(self.application.bot_data.session_factory, self.liveness)
        await self.application.initialize()
        self.application.bot_data.bot_username = self.application.bot.username or ""
        await workspace.learn_admin_names(data)
        await forum_topics.detect(data)
        await set_command_menus(
            self.application.bot, data.catalogs, settings.default_locale, data.staff_group.chat_id
        )
        await self.application.start()
        await self.pipeline.start(poll=self.webhook is None)
        if self.webhook is not None:
            await self.webhook.start()
        log.info("%s", self.summary())
        # Start-up objects (handlers, catalogs, settings) live as long as the bot:
        # moving them out of the collector's view keeps full collections short,
        # which was visible as tail latency under load.
        gc.freeze()

    def summary(self) -> str:
        """The one start-up line: which bot, database, office file and staff group."""
        settings = self.settings
        return (
            f"omm-bot started: bot @{self.application.bot_data.bot_username or '?'}, "
            f"database {describe_database(settings.database_url)}, "
            f"office file {settings.office_file or '?'} ({settings.office.name}), "
            f"staff group {self.application.bot_data.staff_group.chat_id or 'not linked yet'}"
            + (f", webhook on port {self.webhook.port}" if self.webhook else "")
        )

    async def _seed_schedule(self) -> None:
        """First start: copy the office file's weekly hours into the database."""
        factory = self.application.bot_data.session_factory
        async with factory() as session, session.begin():
            await appointments.seed_default_rules_if_empty(session, self.settings.office.services)

    async def stop(self) -> None:
        log.info("stopping: no new updates; finishing those in progress")
        if self.webhook is not None:
            await self.webhook.stop()
        await self.pipeline.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await self.application.bot_data.broadcast_pace.close()
        await self.liveness.stop()
        await self.engine.dispose()
        log.info("stopped")

    async def run_until(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set or polling fails for good."""
        await self.start()
        try:
            fatal = asyncio.create_task(self.pipeline.wait_fatal())
            stopped = asyncio.create_task(stop.wait())
            await asyncio.wait({fatal, stopped}, return_when=asyncio.FIRST_COMPLETED)
            for task in (fatal, stopped):
                task.cancel()
        finally:
            await self.stop()
        if self.pipeline.fatal is not None:
            raise self.pipeline.fatal
