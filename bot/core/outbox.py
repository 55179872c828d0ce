"""The answers an update produces: written with its effects, sent right after they commit.

While an update is handled, every Bot API call that changes something a person sees
(sending, editing, deleting a message) is not made at once: it is recorded, and the
handler gets a stand-in result whose message id is a negative *placeholder*. When the
handler is done, the update's database effects, its "processed" mark and these
recorded answers are committed in one transaction; then the answers are sent, in
order. So:

- a replayed update never applies its effects twice (it is marked processed with them);
- a kill after the commit loses no answer: the next start sends what is still pending;
- a 429 storm or a network outage delays an answer, never drops it: the row waits and
  is sent when Telegram allows, and the chat's later answers queue behind it.

What happens to a send whose outcome is unknown at a kill (the request left, the
process died before recording Telegram's answer): her own answers are sent again at
the next start, so she may see one twice, which is better than never. Announcements,
reminders and activity notices do not go through here: they have their own at-most-once
delivery rows.

A handler that stores the id of a message it just sent (a staff card, a draft's
question) stores the placeholder; once the message is sent, the placeholder is
replaced by the real id in every row of the session that held it, and in later
answers of the same update that reply to, edit or delete that message.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import Table, and_, delete, event, insert, inspect, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ColumnProperty, Mapper, Session
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter, ExtBot

from bot.core import tracking, users
from bot.core.clock import Clock
from bot.core.notify import encode
from bot.core.telegram_retry import longest_wait, retry_after_seconds
from bot.db.models import Base, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

# Calls that change what someone sees; they are recorded and sent after the commit.
DEFERRED_ENDPOINTS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendAudio",
        "sendVideo",
        "sendVideoNote",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "editMessageMedia",
        "deleteMessage",
        "deleteMessages",
        "pinChatMessage",
        "unpinChatMessage",
        "setMessageReaction",
        # A case's topic closes, reopens or goes with its case's change, not before it.
        "closeForumTopic",
        "reopenForumTopic",
        "deleteForumTopic",
        "answerCallbackQuery",
        "sendChatAction",
    }
)
# Worth nothing once the moment has passed: sent after the commit, never stored, and
# alongside the chat's answers rather than behind them. A reaction is how a typed reply
# is acknowledged at once (bot.core.drafting.acknowledge): queued behind an edit that
# waits out a group's 429, it would come as late as the edit and say nothing.
EPHEMERAL_ENDPOINTS = frozenset({"answerCallbackQuery", "sendChatAction", "setMessageReaction"})
# Calls whose result is a new message in the chat (its id is tracked for quick exit).
_MAKES_A_MESSAGE = (
    frozenset(
        e
        for e in DEFERRED_ENDPOINTS
        if e.startswith("send") or e in {"copyMessage", "forwardMessage"}
    )
    - EPHEMERAL_ENDPOINTS
)

# Waiting this long after a network failure before trying a deferred answer again.
NETWORK_RETRY = timedelta(seconds=5)
# A 429 asking to wait longer than this (a group's 20 messages a minute: up to a minute)
# is not sat out: the answer waits as a row, sent by the sweep once allowed. Sitting it
# out would hold the chat's lane (bot.core.update_pipeline), and with it the chat's next
# updates — a staff member's next press would get no answer, not even its "✓", for a
# minute. Shorter waits (a private chat's one message a second) are sat out in place.
LONGEST_WAIT_IN_LANE = 5.0
# Finished answers are recorded together, in one transaction per this many seconds.
BOOKKEEPING_DELAY = 0.02

# (session, tokens) -> the tokens whose process is gone (bot.core.liveness.ProcessLiveness).
DeadTokens = Callable[[AsyncSession, Iterable[str]], Awaitable[set[str]]]

# Built once: every update with an answer runs it.
_INSERT = insert(OutboxMessage).returning(OutboxMessage.id, sort_by_parameter_order=True)

current_recorder: ContextVar[OutboxRecorder | None] = ContextVar("current_recorder", default=None)


def new_placeholder() -> int:
    """A negative stand-in message id; random, so no two pending answers share one."""
    return -(secrets.randbits(52) + 1)


@dataclass
class Intent:
    """One recorded Bot API call: what it is, to which chat, with which parameters."""

    endpoint: str
    chat_id: int
    params: dict[str, str]
    placeholder: int | None = None
    fallback: list[Intent] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "chat_id": self.chat_id, "params": self.params}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Intent:
        return cls(data["endpoint"], int(data["chat_id"]), dict(data["params"]))


class OutboxRecorder:
    """Collects one update's answers while its handlers run."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.intents: list[Intent] = []
        self.ephemeral: list[Intent] = []
        self.closed = False
        # Set while a handler needs a call's outcome at once (see BotContext.immediately).
        self.bypass = False
        # placeholder -> rows of the update holding it: [[table, {pk: value}, column], ...]
        self.fixups: dict[int, list[list[Any]]] = {}

    def record(self, endpoint: str, data: dict[str, Any]) -> Any:
        """Record a call; return the stand-in result, or None to make the call now.

        Uploads of new files are made now: their bytes are not worth keeping in the
        database (they are staff's QR posters, which staff can ask for again).
        """
        if self.bypass:
            return None
        params = encode(data)
        if params is None:
            return None
        chat_id = _chat_of(params)
        intent = Intent(endpoint, chat_id, params)
        if endpoint in EPHEMERAL_ENDPOINTS:
            self.ephemeral.append(intent)
            return True
        if endpoint in _MAKES_A_MESSAGE or endpoint == "copyMessage":
            intent.placeholder = new_placeholder()
        self.intents.append(intent)
        return _stand_in(intent, self.now)

    @property
    def placeholders(self) -> set[int]:
        return {i.placeholder for i in self.intents if i.placeholder is not None}

    @property
    def any_placeholder(self) -> bool:
        return any(i.placeholder is not None for i in self.intents)

    def discard(self) -> None:
        """The update failed: its answers so far go with its rolled-back effects."""
        self.intents.clear()

    def split_off(self, start: int) -> list[Intent]:
        """Take the intents recorded since `start` out of the list (to make a fallback)."""
        taken = self.intents[start:]
        del self.intents[start:]
        return taken


