"""The municipal entrepreneurship school: courses (cohorts) made of sessions (dates of
activities), enrolment with a limit, attendance per session (marked on the activities'
attendance lists), completion when she attended the course's share of sessions (its
own, or the office file's), and a certificate for each woman who completed it.

Enrolling signs her up to each coming session, so she gets the activities' reminders
and appears on their attendance lists. Certificates are rows sent by a sweep
(bot.enterprise.jobs_certificates); when she deletes her data they stay as counts.
Nothing here commits or knows Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.activities.service_series import Occurrence
from bot.core.errors import AlreadyDone, DomainError, InvalidInput, NotFound
from bot.db.models import (
    Certificate,
    Course,
    CourseEnrolment,
    CourseSession,
    DeliveryStatus,
    Signup,
    User,
)
from bot.enterprise.service_fairs import clean

MAX_TITLE = 128
MAX_SESSIONS = 40
MAX_CAPACITY = 500
CAPACITY_CHOICES = (10, 15, 20, 25, 30, 40)
PERCENT_CHOICES = (60, 70, 75, 80, 90, 100)


class CourseFull(DomainError):
    """Every place of the course is taken."""


class CourseOver(DomainError):
    """Its last session has begun: enrolment is closed."""


async def create_course(
    session: AsyncSession,
    *,
    title: str,
    dates: Sequence[tuple[int, datetime]],
    capacity: int | None,
    completion_percent: int | None,
    created_by: int | None,
    now: datetime,
    tz: ZoneInfo,
) -> Course:
    """A course of these activity dates (each must be a date as it is now)."""
    name = clean(title, MAX_TITLE)
    if not dates or len(dates) > MAX_SESSIONS:
        raise InvalidInput(f"from 1 to {MAX_SESSIONS} sessions")
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidInput("capacity out of range")
    if completion_percent is not None and not 1 <= completion_percent <= 100:
        raise InvalidInput("completion percent out of range")
    occurrences = {}
    for activity_id, start in dates:
        occurrence = await activities.get_occurrence(session, activity_id, start, tz)
        occurrences[(occurrence.activity_id, occurrence.key)] = occurrence
    course = Course(
        title=name,
        capacity=capacity,
        completion_percent=completion_percent,
        created_by=created_by,
        created_at=now,
    )
    session.add(course)
    await session.flush()
    for activity_id, key in occurrences:
        session.add(
            CourseSession(course_id=course.id, activity_id=activity_id, occurrence_start=key)
        )
    await session.flush()
    return course


async def find(session: AsyncSession, course_id: int) -> Course | None:
    return await session.get(Course, course_id)


async def courses(session: AsyncSession) -> list[Course]:
    """Every course, newest first."""
    return list((await session.scalars(select(Course).order_by(Course.id.desc()))).all())


async def sessions(session: AsyncSession, course_id: int, tz: ZoneInfo) -> list[Occurrence]:
    """The course's sessions as they are now, by time (a cancelled one is left out)."""
    rows = await session.execute(
        select(CourseSession.activity_id, CourseSession.occurrence_start).where(
            CourseSession.course_id == course_id
        )
    )
    found = []
    for activity_id, key in rows.all():
        try:
            found.append(await activities.get_occurrence(session, activity_id, key, tz))
        except NotFound:
            continue
    return sorted(found, key=lambda o: (o.starts_at, o.activity_id))


async def open_courses(
    session: AsyncSession, now: datetime, tz: ZoneInfo
) -> list[tuple[Course, list[Occurrence]]]:
    """Courses she can still enrol in (their last session has not begun), with sessions."""
    found = []
    for course in await courses(session):
        dates = await sessions(session, course.id, tz)
        if dates and dates[-1].starts_at > now:
            found.append((course, dates))
    return found


async def enrolled_count(session: AsyncSession, course_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(CourseEnrolment)
        .where(CourseEnrolment.course_id == course_id)
    )
    return int(count or 0)


