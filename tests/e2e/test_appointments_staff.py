"""Appointments from the staff side: the card, confirm / move / cancel, the agenda, reminders."""

from __future__ import annotations

import asyncio
import signal
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import BotRuntime
from bot.appointments import service as appointments
from bot.appointments import service_reminders as reminders
from bot.cases import posts as staff_posts
from bot.cases.digest import build_digest
from bot.core import users
from bot.core.i18n import Catalogs
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Appointment, AppointmentKind, AuditEvent, Reminder
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID, make_settings
from tests.e2e.conftest import OUTSIDER_ID, WOMAN_ID
from tests.e2e.crash import spawn_bot
from tests.e2e.harness import OffsetClock, Person, buttons

OFFICE = load_office_settings(EXAMPLE_OFFICE_FILE)
TZ = ZoneInfo("America/Guatemala")
# The reminder text, as she reads it in Spanish, up to the variable part.
ES = Catalogs(TZ, "es").get("es")


def common_start(*texts: str) -> str:
    """The words several translations share at their start (before any placeholder)."""
    starts = [t.split("{")[0] for t in texts]
    length = 0
    while all(len(x) > length and x[length] == starts[0][length] for x in starts):
        length += 1
    return starts[0][:length].strip()


REMINDER = common_start(
    ES("Reminder: you have an appointment at the office {when}."),
    ES("Reminder: you have an appointment for {service} at the office {when}."),
)


async def book(
    db_url: str,
    now: datetime,
    service_key: str,
    *,
    min_hours: float = 30,
    post: bool = True,
) -> tuple[int, datetime]:
    """She books the first free slot at least `min_hours` ahead, through the services."""
    service = OFFICE.service(service_key)
    assert service is not None
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            user = await users.give_consent(session, WOMAN_ID, "es", now)
            users.update_profile(user, name="Ana", community="Cantón Central")
            slots = await appointments.free_slots(
                session,
                service,
                from_date=now.astimezone(TZ).date(),
                days=30,
                tz=TZ,
                now=now,
                min_notice=timedelta(hours=min_hours),
            )
            booked = await appointments.book(
                session,
                user_id=WOMAN_ID,
                service=service,
                starts_at=slots[0].starts_at,
                now=now,
                tz=TZ,
                reminder_offsets_hours=OFFICE.scheduling.reminder_offsets_hours,
            )
            if post:
                staff_posts.enqueue(
                    session, kind=staff_posts.NEW_APPOINTMENT, now=now, appointment_id=booked.id
                )
            assert booked.starts_at is not None
            return booked.id, booked.starts_at
    finally:
        await engine.dispose()


def reminders_to_her(fake: FakeTelegram) -> list[dict]:  # type: ignore[type-arg]
    return [m for m in fake.bot_messages(WOMAN_ID) if REMINDER in (m.get("text") or "")]


def to_due(clock: OffsetClock, starts_at: datetime, hours: float) -> None:
    """Move the bot's clock just past the moment the `hours`-before reminder is due."""
    clock.advance(starts_at - timedelta(hours=hours) - clock.now() + timedelta(seconds=30))


async def card_of(fake: FakeTelegram, number: int) -> dict:  # type: ignore[type-arg]
    return await fake.wait_for_message(
        STAFF_CHAT_ID,
        contains=ES("📅 Appointment #{number}").format(number=number) + "\n",
        after=0,
        timeout=10,
    )


async def test_a_booking_arrives_as_a_card_and_staff_confirm_it_neutrally(
    fake: FakeTelegram,
    admin_in_group: Person,
    db_url: str,
    e2e_clock: OffsetClock,
    db: AsyncSession,
) -> None:
    number, starts_at = await book(db_url, e2e_clock.now(), "legal")
    card = await card_of(fake, number)
    # A sensitive service is not named in front of the whole group.
    assert "Asesoría legal" not in card["text"] and "🔒" in card["text"]
    assert (
        "Cantón Central" in card["text"]
        and ES("Did not come before: {count}").format(count=0) in card["text"]
    )
    assert [d for _, d in buttons(card)] == [
        f"sa:ok:{number}",
        f"sa:mv:{number}",
        f"sa:no:{number}",
    ]
    await db.rollback()
    appointment = await db.get(Appointment, number)
    assert appointment is not None and appointment.staff_card_message_id == card["message_id"]

    await admin_in_group.tap(f"sa:ok:{number}")
    told = await fake.wait_for_message(
        WOMAN_ID,
        contains=ES("Your appointment on {when} is confirmed.").split("{")[0].strip(),
        after=0,
    )
    assert told["protect_content"] is True
    assert "legal" not in told["text"].lower() and "Asesoría" not in told["text"]
    local = starts_at.astimezone(TZ)
    assert f"{local:%H:%M}" in told["text"]
    edited = await fake.wait_for_message(STAFF_CHAT_ID, contains=ES("✅ confirmed"), after=0)
    assert edited["message_id"] == card["message_id"]
    assert f"sa:ok:{number}" not in [d for _, d in buttons(edited)]
    await db.rollback()
    appointment = await db.get(Appointment, number, populate_existing=True)
    assert appointment is not None and appointment.status == "confirmed"
    actions = (await db.scalars(select(AuditEvent.action))).all()
    assert "appointment_confirm" in actions


