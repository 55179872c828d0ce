"""Activities as one woman sees them: her sign-ups, her place in the queue, the next date.

Read-only queries next to `bot.activities.service_series` (which owns creating and
cancelling) and `bot.activities.service_signups` (signing up). Like every service: takes the session, never commits, `now` from the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.activities.service_series import Occurrence
from bot.core.errors import NotFound
from bot.db.models import Activity, Signup, SignupStatus

ACTIVE = (SignupStatus.GOING, SignupStatus.WAITLIST)
# A date may have been moved later than its original start; sign-ups name the original,
# so "her upcoming dates" looks this far back for keys whose date is still ahead.
MOVED_SLACK = timedelta(days=activities.DEFAULT_DAYS_AHEAD)
# How far ahead a whole-activity link (a poster of a series) looks for its next date.
NEXT_DATE_HORIZON = timedelta(days=400)
MAX_MINE = 20


@dataclass(frozen=True)
class Standing:
    """Her sign-up for one date: going, or waiting with her place in the queue (1 = next)."""

    status: str
    position: int | None = None


@dataclass(frozen=True)
class HerDate:
    occurrence: Occurrence
    standing: Standing


async def series_exists(session: AsyncSession, activity_id: int) -> bool:
    """Whether `activity_id` names an activity (a series or a one-off, cancelled or not)."""
    activity = await session.get(Activity, activity_id)
    return activity is not None and activity.series_id is None


async def _active_signup(
    session: AsyncSession, activity_id: int, key: datetime, user_id: int
) -> Signup | None:
    return await session.scalar(
        select(Signup).where(
            Signup.activity_id == activity_id,
            Signup.occurrence_start == key.astimezone(UTC),
            Signup.user_id == user_id,
            Signup.status.in_(ACTIVE),
        )
    )


async def _position(session: AsyncSession, signup: Signup) -> int:
    ahead = await session.scalar(
        select(func.count(Signup.id)).where(
            Signup.activity_id == signup.activity_id,
            Signup.occurrence_start == signup.occurrence_start,
            Signup.status == SignupStatus.WAITLIST,
            tuple_(Signup.created_at, Signup.id) < tuple_(signup.created_at, signup.id),
        )
    )
    return (ahead or 0) + 1


async def standing(
    session: AsyncSession, activity_id: int, key: datetime, user_id: int
) -> Standing | None:
    """Her sign-up for one date (None when she has none, or cancelled it)."""
    signup = await _active_signup(session, activity_id, key, user_id)
    if signup is None:
        return None
    if signup.status == SignupStatus.WAITLIST:
        return Standing(signup.status, await _position(session, signup))
    return Standing(signup.status)


async def places_left(session: AsyncSession, occurrence: Occurrence) -> int | None:
    """Free places at one date; None when it has no limit."""
    if occurrence.capacity is None:
        return None
    going = await session.scalar(
        select(func.count(Signup.id)).where(
            Signup.activity_id == occurrence.activity_id,
            Signup.occurrence_start == occurrence.key,
            Signup.status == SignupStatus.GOING,
        )
    )
    return max(0, occurrence.capacity - (going or 0))


async def statuses(
    session: AsyncSession, user_id: int, occurrences: Sequence[Occurrence]
) -> dict[tuple[int, datetime], str]:
    """Her status (going / waitlist) for each of these dates she signed up for."""
    ids = sorted({o.activity_id for o in occurrences})
    if not ids:
        return {}
    rows = await session.execute(
        select(Signup.activity_id, Signup.occurrence_start, Signup.status).where(
            Signup.user_id == user_id,
            Signup.activity_id.in_(ids),
            Signup.status.in_(ACTIVE),
        )
    )
    return {(a, start.astimezone(UTC)): status for a, start, status in rows}


async def upcoming_for_her(
    session: AsyncSession, user_id: int, now: datetime, tz: ZoneInfo
) -> list[HerDate]:
    """The dates she is going to or waiting for that have not begun, soonest first.

    A date that was cancelled (or no longer exists) is left out.
    """
    signups = (
        await session.scalars(
            select(Signup)
            .where(
                Signup.user_id == user_id,
                Signup.status.in_(ACTIVE),
                Signup.occurrence_start >= now - MOVED_SLACK,
            )
            .order_by(Signup.occurrence_start, Signup.id)
        )
    ).all()
    found: list[HerDate] = []
    for signup in signups:
        try:
            occurrence = await activities.get_occurrence(
                session, signup.activity_id, signup.occurrence_start, tz
            )
        except NotFound:
            continue
        if occurrence.starts_at <= now:
            continue
        position = (
            await _position(session, signup) if signup.status == SignupStatus.WAITLIST else None
        )
        found.append(HerDate(occurrence, Standing(signup.status, position)))
    found.sort(key=lambda d: (d.occurrence.starts_at, d.occurrence.activity_id))
    return found[:MAX_MINE]


async def next_date(
    session: AsyncSession, activity_id: int, now: datetime, tz: ZoneInfo
) -> Occurrence | None:
    """The next date of an activity that has not begun (for a poster of a whole series)."""
    activity = await session.get(Activity, activity_id)
    if activity is None or activity.series_id is not None:
        return None
    overrides = (
        await session.scalars(select(Activity).where(Activity.series_id == activity_id))
    ).all()
    # occurrences() starts at `now`, so every date it returns is still ahead.
    dates = activities.occurrences(activity, now, now + NEXT_DATE_HORIZON, tz, overrides)
    later = [o for o in dates if o.starts_at > now]
    return later[0] if later else None
