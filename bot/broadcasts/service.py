"""Broadcasts: announcements from the office to a segment of women, each sent at most once.

A broadcast is written as a draft, optionally scheduled for `send_at`, then started:
`start` materialises one `BroadcastDelivery` row per recipient in one INSERT … SELECT
(idempotent through UNIQUE(broadcast_id, user_id)). The sender (bot.broadcasts.jobs)
then follows the same claim → attempt → record order as reminders:

- `claim_batch` takes pending rows for one process (portable UPDATE … WHERE id IN
  (SELECT … FOR UPDATE SKIP LOCKED) RETURNING, see bot.appointments.service_reminders
  for why it never hands a row out twice); commit;
- `begin_attempt` marks the rows about to be handed to Telegram `attempting`; commit;
- `mark_sent` / `mark_blocked` / `mark_failed` / `mark_unknown` record the outcome;
  `release` gives back rows this process claimed or armed but certainly did not send
  (a 429, a stop).

A process that dies leaves claims behind; as soon as bot.core.liveness says it is gone (at
the next start-up, or within half a minute when another process runs),
`delivery_claims.release_dead_claims` puts never-attempted rows back to pending (she
certainly did not get it) and marks attempted ones `unknown` (she may have got it):
at most once, never twice on her phone. Staff see those as "unknown (may have
arrived)", apart from the failed ones.

Audiences (who it reaches) are described in bot.broadcasts.service_audiences. Staff see
one progress message per broadcast (`progress_chat_id/progress_message_id`), edited
by the sender (see bot.broadcasts.service_status). An announcement about an activity
(`activity_id`, optionally one `occurrence_start`) carries a button to see that date
and sign up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts.service_audiences import (
    AUDIENCE_KINDS,
    AudienceError,
    audience_query,
    occurrence_of,
    validate_audience,
)
from bot.core.delivery_claims import DeliveryOutcomes
from bot.core.errors import InvalidInput
from bot.db.models import Broadcast, BroadcastDelivery, BroadcastStatus, DeliveryStatus, User

# With the outcome marks: bot.core.mass_send.DeliveryMarks (mypy reads a module through
# its __all__).
__all__ = [
    "AUDIENCE_KINDS",
    "AudienceError",
    "audience_query",
    "mark_blocked",
    "mark_failed",
    "mark_sent",
    "mark_unknown",
    "occurrence_of",
    "release",
    "validate_audience",
]

PENDING = DeliveryStatus.PENDING
CLAIMED = DeliveryStatus.CLAIMED
ATTEMPTING = DeliveryStatus.ATTEMPTING
SENT = DeliveryStatus.SENT
BLOCKED = DeliveryStatus.BLOCKED
FAILED = DeliveryStatus.FAILED
UNKNOWN = DeliveryStatus.UNKNOWN
_UNFINISHED = (PENDING, CLAIMED, ATTEMPTING)
# Longest text Telegram accepts: a message, and a photo's caption (UTF-16 code units).
MAX_TEXT = 4096
MAX_CAPTION = 1024


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: most emoji count two)."""
    return len(text.encode("utf-16-le")) // 2


async def count_recipients(
    session: AsyncSession, audience: dict[str, Any], now: datetime | None = None
) -> int:
    subquery = audience_query(audience, now).subquery()
    return int(await session.scalar(select(func.count()).select_from(subquery)) or 0)


class TextDoesNotFit(InvalidInput, ValueError):
    """The text is empty, or longer than a message (or a photo's caption) can be."""


async def create(
    session: AsyncSession,
    *,
    text: str,
    audience: dict[str, Any],
    created_by: int | None,
    now: datetime,
    photo_file_id: str | None = None,
    activity_id: int | None = None,
    occurrence_start: datetime | None = None,
) -> Broadcast:
    """A draft; TextDoesNotFit when the text is empty or longer than Telegram allows."""
    limit = MAX_CAPTION if photo_file_id else MAX_TEXT
    if not text.strip() or telegram_length(text) > limit:
        raise TextDoesNotFit(f"the text must be 1-{limit} characters")
    broadcast = Broadcast(
        text=text,
        photo_file_id=photo_file_id,
        audience=validate_audience(dict(audience)),
        status=BroadcastStatus.DRAFT.value,
        created_by=created_by,
        created_at=now,
        activity_id=activity_id,
        occurrence_start=occurrence_start,
    )
    session.add(broadcast)
    await session.flush()
    return broadcast