async def test_staff_propose_another_time_then_cancel_with_a_reason(
    fake: FakeTelegram,
    admin_in_group: Person,
    db_url: str,
    e2e_clock: OffsetClock,
    db: AsyncSession,
) -> None:
    number, starts_at = await book(db_url, e2e_clock.now(), "social_aid")
    card = await card_of(fake, number)
    assert "Trabajo social" in card["text"] or "Social work" in card["text"]
    await admin_in_group.tap(f"sa:mv:{number}")
    card = await fake.wait_for_message(
        STAFF_CHAT_ID,
        predicate=lambda m: any(d.startswith(f"sa:to:{number}:") for _, d in buttons(m)),
        after=0,
    )
    choice = next(d for _, d in buttons(card) if d.startswith(f"sa:to:{number}:"))
    await admin_in_group.tap(choice)
    moved = await fake.wait_for_message(
        WOMAN_ID,
        contains=common_start(
            ES("The office changed your appointment to {when}."),
            ES("The office changed your appointment for {service} to {when}."),
        ),
        after=0,
    )
    assert "Trabajo social" in moved["text"] and not moved.get("protect_content")
    await db.rollback()
    appointment = await db.get(Appointment, number, populate_existing=True)
    assert appointment is not None and appointment.status == "confirmed"
    assert appointment.starts_at != starts_at

    await admin_in_group.tap(f"sa:no:{number}")
    await admin_in_group.tap(f"sa:why:{number}:2")
    cancelled = await fake.wait_for_message(
        WOMAN_ID,
        contains=common_start(
            ES("The office cancelled your appointment on {when}."),
            ES("The office cancelled your appointment for {service} on {when}."),
        ),
        after=0,
    )
    assert ES("Please call the office.") in cancelled["text"]
    await db.rollback()
    appointment = await db.get(Appointment, number, populate_existing=True)
    assert appointment is not None and appointment.status == "cancelled"
    assert {r.status for r in await reminders.reminders_of(db, number)} == {"cancelled"}
    actions = (await db.scalars(select(AuditEvent.action))).all()
    assert {"appointment_move", "appointment_cancel"} <= set(actions)


async def test_someone_not_staff_pressing_appointment_buttons_is_refused_and_audited(
    fake: FakeTelegram,
    outsider_in_group: Person,
    db_url: str,
    e2e_clock: OffsetClock,
    db: AsyncSession,
) -> None:
    number, _ = await book(db_url, e2e_clock.now(), "legal")
    card = await card_of(fake, number)
    await outsider_in_group.press_data(card["message_id"], f"sa:ok:{number}")
    assert outsider_in_group.callback_answer().get("show_alert") is True
    await db.rollback()
    appointment = await db.get(Appointment, number, populate_existing=True)
    assert appointment is not None and appointment.status == "requested"
    refused = (await db.scalars(select(AuditEvent).where(AuditEvent.actor_id == OUTSIDER_ID))).all()
    assert [(e.action, e.detail) for e in refused] == [
        ("refused_appointment_button", f"appointment:{number}")
    ]
    assert fake.bot_messages(WOMAN_ID) == []


