"""Telling the women going that an activity changed or was cancelled: one row per woman.

Staff change or cancel a date; in the same transaction `queue_changed` /
`queue_cancelled` write a pending `ActivityNotice` for each woman going (active ones
only), so staff get their answer at once and a restart loses nothing. A sweep
(bot.activities.jobs_notices) sends them within the broadcast rate, rendered in her
language when sent, with the lifecycle of a broadcast delivery (bot.broadcasts.service):
claim, commit; arm (`begin_attempt`), commit; send; record sent / blocked / failed /
unknown. At most once: a notice whose send began and whose outcome is unknown is never
sent again (claims of dead processes: bot.core.delivery_claims).

Services take the session and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.delivery_claims import DeliveryOutcomes
from bot.db.models import ActivityNotice, DeliveryStatus, NoticeKind, User

PENDING = DeliveryStatus.PENDING
CLAIMED = DeliveryStatus.CLAIMED
ATTEMPTING = DeliveryStatus.ATTEMPTING
SENT = DeliveryStatus.SENT
BLOCKED = DeliveryStatus.BLOCKED
FAILED = DeliveryStatus.FAILED
UNKNOWN = DeliveryStatus.UNKNOWN


async def _active(session: AsyncSession, user_ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(user_ids))
    if not wanted:
        return []
    rows = await session.scalars(
        select(User.id).where(User.id.in_(wanted), User.active.is_(True)).order_by(User.id)
    )
    return list(rows.all())


async def queue_changed(
    session: AsyncSession,
    activity_id: int,
    dates: Mapping[int, datetime],
    change: str,
    now: datetime,
) -> int:
    """A notice for each woman (→ the key of her date) that the date changed; how many."""
    women = await _active(session, dates)
    session.add_all(
        ActivityNotice(
            user_id=user_id,
            activity_id=activity_id,
            kind=NoticeKind.CHANGED.value,
            change=change[:16],
            occurrence_key=dates[user_id],
            status=PENDING,
            created_at=now,
        )
        for user_id in women
    )
    await session.flush()
    return len(women)


async def queue_cancelled(
    session: AsyncSession,
    activity_id: int,
    user_ids: Iterable[int],
    title: str,
    when: datetime | None,
    now: datetime,
) -> int:
    """A notice for each woman that her date (`when`; None: every date) was cancelled."""
    women = await _active(session, user_ids)
    session.add_all(
        ActivityNotice(
            user_id=user_id,
            activity_id=activity_id,
            kind=NoticeKind.CANCELLED.value,
            occurrence_key=when,
            title=title[:256],
            status=PENDING,
            created_at=now,
        )
        for user_id in women
    )
    await session.flush()
    return len(women)


# Claiming and recording outcomes: the lifecycle deliveries and notices share.
_OUTCOMES = DeliveryOutcomes(ActivityNotice)


async def claim_batch(
    session: AsyncSession, now: datetime, token: str, limit: int
) -> list[ActivityNotice]:
    """Atomically take up to `limit` pending notices (oldest first); commit right after.

    Never twice, never more than `limit` (core.delivery_claims: why two statements).
    """
    return await _OUTCOMES.claim_rows(session, now, token, limit)


mark_sent = _OUTCOMES.mark_sent
mark_blocked = _OUTCOMES.mark_blocked
mark_failed = _OUTCOMES.mark_failed
mark_unknown = _OUTCOMES.mark_unknown
release = _OUTCOMES.release


async def begin_attempt(
    session: AsyncSession, ids: Sequence[int], token: str, now: datetime
) -> set[int]:
    """Arm these claimed notices (commit before sending); returns those still ours."""
    return await _OUTCOMES.arm(session, ids, token, now)


async def counts(session: AsyncSession) -> dict[str, int]:
    """Notices by status (every status present)."""
    found = {status.value: 0 for status in DeliveryStatus}
    rows = await session.execute(
        select(ActivityNotice.status, func.count()).group_by(ActivityNotice.status)
    )
    for status, count in rows.all():
        found[status] = int(count)
    return found


async def forget(session: AsyncSession, user_id: int) -> None:
    """She deleted her data: her notices go too (they say which activities she joined)."""
    await session.execute(delete(ActivityNotice).where(ActivityNotice.user_id == user_id))
