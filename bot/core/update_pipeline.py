"""Durable update intake: store, then acknowledge, then process; deduplicated by update_id.

Telegram considers an update delivered once `getUpdates` is called with a higher
offset. We only ask for the next batch after the current one is committed to the
database, so a crash (even `kill -9`) at any point loses nothing: updates stored
but not processed are replayed at the next start, and an update Telegram sends
twice is stored once.

Each update is handled in one transaction that also marks it processed and writes
its answers to the outbox (bot/core/outbox.py): a replay after a crash never applies an
update twice, and its answers are sent after the commit, or at the next start.

Each chat's updates are processed in order; different chats run concurrently. On
PostgreSQL (`shared_lanes`), also across replicas: each chat's updates are processed
in update_id order by one process at a time, whichever received them
(bot.core.chat_lanes). Updates come from getUpdates (polling, the default) or from
the webhook (bot.core.webhook calls `accept`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Hashable, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import CallbackQuery, Update
from telegram.error import Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.core import chat_lanes, inbox, tracking
from bot.core.clock import Clock
from bot.core.context import UpdateScope, current_scope
from bot.core.outbox import (
    RECORDER_KEY,
    DeadTokens,
    Intent,
    OutboxRecorder,
    OutboxSender,
    current_recorder,
)
from bot.core.telegram_retry import retry_after_seconds

log = logging.getLogger(__name__)


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


# How often (and after how long) chats left with unprocessed updates are adopted.
ADOPT_EVERY = 1.0
ADOPT_AFTER = timedelta(seconds=1)


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
        outbox: OutboxSender,
        dead_tokens: DeadTokens,
        shared_lanes: bool = False,
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
        # time.monotonic() of the last answered getUpdates (bot/core/heartbeat.py reads it).
        self.last_contact: float | None = None
        self.outbox = outbox
        self.dead_tokens = dead_tokens
        # PostgreSQL: chats are processed one replica at a time (bot.core.chat_lanes).
        self.shared_lanes = shared_lanes
        self._adopter: asyncio.Task[None] | None = None

    @property
    def busy(self) -> bool:
        """True while any update is being processed or waits for its chat's turn."""
        return bool(self._tasks) or self.outbox.busy

    async def start(self, *, poll: bool = True) -> None:
        """Replay what a previous run stored but did not finish, then start polling (or,
        with `poll=False`, wait for the webhook to `accept` updates)."""
        async with self.session_factory() as session, session.begin():
            leftovers = await inbox.claim_unprocessed(session)
        waiting = await self.outbox.recover(self.dead_tokens)
        if waiting:
            log.info("sending the answers a stopped process left in %d chat(s)", waiting)
            await self.outbox.sweep()
        self.outbox.start()
        if leftovers:
            log.info("replaying %d update(s) left unprocessed by the previous run", len(leftovers))
        for update_id, payload in leftovers:
            self._submit(update_id, Update.de_json(json.loads(payload), self.application.bot))
        if self.shared_lanes:
            self._adopter = asyncio.create_task(self._adopt_forever(), name="chat-adopter")
        if poll:
            await self._leave_webhook()
            self._poller = asyncio.create_task(self._poll_forever(), name="update-poller")

    async def _leave_webhook(self) -> None:
        """Polling after webhook mode: Telegram refuses getUpdates while a webhook is set."""
        bot = self.application.bot
        try:
            info = await bot.get_webhook_info()
            if info.url:
                log.info("webhook mode is off (no WEBHOOK_URL): removing the webhook")
                await bot.delete_webhook()
        except (InvalidToken, Forbidden):
            raise
        except TelegramError as exc:
            log.warning("could not check the webhook (%s); polling anyway", exc)

    async def stop(self, grace: float = 10.0) -> None:
        """Stop polling and let updates in progress finish (those cut off are replayed later)."""
        self._stopping.set()
        for task in (self._poller, self._adopter):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        log.info("poller stopped; %d update(s) in progress", len(self._tasks))
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=grace)
            for task in pending:
                # Cut off; replayed at the next start. The stack says where it hung.
                log.warning("update still running at shutdown:\n%s", _stack_of(task))
                task.cancel()
        await self.outbox.stop()

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
                self.last_contact = time.monotonic()
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

    async def accept(self, raw: dict[str, Any]) -> bool:
        """One update from the webhook: stored (an error here means Telegram must send it
        again), then processed in the background. Returns False for a duplicate."""
        update = Update.de_json(raw, self.application.bot)
        payload = json.dumps(raw, ensure_ascii=False)
        chats = {update.update_id: self._chat_of(update)}
        async with self.session_factory() as session, session.begin():
            new = await inbox.store_new(
                session, [(update.update_id, payload)], self.clock.now(), chats
            )
        self.last_contact = time.monotonic()
        if new:
            self._submit(update.update_id, update)
        return bool(new)

    async def _store_and_submit(self, updates: tuple[Update, ...]) -> None:
        payloads = [(u.update_id, self._raw(u)) for u in updates]
        chats = {u.update_id: self._chat_of(u) for u in updates}
        while True:
            try:
                async with self.session_factory() as session, session.begin():
                    new_ids = set(await inbox.store_new(session, payloads, self.clock.now(), chats))
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

    @staticmethod
    def _chat_of(update: Update) -> int | None:
        """The chat (or user) whose updates are processed in order across replicas."""
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
        return None

    async def _run_in_lane(
        self, update_id: int | None, update: Update | None, adopted: int | None = None
    ) -> None:
        """Process an update in its chat's turn, or (`adopted`) a chat's waiting updates."""
        key: Hashable = ("chat", adopted) if update is None else self._lane_key(update)
        lock, users = self._lanes.get(key, (asyncio.Lock(), 0))
        self._lanes[key] = (lock, users + 1)
        try:
            async with lock, self._slots:
                chat = adopted if update is None else self._chat_of(update)
                if update is None or update_id is None:
                    if chat is not None:
                        await self._drain(chat, {})
                elif self.shared_lanes and chat is not None:
                    await self._drain(chat, {update_id: update})
                else:
                    await self._process(update_id, update)
        finally:
            lock, users = self._lanes[key]
            if users <= 1:
                del self._lanes[key]
            else:
                self._lanes[key] = (lock, users - 1)

    async def _adopt_forever(self) -> None:
        """Chats whose updates wait with nobody on them (their receiver died, or stored
        them while another replica held the chat): take them over."""
        while not self._stopping.is_set():
            await asyncio.sleep(ADOPT_EVERY)
            try:
                async with self.session_factory() as session:
                    chats = await chat_lanes.orphans(session, self.clock.now() - ADOPT_AFTER)
            except Exception:
                log.exception("could not look for waiting chats")
                continue
            for chat in chats:
                if ("chat", chat) not in self._lanes and ("user", chat) not in self._lanes:
                    self._adopt(chat)

    def _adopt(self, chat: int) -> None:
        task = asyncio.create_task(self._run_in_lane(None, None, adopted=chat))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self, chat: int, known: dict[int, Update]) -> None:
        """With the chat's lock, process its oldest update, one transaction each, until
        none is left (bot.core.chat_lanes); `known` are updates already parsed."""
        while not self._stopping.is_set():
            async with self.session_factory() as session:
                got, update_id, payload = await chat_lanes.next_update(session, chat)
                if not got:
                    return  # another replica has the chat: it looks again before letting go
                if update_id is None:
                    await session.rollback()
                    if await chat_lanes.waiting(session, chat):
                        continue  # stored while we held the lock, by someone who left it to us
                    return
                update = known.pop(update_id, None)
                if update is None and payload is not None:
                    update = Update.de_json(json.loads(payload), self.application.bot)
                if update is None:  # erased before processing (her data deleted)
                    await inbox.mark_one_processed(session, update_id, self.clock.now())
                    await session.commit()
                    continue
                await self._process_in(session, update_id, update, chat)

    async def _process(self, update_id: int, update: Update) -> None:
        async with self.session_factory() as session:
            await self._process_in(session, update_id, update, None)

    async def _process_in(
        self, session: AsyncSession, update_id: int, update: Update, chat: int | None
    ) -> None:
        """Handle one update: its effects, its "processed" mark and its answers are one
        transaction; the answers are sent right after it commits. `chat`: the update's
        chat lock is held by this transaction (bot.core.chat_lanes)."""
        outbox = self.outbox
        recorder = OutboxRecorder(self.clock.now())
        session.sync_session.info[RECORDER_KEY] = recorder
        scope = UpdateScope(session=session, callback_query=update.callback_query, outbox=recorder)
        scope_token = current_scope.set(scope)
        recorder_token = current_recorder.set(recorder)
        try:
            await self.application.process_update(update)
        except Exception:
            log.exception("update %s could not be processed", update_id)
            scope.failed = True
        finally:
            current_recorder.reset(recorder_token)
            current_scope.reset(scope_token)
            # A task the handler started must not add to an update already written.
            recorder.closed = True
        try:
            if scope.failed:
                # Her effects are undone; the apology and the staff report remain.
                await session.rollback()
                if chat is not None and not await chat_lanes.relock(session, chat, update_id):
                    await session.rollback()
                    return  # another replica took it over meanwhile
            rows = await outbox.write(session, update_id, recorder, with_fixups=not scope.failed)
            now = self.clock.now()
            await tracking.track(session, scope.tracked, now)
            await inbox.mark_one_processed(session, update_id, now)
            await session.commit()
        except Exception:
            log.exception("could not save update %s; it will be replayed", update_id)
            await session.rollback()
            return
        self.processed += 1
        if scope.callback_query is not None and not scope.answered:
            # Stops the spinner on her button.
            recorder.ephemeral.append(_answer(scope.callback_query))
        await outbox.deliver(rows, recorder.ephemeral)


def _answer(query: CallbackQuery) -> Intent:
    return Intent("answerCallbackQuery", 0, {"callback_query_id": query.id})