async def test_agenda_lists_the_day_and_marks_attended_or_no_show(
    fake: FakeTelegram,
    admin_in_group: Person,
    db_url: str,
    e2e_clock: OffsetClock,
    db: AsyncSession,
) -> None:
    number, starts_at = await book(db_url, e2e_clock.now(), "social_aid", post=False)
    engine = create_engine(db_url)
    async with create_session_factory(engine)() as session, session.begin():
        guidance = OFFICE.service("guidance")
        assert guidance is not None
        await appointments.request_contact(
            session,
            user_id=WOMAN_ID,
            service=guidance,
            kind=AppointmentKind.CALLBACK,
            now=e2e_clock.now(),
        )
    await engine.dispose()
    # The appointment has started: staff can say whether she came.
    e2e_clock.advance(starts_at + timedelta(minutes=5) - e2e_clock.now())
    agenda = await admin_in_group.say("/agenda")
    assert agenda is not None
    assert "Ana" in agenda["text"] and "Cantón Central" in agenda["text"]
    assert f"{starts_at.astimezone(TZ):%H:%M}" in agenda["text"]
    assert ES("📞 asks to be called back") in agenda["text"]
    assert [d for _, d in buttons(agenda)] == [f"sa:att:{number}", f"sa:ns:{number}"]

    await admin_in_group.press_data(agenda["message_id"], f"sa:ns:{number}")
    redrawn = admin_in_group._bot_message(agenda["message_id"])
    assert "🚫×1" in redrawn["text"] and ES("🚫 did not come") in redrawn["text"]
    await db.rollback()
    assert await appointments.no_show_count(db, WOMAN_ID) == 1
    # A mistake can be corrected.
    await admin_in_group.press_data(agenda["message_id"], f"sa:att:{number}")
    await db.rollback()
    appointment = await db.get(Appointment, number, populate_existing=True)
    assert appointment is not None and appointment.status == "attended"
    tomorrow = await admin_in_group.say("/agenda manana")
    assert tomorrow is not None and ES("No appointments this day.") in tomorrow["text"]


async def test_bookings_to_confirm_are_confirmed_or_moved_from_the_agenda(
    fake: FakeTelegram,
    admin_in_group: Person,
    db_url: str,
    e2e_clock: OffsetClock,
    db: AsyncSession,
) -> None:
    """Staff act on the day's bookings from /agenda, without scrolling back to each card."""
    number, starts_at = await book(db_url, e2e_clock.now(), "social_aid", post=False)
    # The morning of her appointment, it still waits for confirmation.
    local = starts_at.astimezone(TZ)
    e2e_clock.advance(local.replace(hour=7, minute=0) - e2e_clock.now().astimezone(TZ))
    agenda = await admin_in_group.say("/agenda")
    assert agenda is not None and f"{local:%H:%M}" in agenda["text"]
    assert [d for _, d in buttons(agenda)] == [
        f"sa:ok:{number}",
        f"sa:mv:{number}",
        f"sa:no:{number}",
    ]
    assert f"✅ {local:%H:%M} Confirmar" in [label for label, _ in buttons(agenda)]

    # Another time: the free times appear on the agenda itself; back restores it.
    await admin_in_group.press_data(agenda["message_id"], f"sa:mv:{number}")
    offered = admin_in_group._bot_message(agenda["message_id"])
    assert any(d.startswith(f"sa:to:{number}:") for _, d in buttons(offered))
    await admin_in_group.press_data(agenda["message_id"], f"sa:back:{number}")
    assert f"sa:ok:{number}" in [d for _, d in buttons(admin_in_group._bot_message(agenda["message_id"]))]

    # Confirm: she is told, and the agenda shows it confirmed, without the button.
    await admin_in_group.press_data(agenda["message_id"], f"sa:ok:{number}")
    await db.rollback()
    appointment = await db.get(Appointment, number, populate_existing=True)
    assert appointment is not None and appointment.status == "confirmed"
    assert await fake.wait_for_message(WOMAN_ID, contains="confirmada")
    redrawn = admin_in_group._bot_message(agenda["message_id"])
    assert f"sa:ok:{number}" not in [d for _, d in buttons(redrawn)]


