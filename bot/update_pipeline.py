"""Durable update intake: store, then acknowledge, then process; deduplicated by update_id.

Telegram considers an update delivered once `getUpdates` is called with a higher
offset. We only ask for the next batch after the current one is committed to the
database, so a crash (even `kill -9`) at any point loses nothing: updates stored
but not processed are replayed at the next start, and an update Telegram sends
twice is stored once.

Each chat's updates are processed in order; different chats run concurrently.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Hashable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.error import Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.clock import Clock
from bot.context import UpdateScope, current_scope
from bot.services import inbox, tracking
from bot.telegram_retry import retry_after_seconds

log = logging.getLogger(__name__)
# How long finished updates wait to be marked processed together.
BOOKKEEPING_DELAY = 0.02


def _stack_of(task: asyncio.Task[None]) -> str:
    """Where a task is waiting, following the chain of awaited coroutines."""
    lines = []
    awaited: Any = task.get_coro()
    while awaited is not None:
        frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "gi_frame", None)
        if frame is not None:
            lines.append(f"  {frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}")
        awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "gi_yieldfrom", None)
    return "\n".join(lines)


class FatalPollingError(Exception):
    """Polling cannot go on (bad token); the bot must stop."""


class UpdatePipeline:
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        session_factory: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        concurrency: int = 32,
        poll_timeout: int = 10,
        received: Mapping[int, Any] | None = None,
    ) -> None:
        # The raw JSON of the last getUpdates batch, by update_id, when available.
        self.received = received
        self.application = application
        self.session_factory = session_factory
        self.clock = clock
        self.poll_timeout = poll_timeout
        self._slots = asyncio.Semaphore(concurrency)
        self._lanes: dict[Hashable, tuple[asyncio.Lock, int]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._poller: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.fatal: BaseException | None = None
        self.processed = 0
        self._bookkeeping: list[tuple[int, list[tuple[int, int]]]] = []
        self._bookkeeping_due = asyncio.Event()
        self._bookkeeper: asyncio.Task[None] | None = None

    @property
    def busy(self) -> bool:
        """True while any update is being processed or waits for its chat's turn."""
        return bool(self._tasks) or bool(self._bookkeeping)

    async def start(self) -> None:
        """Replay what a previous run stored but did not finish, then start polling."""
        async with self.session_factory() as session, session.begin():
            leftovers = await inbox.claim_unprocessed(session)
        if leftovers:
            log.info("replaying %d update(s) left unprocessed by the previous run", len(leftovers))
        for update_id, payload in leftovers:
            self._submit(update_id, Update.de_json(json.loads(payload), self.application.bot))
        self._bookkeeper = asyncio.create_task(self._keep_books(), name="update-bookkeeper")
        self._poller = asyncio.create_task(self._poll_forever(), name="update-poller")

    async def stop(self, grace: float = 10.0) -> None:
        """Stop polling and let updates in progress finish (those cut off are replayed later)."""
        self._stopping.set()
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        log.info("poller stopped; %d update(s) in progress", len(self._tasks))
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=grace)
            for task in pending:
                # Cut off; replayed at the next start. The stack says where it hung.
                log.warning("update still running at shutdown:\n%s", _stack_of(task))
                task.cancel()
        if self._bookkeeper is not None:
            self._bookkeeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._bookkeeper
        await self._flush_books()

    async def wait_fatal(self) -> None:
        """Return when polling hit an error it cannot recover from."""
        await self._stopping.wait()

    async def _poll_forever(self) -> None:
        bot = self.application.bot
        offset: int | None = None
        failures = 0
        while not self._stopping.is_set():
            try:
                updates = await bot.get_updates(
                    offset=offset,
                    timeout=self.poll_timeout,
                    allowed_updates=Update.ALL_TYPES,
                    read_timeout=self.poll_timeout + 10,
                )
                failures = 0
            except (InvalidToken, Forbidden) as exc:
                self.fatal = FatalPollingError(str(exc))
                self._stopping.set()
                return
            except RetryAfter as exc:
                await asyncio.sleep(retry_after_seconds(exc))
                continue
            except (NetworkError, TelegramError) as exc:
                failures += 1
                delay = min(30.0, 0.5 * 2 ** min(failures, 6))
                log.warning("getUpdates failed (%s); retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                continue
            if not updates:
                continue
            await self._store_and_submit(updates)
            # Only now may Telegram forget them: the next call acknowledges this batch.
            offset = updates[-1].update_id + 1

    def _raw(self, update: Update) -> str:
        """The update's JSON as Telegram sent it (rebuilt from the object if unavailable)."""
        raw = self.received.get(update.update_id) if self.received is not None else None
        return json.dumps(raw if raw is not None else update.to_dict(), ensure_ascii=False)

    async def _store_and_submit(self, updates: tuple[Update, ...]) -> None:
        payloads = [(u.update_id, self._raw(u)) for u in updates]
        while True:
            try:
                async with self.session_factory() as session, session.begin():
                    new_ids = set(await inbox.store_new(session, payloads, self.clock.now()))
                break
            except Exception:
                # Without storing, we must not acknowledge; keep trying.
                log.exception("could not store incoming updates; retrying")
                await asyncio.sleep(1.0)
        for update in updates:
            if update.update_id in new_ids:
                self._submit(update.update_id, update)

    def _submit(self, update_id: int, update: Update) -> None:
        task = asyncio.create_task(self._run_in_lane(update_id, update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    def _lane_key(update: Update) -> Hashable:
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
        return ("update", update.update_id)

    async def _run_in_lane(self, update_id: int, update: Update) -> None:
        key = self._lane_key(update)
        lock, users = self._lanes.get(key, (asyncio.Lock(), 0))
        self._lanes[key] = (lock, users + 1)
        try:
            async with lock, self._slots:
                await self._process(update_id, update)
        finally:
            lock, users = self._lanes[key]
            if users <= 1:
                del self._lanes[key]
            else:
                self._lanes[key] = (lock, users - 1)

    async def _process(self, update_id: int, update: Update) -> None:
        async with self.session_factory() as session:
            scope = UpdateScope(session=session, callback_query=update.callback_query)
            token = current_scope.set(scope)
            try:
                await self.application.process_update(update)
            except Exception:
                log.exception("update %s could not be processed", update_id)
                scope.failed = True
            finally:
                current_scope.reset(token)
            try:
                if scope.failed:
                    await session.rollback()
                elif session.in_transaction():
                    await session.commit()
            except Exception:
                log.exception("could not save update %s; it will be replayed", update_id)
                await session.rollback()
                return
        self._bookkeeping.append((update_id, scope.tracked))
        self._bookkeeping_due.set()
        self.processed += 1
        if scope.callback_query is not None and not scope.answered:
            # Stops the spinner on her button; done last, outside any transaction.
            with contextlib.suppress(TelegramError):
                await scope.callback_query.answer()

    async def _keep_books(self) -> None:
        """Mark processed updates (and tracked message ids) in one transaction per batch.

        One small transaction per update cost as much as the update's own work.
        Updates processed but not yet marked when the process dies are replayed:
        at least once, as promised.
        """
        while True:
            await self._bookkeeping_due.wait()
            await asyncio.sleep(BOOKKEEPING_DELAY)
            await self._flush_books()

    async def _flush_books(self) -> None:
        self._bookkeeping_due.clear()
        batch, self._bookkeeping = self._bookkeeping, []
        if not batch:
            return
        now = self.clock.now()
        try:
            async with self.session_factory() as session, session.begin():
                await tracking.track(session, [t for _, tracked in batch for t in tracked], now)
                await inbox.mark_processed(session, [update_id for update_id, _ in batch], now)
        except Exception:
            log.exception(
                "could not mark %d update(s) processed; they will be replayed", len(batch)
            )
