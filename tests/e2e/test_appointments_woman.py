"""A woman books, changes and cancels appointments from her phone, with buttons only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import BotRuntime
from bot.appointments import service as appointments
from bot.appointments import service_reminders as reminders
from bot.appointments.views import appointment_reminder
from bot.cases import posts as staff_posts
from bot.core import users
from bot.db.models import Appointment, AppointmentKind, AppointmentStatus, StaffPost
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings
from tests.e2e.conftest import WOMAN_ID
from tests.e2e.harness import OffsetClock, Person, buttons
from tests.e2e.journeys import register

GT = ZoneInfo("America/Guatemala")
OFFICE = load_office_settings(EXAMPLE_OFFICE_FILE)
LEGAL = OFFICE.service("legal")
SOCIAL = OFFICE.service("social_aid")
# Sunday evening; legal advice is on Mondays and Wednesdays.
NOW = datetime(2030, 12, 1, 18, 0, tzinfo=GT)
WEDNESDAY_9 = datetime(2030, 12, 4, 9, 0, tzinfo=GT).astimezone(UTC)
OTHER_WOMAN = 100077


def data_of(message: dict | None) -> list[str]:
    return [d for _, d in buttons(message)]


@pytest.fixture
async def registered(ana: Person, e2e_clock: OffsetClock) -> Person:
    e2e_clock.offset = NOW.astimezone(UTC) - datetime.now(UTC)
    await register(ana)
    return ana


async def all_appointments(db: AsyncSession) -> list[Appointment]:
    await db.rollback()
    found = list((await db.scalars(select(Appointment).order_by(Appointment.id))).all())
    db.expunge_all()  # plain snapshots: later looks (which roll back) leave them alone
    return found


async def posts(db: AsyncSession) -> list[tuple[str, int | None]]:
    await db.rollback()
    rows = (await db.scalars(select(StaffPost).order_by(StaffPost.id))).all()
    return [(p.kind, p.appointment_id) for p in rows]


async def is_free(db: AsyncSession, starts_at: datetime) -> bool:
    await db.rollback()
    assert LEGAL is not None
    slots = await appointments.free_slots(
        db, LEGAL, from_date=starts_at.astimezone(GT).date(), days=1, tz=GT, now=NOW
    )
    return any(s.starts_at == starts_at for s in slots)


async def pick_wednesday_9(ana: Person) -> dict:
    await ana.tap("ap")
    await ana.tap("ap:s:legal")
    await ana.tap("ap:d:legal:20301204")
    confirm = await ana.tap("ap:t:legal:203012040900")
    assert confirm is not None
    return confirm


async def book_wednesday_9(ana: Person) -> dict:
    await pick_wednesday_9(ana)
    done = await ana.tap("ap:ok:legal:203012040900")
    assert done is not None
    return done


async def test_she_books_a_slot_end_to_end(registered: Person, db: AsyncSession) -> None:
    ana = registered
    menu = ana.last()
    assert "ap" in data_of(menu)
    services = await ana.tap("ap")
    assert data_of(services)[:5] == [f"ap:s:{s.key}" for s in OFFICE.services] + ["ap:my"]
    days = await ana.tap("ap:s:legal")
    assert days is not None and days["protect_content"] is True  # a sensitive service
    assert data_of(days)[:8] == [
        "ap:d:legal:20301202",
        "ap:d:legal:20301204",
        "ap:d:legal:20301209",
        "ap:d:legal:20301211",
        "ap:d:legal:20301216",
        "ap:d:legal:20301218",
        "ap:cb:legal",
        "ap:vi:legal",
    ]
    assert buttons(days)[1][0] == "miércoles, 4 de diciembre"
    times = await ana.tap("ap:d:legal:20301204")
    assert [label for label, d in buttons(times) if d.startswith("ap:t:")] == [
        "08:00",
        "09:00",
        "10:00",
        "11:00",
    ]
    confirm = await ana.tap("ap:t:legal:203012040900")
    assert confirm is not None
    expected_date = format_date(WEDNESDAY_9.astimezone(GT), "EEEE, d 'de' MMMM", locale="es")
    assert f"{expected_date}, 09:00" in confirm["text"]
    assert OFFICE.address("es") in confirm["text"]
    assert LEGAL is not None and LEGAL.what_to_bring("es") in confirm["text"]
    assert data_of(confirm)[:2] == ["ap:ok:legal:203012040900", "ap:d:legal:20301204"]
    assert await all_appointments(db) == []

    done = await ana.tap("ap:ok:legal:203012040900")
    assert done is not None and done["protect_content"] is True
    assert expected_date in done["text"] and OFFICE.address("es") in done["text"]
    (booked,) = await all_appointments(db)
    assert (booked.user_id, booked.service, booked.kind, booked.status) == (
        WOMAN_ID,
        "legal",
        AppointmentKind.SLOT,
        AppointmentStatus.REQUESTED,
    )
    assert booked.starts_at == WEDNESDAY_9
    due = [(r.kind, r.status) for r in await reminders.reminders_of(db, booked.id)]
    assert sorted(due) == [("24h", "pending"), ("2h", "pending")]
    assert await posts(db) == [(staff_posts.NEW_APPOINTMENT, booked.id)]
    assert not await is_free(db, WEDNESDAY_9)


async def test_a_slot_taken_meanwhile_is_explained_and_not_booked_twice(
    registered: Person, db: AsyncSession
) -> None:
    ana = registered
    await pick_wednesday_9(ana)
    # Someone else books the same time while she reads the confirmation.
    assert LEGAL is not None
    await users.give_consent(db, OTHER_WOMAN, "es", NOW)
    other = await appointments.book(
        db, user_id=OTHER_WOMAN, service=LEGAL, starts_at=WEDNESDAY_9, now=NOW, tz=GT
    )
    await db.commit()
    other_id = other.id
    answer = await ana.tap("ap:ok:legal:203012040900")
    assert answer is not None
    times = [d for d in data_of(answer) if d.startswith("ap:t:")]
    assert times == [
        "ap:t:legal:203012040800",
        "ap:t:legal:203012041000",
        "ap:t:legal:203012041100",
    ]
    assert [a.id for a in await all_appointments(db)] == [other_id]
    assert await posts(db) == []


async def test_call_back_and_visit_requests(registered: Person, db: AsyncSession) -> None:
    ana = registered
    await ana.tap("ap")
    await ana.tap("ap:s:social_aid")
    done = await ana.tap("ap:cb:social_aid")
    assert done is not None and done["protect_content"] is not True  # not sensitive
    (request,) = await all_appointments(db)
    assert (request.kind, request.starts_at, request.status) == (
        AppointmentKind.CALLBACK,
        None,
        AppointmentStatus.REQUESTED,
    )
    assert await posts(db) == [(staff_posts.NEW_APPOINTMENT, request.id)]
    # A second request for the same service: she is offered the one she has.
    await ana.tap("ap:my")
    await ana.tap("ap")
    await ana.tap("ap:s:social_aid")
    again = await ana.tap("ap:vi:social_aid")
    assert f"ap:v:{request.id}" in data_of(again)
    assert len(await all_appointments(db)) == 1
    await ana.tap("m")
    await ana.tap("ap")
    visit = await ana.tap("ap:s:legal")
    assert visit is not None
    await ana.tap("ap:vi:legal")
    kinds = [(a.service, a.kind) for a in await all_appointments(db)]
    assert kinds == [("social_aid", AppointmentKind.CALLBACK), ("legal", AppointmentKind.VISIT)]
    mine = await ana.tap("ap:my")
    assert {f"ap:v:{a.id}" for a in await all_appointments(db)} <= set(data_of(mine))


async def test_she_sees_changes_and_cancels_her_appointment(
    registered: Person, db: AsyncSession
) -> None:
    ana = registered
    await book_wednesday_9(ana)
    (booked,) = await all_appointments(db)
    mine = await ana.tap("ap:my")
    assert mine is not None and f"ap:v:{booked.id}" in data_of(mine)
    assert "09:00" in mine["text"]
    one = await ana.tap(f"ap:v:{booked.id}")
    assert data_of(one)[:2] == [f"ap:rs:{booked.id}", f"ap:x:{booked.id}"]

    days = await ana.tap(f"ap:rs:{booked.id}")
    assert f"ap:rd:{booked.id}:20301209" in data_of(days)
    assert not any(d.startswith("ap:cb") for d in data_of(days))
    times = await ana.tap(f"ap:rd:{booked.id}:20301204")
    # Her own time is not offered again.
    assert f"ap:rt:{booked.id}:203012040900" not in data_of(times)
    await ana.tap(f"ap:rd:{booked.id}:20301209")
    await ana.tap(f"ap:rt:{booked.id}:203012091000")
    moved_msg = await ana.tap(f"ap:rok:{booked.id}:203012091000")
    assert moved_msg is not None and "10:00" in moved_msg["text"]
    new_time = datetime(2030, 12, 9, 10, 0, tzinfo=GT).astimezone(UTC)
    (moved,) = await all_appointments(db)
    assert moved.id == booked.id and moved.starts_at == new_time
    assert moved.status == AppointmentStatus.REQUESTED
    assert await is_free(db, WEDNESDAY_9) and not await is_free(db, new_time)
    pending = [r for r in await reminders.reminders_of(db, moved.id) if r.status == "pending"]
    assert sorted(r.due_at for r in pending) == [
        new_time - timedelta(hours=24),
        new_time - timedelta(hours=2),
    ]
    assert await posts(db) == [
        (staff_posts.NEW_APPOINTMENT, booked.id),
        (staff_posts.APPOINTMENT_CHANGED, booked.id),
    ]

    await ana.tap(f"ap:v:{booked.id}")
    ask = await ana.tap(f"ap:x:{booked.id}")
    assert f"ap:xy:{booked.id}" in data_of(ask)
    await ana.tap(f"ap:xy:{booked.id}")
    (cancelled,) = await all_appointments(db)
    assert cancelled.status == AppointmentStatus.CANCELLED
    assert await is_free(db, new_time)
    assert {r.status for r in await reminders.reminders_of(db, booked.id)} == {"cancelled"}
    assert (await posts(db))[-1] == (staff_posts.APPOINTMENT_CHANGED, booked.id)
    empty = await ana.tap("ap:my")
    assert not any(d.startswith("ap:v:") for d in data_of(empty))


async def send_reminder(runtime: BotRuntime, appointment_id: int) -> None:
    t = runtime.application.bot_data.catalogs.get("es")
    await runtime.application.bot.send_message(
        WOMAN_ID, "Recordatorio", reply_markup=appointment_reminder(t, appointment_id)
    )


async def test_reminder_buttons(registered: Person, db: AsyncSession, runtime: BotRuntime) -> None:
    ana = registered
    await book_wednesday_9(ana)
    (booked,) = await all_appointments(db)
    await send_reminder(runtime, booked.id)
    thanks = await ana.tap(f"apr:yes:{booked.id}")
    assert thanks is not None and "09:00" in thanks["text"]
    (same,) = await all_appointments(db)
    assert (same.status, same.starts_at) == (AppointmentStatus.REQUESTED, WEDNESDAY_9)

    await send_reminder(runtime, booked.id)
    days = await ana.tap(f"apr:chg:{booked.id}")
    assert f"ap:rd:{booked.id}:20301209" in data_of(days)
    await ana.tap(f"ap:rd:{booked.id}:20301209")
    await ana.tap(f"ap:rt:{booked.id}:203012090800")
    await ana.tap(f"ap:rok:{booked.id}:203012090800")
    (moved,) = await all_appointments(db)
    assert moved.starts_at == datetime(2030, 12, 9, 8, 0, tzinfo=GT).astimezone(UTC)


async def test_forged_or_old_buttons_change_nothing(
    registered: Person, db: AsyncSession, runtime: BotRuntime
) -> None:
    ana = registered
    assert LEGAL is not None
    await users.give_consent(db, OTHER_WOMAN, "es", NOW)
    hers = await appointments.book(
        db, user_id=OTHER_WOMAN, service=LEGAL, starts_at=WEDNESDAY_9, now=NOW, tz=GT
    )
    await db.commit()
    hers_id = hers.id
    menu = ana.last()
    assert menu is not None
    forged = [
        "ap:s:nosuch",
        "ap:d:legal:2030120",
        "ap:d:legal:20991204",
        "ap:t:legal:banana",
        "ap:ok:legal:203012040930",  # not a slot
        "ap:ok:legal:201012040900",  # long past
        "ap:ok:nosuch:203012040900",
        "ap:cb:nosuch",
        "ap:vi:legal:extra",
        f"ap:v:{hers_id}",  # someone else's
        f"ap:x:{hers_id}",
        f"ap:xy:{hers_id}",
        f"ap:rs:{hers_id}",
        f"ap:rok:{hers_id}:203012091000",
        f"apr:yes:{hers_id}",
        f"apr:chg:{hers_id}",
        "apr:yes:abc",
        "ap:xy:999",
        "ap:zz",
        "ap:my:extra",
    ]
    for data in forged:
        await ana.press_data(menu["message_id"], data, check=False)
        assert "ya no funciona" in ana.callback_answer()["text"], data
    (only,) = await all_appointments(db)
    assert (only.id, only.user_id, only.status, only.starts_at) == (
        hers_id,
        OTHER_WOMAN,
        AppointmentStatus.REQUESTED,
        WEDNESDAY_9,
    )
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(StaffPost)) == 0