async def test_hours_closed_day_and_extra_hours_from_the_group(
    fake: FakeTelegram,
    admin_in_group: Person,
    db_url: str,
    e2e_clock: OffsetClock,
    db: AsyncSession,
) -> None:
    # Services and days read as the office says them, in Spanish.
    shown = await admin_in_group.say("/horario")
    assert shown is not None and "Asesoría legal: lun 08:00-12:00" in shown["text"]
    assert "legal: mon" not in shown["text"]
    changed = await admin_in_group.say("/horario orientacion lun 08:00-12:00, mié 13:00-16:00")
    assert changed is not None
    assert "Orientación general: lun 08:00-12:00, mié 13:00-16:00" in changed["text"]
    # The label with its accents and capitals, and the old key, work too.
    again = await admin_in_group.say("/horario Orientación General lun 08:00-12:00, mie 13:00-16:00")
    assert again is not None and "✅" in again["text"]
    by_key = await admin_in_group.say("/horario guidance lun 08:00-12:00, miércoles 13:00-16:00")
    assert by_key is not None and "✅" in by_key["text"]
    bad = await admin_in_group.say("/horario orientacion los lunes temprano")
    assert bad is not None and "/horario" in bad["text"]
    unknown = await admin_in_group.say("/horario psicologa lun 08:00-12:00")
    assert unknown is not None and "«psicologa»" in unknown["text"]
    assert "Apoyo psicológico" in unknown["text"] and "psychological" not in unknown["text"]
    number, starts_at = await book(db_url, e2e_clock.now(), "social_aid", post=False)
    day = starts_at.astimezone(TZ).date().isoformat()
    closed = await admin_in_group.say(f"/cerrado {day} trabajo social Feria")
    assert closed is not None and f"#{number}" in closed["text"]
    assert "Trabajo social y ayudas" in closed["text"]
    extra = await admin_in_group.say(f"/extra {day} 14:00-16:00 legal")
    assert extra is not None and "✅" in extra["text"] and "Asesoría legal" in extra["text"]
    # A service it does not know is named, not answered with the example alone.
    typo = await admin_in_group.say(f"/extra {day} 14:00-16:00 orientasion")
    assert typo is not None and "«orientasion»" in typo["text"]
    wrong = await admin_in_group.say("/extra mañana")
    assert wrong is not None and "/extra 2026-12-19" in wrong["text"]
    await db.rollback()
    assert [str(w) for w in await appointments.weekly_hours(db, "guidance")] == [
        "mon 08:00-12:00",
        "wed 13:00-16:00",
    ]


async def test_reminder_is_sent_once_neutrally_with_its_two_buttons(
    fake: FakeTelegram, runtime: BotRuntime, db_url: str, e2e_clock: OffsetClock, db: AsyncSession
) -> None:
    number, starts_at = await book(db_url, e2e_clock.now(), "legal", post=False)
    await asyncio.sleep(0.5)
    assert reminders_to_her(fake) == []
    to_due(e2e_clock, starts_at, 24)
    sent = await fake.wait_for_message(WOMAN_ID, contains=REMINDER, after=0, timeout=10)
    assert sent["protect_content"] is True and sent["disable_notification"] is True
    assert "legal" not in sent["text"].lower() and "Asesoría" not in sent["text"]
    assert f"{starts_at.astimezone(TZ):%H:%M}" in sent["text"]
    data = [d for _, d in buttons(sent)]
    assert f"apr:yes:{number}" in data and f"apr:chg:{number}" in data
    await asyncio.sleep(1.0)
    assert len(reminders_to_her(fake)) == 1
    await db.rollback()
    states = {(r.kind, r.status) for r in await reminders.reminders_of(db, number)}
    assert states == {("24h", "sent"), ("2h", "pending")}


async def test_reminder_survives_a_restart_and_is_sent_once(
    fake: FakeTelegram, db_url: str, e2e_clock: OffsetClock
) -> None:
    first = BotRuntime(make_settings(db_url, fake.url), clock=e2e_clock)
    await first.start()
    try:
        _, starts_at = await book(db_url, e2e_clock.now(), "social_aid", post=False)
    finally:
        await first.stop()
    to_due(e2e_clock, starts_at, 24)
    second = BotRuntime(make_settings(db_url, fake.url), clock=e2e_clock)
    await second.start()
    try:
        sent = await fake.wait_for_message(WOMAN_ID, contains=REMINDER, after=0, timeout=10)
        assert "Trabajo social" in sent["text"] and not sent.get("protect_content")
        await asyncio.sleep(1.0)
        assert len(reminders_to_her(fake)) == 1
    finally:
        await second.stop()


