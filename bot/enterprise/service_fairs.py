"""Fairs: a fair is an activity of kind "fair"; women apply to exhibit at one of its
dates (business name, what they sell, a photo, how many stands), staff accept or
decline and assign stands, and export the exhibitors for the Ministry of Economy or SOSEP.

An accepted exhibitor is signed up to the fair's date, so the activities' reminders
(bot.activities.service_reminders) reach her like any woman going. Like every service,
nothing here commits or knows Telegram.
"""

from __future__ import annotations

from collections import Counter
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.activities.service_series import Occurrence
from bot.core.errors import AlreadyDone, InvalidInput, NotFound
from bot.db.models import ActivityKind, FairApplication, FairApplicationStatus, User

MAX_BUSINESS = 80
MAX_PRODUCTS = 400
MAX_STANDS = 4
MAX_STAND_LABEL = 32
FAIRS_AHEAD_DAYS = 180
# Applications still standing: she cannot apply twice while one is.
STANDING = (FairApplicationStatus.PENDING, FairApplicationStatus.ACCEPTED)


class WrongStep(AlreadyDone):
    """The application is no longer where the button thought (decided, withdrawn)."""


def clean(text: str | None, limit: int) -> str:
    """Her words, spaces collapsed; InvalidInput when empty, too long or a command."""
    words = " ".join((text or "").split())
    if not words or len(words) > limit or words.startswith("/"):
        raise InvalidInput(f"a text of 1 to {limit} characters")
    return words


async def upcoming_fairs(
    session: AsyncSession, now: datetime, tz: ZoneInfo, community: str | None = None
) -> list[Occurrence]:
    """Fair dates from now on (hers first when she has a community)."""
    return await activities.upcoming(
        session, now, tz, days=FAIRS_AHEAD_DAYS, kind=ActivityKind.FAIR, community=community
    )


async def get_fair(
    session: AsyncSession, activity_id: int, occurrence_start: datetime, tz: ZoneInfo
) -> Occurrence:
    """One date of a fair; NotFound when it is not a fair's, cancelled or never was."""
    occurrence = await activities.get_occurrence(session, activity_id, occurrence_start, tz)
    if occurrence.details.kind != ActivityKind.FAIR:
        raise NotFound(f"activity {activity_id} is not a fair")
    return occurrence


async def find(session: AsyncSession, application_id: int) -> FairApplication | None:
    return await session.get(FairApplication, application_id)


async def of_her(
    session: AsyncSession, activity_id: int, occurrence_start: datetime, user_id: int
) -> FairApplication | None:
    return await session.scalar(
        select(FairApplication).where(
            FairApplication.activity_id == activity_id,
            FairApplication.occurrence_start == occurrence_start,
            FairApplication.user_id == user_id,
        )
    )


async def apply(
    session: AsyncSession,
    *,
    activity_id: int,
    occurrence_start: datetime,
    user_id: int,
    business_name: str,
    products: str,
    photo_file_id: str | None,
    stands: int,
    now: datetime,
    tz: ZoneInfo,
) -> FairApplication:
    """She applies to exhibit (again, after withdrawing or being declined: the same row,
    pending anew). AlreadyDone while one of hers stands; InvalidInput for bad fields or a
    fair that has begun; NotFound for a date that is not a fair's."""
    fair = await get_fair(session, activity_id, occurrence_start, tz)
    if fair.starts_at <= now:
        raise InvalidInput("the fair has begun")
    name, what = clean(business_name, MAX_BUSINESS), clean(products, MAX_PRODUCTS)
    if not 1 <= stands <= MAX_STANDS:
        raise InvalidInput(f"from 1 to {MAX_STANDS} stands")
    existing = await of_her(session, activity_id, fair.key, user_id)
    if existing is not None and existing.status in STANDING:
        raise AlreadyDone("she already applied")
    if existing is None:
        existing = FairApplication(
            activity_id=activity_id, occurrence_start=fair.key, user_id=user_id, created_at=now
        )
        session.add(existing)
    existing.business_name, existing.products = name, what
    existing.photo_file_id = photo_file_id
    existing.stands, existing.stand = stands, None
    existing.status, existing.decided_by = FairApplicationStatus.PENDING, None
    existing.updated_at = now
    await session.flush()
    return existing