async def is_enrolled(session: AsyncSession, course_id: int, user_id: int) -> bool:
    return await session.get(CourseEnrolment, (course_id, user_id)) is not None


async def enrol(
    session: AsyncSession, course_id: int, user_id: int, now: datetime, tz: ZoneInfo
) -> int:
    """She enrols, and is signed up to each coming session: returns how many. NotFound,
    AlreadyDone (enrolled), CourseOver (its last session began), CourseFull."""
    # Renders FOR UPDATE on PostgreSQL (two women taking the last place wait in turn).
    course = await session.scalar(select(Course).where(Course.id == course_id).with_for_update())
    if course is None:
        raise NotFound(f"course {course_id}")
    dates = await sessions(session, course_id, tz)
    if not dates or dates[-1].starts_at <= now:
        raise CourseOver(f"course {course_id} is over")
    if await is_enrolled(session, course_id, user_id):
        raise AlreadyDone("already enrolled")
    if course.capacity is not None and await enrolled_count(session, course_id) >= course.capacity:
        raise CourseFull(f"course {course_id} is full")
    try:
        async with session.begin_nested():
            session.add(CourseEnrolment(course_id=course_id, user_id=user_id, enrolled_at=now))
            await session.flush()
    except IntegrityError:
        raise AlreadyDone("already enrolled") from None
    signed = 0
    for occurrence in dates:
        if occurrence.starts_at <= now:
            continue
        try:
            await signups.sign_up(
                session, occurrence.activity_id, occurrence.key, user_id, now, tz=tz
            )
        except (AlreadyDone, InvalidInput, NotFound):
            continue
        signed += 1
    return signed


async def leave(
    session: AsyncSession, course_id: int, user_id: int, now: datetime, tz: ZoneInfo
) -> list[signups.Promotion]:
    """She leaves a course: her places at its coming sessions go to those waiting."""
    enrolment = await session.get(CourseEnrolment, (course_id, user_id))
    if enrolment is None:
        raise NotFound("not enrolled")
    await session.delete(enrolment)
    await session.flush()
    promotions = []
    for occurrence in await sessions(session, course_id, tz):
        if occurrence.starts_at <= now:
            continue
        try:
            promoted = await signups.cancel_signup(
                session, occurrence.activity_id, occurrence.key, user_id, now
            )
        except (AlreadyDone, NotFound):
            continue
        if promoted is not None:
            promotions.append(signups.Promotion(promoted, occurrence.activity_id, occurrence.key))
    return promotions


async def courses_of(session: AsyncSession, user_id: int) -> list[int]:
    """The ids of the courses she is enrolled in."""
    rows = await session.scalars(
        select(CourseEnrolment.course_id).where(CourseEnrolment.user_id == user_id)
    )
    return list(rows.all())


def threshold(course: Course, office_percent: int) -> int:
    """The share of sessions (percent) she must attend to complete the course."""
    return course.completion_percent if course.completion_percent is not None else office_percent


@dataclass(frozen=True)
class Progress:
    """One enrolled woman's attendance in a course."""

    user_id: int
    name: str | None
    community: str | None
    attended: int
    sessions: int
    certified: bool

    @property
    def percent(self) -> int:
        return 100 * self.attended // self.sessions if self.sessions else 0