def _chat_of(params: dict[str, str]) -> int:
    raw = params.get("chat_id")
    if raw is None:
        return 0  # inline messages and callback answers have no chat
    try:
        return int(raw)
    except ValueError:
        return 0  # a @channel username: not something this bot writes to


def _stand_in(intent: Intent, now: datetime) -> Any:
    """What Telegram would answer, as far as a handler needs it."""
    if intent.endpoint == "copyMessage":
        return {"message_id": intent.placeholder}
    if intent.endpoint not in _MAKES_A_MESSAGE:
        return True
    message = {
        "message_id": intent.placeholder,
        "date": int(now.timestamp()),
        "chat": {"id": intent.chat_id, "type": "private" if intent.chat_id > 0 else "supergroup"},
    }
    return [message] if intent.endpoint == "sendMediaGroup" else message


@dataclass
class Pending:
    """An answer written to the outbox and not yet recorded as sent."""

    id: int
    chat_id: int
    endpoint: str
    params: dict[str, str]
    fallback: str | None = None
    placeholder: int | None = None
    fixups: str | None = None
    not_before: datetime | None = None

    @classmethod
    def of(cls, row: OutboxMessage) -> Pending:
        return cls(
            row.id,
            row.chat_id,
            row.endpoint,
            json.loads(row.params or "{}"),
            row.fallback,
            row.placeholder,
            row.fixups,
            row.not_before,
        )


class Outcome(Enum):
    SENT = "sent"
    DROPPED = "dropped"  # Telegram refused it for good (blocked, bad request)
    DEFERRED = "deferred"  # try again later (429, network)


@dataclass
class _Finished:
    row_id: int
    chat_id: int
    endpoint: str
    outcome: Outcome
    message_id: int | None = None
    placeholder: int | None = None
    fixups: str | None = None
    blocked: bool = False