async def test_a_cancelled_appointment_is_never_reminded(
    fake: FakeTelegram, runtime: BotRuntime, db_url: str, e2e_clock: OffsetClock, db: AsyncSession
) -> None:
    number, starts_at = await book(db_url, e2e_clock.now(), "legal", post=False)
    engine = create_engine(db_url)
    async with create_session_factory(engine)() as session, session.begin():
        await appointments.cancel(session, number, now=e2e_clock.now(), user_id=WOMAN_ID)
    await engine.dispose()
    to_due(e2e_clock, starts_at, 24)
    await asyncio.sleep(1.0)
    to_due(e2e_clock, starts_at, 2)
    await asyncio.sleep(1.0)
    assert reminders_to_her(fake) == []
    await db.rollback()
    assert {r.status for r in await reminders.reminders_of(db, number)} == {"cancelled"}


async def test_kill_9_during_a_reminder_send_never_sends_it_twice(
    fake: FakeTelegram, tmp_path: Path, db_url: str, db: AsyncSession
) -> None:
    """At most once: a reminder whose send had begun when the process died is not re-sent.

    The sweep commits `attempted_at` before calling Telegram. Telegram answers 502 and the
    bot keeps retrying while it is killed, so nobody knows whether she got it: after the
    restart the claim is left alone (it is not stale yet), and once stale it is marked
    failed, not pending. A missing reminder is preferred to a duplicate on her phone.
    """
    process = spawn_bot(fake, db_url, tmp_path)
    try:
        await fake.wait_for_call("getUpdates", timeout=30)  # migrated and seeded
        fake.faults.outage("sendMessage")
        now = datetime.now(ZoneInfo("UTC"))
        number, _ = await book(db_url, now, "legal", post=False)
        engine = create_engine(db_url)
        async with create_session_factory(engine)() as session, session.begin():
            first = (await reminders.reminders_of(session, number))[0]
            first.due_at = now - timedelta(minutes=1)  # due now
        await engine.dispose()
        await fake.wait_for_call(
            "sendMessage",
            lambda c: c.status == 502 and c.params.get("chat_id") == WOMAN_ID,
            timeout=20,
        )
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    await db.rollback()
    (begun, later) = await reminders.reminders_of(db, number)
    assert begun.status == "claimed" and begun.attempted_at is not None
    assert later.status == "pending"
    begun_id = begun.id

    fake.faults.clear()  # Telegram is back.
    process = spawn_bot(fake, db_url, tmp_path)
    try:
        # The killed process's last long poll may still be answered now: wait for the
        # new process (its getMe), then for its polling.
        await fake.wait_for_call("getMe", timeout=30, since=len(fake.calls))
        await fake.wait_for_call("getUpdates", timeout=30, since=len(fake.calls))
        # The new process knew at start-up that the claim's process is gone: the begun
        # reminder is failed at once (not ten minutes later), and never sent again.
        engine = create_engine(db_url)
        async with create_session_factory(engine)() as session:
            row = await session.get(Reminder, begun_id)
            assert row is not None and row.status == "failed"
        await engine.dispose()
        await asyncio.sleep(2.0)
        assert reminders_to_her(fake) == []
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    await db.rollback()
    row = await db.get(Reminder, begun_id, populate_existing=True)
    assert row is not None and row.status == "failed"


async def test_her_change_is_posted_under_the_card_and_the_digest_lists_the_day(
    fake: FakeTelegram, runtime: BotRuntime, db_url: str, e2e_clock: OffsetClock
) -> None:
    number, _ = await book(db_url, e2e_clock.now(), "social_aid")
    card = await card_of(fake, number)
    engine = create_engine(db_url)
    async with create_session_factory(engine)() as session, session.begin():
        await appointments.cancel(session, number, now=e2e_clock.now(), user_id=WOMAN_ID)
        staff_posts.enqueue(
            session,
            kind=staff_posts.APPOINTMENT_CHANGED,
            now=e2e_clock.now(),
            appointment_id=number,
        )
    await engine.dispose()
    line = await fake.wait_for_message(
        STAFF_CHAT_ID,
        contains=ES("✖️ Appointment #{number}: she cancelled it.").format(number=number),
        after=0,
    )
    assert line["reply_to_message_id"] == card["message_id"]
    edited = await fake.wait_for_message(STAFF_CHAT_ID, contains=ES("✖️ cancelled"), after=0)
    assert edited["message_id"] == card["message_id"] and not buttons(edited)

    text = await build_digest(runtime.application.bot_data)
    assert (
        ES("No appointments today.") in text
        or ES("📅 Agenda · {day}").split("{")[0] in text
        or "OMM" in text
    )
