"""Deleting her data cancels her active appointments: slots free, reminders cancelled."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.appointments import service as appointments
from bot.appointments import service_reminders as reminders
from bot.cases import posts as staff_posts
from bot.core import users
from bot.db.models import AppointmentKind, AppointmentStatus, StaffPost
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings
from bot.privacy import service as privacy

OFFICE = load_office_settings(EXAMPLE_OFFICE_FILE)
TZ = ZoneInfo("America/Guatemala")
NOW = datetime(2030, 12, 1, 18, 0, tzinfo=TZ).astimezone(UTC)
WEDNESDAY_9 = datetime.combine(date(2030, 12, 4), time(9), tzinfo=TZ).astimezone(UTC)
ANA, BEA = 701, 702


async def test_deleting_her_data_cancels_her_active_appointments(session: AsyncSession) -> None:
    legal, social = OFFICE.service("legal"), OFFICE.service("social_aid")
    assert legal is not None and social is not None
    await appointments.seed_default_rules_if_empty(session, OFFICE.services)
    for user_id in (ANA, BEA):
        await users.give_consent(session, user_id, "es", NOW)
    hers = await appointments.book(
        session, user_id=ANA, service=legal, starts_at=WEDNESDAY_9, now=NOW, tz=TZ
    )
    call_back = await appointments.request_contact(
        session, user_id=ANA, service=social, kind=AppointmentKind.CALLBACK, now=NOW
    )
    beas = await appointments.request_contact(
        session, user_id=BEA, service=social, kind=AppointmentKind.VISIT, now=NOW
    )
    await session.commit()
    ids = (hers.id, call_back.id, beas.id)

    await privacy.delete_personal_data(session, ANA, now=NOW)
    await session.commit()

    mine, callback, other = [await appointments.get_appointment(session, i) for i in ids]
    for appointment in (mine, callback):
        await session.refresh(appointment)
        assert appointment.status == AppointmentStatus.CANCELLED
        assert appointment.user_id is None
        assert appointment.cancel_reason == privacy.DATA_DELETED
    assert {r.status for r in await reminders.reminders_of(session, ids[0])} == {"cancelled"}
    # Her slot is free again: someone else can book it.
    free = await appointments.free_slots(
        session, legal, from_date=date(2030, 12, 4), days=1, tz=TZ, now=NOW
    )
    assert WEDNESDAY_9 in [s.starts_at for s in free]
    await appointments.book(
        session, user_id=BEA, service=legal, starts_at=WEDNESDAY_9, now=NOW, tz=TZ
    )
    # Others' appointments are untouched; staff are told about hers.
    await session.refresh(other)
    assert (other.user_id, other.status) == (BEA, AppointmentStatus.REQUESTED)
    posts = (await session.scalars(select(StaffPost).order_by(StaffPost.id))).all()
    assert [(p.kind, p.appointment_id) for p in posts] == [
        (staff_posts.APPOINTMENT_CHANGED, ids[0]),
        (staff_posts.APPOINTMENT_CHANGED, ids[1]),
    ]