async def progress(
    session: AsyncSession, course_id: int, dates: Sequence[Occurrence]
) -> list[Progress]:
    """Each enrolled woman's sessions attended, by name."""
    people = (
        (
            await session.execute(
                select(User)
                .join(CourseEnrolment, CourseEnrolment.user_id == User.id)
                .where(CourseEnrolment.course_id == course_id)
            )
        )
        .scalars()
        .all()
    )
    keys = {(o.activity_id, o.key) for o in dates}
    activity_ids = {o.activity_id for o in dates}
    attended: dict[int, int] = {}
    if people and activity_ids:
        rows = await session.execute(
            select(Signup.user_id, Signup.activity_id, Signup.occurrence_start).where(
                Signup.activity_id.in_(activity_ids),
                Signup.user_id.in_([p.id for p in people]),
                Signup.attended_at.is_not(None),
            )
        )
        for user_id, activity_id, key in rows.all():
            # (Sign-ups of women without a phone have no user id; the query asks for none.)
            if user_id is not None and (activity_id, key) in keys:
                attended[user_id] = attended.get(user_id, 0) + 1
    certified = set(
        (
            await session.scalars(
                select(Certificate.user_id).where(
                    Certificate.course_id == course_id, Certificate.user_id.is_not(None)
                )
            )
        ).all()
    )
    found = [
        Progress(p.id, p.name, p.community, attended.get(p.id, 0), len(dates), p.id in certified)
        for p in people
    ]
    return sorted(found, key=lambda p: ((p.name or "").lower(), p.user_id))


async def issue_certificates(
    session: AsyncSession,
    course_id: int,
    *,
    office_percent: int,
    staff_id: int | None,
    now: datetime,
    tz: ZoneInfo,
) -> list[Certificate]:
    """A certificate for each enrolled woman who completed the course and has none yet
    (queued: the sweep sends them). Returns the new ones."""
    course = await find(session, course_id)
    if course is None:
        raise NotFound(f"course {course_id}")
    dates = await sessions(session, course_id, tz)
    if not dates:
        return []
    needed = threshold(course, office_percent)
    minutes = sum(o.details.duration_minutes for o in dates)
    first, last = (
        dates[0].starts_at.astimezone(tz).date(),
        dates[-1].starts_at.astimezone(tz).date(),
    )
    issued = []
    for woman in await progress(session, course_id, dates):
        if woman.certified or woman.percent < needed:
            continue
        certificate = Certificate(
            course_id=course_id,
            user_id=woman.user_id,
            name=woman.name,
            minutes=minutes,
            first_day=first,
            last_day=last,
            sessions=woman.sessions,
            attended=woman.attended,
            issued_at=now,
            issued_by=staff_id,
            status=DeliveryStatus.PENDING,
        )
        session.add(certificate)
        issued.append(certificate)
    await session.flush()
    return issued


async def certificates(session: AsyncSession, course_id: int) -> list[Certificate]:
    """The course's certificates, in the order issued."""
    rows = await session.scalars(
        select(Certificate).where(Certificate.course_id == course_id).order_by(Certificate.id)
    )
    return list(rows.all())


async def certificates_of(session: AsyncSession, user_id: int) -> list[Certificate]:
    rows = await session.scalars(
        select(Certificate).where(Certificate.user_id == user_id).order_by(Certificate.id)
    )
    return list(rows.all())


async def due_certificates(session: AsyncSession, limit: int) -> list[Certificate]:
    """Certificates waiting to be sent, oldest first."""
    rows = await session.scalars(
        select(Certificate)
        .where(Certificate.status == DeliveryStatus.PENDING)
        .order_by(Certificate.id)
        .limit(limit)
    )
    return list(rows.all())


async def mark_certificate(
    session: AsyncSession, certificate_id: int, status: DeliveryStatus, now: datetime
) -> None:
    await session.execute(
        update(Certificate)
        .where(Certificate.id == certificate_id)
        .values(status=status, sent_at=now if status == DeliveryStatus.SENT else None)
    )


async def forget_person(session: AsyncSession, user_id: int) -> None:
    """Delete my data: her enrolments go; her certificates stay as anonymous counts (one
    still waiting to be sent is not sent)."""
    await session.execute(delete(CourseEnrolment).where(CourseEnrolment.user_id == user_id))
    await session.execute(
        update(Certificate)
        .where(Certificate.user_id == user_id, Certificate.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.FAILED)
    )
    await session.execute(
        update(Certificate).where(Certificate.user_id == user_id).values(user_id=None, name=None)
    )
