"""Sending one message to many women, each at most once: what announcements
(bot.broadcasts.jobs) and activity notices (bot.activities.jobs_notices) share.

Both follow one lifecycle (bot.core.delivery_claims): claim a chunk, commit; arm it,
commit; hand each row to Telegram within the shared rate (bot.core.pacing); record the
chunk's outcomes in one transaction. Here: handing one row over and sorting its outcome,
and recording a chunk's outcomes.

- A 429 that outlives the retry policy pauses everything for the time Telegram asks;
  the row (certainly not delivered) goes back to pending.
- She blocked the bot: blocked (she becomes inactive), never retried.
- Refused: failed. A time-out or network error after the request left: unknown, never
  sent again (it may have arrived; a duplicate is worse than a missing one).
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.core import tracking
from bot.core.notify import Notifier, RecipientGone
from bot.core.pacing import RateLimiter
from bot.core.telegram_retry import retry_after_seconds

if TYPE_CHECKING:
    from bot.core.context import BotData

log = logging.getLogger(__name__)


@dataclass
class Outcomes:
    """A chunk's outcomes by row id, recorded together (`record`)."""

    sent: list[int] = field(default_factory=list)
    blocked: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    unknown: dict[int, str] = field(default_factory=dict)
    release: list[int] = field(default_factory=list)
    # (her chat, the message's id): messages the bot can delete when she asks.
    tracked: list[tuple[int, int]] = field(default_factory=list)


class DeliveryMarks(Protocol):
    """The service functions that record outcomes (bot.broadcasts.service,
    bot.activities.service_notices): each only touches rows claimed by `token`."""

    async def mark_sent(
        self, session: AsyncSession, ids: Sequence[int], token: str, now: datetime
    ) -> int: ...

    async def mark_blocked(
        self, session: AsyncSession, ids: Sequence[int], token: str, now: datetime
    ) -> int: ...

    async def mark_failed(
        self, session: AsyncSession, ids: Sequence[int], token: str, now: datetime, error: str
    ) -> int: ...

    async def mark_unknown(
        self, session: AsyncSession, ids: Sequence[int], token: str, now: datetime, error: str
    ) -> int: ...

    async def release(self, session: AsyncSession, ids: Sequence[int], token: str) -> int: ...


async def deliver(
    row_id: int,
    send: Callable[[], Awaitable[int | None]],
    limiter: RateLimiter,
    in_flight: asyncio.Semaphore,
    outcomes: Outcomes,
    *,
    user_id: int,
    what: str,
) -> None:
    """Hand one row to Telegram (`send` returns the new message's id) and sort its
    outcome into `outcomes`; frees its place in the limiter and in `in_flight`.
    `what` names the row in the log ("broadcast delivery 12")."""
    try:
        message_id = await send()
    except RetryAfter as exc:
        wait = retry_after_seconds(exc)
        log.warning("%s: Telegram asked to wait %.1fs; pausing", what, wait)
        limiter.pause(wait)
        outcomes.release.append(row_id)
    except RecipientGone:
        outcomes.blocked.append(row_id)
    except (BadRequest, Forbidden) as exc:
        outcomes.failed[row_id] = f"refused: {exc}"
    except (NetworkError, TelegramError) as exc:
        # Maybe delivered (the request may have left): unknown, never sent again.
        outcomes.unknown[row_id] = f"outcome unknown: {exc}"
    except Exception as exc:
        log.exception("%s %s", what, row_id)
        outcomes.unknown[row_id] = f"error: {exc!r}"
    else:
        outcomes.sent.append(row_id)
        if message_id is not None:
            outcomes.tracked.append((user_id, message_id))
    finally:
        limiter.done(user_id)
        in_flight.release()