async def find(session: AsyncSession, broadcast_id: int) -> Broadcast | None:
    return await session.get(Broadcast, broadcast_id)


async def schedule(session: AsyncSession, broadcast_id: int, send_at: datetime) -> bool:
    """Schedule a draft (or move a scheduled one); the sender starts it at `send_at`."""
    result: Any = await session.execute(
        update(Broadcast)
        .where(
            Broadcast.id == broadcast_id,
            Broadcast.status.in_([BroadcastStatus.DRAFT.value, BroadcastStatus.SCHEDULED.value]),
        )
        .values(status=BroadcastStatus.SCHEDULED.value, send_at=send_at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def cancel(session: AsyncSession, broadcast_id: int, now: datetime) -> bool:
    """Stop a broadcast: what was not yet claimed is never sent."""
    result: Any = await session.execute(
        update(Broadcast)
        .where(
            Broadcast.id == broadcast_id,
            Broadcast.status.not_in([BroadcastStatus.DONE.value, BroadcastStatus.CANCELLED.value]),
        )
        .values(status=BroadcastStatus.CANCELLED.value, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(BroadcastDelivery)
        .where(BroadcastDelivery.broadcast_id == broadcast_id, BroadcastDelivery.status == PENDING)
        .values(status=FAILED, error="cancelled")
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def _insert_for(session: AsyncSession) -> Any:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(BroadcastDelivery)
    if name == "sqlite":
        return sqlite.insert(BroadcastDelivery)
    raise NotImplementedError(f"no idempotent insert for {name}")


async def materialise(
    session: AsyncSession,
    broadcast_id: int,
    audience: dict[str, Any],
    now: datetime | None = None,
) -> int:
    """One pending delivery per recipient; rows that exist already are left alone."""
    recipients = audience_query(audience, now).subquery()
    source = select(
        literal(broadcast_id).label("broadcast_id"),
        recipients.c.id.label("user_id"),
        literal(PENDING).label("status"),
    ).where(recipients.c.id.is_not(None))
    statement = (
        _insert_for(session)
        .from_select(["broadcast_id", "user_id", "status"], source)
        .on_conflict_do_nothing(index_elements=["broadcast_id", "user_id"])
    )
    result: Any = await session.execute(statement)
    return int(result.rowcount or 0)


async def start(session: AsyncSession, broadcast_id: int, now: datetime) -> int:
    """Draft or scheduled → sending, with its deliveries; returns deliveries written.

    Idempotent: a broadcast already sending (or done, cancelled) is left as it is and
    0 is returned; the unique constraint keeps a woman from getting two rows anyway.
    """
    broadcast = await session.get(Broadcast, broadcast_id, populate_existing=True)
    if broadcast is None:
        return 0
    result: Any = await session.execute(
        update(Broadcast)
        .where(
            Broadcast.id == broadcast_id,
            Broadcast.status.in_([BroadcastStatus.DRAFT.value, BroadcastStatus.SCHEDULED.value]),
        )
        .values(status=BroadcastStatus.SENDING.value, started_at=now)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        return 0
    return await materialise(session, broadcast_id, broadcast.audience, now)


async def due_broadcasts(session: AsyncSession, now: datetime) -> list[int]:
    """Ids of broadcasts to work on: scheduled ones whose time came, and those sending."""
    scheduled_due = (Broadcast.status == BroadcastStatus.SCHEDULED.value) & (
        Broadcast.send_at <= now
    )
    sending = Broadcast.status == BroadcastStatus.SENDING.value
    rows = await session.scalars(
        select(Broadcast.id).where(scheduled_due | sending).order_by(Broadcast.id)
    )
    return list(rows.all())


async def next_scheduled_at(session: AsyncSession, now: datetime) -> datetime | None:
    """When the next scheduled broadcast starts (after `now`), if one is scheduled."""
    send_at: datetime | None = await session.scalar(
        select(Broadcast.send_at)
        .where(Broadcast.status == BroadcastStatus.SCHEDULED.value, Broadcast.send_at > now)
        .order_by(Broadcast.send_at)
        .limit(1)
    )
    return send_at


@dataclass(frozen=True)
class ClaimedDelivery:
    id: int
    user_id: int


# Claiming and recording outcomes: the lifecycle deliveries and notices share.
_OUTCOMES = DeliveryOutcomes(BroadcastDelivery)


async def claim_batch(
    session: AsyncSession, broadcast_id: int, now: datetime, token: str, limit: int
) -> list[ClaimedDelivery]:
    """Atomically take up to `limit` pending deliveries of a broadcast (lowest id first).

    Never returns a delivery another claimer got (core.delivery_claims: why two
    statements). The caller commits right after.
    """
    claimed = await _OUTCOMES.claim(
        session, now, token, limit, BroadcastDelivery.broadcast_id == broadcast_id
    )
    return [ClaimedDelivery(id=row_id, user_id=user_id) for row_id, user_id in claimed]


begin_attempt = _OUTCOMES.begin_attempt
attempting_ids = _OUTCOMES.attempting_ids
mark_sent = _OUTCOMES.mark_sent
mark_blocked = _OUTCOMES.mark_blocked
mark_failed = _OUTCOMES.mark_failed
mark_unknown = _OUTCOMES.mark_unknown
release = _OUTCOMES.release


async def progress(session: AsyncSession, broadcast_id: int) -> dict[str, int]:
    """Deliveries of a broadcast counted by status (every status present, zeros included)."""
    counts = {status.value: 0 for status in DeliveryStatus}
    rows = await session.execute(
        select(BroadcastDelivery.status, func.count())
        .where(BroadcastDelivery.broadcast_id == broadcast_id)
        .group_by(BroadcastDelivery.status)
    )
    for status, count in rows.all():
        counts[status] = int(count)
    return counts


async def finish_if_complete(session: AsyncSession, broadcast_id: int, now: datetime) -> bool:
    """Sending → done once no delivery is pending, claimed or being attempted."""
    unfinished = await session.scalar(
        select(func.count())
        .select_from(BroadcastDelivery)
        .where(
            BroadcastDelivery.broadcast_id == broadcast_id,
            BroadcastDelivery.status.in_(_UNFINISHED),
        )
    )
    if unfinished:
        return False
    result: Any = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.SENDING.value)
        .values(status=BroadcastStatus.DONE.value, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


@dataclass(frozen=True)
class Recipient:
    user_id: int
    locale: str
    reachable: bool  # active, not opted out, data not deleted


async def recipients(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, Recipient]:
    """Who the claimed deliveries go to, as of now (she may have opted out since the start)."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(User.id, User.locale, User.active, User.announcements_opt_out_at).where(
            User.id.in_(list(user_ids))
        )
    )
    return {
        r[0]: Recipient(user_id=r[0], locale=r[1], reachable=bool(r[2]) and r[3] is None)
        for r in rows.all()
    }


async def opt_out(session: AsyncSession, user_id: int, now: datetime) -> bool:
    """She wants no more announcements. False if she is unknown or had opted out already."""
    result: Any = await session.execute(
        update(User)
        .where(User.id == user_id, User.announcements_opt_out_at.is_(None))
        .values(announcements_opt_out_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def opt_in(session: AsyncSession, user_id: int) -> bool:
    result: Any = await session.execute(
        update(User)
        .where(User.id == user_id, User.announcements_opt_out_at.is_not(None))
        .values(announcements_opt_out_at=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)
