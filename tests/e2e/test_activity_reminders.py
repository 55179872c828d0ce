"""She said she will come: a reminder the evening before and one that morning, once each,
in her language, even across a restart; a woman who blocked the bot is tried once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.app import BotRuntime
from bot.core import users
from bot.core.callbacks import QuickExit
from bot.core.i18n import Catalogs
from bot.db.models import ActivityKind, ActivityReminder, User
from bot.standin import FakeTelegram
from tests.conftest import make_settings
from tests.e2e.conftest import WOMAN_ID
from tests.e2e.harness import OffsetClock, Person, buttons
from tests.e2e.journeys import register

QUICK_EXIT = QuickExit().encode()

GT = ZoneInfo("America/Guatemala")
ES = Catalogs(GT, "es").get("es")
EN = Catalogs(GT, "en").get("en")
SUNDAY_EVENING = datetime(2030, 12, 1, 18, 0, tzinfo=GT)
# The workshop is on Tuesday 3 December at 09:00.
STARTS = datetime(2030, 12, 3, 9, 0, tzinfo=GT)
STAMP = STARTS.astimezone(UTC).strftime("%Y%m%d%H%M")
MONDAY_EVENING = datetime(2030, 12, 2, 18, 0, 30, tzinfo=GT)
TUESDAY_MORNING = datetime(2030, 12, 3, 7, 0, 30, tzinfo=GT)
ENGLISH_ID = 100777


def set_clock(clock: OffsetClock, when: datetime) -> None:
    clock.offset = when.astimezone(UTC) - datetime.now(UTC)


def data_of(message: dict | None) -> list[str]:
    return [d for _, d in buttons(message)]


def is_reminder(activity_id: int) -> Callable[[dict], bool]:
    return lambda m: f"ac:no:{activity_id}:{STAMP}" in data_of(m)


def reminders_to(fake: FakeTelegram, chat_id: int, activity_id: int) -> list[dict]:
    return [m for m in fake.bot_messages(chat_id) if is_reminder(activity_id)(m)]


@pytest.fixture
async def bot(fake: FakeTelegram, db_url: str, e2e_clock: OffsetClock) -> AsyncIterator[BotRuntime]:
    set_clock(e2e_clock, SUNDAY_EVENING)
    runtime = BotRuntime(make_settings(db_url, fake.url), clock=e2e_clock)
    await runtime.start()
    try:
        yield runtime
    finally:
        if runtime.application.running:
            await runtime.stop()


async def workshop_she_goes_to(runtime: BotRuntime, *user_ids: int) -> int:
    """Staff's part, done directly in the domain: the activity, and her "I will come"."""
    now = runtime.application.bot_data.clock.now()
    async with runtime.application.bot_data.session_factory() as session:
        activity = await activities.create(
            session,
            kind=ActivityKind.TRAINING,
            title="Taller de costura",
            place="Salón comunal",
            starts_at=STARTS,
            now=now,
        )
        for user_id in user_ids:
            await signups.sign_up(session, activity.id, STARTS, user_id, now, tz=GT)
        await session.commit()
        return activity.id


async def states(db: AsyncSession) -> list[tuple[str, str]]:
    await db.rollback()
    rows = (await db.scalars(select(ActivityReminder).order_by(ActivityReminder.id))).all()
    return [(r.slot, r.status) for r in rows]