async def record(
    session: AsyncSession, marks: DeliveryMarks, token: str, now: datetime, outcomes: Outcomes
) -> None:
    """Write a chunk's outcomes (the caller's transaction)."""
    await marks.mark_sent(session, outcomes.sent, token, now)
    await marks.mark_blocked(session, outcomes.blocked, token, now)
    for row_id, error in outcomes.failed.items():
        await marks.mark_failed(session, [row_id], token, now, error)
    for row_id, error in outcomes.unknown.items():
        await marks.mark_unknown(session, [row_id], token, now, error)
    await marks.release(session, outcomes.release, token)
    if outcomes.tracked:
        await tracking.track(session, outcomes.tracked, now)


@dataclass(frozen=True)
class Rendered:
    """One row's message, ready to send (activity notices, network notices, club
    invitations); `sensitive` ones arrive silently and cannot be forwarded."""

    row_id: int
    user_id: int
    text: str
    markup: InlineKeyboardMarkup
    sensitive: bool = False


async def send_rendered(
    notifier: Notifier,
    ready: Sequence[Rendered],
    limiter: RateLimiter,
    keep_going: Callable[[], bool],
    *,
    paid: bool,
    what: str,
    max_in_flight: int = 32,
) -> Outcomes:
    """Send armed rows within the rate, several in flight; rows not handed over when
    `keep_going` turns false go back (release). Returns the outcomes to `record`."""
    outcomes = Outcomes()
    in_flight = asyncio.Semaphore(max_in_flight)
    tasks: list[asyncio.Task[None]] = []
    for index, item in enumerate(ready):
        if not keep_going():
            outcomes.release.extend(r.row_id for r in ready[index:])
            break
        await in_flight.acquire()
        await limiter.acquire(item.user_id)

        async def send(item: Rendered = item) -> int:
            message = await notifier.send(
                item.user_id, item.text, item.markup, sensitive=item.sensitive, paid=paid
            )
            return message.message_id

        tasks.append(
            asyncio.create_task(
                deliver(
                    item.row_id, send, limiter, in_flight, outcomes, user_id=item.user_id, what=what
                )
            )
        )
    if tasks:
        await asyncio.gather(*tasks)
    return outcomes


class PendingRows(DeliveryMarks, Protocol):
    """A service whose rows are claimed a chunk at a time and armed before sending
    (bot.activities.service_notices, bot.activities.service_club)."""

    async def claim_batch(
        self, session: AsyncSession, now: datetime, token: str, limit: int
    ) -> Sequence[Any]: ...

    async def begin_attempt(
        self, session: AsyncSession, ids: Sequence[int], token: str, now: datetime
    ) -> set[int]: ...


Render = Callable[[AsyncSession, Sequence[Any]], Awaitable[tuple[list[Rendered], list[int]]]]


async def send_pending(
    data: BotData,
    rows: PendingRows,
    render: Render,
    token: str,
    keep_going: Callable[[], bool],
    *,
    what: str,
    skipped: str,
    chunk_seconds: float = 0.2,
    max_in_flight: int = 32,
) -> None:
    """Send pending rows until none is left or `keep_going` turns false: claim a chunk
    and render it (rows `render` skips are failed with `skipped`), commit; arm, commit;
    send within the broadcast rate; record the outcomes, commit."""
    chunk = max(1, math.ceil(data.settings.broadcast_messages_per_second * chunk_seconds))
    while keep_going():
        async with data.session_factory() as session, session.begin():
            claimed = await rows.claim_batch(session, data.clock.now(), token, chunk)
            if not claimed:
                return
            ready, left_out = await render(session, claimed)
            await rows.mark_failed(session, left_out, token, data.clock.now(), skipped)
        async with data.session_factory() as session, session.begin():
            armed = await rows.begin_attempt(
                session, [r.row_id for r in ready], token, data.clock.now()
            )
        outcomes = await send_rendered(
            data.notifier,
            [r for r in ready if r.row_id in armed],
            data.broadcast_pace,
            keep_going,
            paid=data.settings.broadcast_paid,
            what=what,
            max_in_flight=max_in_flight,
        )
        async with data.session_factory() as session, session.begin():
            await record(session, rows, token, data.clock.now(), outcomes)
