"""Fairs, the business directory and the entrepreneurship school, on SQLite and
PostgreSQL: applications decided and exported, the directory joined, browsed and left,
a course with its limit, attendance, completion and certificates, and "delete my data"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.core import users
from bot.core.errors import AlreadyDone, InvalidInput, NotFound
from bot.db.models import (
    BusinessListing,
    Certificate,
    CourseEnrolment,
    DeliveryStatus,
    FairApplication,
    FairApplicationStatus,
    Signup,
    SignupStatus,
)
from bot.enterprise import service_directory as directory
from bot.enterprise import service_fairs as fairs
from bot.enterprise import service_school as school
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings
from bot.privacy.service import delete_personal_data
from bot.settings_errors import ConfigError
from tests.unit.privacy.test_erasure_service import tables_referencing

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TZ = ZoneInfo("America/Guatemala")
# A real Telegram id: no other column could hold it by chance.
HER = 7_312_845_166


async def woman(session: AsyncSession, user_id: int, name: str = "Ana López") -> None:
    user = await users.give_consent(session, user_id, "es", NOW - timedelta(days=1))
    user.name, user.community = name, "Xecotz"
    users.finish_registration(user, NOW - timedelta(days=1))
    await session.flush()


async def activity(session: AsyncSession, kind: str, days: int, **extra: object) -> int:
    created = await activities.create(
        session,
        kind=kind,
        title=f"{kind} {days}",
        starts_at=NOW + timedelta(days=days),
        now=NOW,
        **extra,  # type: ignore[arg-type]
    )
    return created.id


async def test_a_fair_application_decided_staged_and_exported(session: AsyncSession) -> None:
    for user_id in (1, 2, 3):
        await woman(session, user_id, f"Mujer {user_id}")
    fair = await activity(session, "fair", 10)
    key = NOW + timedelta(days=10)
    apply = {
        "activity_id": fair,
        "occurrence_start": key,
        "products": "Tejidos y servilletas",
        "photo_file_id": "photo-1",
        "stands": 2,
        "now": NOW,
        "tz": TZ,
    }
    first = await fairs.apply(session, user_id=1, business_name="Tejidos Ixchel", **apply)
    with pytest.raises(AlreadyDone):
        await fairs.apply(session, user_id=1, business_name="Otra", **apply)
    for bad in ({"business_name": ""}, {"business_name": "x" * 81}, {"stands": 9}):
        with pytest.raises(InvalidInput):
            await fairs.apply(session, user_id=2, **{"business_name": "B", **apply, **bad})  # type: ignore[arg-type]
    training = await activity(session, "training", 10)
    with pytest.raises(NotFound):
        await fairs.apply(
            session, user_id=2, business_name="B", **{**apply, "activity_id": training}
        )
    second = await fairs.apply(session, user_id=2, business_name="Dulces Rosa", **apply)

    await fairs.decide(session, first.id, accept=True, staff_id=9, now=NOW, tz=TZ)
    await fairs.decide(session, second.id, accept=False, staff_id=9, now=NOW, tz=TZ)
    with pytest.raises(fairs.WrongStep):
        await fairs.decide(session, first.id, accept=False, staff_id=9, now=NOW, tz=TZ)
    with pytest.raises(fairs.WrongStep):
        await fairs.assign_stand(session, second.id, "3", 9, NOW)
    await fairs.assign_stand(session, first.id, "  12-13 ", 9, NOW)
    # Accepted: she is signed up to the fair's date (its reminders reach her).
    going = await signups.who_is_coming(session, fair, key)
    assert going == [1]
    rows = await fairs.exhibitors(session, fair, key)
    assert [(r.stand, r.business_name, r.name, r.stands) for r in rows] == [
        ("12-13", "Tejidos Ixchel", "Mujer 1", 2)
    ]
    assert (await fairs.counts(session, fair, key)) == {"accepted": 1, "declined": 1}
    # Declined, she may apply again; withdrawn, her place at the date is freed.
    again = await fairs.apply(session, user_id=2, business_name="Dulces Rosa", **apply)
    assert again.id == second.id and again.status == FairApplicationStatus.PENDING
    await fairs.withdraw(session, first.id, 1, NOW)
    assert await signups.who_is_coming(session, fair, key) == []
    with pytest.raises(NotFound):
        await fairs.withdraw(session, second.id, 1, NOW)


async def test_the_directory_joined_browsed_and_left(session: AsyncSession) -> None:
    for user_id in (1, 2):
        await woman(session, user_id)
    common = {"products": "Pan dulce", "contact": "5555 1234", "now": NOW}
    await directory.join(
        session, user_id=1, name="Panadería Ana", community="Xecotz", kind="food", **common
    )
    await directory.join(
        session, user_id=2, name="Tejidos", community="Chuicacá", kind="textiles", **common
    )
    with pytest.raises(InvalidInput):
        await directory.join(
            session, user_id=2, name="X", community="Xecotz", kind="weapons", **common
        )
    with pytest.raises(InvalidInput):
        await directory.join(
            session,
            user_id=2,
            name="X",
            community="Xecotz",
            kind="food",
            **{**common, "contact": ""},
        )
    assert await directory.communities(session) == [("Chuicacá", 1), ("Xecotz", 1)]
    assert await directory.kinds_in(session, "Xecotz") == {"food": 1}
    assert [b.name for b in await directory.browse(session, "Xecotz", "food")] == ["Panadería Ana"]
    assert await directory.browse(session, "Xecotz", "crafts") == []
    # Joining again changes her entry.
    await directory.join(
        session, user_id=1, name="Pan de Ana", community="Xecotz", kind="food", **common
    )
    assert [e.name for e in await directory.export(session)] == ["Tejidos", "Pan de Ana"]
    await directory.leave(session, 1)
    with pytest.raises(NotFound):
        await directory.leave(session, 1)
    assert [c for c, _ in await directory.communities(session)] == ["Chuicacá"]


async def course_of_two_sessions(
    session: AsyncSession, capacity: int | None
) -> tuple[int, list[int]]:
    dates = [
        await activity(session, "entrepreneurship_school", d, duration_minutes=120) for d in (3, 10)
    ]
    course = await school.create_course(
        session,
        title="Contabilidad básica",
        dates=[(a, NOW + timedelta(days=d)) for a, d in zip(dates, (3, 10), strict=True)],
        capacity=capacity,
        completion_percent=None,
        created_by=9,
        now=NOW,
        tz=TZ,
    )
    return course.id, dates


async def test_a_course_enrolment_attendance_and_certificates(session: AsyncSession) -> None:
    for user_id in (1, 2, 3):
        await woman(session, user_id, f"Mujer {user_id}")
    course_id, dates = await course_of_two_sessions(session, capacity=2)
    assert await school.enrol(session, course_id, 1, NOW, TZ) == 2
    with pytest.raises(AlreadyDone):
        await school.enrol(session, course_id, 1, NOW, TZ)
    await school.enrol(session, course_id, 2, NOW, TZ)
    with pytest.raises(school.CourseFull):
        await school.enrol(session, course_id, 3, NOW, TZ)
    with pytest.raises(school.CourseOver):
        await school.enrol(session, course_id, 3, NOW + timedelta(days=11), TZ)
    with pytest.raises(NotFound):
        await school.enrol(session, 999, 3, NOW, TZ)
    # Enrolled: signed up to each session.
    signed = await session.scalar(
        select(func.count()).select_from(Signup).where(Signup.user_id == 1)
    )
    assert signed == 2
    # She came to both; the other woman to one (50% < the office's 80%).
    for user_id, came in ((1, dates), (2, dates[:1])):
        for activity_id in came:
            signup = await session.scalar(
                select(Signup).where(Signup.user_id == user_id, Signup.activity_id == activity_id)
            )
            assert signup is not None
            await signups.mark_attended(session, signup.id, True, NOW)
    dates_now = await school.sessions(session, course_id, TZ)
    seen = {
        p.user_id: (p.attended, p.percent)
        for p in await school.progress(session, course_id, dates_now)
    }
    assert seen == {1: (2, 100), 2: (1, 50)}
    issued = await school.issue_certificates(
        session, course_id, office_percent=80, staff_id=9, now=NOW, tz=TZ
    )
    assert [(c.user_id, c.name, c.minutes, c.status) for c in issued] == [
        (1, "Mujer 1", 240, DeliveryStatus.PENDING)
    ]
    # Issued once: asking again issues none; a lower threshold of the course adds her.
    assert (
        await school.issue_certificates(
            session, course_id, office_percent=80, staff_id=9, now=NOW, tz=TZ
        )
        == []
    )
    course = await school.find(session, course_id)
    assert course is not None
    course.completion_percent = 50
    more = await school.issue_certificates(
        session, course_id, office_percent=80, staff_id=9, now=NOW, tz=TZ
    )
    assert [c.user_id for c in more] == [2]
    # Leaving frees her places at the coming sessions.
    await school.leave(session, course_id, 2, NOW, TZ)
    assert not await school.is_enrolled(session, course_id, 2)
    statuses = (await session.scalars(select(Signup.status).where(Signup.user_id == 2))).all()
    assert set(statuses) == {SignupStatus.CANCELLED}


async def test_delete_my_data_erases_her_enterprise_records(session: AsyncSession) -> None:
    await woman(session, HER)
    fair = await activity(session, "fair", 10)
    await fairs.apply(
        session,
        activity_id=fair,
        occurrence_start=NOW + timedelta(days=10),
        user_id=HER,
        business_name="Tejidos Ixchel",
        products="Tejidos",
        photo_file_id=None,
        stands=1,
        now=NOW,
        tz=TZ,
    )
    await directory.join(
        session,
        user_id=HER,
        name="Tejidos Ixchel",
        products="Tejidos",
        community="Xecotz",
        kind="textiles",
        contact="5555 1234",
        now=NOW,
    )
    course_id, _ = await course_of_two_sessions(session, capacity=None)
    await school.enrol(session, course_id, HER, NOW, TZ)
    for signup in (await session.scalars(select(Signup).where(Signup.user_id == HER))).all():
        await signups.mark_attended(session, signup.id, True, NOW)
    await school.issue_certificates(
        session, course_id, office_percent=80, staff_id=9, now=NOW, tz=TZ
    )

    await delete_personal_data(session, HER, NOW)
    await session.flush()
    for model in (FairApplication, BusinessListing, CourseEnrolment):
        assert await session.scalar(select(func.count()).select_from(model)) == 0
    # The certificate stays as a count: no id, no name, never sent.
    left = (
        await session.execute(select(Certificate.user_id, Certificate.name, Certificate.status))
    ).all()
    assert left == [(None, None, DeliveryStatus.FAILED)]
    assert await tables_referencing(session, HER) == []


def test_the_office_file_sets_the_share_of_sessions_to_complete_a_course(tmp_path: Path) -> None:
    text = EXAMPLE_OFFICE_FILE.read_text(encoding="utf-8")
    assert load_office_settings(EXAMPLE_OFFICE_FILE).school_completion_percent == 80
    office = tmp_path / "office.toml"
    office.write_text(text.replace("completion_percent = 80", "completion_percent = 75"), "utf-8")
    assert load_office_settings(office).school_completion_percent == 75
    for bad in ("0", "101", '"80%"', "true"):
        office.write_text(
            text.replace("completion_percent = 80", f"completion_percent = {bad}"), "utf-8"
        )
        with pytest.raises(ConfigError, match="completion_percent"):
            load_office_settings(office)