class OutboxSender:
    """Writes an update's answers with its effects, and sends them."""

    def __init__(
        self,
        bot: ExtBot[Any],
        session_factory: async_sessionmaker[AsyncSession],
        clock: Clock,
        token: str,
    ) -> None:
        self.bot = bot
        self.session_factory = session_factory
        self.clock = clock
        self.token = token
        # Chats whose answers wait (a 429, a network failure, rows left by a dead
        # process): their new answers queue behind, so they arrive in order.
        self.backlog: set[int] = set()
        self._resolved: OrderedDict[int, int] = OrderedDict()
        self._finished: list[_Finished] = []
        self._due = asyncio.Event()
        self._bookkeeper: asyncio.Task[None] | None = None
        self._sweeping = asyncio.Lock()
        self.sent = 0
        self.deferred = 0
        # Called with (chat id, topic) when a send's forum topic was deleted by hand, so
        # whatever pointed at it makes a new one next time (bot.core.forum_topics).
        self.thread_gone: Callable[[int, int], Awaitable[None]] | None = None

    # ── writing ────────────────────────────────────────────────────────────────

    async def write(
        self,
        session: AsyncSession,
        update_id: int | None,
        recorder: OutboxRecorder,
        *,
        with_fixups: bool = True,
    ) -> list[Pending]:
        """Add the recorded answers to the update's transaction (the caller commits)."""
        if not recorder.intents:
            return []
        fixups: dict[int, list[list[Any]]] = {}
        if with_fixups and recorder.any_placeholder:
            await session.flush()  # rows holding placeholders are noted at each flush
            fixups = recorder.fixups
        now = self.clock.now()
        pending = [
            Pending(
                0,
                intent.chat_id,
                intent.endpoint,
                intent.params,
                fallback=(
                    json.dumps([f.to_json() for f in intent.fallback], ensure_ascii=False)
                    if intent.fallback
                    else None
                ),
                placeholder=intent.placeholder,
                fixups=(
                    json.dumps(fixups[intent.placeholder]) if intent.placeholder in fixups else None
                ),
            )
            for intent in recorder.intents
        ]
        values = [
            {
                "update_id": update_id,
                "chat_id": row.chat_id,
                "endpoint": row.endpoint,
                "params": json.dumps(row.params, ensure_ascii=False),
                "fallback": row.fallback,
                "placeholder": row.placeholder,
                "fixups": row.fixups,
                "status": OutboxStatus.PENDING.value,
                "claimed_by": self.token,
                "attempts": 0,
                "created_at": now,
            }
            for row in pending
        ]
        # One multi-row INSERT; the ids come back in the order of the answers.
        ids = (await session.scalars(_INSERT, values)).all()
        for row, row_id in zip(pending, ids, strict=True):
            row.id = row_id
        return pending

    # ── sending ────────────────────────────────────────────────────────────────

    async def deliver(self, rows: Sequence[Pending], ephemeral: Sequence[Intent]) -> None:
        """Send an update's answers, just committed, in order.

        The answer to her pressed button (which only stops its spinner, or shows a pop-up)
        goes alongside, not before: waiting for it cost every answer one round trip."""
        answering = asyncio.create_task(self._answer(ephemeral)) if ephemeral else None
        deferred_chats: set[int] = set()
        for row in rows:
            if row.chat_id in self.backlog or row.chat_id in deferred_chats:
                deferred_chats.add(row.chat_id)
                await self._defer([row.id], self.clock.now())
                continue
            finished = await self._send(row)
            if finished.outcome is Outcome.DEFERRED:
                deferred_chats.add(row.chat_id)
            self._finish(finished)
        if answering is not None:
            await answering

    async def _answer(self, ephemeral: Sequence[Intent]) -> None:
        for intent in ephemeral:
            with contextlib.suppress(TelegramError):
                await self.bot._post(intent.endpoint, dict(intent.params))

    async def _send(self, row: Pending) -> _Finished:
        params = await self._resolve(row.params)
        done = _Finished(row.id, row.chat_id, row.endpoint, Outcome.SENT)
        done.placeholder, done.fixups = row.placeholder, row.fixups
        if params is None:  # it edits or deletes a message that was never sent
            done.outcome = Outcome.DROPPED
            return done
        try:
            result = await self._post(row.endpoint, params)
        except RetryAfter as exc:
            log.warning(
                "Telegram asked to wait %.0fs; an answer waits in the outbox",
                retry_after_seconds(exc),
            )
            await self._defer_chat(row, timedelta(seconds=retry_after_seconds(exc)))
            done.outcome = Outcome.DEFERRED
            return done
        except Forbidden:
            done.outcome, done.blocked = Outcome.DROPPED, row.chat_id > 0
            return done
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return done
            if "message_thread_id" in params and "thread not found" in str(exc).lower():
                return await self._send_outside_topic(row, params, done, exc)
            return await self._send_fallback(row, done, exc)
        except NetworkError as exc:  # includes TimedOut: her answer may be sent again
            log.warning(
                "an answer could not reach Telegram (%s); it waits in the outbox",
                type(exc).__name__,
            )
            await self._defer_chat(row, NETWORK_RETRY)
            done.outcome = Outcome.DEFERRED
            return done
        done.message_id = _message_id(result)
        return done

    async def _send_outside_topic(
        self, row: Pending, params: dict[str, str], done: _Finished, error: BadRequest
    ) -> _Finished:
        """Its forum topic was deleted by hand: send it to the chat's General topic, and
        let whatever pointed at the topic make a new one next time."""
        thread = int(params.pop("message_thread_id"))
        log.info("a staff topic was deleted; an answer goes to the General topic")
        if self.thread_gone is not None:
            try:
                await self.thread_gone(row.chat_id, thread)
            except Exception:
                log.exception("could not forget a deleted topic")
        try:
            result = await self._post(row.endpoint, params)
        except TelegramError:
            return await self._send_fallback(row, done, error)
        done.message_id = _message_id(result)
        return done

    async def _post(self, endpoint: str, params: dict[str, str]) -> Any:
        bound = longest_wait.set(LONGEST_WAIT_IN_LANE)
        try:
            return await self.bot._post(endpoint, params)
        finally:
            longest_wait.reset(bound)

    async def _send_fallback(self, row: Pending, done: _Finished, error: BadRequest) -> _Finished:
        alternatives = [Intent.from_json(f) for f in json.loads(row.fallback or "[]")]
        if not alternatives:
            # Only the method and Telegram's reason: never the parameters (her words).
            log.warning("Telegram refused %s: %s", row.endpoint, error.message)
            done.outcome = Outcome.DROPPED
            return done
        done.message_id = None
        for alternative in alternatives:
            params = await self._resolve(alternative.params)
            if params is None:
                continue
            try:
                result = await self._post(alternative.endpoint, params)
            except TelegramError as exc:
                log.info("Telegram refused the fallback %s: %s", alternative.endpoint, exc)
                continue
            if alternative.endpoint in _MAKES_A_MESSAGE and done.message_id is None:
                done.message_id = _message_id(result)
                done.endpoint = alternative.endpoint
        return done

    async def _resolve(self, params: dict[str, str]) -> dict[str, str] | None:
        """Put real message ids where the handler saw placeholders."""
        out = dict(params)
        if "message_id" in out and out["message_id"].lstrip("-").isdigit():
            value = int(out["message_id"])
            if value < 0:
                real = await self._real_id(value)
                if real is None:
                    return None
                out["message_id"] = str(real)
        if "message_ids" in out:
            ids = json.loads(out["message_ids"])
            reals = [i if i > 0 else await self._real_id(i) for i in ids]
            kept = [i for i in reals if i is not None]
            if not kept:
                return None
            out["message_ids"] = json.dumps(kept)
        if "reply_parameters" in out:
            reply = json.loads(out["reply_parameters"])
            target = reply.get("message_id")
            if isinstance(target, int) and target < 0:
                real = await self._real_id(target)
                if real is None:
                    del out["reply_parameters"]
                else:
                    reply["message_id"] = real
                    out["reply_parameters"] = json.dumps(reply)
        return out

    async def _real_id(self, placeholder: int) -> int | None:
        if placeholder in self._resolved:
            return self._resolved[placeholder]
        await self._flush()  # it may have been sent a moment ago
        async with self.session_factory() as session:
            found = await session.scalar(
                select(OutboxMessage.sent_message_id).where(
                    OutboxMessage.placeholder == placeholder
                )
            )
        return found

    def _finish(self, finished: _Finished) -> None:
        if finished.outcome is Outcome.SENT:
            self.sent += 1
            if finished.placeholder is not None and finished.message_id is not None:
                self._resolved[finished.placeholder] = finished.message_id
                while len(self._resolved) > 10_000:
                    self._resolved.popitem(last=False)
        self._finished.append(finished)
        self._due.set()

    async def _defer_chat(self, row: Pending, wait: timedelta) -> None:
        self.deferred += 1
        async with self.session_factory() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id)
                .values(
                    not_before=self.clock.now() + wait,
                    attempts=OutboxMessage.attempts + 1,
                    claimed_by=self.token,
                )
            )
        # Only once the wait is recorded, or a sweep could send it at once.
        self.backlog.add(row.chat_id)

    async def _defer(self, row_ids: list[int], when: datetime) -> None:
        async with self.session_factory() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(row_ids))
                .values(not_before=when, claimed_by=self.token)
            )

    # ── bookkeeping ────────────────────────────────────────────────────────────

    def start(self) -> None:
        self._bookkeeper = asyncio.create_task(self._keep_books(), name="outbox-bookkeeper")

    async def stop(self) -> None:
        if self._bookkeeper is not None:
            self._bookkeeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._bookkeeper
        await self._flush()

    @property
    def busy(self) -> bool:
        return bool(self._finished)

    def unrecorded_messages(self, chat_id: int) -> list[int]:
        """Messages just sent to this chat whose ids are not yet in the database (the
        batch records them a moment later): quick exit must delete them too."""
        return [
            f.message_id
            for f in self._finished
            if f.chat_id == chat_id and f.message_id is not None and f.outcome is Outcome.SENT
        ]

    async def _keep_books(self) -> None:
        """Record sent answers in one transaction per batch (one each cost as much as the
        update's own work). A kill before the batch is recorded re-sends those answers."""
        while True:
            await self._due.wait()
            await asyncio.sleep(BOOKKEEPING_DELAY)
            await self._flush()

    async def _flush(self) -> None:
        self._due.clear()
        batch, self._finished = self._finished, []
        batch = [f for f in batch if f.outcome is not Outcome.DEFERRED]
        if not batch:
            return
        now = self.clock.now()
        try:
            async with self.session_factory() as session, session.begin():
                await _record(session, batch, now)
        except Exception:
            log.exception("could not record %d sent answer(s); they may be sent again", len(batch))

    # ── after a crash, and after a 429 ─────────────────────────────────────────

    async def recover(self, dead_tokens: DeadTokens) -> int:
        """Take over the answers that processes now gone left unsent; they go first, in order.

        `dead_tokens` (bot.core.liveness) says which claim tokens belong to processes that are
        gone; a live replica's answers are its own. Returns how many chats had some.
        """
        async with self.session_factory() as session, session.begin():
            tokens = {
                token
                for token in (
                    await session.scalars(
                        select(OutboxMessage.claimed_by)
                        .where(
                            OutboxMessage.status == OutboxStatus.PENDING,
                            OutboxMessage.claimed_by != self.token,
                        )
                        .distinct()
                    )
                ).all()
                if token is not None
            }
            dead = await dead_tokens(session, tokens) if tokens else set()
            condition = [
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.claimed_by.in_(sorted(dead)),
            ]
            chats = set(
                (await session.scalars(select(OutboxMessage.chat_id).where(*condition))).all()
            )
            if chats:
                await session.execute(
                    update(OutboxMessage)
                    .where(*condition)
                    .values(claimed_by=self.token, not_before=self.clock.now())
                )
        self.backlog |= chats
        return len(chats)

    async def sweep(self) -> None:
        """Send the answers that wait, chat by chat, each chat in order."""
        if not self.backlog or self._sweeping.locked():
            return
        async with self._sweeping:
            for chat_id in sorted(self.backlog):
                await self._drain(chat_id)

    async def _drain(self, chat_id: int) -> None:
        while True:
            now = self.clock.now()
            async with self.session_factory() as session:
                rows = (
                    await session.scalars(
                        select(OutboxMessage)
                        .where(
                            OutboxMessage.status == OutboxStatus.PENDING,
                            OutboxMessage.chat_id == chat_id,
                            OutboxMessage.claimed_by == self.token,
                            # Only rows handed over (deferred, or left by a dead process):
                            # rows just committed belong to the update sending them.
                            OutboxMessage.not_before.is_not(None),
                        )
                        .order_by(OutboxMessage.id)
                        .limit(50)
                    )
                ).all()
            if not rows:
                # No await between this check and the removal: an answer committed
                # meanwhile either was seen here or finds the chat free and goes at once.
                self.backlog.discard(chat_id)
                return
            for row in map(Pending.of, rows):
                if row.not_before is not None and row.not_before > now:
                    return  # Telegram asked us to wait; the next sweep comes back
                finished = await self._send(row)
                self._finish(finished)
                if finished.outcome is Outcome.DEFERRED:
                    return
            await self._flush()


