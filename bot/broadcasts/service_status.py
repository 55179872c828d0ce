"""What staff see of broadcasts: the progress message, the list, the activity announced.

Services take the session and never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.db.models import Activity, Broadcast, BroadcastDelivery, BroadcastStatus, DeliveryStatus

# How far ahead an announcement about an activity looks for its next date.
NEXT_DATE_WITHIN = timedelta(days=366)


async def set_progress_message(
    session: AsyncSession, broadcast_id: int, chat_id: int, message_id: int
) -> None:
    """Remember the staff message that shows this broadcast's progress (edited, never resent)."""
    await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id)
        .values(progress_chat_id=chat_id, progress_message_id=message_id)
        .execution_options(synchronize_session=False)
    )


async def overview(session: AsyncSession, recent: int = 10) -> list[Broadcast]:
    """Those waiting or sending (soonest first), then the `recent` latest others (newest first)."""
    open_statuses = [BroadcastStatus.SCHEDULED.value, BroadcastStatus.SENDING.value]
    waiting = await session.scalars(
        select(Broadcast)
        .where(Broadcast.status.in_(open_statuses))
        .order_by(func.coalesce(Broadcast.send_at, Broadcast.created_at), Broadcast.id)
        .execution_options(populate_existing=True)
    )
    others = await session.scalars(
        select(Broadcast)
        .where(Broadcast.status.in_([BroadcastStatus.DONE.value, BroadcastStatus.CANCELLED.value]))
        .order_by(Broadcast.id.desc())
        .limit(recent)
        .execution_options(populate_existing=True)
    )
    return list(waiting.all()) + list(others.all())


async def counts_by_broadcast(
    session: AsyncSession, broadcast_ids: Sequence[int]
) -> dict[int, dict[str, int]]:
    """Like `progress`, for several broadcasts in one query."""
    counts = {i: {status.value: 0 for status in DeliveryStatus} for i in broadcast_ids}
    if not broadcast_ids:
        return counts
    rows = await session.execute(
        select(BroadcastDelivery.broadcast_id, BroadcastDelivery.status, func.count())
        .where(BroadcastDelivery.broadcast_id.in_(list(broadcast_ids)))
        .group_by(BroadcastDelivery.broadcast_id, BroadcastDelivery.status)
    )
    for broadcast_id, status, count in rows.all():
        counts[broadcast_id][status] = int(count)
    return counts


async def announced_occurrence(
    session: AsyncSession, broadcast: Broadcast, now: datetime, tz: ZoneInfo
) -> datetime | None:
    """The date an announcement's "see and sign up" button opens (its original start).

    Its own date when it names one; otherwise the activity's next date. None when it is
    about no activity, or the activity is gone or has no date ahead (then no button).
    """
    if broadcast.activity_id is None:
        return None
    if broadcast.occurrence_start is not None:
        return broadcast.occurrence_start.astimezone(UTC)
    activity = await session.get(Activity, broadcast.activity_id)
    if activity is None or activity.series_id is not None:
        return None
    overrides = (
        await session.scalars(select(Activity).where(Activity.series_id == activity.id))
    ).all()
    dates = activities.occurrences(activity, now, now + NEXT_DATE_WITHIN, tz, overrides)
    return dates[0].key if dates else None
