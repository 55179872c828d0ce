"""The network's messages to women, each sent at most once: a consultation's question,
its results, news of a proposal she made or supported (NetworkNotice rows).

Written in the transaction that decides them (a consultation sent, closed; a proposal
moved on), sent by a sweep within the broadcast rate (bot.network.jobs_consultations),
rendered in her language when sent. The lifecycle is the announcements'
(bot.core.delivery_claims.DeliveryOutcomes): claim, arm, record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.delivery_claims import DeliveryOutcomes
from bot.db.models import DeliveryStatus, NetworkNotice, NetworkNoticeKind

_OUTCOMES = DeliveryOutcomes(NetworkNotice)

begin_attempt = _OUTCOMES.begin_attempt
attempting_ids = _OUTCOMES.attempting_ids
mark_sent = _OUTCOMES.mark_sent
mark_blocked = _OUTCOMES.mark_blocked
mark_failed = _OUTCOMES.mark_failed
mark_unknown = _OUTCOMES.mark_unknown
release = _OUTCOMES.release


async def claim_batch(
    session: AsyncSession, now: datetime, token: str, limit: int
) -> list[NetworkNotice]:
    """Take up to `limit` pending notices (lowest id first); the caller commits."""
    claimed = await _OUTCOMES.claim(session, now, token, limit)
    if not claimed:
        return []
    rows = await session.scalars(
        select(NetworkNotice)
        .where(NetworkNotice.id.in_([row_id for row_id, _ in claimed]))
        .order_by(NetworkNotice.id)
    )
    return list(rows.all())


async def enqueue_select(
    session: AsyncSession,
    users: Any,
    *,
    kind: NetworkNoticeKind,
    now: datetime,
    consultation_id: int | None = None,
    proposal_id: int | None = None,
) -> int:
    """One pending notice for each user id the SELECT `users` (one column) returns."""
    recipients = users.subquery()
    source = select(
        recipients.c[0],
        literal(kind.value),
        literal(consultation_id),
        literal(proposal_id),
        literal(DeliveryStatus.PENDING.value),
        literal(now, NetworkNotice.created_at.type),
    )
    columns = ["user_id", "kind", "consultation_id", "proposal_id", "status", "created_at"]
    result: Any = await session.execute(insert(NetworkNotice).from_select(columns, source))
    return int(result.rowcount or 0)


def enqueue(
    session: AsyncSession,
    user_ids: Iterable[int],
    *,
    kind: NetworkNoticeKind,
    now: datetime,
    consultation_id: int | None = None,
    proposal_id: int | None = None,
) -> None:
    for user_id in sorted(set(user_ids)):
        session.add(
            NetworkNotice(
                user_id=user_id,
                kind=kind.value,
                consultation_id=consultation_id,
                proposal_id=proposal_id,
                status=DeliveryStatus.PENDING.value,
                created_at=now,
            )
        )


async def forget(session: AsyncSession, user_id: int) -> None:
    """She deleted her data: her notices go too (they say what she took part in)."""
    await session.execute(delete(NetworkNotice).where(NetworkNotice.user_id == user_id))