async def test_reminded_the_evening_before_and_that_morning_once_each_across_a_restart(
    fake: FakeTelegram,
    bot: BotRuntime,
    db_url: str,
    e2e_clock: OffsetClock,
    db: AsyncSession,
) -> None:
    ana = Person(fake, bot, WOMAN_ID)
    await register(ana)
    number = await workshop_she_goes_to(bot, WOMAN_ID)
    await asyncio.sleep(0.3)
    assert reminders_to(fake, WOMAN_ID, number) == []

    # Monday just after 18:00: one reminder, in Spanish, with what to do next.
    set_clock(e2e_clock, MONDAY_EVENING)
    evening = await fake.wait_for_message(
        WOMAN_ID, predicate=is_reminder(number), after=0, timeout=10
    )
    assert "Taller de costura" in evening["text"] and "Salón comunal" in evening["text"]
    assert ES("tomorrow at {time}").format(time="09:00") in evening["text"]
    assert buttons(evening) == [
        (ES("📋 See details"), f"ac:v:{number}:{STAMP}"),
        (ES("❌ I can't come"), f"ac:no:{number}:{STAMP}"),
        (ES("🏠 Menu"), "m"),
        (ES("🚪 Quick exit"), QUICK_EXIT),
    ]
    await asyncio.sleep(0.5)
    assert len(reminders_to(fake, WOMAN_ID, number)) == 1

    # The bot restarts that evening: nothing is sent again.
    await bot.stop()
    second = BotRuntime(make_settings(db_url, fake.url), clock=e2e_clock)
    await second.start()
    try:
        await asyncio.sleep(1.0)
        assert len(reminders_to(fake, WOMAN_ID, number)) == 1
        # Tuesday 07:00: the morning one.
        set_clock(e2e_clock, TUESDAY_MORNING)
        morning = await fake.wait_for_message(
            WOMAN_ID, predicate=is_reminder(number), after=evening["message_id"], timeout=10
        )
        assert ES("today at {time}").format(time="09:00") in morning["text"]
        # Once started, nothing more.
        set_clock(e2e_clock, datetime(2030, 12, 3, 9, 30, tzinfo=GT))
        await asyncio.sleep(1.0)
        assert len(reminders_to(fake, WOMAN_ID, number)) == 2
    finally:
        await second.stop()
    assert await states(db) == [("day_before", "sent"), ("morning_of", "sent")]


async def test_each_woman_in_her_own_language_and_only_those_going(
    fake: FakeTelegram, bot: BotRuntime, e2e_clock: OffsetClock
) -> None:
    fake.add_user(ENGLISH_ID, first_name="Jane", language_code="en")
    ana = Person(fake, bot, WOMAN_ID)
    await register(ana)
    async with bot.application.bot_data.session_factory() as session:
        await users.give_consent(session, ENGLISH_ID, "en", e2e_clock.now())
        await session.commit()
    number = await workshop_she_goes_to(bot, ENGLISH_ID)

    set_clock(e2e_clock, MONDAY_EVENING)
    english = await fake.wait_for_message(
        ENGLISH_ID, predicate=is_reminder(number), after=0, timeout=10
    )
    assert EN("tomorrow at {time}").format(time="09:00") in english["text"]
    assert (EN("📋 See details"), f"ac:v:{number}:{STAMP}") in buttons(english)
    await asyncio.sleep(0.5)
    # Ana did not sign up: nothing for her.
    assert reminders_to(fake, WOMAN_ID, number) == []


async def test_a_woman_who_blocked_the_bot_is_tried_once_and_marked_inactive(
    fake: FakeTelegram, bot: BotRuntime, e2e_clock: OffsetClock, db: AsyncSession
) -> None:
    ana = Person(fake, bot, WOMAN_ID)
    await register(ana)
    await workshop_she_goes_to(bot, WOMAN_ID)
    fake.block(WOMAN_ID)

    def attempts_to_her() -> int:
        return len([c for c in fake.calls_to("sendMessage") if c.params.get("chat_id") == WOMAN_ID])

    before = attempts_to_her()
    set_clock(e2e_clock, MONDAY_EVENING)
    await fake.wait_for_call(
        "sendMessage",
        lambda c: c.params.get("chat_id") == WOMAN_ID and c.status == 403,
        timeout=10,
    )
    await asyncio.sleep(0.5)
    assert attempts_to_her() == before + 1
    await db.rollback()
    user = await db.get(User, WOMAN_ID)
    assert user is not None and user.active is False
    # The morning one is due too: nobody writes to her any more.
    set_clock(e2e_clock, TUESDAY_MORNING)
    await asyncio.sleep(1.0)
    assert attempts_to_her() == before + 1
    assert await states(db) == [("day_before", "failed")]