async def withdraw(
    session: AsyncSession, application_id: int, user_id: int, now: datetime
) -> signups.Promotion | None:
    """She takes her application back; if accepted, her place at the fair's date is
    freed too (the woman waiting for it, returned, is to be told)."""
    application = await find(session, application_id)
    if application is None or application.user_id != user_id:
        raise NotFound(f"fair application {application_id}")
    if application.status not in STANDING:
        raise WrongStep(f"application {application_id} is {application.status}")
    was_accepted = application.status == FairApplicationStatus.ACCEPTED
    application.status = FairApplicationStatus.WITHDRAWN
    application.updated_at = now
    await session.flush()
    if not was_accepted:
        return None
    try:
        promoted = await signups.cancel_signup(
            session, application.activity_id, application.occurrence_start, user_id, now
        )
    except (AlreadyDone, NotFound):
        return None
    if promoted is None:
        return None
    return signups.Promotion(promoted, application.activity_id, application.occurrence_start)


async def decide(
    session: AsyncSession,
    application_id: int,
    *,
    accept: bool,
    staff_id: int | None,
    now: datetime,
    tz: ZoneInfo,
) -> FairApplication:
    """Staff accept (she is signed up to the fair's date, for its reminders) or decline a
    pending application. WrongStep when it is not pending any more."""
    application = await find(session, application_id)
    if application is None:
        raise NotFound(f"fair application {application_id}")
    if application.status != FairApplicationStatus.PENDING:
        raise WrongStep(f"application {application_id} is {application.status}")
    application.status = (
        FairApplicationStatus.ACCEPTED if accept else FairApplicationStatus.DECLINED
    )
    application.decided_by = staff_id
    application.updated_at = now
    await session.flush()
    if accept:
        # Already going, or the date has begun: accepted all the same.
        with suppress(AlreadyDone, InvalidInput, NotFound):
            await signups.sign_up(
                session,
                application.activity_id,
                application.occurrence_start,
                application.user_id,
                now,
                tz=tz,
            )
    return application


async def assign_stand(
    session: AsyncSession, application_id: int, stand: str, staff_id: int | None, now: datetime
) -> FairApplication:
    """Staff give an accepted exhibitor her stand(s) ("12", "12-13", "A4")."""
    application = await find(session, application_id)
    if application is None:
        raise NotFound(f"fair application {application_id}")
    if application.status != FairApplicationStatus.ACCEPTED:
        raise WrongStep(f"application {application_id} is {application.status}")
    application.stand = clean(stand, MAX_STAND_LABEL)
    application.decided_by = staff_id
    application.updated_at = now
    await session.flush()
    return application


async def applications(
    session: AsyncSession, activity_id: int, occurrence_start: datetime
) -> list[FairApplication]:
    """Every application to one fair date, oldest first."""
    rows = await session.scalars(
        select(FairApplication)
        .where(
            FairApplication.activity_id == activity_id,
            FairApplication.occurrence_start == occurrence_start,
        )
        .order_by(FairApplication.created_at, FairApplication.id)
    )
    return list(rows.all())


async def counts(
    session: AsyncSession, activity_id: int, occurrence_start: datetime
) -> Counter[str]:
    """How many applications of each status one fair date has."""
    found = await applications(session, activity_id, occurrence_start)
    return Counter(str(a.status) for a in found)


@dataclass(frozen=True)
class Exhibitor:
    """One line of the exhibitors' list staff export."""

    stand: str
    business_name: str
    products: str
    stands: int
    name: str
    community: str
    phone: str


def _stand_order(stand: str) -> tuple[int, int, str]:
    head = stand.split("-", 1)[0].strip()
    return (0, int(head), stand) if head.isdigit() else (1, 0, stand)


async def exhibitors(
    session: AsyncSession, activity_id: int, occurrence_start: datetime
) -> list[Exhibitor]:
    """The accepted exhibitors of one fair date, by stand (those without one last)."""
    rows = (
        await session.execute(
            select(FairApplication, User)
            .join(User, User.id == FairApplication.user_id)
            .where(
                FairApplication.activity_id == activity_id,
                FairApplication.occurrence_start == occurrence_start,
                FairApplication.status == FairApplicationStatus.ACCEPTED,
            )
        )
    ).all()
    found = [
        Exhibitor(
            stand=application.stand or "",
            business_name=application.business_name,
            products=application.products,
            stands=application.stands,
            name=user.name or "",
            community=user.community or "",
            phone=user.phone or "",
        )
        for application, user in rows
    ]
    return sorted(
        found, key=lambda e: (not e.stand, _stand_order(e.stand) if e.stand else (2, 0, ""))
    )


async def forget_person(session: AsyncSession, user_id: int) -> None:
    """Delete my data: her applications go (the fair keeps no trace of her)."""
    await session.execute(delete(FairApplication).where(FairApplication.user_id == user_id))
