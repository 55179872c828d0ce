"""The whole appointment journey: she books, staff confirm, she is reminded, she comes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.appointments import service_reminders as reminders
from bot.db.models import Appointment, User
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID
from tests.e2e.harness import OffsetClock, Person, buttons
from tests.e2e.journeys import register

GT = ZoneInfo("America/Guatemala")
LEGAL = load_office_settings(EXAMPLE_OFFICE_FILE).service("legal")
# A Sunday evening; legal advice has hours on Wednesday morning.
SUNDAY_EVENING = datetime(2030, 12, 1, 18, 0, tzinfo=GT)


def data_of(message: dict | None) -> list[str]:
    return [d for _, d in buttons(message)]


def set_clock(clock: OffsetClock, when: datetime) -> None:
    clock.offset = when.astimezone(UTC) - datetime.now(UTC)


async def only_appointment(db: AsyncSession) -> Appointment:
    await db.rollback()
    rows = (await db.scalars(select(Appointment))).all()
    assert len(rows) == 1
    return rows[0]


async def test_book_confirm_remind_come_attended(
    ana: Person,
    admin_in_group: Person,
    fake: FakeTelegram,
    e2e_clock: OffsetClock,
    db: AsyncSession,
) -> None:
    assert LEGAL is not None and LEGAL.sensitive
    set_clock(e2e_clock, SUNDAY_EVENING)
    await register(ana)

    # She books Wednesday 4 December at 09:00 with buttons only.
    await ana.tap("ap")
    await ana.tap("ap:s:legal")
    await ana.tap("ap:d:legal:20301204")
    confirm = await ana.tap("ap:t:legal:203012040900")
    assert confirm is not None and "09:00" in confirm["text"]
    await ana.tap("ap:ok:legal:203012040900")
    appointment = await only_appointment(db)
    number = appointment.id
    assert appointment.status == "requested"
    assert appointment.starts_at == datetime(2030, 12, 4, 9, 0, tzinfo=GT).astimezone(UTC)

    # Staff confirm it from the card in their group.
    card = await fake.wait_for_message(
        STAFF_CHAT_ID, predicate=lambda m: f"sa:ok:{number}" in data_of(m), after=0
    )
    assert "Asesoría legal" not in card["text"]
    await admin_in_group.press_data(card["message_id"], f"sa:ok:{number}")
    assert (await only_appointment(db)).status == "confirmed"

    # Tuesday 09:00, 24 hours before: one reminder, silent, protected and neutral.
    set_clock(e2e_clock, datetime(2030, 12, 3, 9, 0, 30, tzinfo=GT))
    reminder = await fake.wait_for_message(
        ana.user_id, predicate=lambda m: f"apr:yes:{number}" in data_of(m), after=0, timeout=10
    )
    assert reminder["protect_content"] is True and reminder["disable_notification"] is True
    assert "09:00" in reminder["text"]
    assert "legal" not in reminder["text"].lower() and "Asesoría" not in reminder["text"]
    thanks = await ana.press_data(reminder["message_id"], f"apr:yes:{number}")
    assert thanks is not None and "09:00" in thanks["text"]

    # Wednesday 09:05: it has started, so the 2-hour reminder is never sent any more;
    # staff mark that she came, from the day's agenda.
    set_clock(e2e_clock, datetime(2030, 12, 4, 9, 5, tzinfo=GT))
    await asyncio.sleep(0.5)
    agenda = await admin_in_group.say("/agenda")
    assert agenda is not None and f"sa:att:{number}" in data_of(agenda)
    await admin_in_group.press_data(agenda["message_id"], f"sa:att:{number}")
    assert (await only_appointment(db)).status == "attended"

    reminders_sent = [
        m for m in fake.bot_messages(ana.user_id) if f"apr:yes:{number}" in data_of(m)
    ]
    assert len(reminders_sent) == 1
    await db.rollback()
    states = {(r.kind, r.status) for r in await reminders.reminders_of(db, number)}
    assert ("24h", "sent") in states and ("2h", "sent") not in states


async def test_a_woman_who_blocked_the_bot_is_not_reminded_again_and_again(
    ana: Person, fake: FakeTelegram, e2e_clock: OffsetClock, db: AsyncSession
) -> None:
    set_clock(e2e_clock, SUNDAY_EVENING)
    await register(ana)
    await ana.tap("ap")
    await ana.tap("ap:s:legal")
    await ana.tap("ap:d:legal:20301204")
    await ana.tap("ap:t:legal:203012040900")
    await ana.tap("ap:ok:legal:203012040900")
    number = (await only_appointment(db)).id
    fake.block(ana.user_id)

    def attempts_to_her() -> int:
        return len(
            [c for c in fake.calls_to("sendMessage") if c.params.get("chat_id") == ana.user_id]
        )

    before = attempts_to_her()
    # The 24-hour reminder is due: Telegram refuses it once (403).
    set_clock(e2e_clock, datetime(2030, 12, 3, 9, 0, 30, tzinfo=GT))
    await fake.wait_for_call(
        "sendMessage",
        lambda c: c.params.get("chat_id") == ana.user_id and c.status == 403,
        timeout=10,
    )
    await asyncio.sleep(0.5)
    assert attempts_to_her() == before + 1
    await db.rollback()
    user = await db.get(User, ana.user_id)
    assert user is not None and user.active is False
    # The 2-hour reminder is due too: nobody tries to write to her any more.
    set_clock(e2e_clock, datetime(2030, 12, 4, 7, 0, 30, tzinfo=GT))
    await asyncio.sleep(1.0)
    assert attempts_to_her() == before + 1
    await db.rollback()
    states = {(r.kind, r.status) for r in await reminders.reminders_of(db, number)}
    assert ("24h", "failed") in states and ("2h", "sent") not in states
