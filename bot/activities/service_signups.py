"""Sign-ups to an activity's dates: going, the waitlist, attendance.

A sign-up names the series (or one-off) row and the date's original start (its key, see
bot.activities.service_series), so it survives the date being moved.

Places are never over-given: `sign_up` and `cancel_signup` lock the activity row
(`SELECT ... FOR UPDATE` on PostgreSQL; on SQLite the BEGIN IMMEDIATE transaction
already serialises writers) before counting who is going.

Services take the session, never commit, and get `now` (aware UTC) from the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities.service_series import find_override, get_occurrence, get_series
from bot.core.clock import check_aware
from bot.core.errors import AlreadyDone, InvalidInput, NotFound
from bot.db.constraints import violates
from bot.db.models import Activity, NetworkWoman, Signup, SignupStatus, User


async def find_signup(session: AsyncSession, signup_id: int) -> Signup | None:
    return await session.get(Signup, signup_id)


async def _lock(session: AsyncSession, activity_id: int) -> None:
    # Renders FOR UPDATE on PostgreSQL; SQLite ignores it (BEGIN IMMEDIATE holds the lock).
    await session.execute(select(Activity.id).where(Activity.id == activity_id).with_for_update())


async def _going_count(session: AsyncSession, activity_id: int, key: datetime) -> int:
    count = await session.scalar(
        select(func.count(Signup.id)).where(
            Signup.activity_id == activity_id,
            Signup.occurrence_start == key,
            Signup.status == SignupStatus.GOING,
        )
    )
    return count or 0


async def _signup(
    session: AsyncSession,
    activity_id: int,
    key: datetime,
    user_id: int | None,
    woman_id: int | None = None,
) -> Signup | None:
    who = Signup.user_id == user_id if user_id is not None else Signup.woman_id == woman_id
    return await session.scalar(
        select(Signup).where(
            Signup.activity_id == activity_id,
            Signup.occurrence_start == key,
            who,
        )
    )


async def sign_up(
    session: AsyncSession,
    activity_id: int,
    occurrence_start: datetime,
    user_id: int,
    now: datetime,
    *,
    tz: ZoneInfo,
) -> SignupStatus:
    """She signs up for one date: `going`, or `waitlist` when its places are taken."""
    return await _sign_up(session, activity_id, occurrence_start, now, tz, user_id, None)


async def sign_up_woman(
    session: AsyncSession,
    activity_id: int,
    occurrence_start: datetime,
    woman_id: int,
    now: datetime,
    *,
    tz: ZoneInfo,
) -> SignupStatus:
    """Her leader signs up a woman without a phone (bot.network.service_women): the same
    places, waiting list and rules as any sign-up."""
    return await _sign_up(session, activity_id, occurrence_start, now, tz, None, woman_id)


async def _sign_up(
    session: AsyncSession,
    activity_id: int,
    occurrence_start: datetime,
    now: datetime,
    tz: ZoneInfo,
    user_id: int | None,
    woman_id: int | None,
) -> SignupStatus:
    occurrence = await get_occurrence(session, activity_id, occurrence_start, tz)
    if occurrence.starts_at <= now:
        raise InvalidInput("that date has already begun")
    key = occurrence.key
    try:
        async with session.begin_nested():
            await _lock(session, activity_id)
            existing = await _signup(session, activity_id, key, user_id, woman_id)
            if existing is not None and existing.status != SignupStatus.CANCELLED:
                raise AlreadyDone(f"already signed up ({existing.status})")
            capacity = occurrence.capacity
            full = (
                capacity is not None and await _going_count(session, activity_id, key) >= capacity
            )
            status = SignupStatus.WAITLIST if full else SignupStatus.GOING
            if existing is None:
                session.add(
                    Signup(
                        activity_id=activity_id,
                        occurrence_start=key,
                        user_id=user_id,
                        woman_id=woman_id,
                        status=status,
                        created_at=now,
                        updated_at=now,
                    )
                )
            else:
                # Signing up again puts her at the back of the queue.
                existing.status = status
                existing.created_at = now
                existing.updated_at = now
            await session.flush()
    except IntegrityError as exc:
        if violates(
            exc, index="uq_signups_occurrence_user", sqlite="UNIQUE constraint failed: signups"
        ) or violates(
            exc, index="uq_signups_occurrence_woman", sqlite="UNIQUE constraint failed: signups"
        ):
            raise AlreadyDone("already signed up") from None
        raise
    return status


async def cancel_signup(
    session: AsyncSession,
    activity_id: int,
    occurrence_start: datetime,
    user_id: int,
    now: datetime,
) -> int | None:
    """She will not come. If that freed a place, the longest-waiting woman gets it:
    returns her user id (for the caller to tell her), else None."""
    return await _cancel(session, activity_id, occurrence_start, now, user_id, None)


async def cancel_woman_signup(
    session: AsyncSession,
    activity_id: int,
    occurrence_start: datetime,
    woman_id: int,
    now: datetime,
) -> int | None:
    """Her leader cancels the sign-up she made for a woman without a phone: as
    `cancel_signup`, the place goes to the longest-waiting woman."""
    return await _cancel(session, activity_id, occurrence_start, now, None, woman_id)


async def _cancel(
    session: AsyncSession,
    activity_id: int,
    occurrence_start: datetime,
    now: datetime,
    user_id: int | None,
    woman_id: int | None,
) -> int | None:
    check_aware(occurrence_start, "occurrence_start")
    key = occurrence_start.astimezone(UTC)
    activity = await get_series(session, activity_id)
    async with session.begin_nested():
        await _lock(session, activity_id)
        signup = await _signup(session, activity_id, key, user_id, woman_id)
        if signup is None:
            raise NotFound("no such sign-up")
        if signup.status == SignupStatus.CANCELLED:
            raise AlreadyDone("sign-up already cancelled")
        was_going = signup.status == SignupStatus.GOING
        signup.status = SignupStatus.CANCELLED
        signup.updated_at = now
        await session.flush()
        if not was_going:
            return None
        override = await find_override(session, activity_id, key)
        capacity = (override or activity).capacity
        if capacity is not None and await _going_count(session, activity_id, key) >= capacity:
            return None
        waiting = await session.scalar(
            select(Signup)
            .where(
                Signup.activity_id == activity_id,
                Signup.occurrence_start == key,
                Signup.status == SignupStatus.WAITLIST,
            )
            .order_by(Signup.created_at, Signup.id)
            .limit(1)
        )
        if waiting is None:
            return None
        waiting.status = SignupStatus.GOING
        waiting.updated_at = now
        await session.flush()
        return waiting.user_id


@dataclass(frozen=True)
class Promotion:
    """A woman who got a place someone else gave up."""

    user_id: int
    activity_id: int
    occurrence_start: datetime


async def give_up_coming_signups(
    session: AsyncSession, user_id: int, now: datetime
) -> list[Promotion]:
    """Cancel her sign-ups to dates from now on (she is leaving); the places freed go to
    the longest-waiting women, who are returned to be told."""
    rows = await session.execute(
        select(Signup.activity_id, Signup.occurrence_start).where(
            Signup.user_id == user_id,
            Signup.status.in_((SignupStatus.GOING, SignupStatus.WAITLIST)),
            Signup.occurrence_start >= now - timedelta(days=1),
        )
    )
    promotions = []
    for activity_id, key in rows.all():
        promoted = await cancel_signup(session, activity_id, key, user_id, now)
        if promoted is not None:
            promotions.append(Promotion(promoted, activity_id, key))
    return promotions


async def attendees(
    session: AsyncSession, activity_id: int, occurrence_start: datetime
) -> list[Signup]:
    """Going first, then the waitlist, each in the order they signed up."""
    key = occurrence_start.astimezone(UTC)
    rows = await session.scalars(
        select(Signup)
        .where(
            Signup.activity_id == activity_id,
            Signup.occurrence_start == key,
            Signup.status.in_((SignupStatus.GOING, SignupStatus.WAITLIST)),
        )
        .order_by(Signup.created_at, Signup.id)
    )
    signups = list(rows)
    return [s for s in signups if s.status == SignupStatus.GOING] + [
        s for s in signups if s.status == SignupStatus.WAITLIST
    ]


async def who_is_coming(
    session: AsyncSession,
    activity_id: int,
    occurrence_start: datetime | None = None,
    *,
    after: datetime | None = None,
) -> list[int]:
    """User ids going or waitlisted: for one date, or (no date) every date from `after` on.

    For telling them when the date, or the series, is edited or cancelled.
    """
    statement = select(Signup.user_id).where(
        Signup.activity_id == activity_id,
        Signup.status.in_((SignupStatus.GOING, SignupStatus.WAITLIST)),
        Signup.user_id.is_not(None),
    )
    if occurrence_start is not None:
        statement = statement.where(Signup.occurrence_start == occurrence_start.astimezone(UTC))
    if after is not None:
        statement = statement.where(Signup.occurrence_start >= after)
    return sorted({u for u in (await session.scalars(statement)).all() if u is not None})


@dataclass(frozen=True)
class Attendee:
    """One woman on a date's list, for staff: who she is and whether she came."""

    signup_id: int
    # A woman without a phone (signed up by her leader) has no user id.
    user_id: int | None
    name: str | None
    community: str | None
    status: str
    attended: bool