def _message_id(result: Any) -> int | None:
    if isinstance(result, list):
        result = result[0] if result else None
    if isinstance(result, dict) and isinstance(result.get("message_id"), int):
        return int(result["message_id"])
    return None


RECORDER_KEY = "outbox_recorder"


@event.listens_for(Session, "after_flush")
def _note_placeholders(session: Session, _flush_context: Any) -> None:
    """Remember which rows a flush wrote a placeholder into, to put the real id there later.

    After a flush, an object nobody refers to any more may leave the session, so this is
    noted at each flush (new and dirty objects still show here, with primary keys).
    """
    recorder: OutboxRecorder | None = session.info.get(RECORDER_KEY)
    if recorder is None or not recorder.any_placeholder:
        return  # most flushes come before the update sends anything
    placeholders = recorder.placeholders
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        mapper = state.mapper
        for attr in _message_id_attributes(mapper):
            value = state.dict.get(attr.key)
            if value not in placeholders:
                continue
            table = mapper.local_table
            assert isinstance(table, Table)
            key = {
                col.name: state.dict.get(mapper.get_property_by_column(col).key)
                for col in table.primary_key
            }
            fixup = [table.name, key, attr.columns[0].name]
            if fixup not in recorder.fixups.setdefault(value, []):
                recorder.fixups[value].append(fixup)


