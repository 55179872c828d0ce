"""The pregnant women's club following her pregnancy, as RapidPro's campaigns follow a
date on the contact.

She tells the bot roughly when her baby is due (a month, or her month of pregnancy);
from then on she is invited to each session of the club (every date of an activity of
kind `pregnant_club` she can see: her community's or the whole municipality's) whose
day is not after her due date, and once more to the first session after it (the
postpartum one, within `POSTPARTUM_WINDOW`). The invitations stop at once when she
removes the date or asks; the date erases itself `FORGET_AFTER` the due date.

Invitations are rows (`ClubInvitation`, one per woman and session), written by the
sweep once the session is `INVITE_AHEAD` away and sent like activity notices
(bot.activities.jobs_club): claim, commit; arm, commit; send within the broadcast
rate; record the outcome. At send time the row is checked again (is she still
following, is the session still on, has she not signed up meanwhile?).

`discreet` (the default, offered when she gives the date) words every invitation,
reminder and notice about the club neutrally on the lock screen (`is_discreet`).

The due date is sensitive: staff see it only on the screen listing who comes to one
session, and every view is audited by the caller. Services take the session and never
commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.activities.service_series import Occurrence
from bot.core.delivery_claims import DeliveryOutcomes
from bot.core.errors import InvalidInput, NotFound
from bot.db.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    ClubInvitation,
    DeliveryStatus,
    PregnancyFollow,
    Signup,
    SignupStatus,
    User,
)
from bot.db.upsert import insert_or_ignore

CLUB = ActivityKind.PREGNANT_CLUB.value
# A session's invitation is written (and sent) this long before it starts.
INVITE_AHEAD = timedelta(days=7)
# The postpartum session: the first one after the due date, if within this.
POSTPARTUM_WINDOW = timedelta(days=75)
# Her due date erases itself this long after it (nothing is left to invite her to).
FORGET_AFTER = timedelta(days=90)
# The months she can choose as the due month: this one and the next ones.
MONTHS_OFFERED = 10
# A due date further back than this (or further ahead than MONTHS_OFFERED) is refused.
LATEST_PAST_DUE = timedelta(days=31)
ACTIVE = (SignupStatus.GOING, SignupStatus.WAITLIST)
PENDING = DeliveryStatus.PENDING
SENT = DeliveryStatus.SENT
_UNIQUE = ("user_id", "activity_id", "occurrence_key")


# ── Her date ──────────────────────────────────────────────────────────────────


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def offered_months(today: date) -> list[date]:
    """The months she can choose as her due month (the first day of each), in order."""
    found, year, month = [], today.year, today.month
    for _ in range(MONTHS_OFFERED):
        found.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def due_in_month(month: date, today: date) -> date:
    """Her approximate due date when she knows the month: its middle (InvalidInput when
    that month is not one she could choose today)."""
    first = month.replace(day=1)
    if first not in offered_months(today):
        raise InvalidInput("due month out of range")
    return first.replace(day=15)


def due_from_month_of_pregnancy(month: int, today: date) -> date:
    """Her approximate due date from the month of pregnancy she is in (1–9)."""
    if not 1 <= month <= 9:
        raise InvalidInput("month of pregnancy out of range")
    return today + timedelta(days=round((9 - month) * 30.4) + 15)


async def follow_of(session: AsyncSession, user_id: int) -> PregnancyFollow | None:
    return await session.get(PregnancyFollow, user_id, populate_existing=True)


async def _drop_pending(session: AsyncSession, user_id: int) -> None:
    """Invitations written but not yet taken by a sender: never sent."""
    await session.execute(
        delete(ClubInvitation).where(
            ClubInvitation.user_id == user_id, ClubInvitation.status == PENDING
        )
    )


async def set_due_date(
    session: AsyncSession, user_id: int, due: date, now: datetime, tz: ZoneInfo
) -> bool:
    """Save her approximate due date (invitations on); True when she had none before
    (the caller then offers the discreet wording). InvalidInput when out of range."""
    today = local_day(now, tz)
    last = offered_months(today)[-1]
    if not today - LATEST_PAST_DUE <= due <= last.replace(day=28) + timedelta(days=4):
        raise InvalidInput("due date out of range")
    follow = await follow_of(session, user_id)
    if follow is None:
        session.add(
            PregnancyFollow(
                user_id=user_id,
                due_date=due,
                discreet=True,
                invitations=True,
                created_at=now,
                updated_at=now,
            )
        )
        await session.flush()
        return True
    first = follow.due_date is None
    if follow.due_date != due:
        # Pending invitations were for the old date: the sweep writes the right ones.
        await _drop_pending(session, user_id)
    follow.due_date, follow.invitations, follow.updated_at = due, True, now
    await session.flush()
    return first


async def set_discreet(session: AsyncSession, user_id: int, discreet: bool, now: datetime) -> None:
    follow = await follow_of(session, user_id)
    if follow is None:
        raise NotFound("no pregnancy follow")
    follow.discreet, follow.updated_at = discreet, now
    await session.flush()


async def set_invitations(session: AsyncSession, user_id: int, on: bool, now: datetime) -> bool:
    """Stop (or restart) her invitations at once; False when she has no date to follow."""
    follow = await follow_of(session, user_id)
    if follow is None or follow.due_date is None:
        return False
    if not on:
        await _drop_pending(session, user_id)
    follow.invitations, follow.updated_at = on, now
    await session.flush()
    return True


async def remove_due_date(session: AsyncSession, user_id: int, now: datetime) -> None:
    """Forget her due date; invitations stop at once. Her discreet wording stays (her
    club reminders keep it) unless she had chosen normal wording: then nothing is kept."""
    follow = await follow_of(session, user_id)
    await _drop_pending(session, user_id)
    if follow is None:
        return
    if follow.discreet:
        follow.due_date, follow.updated_at = None, now
    else:
        await session.delete(follow)
    await session.flush()


async def forget(session: AsyncSession, user_id: int) -> None:
    """She deleted her data: her date, her setting and her invitations go."""
    await session.execute(delete(ClubInvitation).where(ClubInvitation.user_id == user_id))
    await session.execute(delete(PregnancyFollow).where(PregnancyFollow.user_id == user_id))


async def expire_dates(session: AsyncSession, now: datetime, tz: ZoneInfo) -> int:
    """Erase due dates `FORGET_AFTER` past (the invitations are over); how many."""
    limit = local_day(now, tz) - FORGET_AFTER
    old = (
        await session.scalars(
            select(PregnancyFollow).where(
                PregnancyFollow.due_date.is_not(None), PregnancyFollow.due_date < limit
            )
        )
    ).all()
    for follow in old:
        await remove_due_date(session, follow.user_id, now)
    return len(old)


async def is_discreet(session: AsyncSession, user_id: int, activity_id: int) -> bool:
    """Whether what she is told about this activity is worded neutrally: a club session
    and she chose discreet messages."""
    kind = await session.scalar(select(Activity.kind).where(Activity.id == activity_id))
    if kind != CLUB:
        return False
    discreet = await session.scalar(
        select(PregnancyFollow.discreet).where(PregnancyFollow.user_id == user_id)
    )
    return bool(discreet)


# ── Which sessions ────────────────────────────────────────────────────────────


async def club_dates(
    session: AsyncSession, start: datetime, end: datetime, tz: ZoneInfo
) -> list[Occurrence]:
    """Every session of the club starting in [start, end) (edits applied, cancelled
    ones left out), by start."""
    series = (
        await session.scalars(
            select(Activity)
            .where(
                Activity.kind == CLUB,
                Activity.series_id.is_(None),
                Activity.status == ActivityStatus.SCHEDULED,
                Activity.starts_at < end,
                Activity.rrule.is_not(None) | (Activity.starts_at >= start - timedelta(days=1)),
            )
            .order_by(Activity.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    ids = [a.id for a in series if a.rrule is not None]
    overrides = (
        (
            await session.scalars(
                select(Activity)
                .where(Activity.series_id.in_(ids))
                .execution_options(populate_existing=True)
            )
        ).all()
        if ids
        else []
    )
    found: list[Occurrence] = []
    for activity in series:
        mine = [o for o in overrides if o.series_id == activity.id]
        found.extend(activities.occurrences(activity, start, end, tz, mine))
    return sorted(found, key=lambda o: (o.starts_at, o.activity_id))


def _visible(occurrence: Occurrence, community: str | None) -> bool:
    return occurrence.community is None or occurrence.community == community


@dataclass(frozen=True)
class _Woman:
    user_id: int
    due: date
    community: str | None


def sessions_for(
    woman: _Woman,
    dates: Sequence[Occurrence],
    tz: ZoneInfo,
    *,
    had_postpartum: bool,
) -> list[tuple[Occurrence, bool]]:
    """Of `dates` (the club's, by start), those she is invited to: (session, postpartum).

    Every one she can see whose day is not after her due date, and the first one after
    it within POSTPARTUM_WINDOW unless she had that invitation already.
    """
    found: list[tuple[Occurrence, bool]] = []
    first_after: Occurrence | None = None
    for occurrence in dates:
        if not _visible(occurrence, woman.community):
            continue
        day = local_day(occurrence.starts_at, tz)
        if day <= woman.due:
            found.append((occurrence, False))
        elif first_after is None:
            first_after = occurrence
    if (
        first_after is not None
        and not had_postpartum
        and local_day(first_after.starts_at, tz) <= woman.due + POSTPARTUM_WINDOW
    ):
        found.append((first_after, True))
    return found


async def _women(session: AsyncSession, oldest_due: date) -> list[_Woman]:
    rows = await session.execute(
        select(PregnancyFollow.user_id, PregnancyFollow.due_date, User.community)
        .join(User, User.id == PregnancyFollow.user_id)
        .where(
            PregnancyFollow.due_date.is_not(None),
            PregnancyFollow.due_date >= oldest_due,
            PregnancyFollow.invitations.is_(True),
            User.active.is_(True),
        )
        .order_by(PregnancyFollow.user_id)
    )
    return [_Woman(r[0], r[1], r[2]) for r in rows.all() if r[1] is not None]


async def write_due(session: AsyncSession, now: datetime, tz: ZoneInfo) -> int:
    """Write a pending invitation for every session starting within INVITE_AHEAD that a
    woman following her pregnancy is invited to and has none for (nor a sign-up);
    returns how many. Safe from several processes at once (UNIQUE woman + session)."""
    end = now + INVITE_AHEAD
    today = local_day(now, tz)
    # Back far enough to see the first session after any due date still followed.
    dates = await club_dates(session, now - POSTPARTUM_WINDOW - timedelta(days=2), end, tz)
    soon = {(o.activity_id, o.key) for o in dates if o.starts_at > now}
    if not soon:
        return 0
    women = await _women(session, today - POSTPARTUM_WINDOW - timedelta(days=1))
    if not women:
        return 0
    ids = [w.user_id for w in women]
    activity_ids = sorted({a for a, _ in soon})
    invited = await session.execute(
        select(
            ClubInvitation.user_id,
            ClubInvitation.activity_id,
            ClubInvitation.occurrence_key,
            ClubInvitation.postpartum,
        ).where(ClubInvitation.user_id.in_(ids))
    )
    had: set[tuple[int, int, datetime]] = set()
    postpartum_keys: dict[int, list[datetime]] = {}
    for user_id, activity_id, key, postpartum in invited.all():
        had.add((user_id, activity_id, key.astimezone(UTC)))
        if postpartum:
            postpartum_keys.setdefault(user_id, []).append(key.astimezone(UTC))
    signed = await session.execute(
        select(Signup.user_id, Signup.activity_id, Signup.occurrence_start).where(
            Signup.user_id.in_(ids),
            Signup.activity_id.in_(activity_ids),
            Signup.status.in_(ACTIVE),
        )
    )
    # Sign-ups of women without a phone have no user id: none of them is followed here.
    had.update((u, a, k.astimezone(UTC)) for u, a, k in signed.all() if u is not None)
    rows: list[dict[str, Any]] = []
    for woman in women:
        after_due = datetime.combine(woman.due + timedelta(days=1), time(), tzinfo=tz)
        had_postpartum = any(k >= after_due for k in postpartum_keys.get(woman.user_id, []))
        for occurrence, postpartum in sessions_for(woman, dates, tz, had_postpartum=had_postpartum):
            name = (woman.user_id, occurrence.activity_id, occurrence.key)
            if (occurrence.activity_id, occurrence.key) not in soon or name in had:
                continue
            rows.append(
                {
                    "user_id": woman.user_id,
                    "activity_id": occurrence.activity_id,
                    "occurrence_key": occurrence.key,
                    "postpartum": postpartum,
                    "status": PENDING,
                    "created_at": now,
                }
            )
    if not rows:
        return 0
    result: Any = await session.execute(
        insert_or_ignore(session, ClubInvitation, _UNIQUE).values(rows)
    )
    return max(int(result.rowcount or 0), 0)


# ── Sending ───────────────────────────────────────────────────────────────────

_OUTCOMES = DeliveryOutcomes(ClubInvitation)


async def claim_batch(
    session: AsyncSession, now: datetime, token: str, limit: int
) -> list[ClubInvitation]:
    """Atomically take up to `limit` pending invitations (oldest first); commit right after."""
    return await _OUTCOMES.claim_rows(session, now, token, limit)


async def begin_attempt(
    session: AsyncSession, ids: Sequence[int], token: str, now: datetime
) -> set[int]:
    """Arm these claimed invitations (commit before sending); returns those still ours."""
    return await _OUTCOMES.arm(session, ids, token, now)


mark_sent = _OUTCOMES.mark_sent
mark_blocked = _OUTCOMES.mark_blocked
mark_failed = _OUTCOMES.mark_failed
mark_unknown = _OUTCOMES.mark_unknown
release = _OUTCOMES.release


@dataclass(frozen=True)
class Invitation:
    """One invitation as it is now: what the sender (or her "read" button) shows."""

    id: int
    user_id: int
    locale: str
    occurrence: Occurrence
    postpartum: bool
    discreet: bool


async def _signed_up(session: AsyncSession, user_id: int, occurrence: Occurrence) -> bool:
    found = await session.scalar(
        select(Signup.id).where(
            Signup.user_id == user_id,
            Signup.activity_id == occurrence.activity_id,
            Signup.occurrence_start == occurrence.key,
            Signup.status.in_(ACTIVE),
        )
    )
    return found is not None


async def _as_it_is(
    session: AsyncSession, row: ClubInvitation, now: datetime, tz: ZoneInfo
) -> Invitation | None:
    """The invitation with its session as it is now; None when the session is gone or
    has begun."""
    user = await session.get(User, row.user_id)
    if user is None:
        return None
    try:
        occurrence = await activities.get_occurrence(
            session, row.activity_id, row.occurrence_key, tz
        )
    except NotFound:
        return None
    if occurrence.starts_at <= now:
        return None
    follow = await follow_of(session, row.user_id)
    return Invitation(
        id=row.id,
        user_id=row.user_id,
        locale=user.locale,
        occurrence=occurrence,
        postpartum=row.postpartum,
        discreet=follow is not None and follow.discreet,
    )


async def still_wanted(
    session: AsyncSession, row: ClubInvitation, now: datetime, tz: ZoneInfo
) -> Invitation | None:
    """What to send for a claimed invitation; None when it is no longer wanted: she
    stopped them or removed her date, left, signed up meanwhile, or the session is
    gone or has begun."""
    follow = await follow_of(session, row.user_id)
    if follow is None or follow.due_date is None or not follow.invitations:
        return None
    user = await session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    invitation = await _as_it_is(session, row, now, tz)
    if invitation is None or await _signed_up(session, row.user_id, invitation.occurrence):
        return None
    return invitation


async def her_invitation(
    session: AsyncSession, invitation_id: int, user_id: int, now: datetime, tz: ZoneInfo
) -> Invitation | None:
    """Her invitation, to read it (a discreet one); NotFound when it is not hers (or
    never was); None when its session is gone or has begun."""
    row = await session.get(ClubInvitation, invitation_id)
    if row is None or row.user_id != user_id:
        raise NotFound("not her invitation")
    return await _as_it_is(session, row, now, tz)


# ── Staff ─────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ClubSession:
    occurrence: Occurrence
    invited: int
    coming: int


@dataclass(frozen=True)
class Overview:
    following: int
    discreet: int
    sessions: list[ClubSession]


async def overview(session: AsyncSession, now: datetime, tz: ZoneInfo, days: int = 62) -> Overview:
    """How many women follow their pregnancy, and the coming sessions with how many were
    invited and are coming (numbers only: no date, no name)."""
    counts = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(PregnancyFollow.discreet.cast(Integer)), 0))
            .select_from(PregnancyFollow)
            .where(PregnancyFollow.due_date.is_not(None), PregnancyFollow.invitations.is_(True))
        )
    ).one()
    found = []
    for occurrence in await club_dates(session, now, now + timedelta(days=days), tz):
        same = [
            ClubInvitation.activity_id == occurrence.activity_id,
            ClubInvitation.occurrence_key == occurrence.key,
        ]
        invited = await session.scalar(
            select(func.count())
            .select_from(ClubInvitation)
            .where(*same, ClubInvitation.status == SENT)
        )
        coming = await session.scalar(
            select(func.count())
            .select_from(Signup)
            .where(
                Signup.activity_id == occurrence.activity_id,
                Signup.occurrence_start == occurrence.key,
                Signup.status == SignupStatus.GOING,
            )
        )
        found.append(ClubSession(occurrence, int(invited or 0), int(coming or 0)))
    return Overview(int(counts[0] or 0), int(counts[1] or 0), found)


async def due_dates_of_coming(
    session: AsyncSession, activity_id: int, key: datetime, tz: ZoneInfo
) -> tuple[Occurrence, list[tuple[str, date]]]:
    """The women going to (or waiting for) a club session who follow their pregnancy,
    with their due dates, by date: sensitive, the caller audits the view. NotFound when
    it is not a session of the club."""
    occurrence = await activities.get_occurrence(session, activity_id, key, tz)
    if occurrence.details.kind != CLUB:
        raise NotFound("not a club session")
    rows = await session.execute(
        select(User.name, PregnancyFollow.due_date)
        .join(Signup, Signup.user_id == User.id)
        .join(PregnancyFollow, PregnancyFollow.user_id == User.id)
        .where(
            Signup.activity_id == activity_id,
            Signup.occurrence_start == occurrence.key,
            Signup.status.in_(ACTIVE),
            PregnancyFollow.due_date.is_not(None),
        )
        .order_by(PregnancyFollow.due_date, User.id)
    )
    return occurrence, [(name or "—", due) for name, due in rows.all() if due is not None]
