"""Send broadcasts at a steady rate, each woman at most once, resuming after a restart.

One sender at a time (the job runs with max_instances=1). For each due broadcast it
starts it (materialising its deliveries), then loops: claim a chunk of pending rows
(about 0.1 s worth) and commit; look up who they go to (skipping women who opted out or
became inactive since the start); mark the chunk `attempting` and commit; hand each to
Telegram as the rate limiter allows, several requests in flight at once; record the
outcomes of the chunk in one transaction (handing over and recording: bot.core.mass_send,
shared with activity notices). Meanwhile one message in the staff group
shows its progress, and at the end its summary (bot.broadcasts.progress).

- A 429 that outlives the retry policy pauses everything for the time Telegram asks;
  its delivery (certainly not delivered) goes back to pending, like the armed ones not
  yet handed over.
- She blocked the bot: the delivery is `blocked`, she becomes inactive, never retried.
- A time-out or network error after the request left: `unknown`, never retried (it may
  have arrived; a duplicate announcement is worse than a missing one). Staff see these
  apart from the failed ones, as "unknown (may have arrived)".
- When the bot stops, the loop ends after the requests in flight; armed rows not handed
  over go back to pending. A process killed outright leaves its armed rows `attempting`:
  at the next start (bot.core.liveness knows the process is gone) they become `unknown`
  (at most once) and its claimed-only rows go back to pending. So a restart sends
  nobody twice, skips nobody after a clean stop, and after a crash can only miss women
  counted as unknown: the two chunks armed at that moment (≈0.2 s of messages: the one
  being recorded, whose answers had come, and the one being sent).

Pacing (bot.core.pacing) is shared with activity notices: together they stay within
BROADCAST_MESSAGES_PER_SECOND. With BROADCAST_PAID, announcements carry
`allow_paid_broadcast` (Telegram then allows up to 1,000 a second, for a fee).
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from telegram import InlineKeyboardMarkup

from bot.broadcasts import service as broadcasts
from bot.broadcasts import service_status as broadcast_status
from bot.broadcasts.progress import ProgressReporter
from bot.broadcasts.views import announcement_keyboard
from bot.broadcasts.views_status import remaining
from bot.core import mass_send
from bot.core.context import BotContext, BotData
from bot.core.i18n import Translator
from bot.core.mass_send import Outcomes
from bot.core.notify import encode
from bot.core.pacing import RateLimiter
from bot.db.models import Broadcast, BroadcastStatus

log = logging.getLogger(__name__)

STOP_CALLBACK = "bc:stop"
SENDING = BroadcastStatus.SENDING
CANCELLED = BroadcastStatus.CANCELLED
# Requests in flight at once, and how much time one chunk covers.
MAX_IN_FLIGHT = 64
CHUNK_SECONDS = 0.1


def _token(context: BotContext) -> str:
    job = context.job
    token = job.data if job is not None else None
    assert isinstance(token, str), "the broadcast job needs its claim token as job data"
    return token


async def send_broadcasts(context: BotContext) -> None:
    """The job: start due broadcasts, send them (dead processes' claims: bot.core.claims)."""
    data, token = context.bot_data, _token(context)
    async with data.session_factory() as session, session.begin():
        due = await broadcasts.due_broadcasts(session, data.clock.now())
    limiter = data.broadcast_pace
    for broadcast_id in due:
        if not context.application.running:
            return
        await send_broadcast(
            data, token, broadcast_id, limiter, lambda: context.application.running
        )


@dataclass(frozen=True)
class _Announcement:
    """What every woman gets: the text, the photo, and the buttons in her language."""

    text: str
    photo: str | None
    activity_id: int | None
    occurrence: datetime | None
    keyboards: dict[str, InlineKeyboardMarkup] = field(default_factory=dict)

    encoded: dict[tuple[str, bool], dict[str, str]] = field(default_factory=dict)

    def markup(self, t: Translator) -> InlineKeyboardMarkup:
        if t.locale not in self.keyboards:
            self.keyboards[t.locale] = announcement_keyboard(t, self.activity_id, self.occurrence)
        return self.keyboards[t.locale]

    def request(self, t: Translator, paid: bool) -> tuple[str, dict[str, str]]:
        """The Bot API call for her language, encoded once: at hundreds a second, building
        and parsing Telegram objects for every woman was a large share of the CPU."""
        key = (t.locale, paid)
        if key not in self.encoded:
            common = {"reply_markup": self.markup(t), "allow_paid_broadcast": paid or None}
            if self.photo:
                params = {"photo": self.photo, "caption": self.text[:1024], **common}
            else:
                params = {"text": self.text, **common}
            encoded = encode(params)
            assert encoded is not None, "an announcement sends a photo Telegram already has"
            self.encoded[key] = encoded
        return ("sendPhoto" if self.photo else "sendMessage"), self.encoded[key]


async def send_broadcast(
    data: BotData,
    token: str,
    broadcast_id: int,
    limiter: RateLimiter,
    keep_going: Callable[[], bool],
) -> None:
    """Send one broadcast until it is done or the bot stops."""
    now = data.clock.now()
    async with data.session_factory() as session, session.begin():
        created = await broadcasts.start(session, broadcast_id, now)
        broadcast = await session.get(Broadcast, broadcast_id, populate_existing=True)
        if broadcast is None:
            return
        occurrence = await broadcast_status.announced_occurrence(
            session, broadcast, now, data.settings.timezone
        )
        announcement = _Announcement(
            broadcast.text, broadcast.photo_file_id, broadcast.activity_id, occurrence
        )
        reporter = ProgressReporter(
            data,
            broadcast_id,
            limiter,
            chat_id=broadcast.progress_chat_id,
            message_id=broadcast.progress_message_id,
            started_at=broadcast.started_at,
        )
    if created:
        log.info("broadcast %s started: %s recipients", broadcast_id, created)
    reporter.begin()
    chunk = max(1, math.ceil(data.settings.broadcast_messages_per_second * CHUNK_SECONDS))
    in_flight = asyncio.Semaphore(MAX_IN_FLIGHT)
    # While one chunk's last answers arrive and are recorded, the next is claimed and
    # sent: the database round trips do not leave gaps in the pace.
    finishing: deque[asyncio.Task[None]] = deque()
    try:
        while keep_going():
            async with data.session_factory() as session, session.begin():
                batch = await broadcasts.claim_batch(
                    session, broadcast_id, data.clock.now(), token, chunk
                )
            if not batch:
                break
            finishing.append(
                await _send_chunk(data, token, batch, announcement, limiter, in_flight, keep_going)
            )
            while len(finishing) > 1:
                await finishing.popleft()
            reporter.tick()
    finally:
        while finishing:
            await finishing.popleft()
    await _conclude(data, broadcast_id, reporter)


async def _conclude(data: BotData, broadcast_id: int, reporter: ProgressReporter) -> None:
    """Once nothing is left to send: the summary first, then done (a crash in between
    only means the summary is shown again, unchanged, at the next run)."""
    async with data.session_factory() as session:
        counts = await broadcasts.progress(session, broadcast_id)
        status = await session.scalar(select(Broadcast.status).where(Broadcast.id == broadcast_id))
    finished = remaining(counts) == 0 and status in (SENDING, CANCELLED)
    if not finished:
        await reporter.close()
        return
    await reporter.finish(counts, cancelled=status == CANCELLED)
    async with data.session_factory() as session, session.begin():
        if await broadcasts.finish_if_complete(session, broadcast_id, data.clock.now()):
            log.info("broadcast %s done: %s", broadcast_id, counts)


async def _send_chunk(
    data: BotData,
    token: str,
    batch: list[broadcasts.ClaimedDelivery],
    announcement: _Announcement,
    limiter: RateLimiter,
    in_flight: asyncio.Semaphore,
    keep_going: Callable[[], bool],
) -> asyncio.Task[None]:
    """Arm and launch a chunk; the returned task waits for its answers and records them."""
    outcomes = Outcomes()
    async with data.session_factory() as session, session.begin():
        people = await broadcasts.recipients(session, [item.user_id for item in batch])
        usable = []
        for item in batch:
            person = people.get(item.user_id)
            if person is None or not person.reachable:
                outcomes.failed[item.id] = "skipped: opted out, inactive or data deleted"
            else:
                usable.append(item)
        await broadcasts.mark_failed(
            session, list(outcomes.failed), token, data.clock.now(), "skipped"
        )
        outcomes.failed.clear()
        await broadcasts.begin_attempt(session, [i.id for i in usable], token, data.clock.now())
        armed = await broadcasts.attempting_ids(session, [i.id for i in usable], token)
    tasks: list[asyncio.Task[None]] = []
    for index, item in enumerate(usable):
        if item.id not in armed:
            continue
        if not keep_going():
            outcomes.release.extend(i.id for i in usable[index:] if i.id in armed)
            break
        await in_flight.acquire()
        await limiter.acquire(item.user_id)
        person = people[item.user_id]
        tasks.append(
            asyncio.create_task(
                _send_one(data, item, person, announcement, limiter, in_flight, outcomes)
            )
        )
    return asyncio.create_task(_finish_chunk(data, token, tasks, outcomes))


async def _finish_chunk(
    data: BotData, token: str, tasks: list[asyncio.Task[None]], outcomes: Outcomes
) -> None:
    if tasks:
        await asyncio.gather(*tasks)
    await _record(data, token, outcomes)


def _send_one(
    data: BotData,
    item: broadcasts.ClaimedDelivery,
    person: broadcasts.Recipient,
    announcement: _Announcement,
    limiter: RateLimiter,
    in_flight: asyncio.Semaphore,
    outcomes: Outcomes,
) -> Coroutine[Any, Any, None]:
    async def send() -> int | None:
        # Like every message she gets: the quick exit is one tap away (for_her).
        endpoint, params = announcement.request(
            data.catalogs.get(person.locale), data.settings.broadcast_paid
        )
        return await data.notifier.post_prepared(item.user_id, endpoint, params)

    return mass_send.deliver(
        item.id, send, limiter, in_flight, outcomes, user_id=item.user_id, what="broadcast delivery"
    )


async def _record(data: BotData, token: str, outcomes: Outcomes) -> None:
    async with data.session_factory() as session, session.begin():
        await mass_send.record(session, broadcasts, token, data.clock.now(), outcomes)