async def attendance(
    session: AsyncSession, activity_id: int, occurrence_start: datetime
) -> list[Attendee]:
    """The list staff check at the door: going first, then the waitlist (as `attendees`)."""
    signups = await attendees(session, activity_id, occurrence_start)
    ids = {s.user_id for s in signups if s.user_id is not None}
    people: dict[int, User] = (
        {u.id: u for u in await session.scalars(select(User).where(User.id.in_(ids)))}
        if ids
        else {}
    )
    women_ids = {s.woman_id for s in signups if s.woman_id is not None}
    women = (
        {
            w.id: w
            for w in await session.scalars(
                select(NetworkWoman).where(NetworkWoman.id.in_(women_ids))
            )
        }
        if women_ids
        else {}
    )
    found = []
    for signup in signups:
        person: User | NetworkWoman | None = (
            people.get(signup.user_id)
            if signup.user_id is not None
            else women.get(signup.woman_id or 0)
        )
        found.append(
            Attendee(
                signup_id=signup.id,
                user_id=signup.user_id,
                name=person.name if person is not None else None,
                community=person.community if person is not None else None,
                status=signup.status,
                attended=signup.attended_at is not None,
            )
        )
    return found


async def counts(
    session: AsyncSession, activity_id: int, occurrence_start: datetime
) -> tuple[int, int]:
    """(going, waiting) for one date."""
    signups = await attendees(session, activity_id, occurrence_start)
    going = sum(1 for s in signups if s.status == SignupStatus.GOING)
    return going, len(signups) - going


async def mark_attended(
    session: AsyncSession, signup_id: int, attended: bool, now: datetime
) -> Signup:
    """Staff mark that she came (or undo it). Going or waitlisted: a woman waiting for a
    place may come anyway; a cancelled sign-up is NotFound."""
    signup = await session.get(Signup, signup_id)
    if signup is None or signup.status == SignupStatus.CANCELLED:
        raise NotFound(f"sign-up {signup_id}")
    signup.attended_at = now if attended else None
    signup.updated_at = now
    await session.flush()
    return signup


async def next_signups(
    session: AsyncSession, activity_id: int, after: datetime
) -> dict[int, datetime]:
    """Each woman going to (or waiting for) a date from `after` on, with her first such
    date: to tell her once when the whole series changes."""
    rows = await session.execute(
        select(Signup.user_id, func.min(Signup.occurrence_start))
        .where(
            Signup.activity_id == activity_id,
            Signup.status.in_((SignupStatus.GOING, SignupStatus.WAITLIST)),
            Signup.occurrence_start >= after,
            Signup.user_id.is_not(None),
        )
        .group_by(Signup.user_id)
    )
    return {user_id: _as_utc(first) for user_id, first in rows.all() if user_id is not None}


def _as_utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes for aggregates; the column stores UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