@functools.cache
def _message_id_attributes(mapper: Mapper[Any]) -> tuple[ColumnProperty[Any], ...]:
    """The columns of a model that can hold a Telegram message id (by their name)."""
    return tuple(a for a in mapper.column_attrs if a.key.endswith("message_id"))


async def _record(session: AsyncSession, batch: list[_Finished], now: datetime) -> None:
    sent = [f for f in batch if f.outcome is Outcome.SENT]
    dropped = [f.row_id for f in batch if f.outcome is Outcome.DROPPED]
    if sent:
        # One statement for the batch (an executemany keyed by primary key).
        await session.execute(
            update(OutboxMessage),
            [
                {
                    "id": f.row_id,
                    "status": OutboxStatus.SENT,
                    # Kept a while only to resolve placeholders: nothing that says whose it was.
                    "chat_id": 0,
                    "params": None,
                    "fallback": None,
                    "fixups": None,
                    "sent_message_id": f.message_id,
                }
                for f in sent
            ],
        )
    for finished in sent:
        if finished.fixups and finished.message_id is not None and finished.placeholder:
            await _apply_fixups(
                session, json.loads(finished.fixups), finished.placeholder, finished.message_id
            )
    if dropped:
        await session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(dropped)))
    for finished in batch:
        if finished.blocked:
            log.info("a woman blocked the bot; marking her inactive")
            await users.set_active(session, finished.chat_id, False)
    await tracking.track(
        session,
        [
            (f.chat_id, f.message_id)
            for f in sent
            if f.chat_id > 0 and f.message_id is not None and f.endpoint in _MAKES_A_MESSAGE
        ],
        now,
    )


async def _apply_fixups(
    session: AsyncSession, fixups: list[Any], placeholder: int, message_id: int
) -> None:
    tables = Base.metadata.tables
    for table_name, key, column in fixups:
        table = tables.get(table_name)
        if table is None:
            continue
        condition = and_(
            *(table.c[name] == value for name, value in key.items()),
            table.c[column] == placeholder,
        )
        await session.execute(update(table).where(condition).values({column: message_id}))


class OutboxInterceptor(BaseRateLimiter[None]):
    """Plugged in as python-telegram-bot's rate limiter, so every Bot API call passes here:
    inside an update, calls that change what someone sees are recorded instead of made;
    everything else goes on to `inner` (the retry policy)."""

    def __init__(self, inner: BaseRateLimiter[None]) -> None:
        self.inner = inner

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Any:
        recorder = current_recorder.get()
        if recorder is not None and not recorder.closed and endpoint in DEFERRED_ENDPOINTS:
            result = recorder.record(endpoint, data)
            if result is not None:
                return result
        return await self.inner.process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
