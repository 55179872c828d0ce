"""The pregnant women's club following her pregnancy: she tells roughly when her baby is
due and is invited to each session until then and once after it; discreet messages say
nothing about it on the lock screen; the invitations stop when she asks or removes the
date; buttons that are not hers, or old, change nothing. In Spanish and English."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.activities.views_club import month_name
from bot.app import BotRuntime
from bot.core import users
from bot.db.models import ActivityKind, AuditEvent, ClubInvitation, PregnancyFollow, User
from bot.standin import FakeTelegram
from tests.conftest import make_settings
from tests.e2e.conftest import WOMAN_ID
from tests.e2e.harness import OffsetClock, Person, buttons
from tests.e2e.journeys import register
from tests.e2e.test_activity_reminders import EN, ES, GT, set_clock

ENGLISH_ID = 100888
# Sunday 1 December 2030; the club meets on the 10th of each month at 09:00.
START = datetime(2030, 12, 1, 10, 0, tzinfo=GT)
FIRST = datetime(2030, 12, 10, 9, 0, tzinfo=GT)


def stamp(year: int, month: int) -> str:
    return datetime(year, month, 10, 9, 0, tzinfo=GT).astimezone(UTC).strftime("%Y%m%d%H%M")


def week_before(year: int, month: int) -> datetime:
    """The morning a session's invitation is due (a week before it), plus a little."""
    return datetime(year, month, 3, 9, 0, 30, tzinfo=GT)


def data_of(message: dict | None) -> list[str]:
    return [d for _, d in buttons(message)]


def invitation_to(club: int, year: int, month: int) -> Callable[[dict], bool]:
    return lambda m: f"ac:go:{club}:{stamp(year, month)}" in data_of(m)


def is_neutral(message: dict) -> bool:
    return any(d.startswith("pc:rd:") for d in data_of(message))


def invitations(fake: FakeTelegram, chat_id: int) -> list[str]:
    """Invitations sent to her (as sent: a message edited later still counts)."""
    sent = [
        str(c.params.get("reply_markup"))
        for c in fake.calls_to("sendMessage")
        if c.params.get("chat_id") == chat_id
    ]
    return [m for m in sent if "pc:rd:" in m or ("pc:inv:off" in m and "ac:go:" in m)]


@pytest.fixture
async def runtime(
    fake: FakeTelegram, db_url: str, e2e_clock: OffsetClock
) -> AsyncIterator[BotRuntime]:
    """The bot, started on the first of December 2030 (the e2e clock moves from there)."""
    set_clock(e2e_clock, START)
    runtime = BotRuntime(make_settings(db_url, fake.url), clock=e2e_clock)
    await runtime.start()
    try:
        yield runtime
    finally:
        if runtime.application.running:
            await runtime.stop()


async def monthly_club(runtime: BotRuntime) -> int:
    """Staff's part, done in the domain: the club meets every month."""
    data = runtime.application.bot_data
    async with data.session_factory() as session:
        activity = await activities.create(
            session,
            kind=ActivityKind.PREGNANT_CLUB,
            title="Club de embarazadas",
            place="Centro de salud",
            starts_at=FIRST,
            rrule="FREQ=MONTHLY",
            now=data.clock.now(),
        )
        await session.commit()
        return activity.id


async def english_woman(fake: FakeTelegram, runtime: BotRuntime) -> Person:
    fake.add_user(ENGLISH_ID, first_name="Jane", language_code="en")
    data = runtime.application.bot_data
    async with data.session_factory() as session:
        user = await users.give_consent(session, ENGLISH_ID, "en", data.clock.now())
        user.name, user.registered_at = "Jane", data.clock.now()
        await session.commit()
    jane = Person(fake, runtime, ENGLISH_ID)
    await jane.say("/start")
    return jane


async def open_club_session(woman: Person, t: Callable[[str], str]) -> dict:
    await woman.tap("ac")
    shown = await woman.press("Club de embarazadas")
    assert shown is not None
    return shown


async def nothing_more(fake: FakeTelegram, chat_id: int, count: int) -> None:
    await asyncio.sleep(1.0)
    assert len(invitations(fake, chat_id)) == count, fake.dump_chat(chat_id)


async def test_invited_until_the_due_date_and_once_after_it_in_spanish(
    fake: FakeTelegram,
    runtime: BotRuntime,
    e2e_clock: OffsetClock,
    db: AsyncSession,
    ana: Person,
) -> None:
    await register(ana)
    club = await monthly_club(runtime)

    # On a club session she is offered the invitations, told why and that she can remove it.
    session_screen = await open_club_session(ana, ES)
    assert (ES("🤰 Invite me to every session"), "pc:h") in buttons(session_screen)
    intro = await ana.tap("pc:h")
    assert intro is not None and intro["text"] == ES(
        "🤰 The pregnant women's club meets at the health centre. If you tell us roughly "
        "when your baby is due, we will invite you to each session until then, and once "
        "more after the birth.\n\n"
        "We ask only to send you these invitations. The office staff see it only when "
        "needed. You can remove it at any time, and it is deleted by itself 3 months "
        "after the date.\n\n"
        "In which month is your baby due?"
    )
    february = month_name(ES, date(2031, 2, 1))
    assert february == "febrero de 2031"
    asked = await ana.press(february)
    assert asked is not None
    assert ES("✅ Saved: your baby is due around {month}.").format(month=february) in asked["text"]
    saved = await ana.press(ES("📣 Normal"))
    assert saved is not None
    assert ES("🤰 Your baby is due around {month}.").format(month=february) in saved["text"]
    assert ES("📣 Messages about the club show normally on the lock screen.") in saved["text"]

    # A week before each session, its invitation, naming the club, with a button to sign up.
    last = 0
    for year, month in ((2030, 12), (2031, 1), (2031, 2)):
        set_clock(e2e_clock, week_before(year, month))
        invited = await fake.wait_for_message(
            WOMAN_ID, predicate=invitation_to(club, year, month), after=last, timeout=10
        )
        last = invited["message_id"]
        assert invited["text"].startswith(ES("🤰 You are invited to the pregnant women's club:"))
        assert "Club de embarazadas" in invited["text"] and "Centro de salud" in invited["text"]
        assert buttons(invited)[:3] == [
            (ES("✅ I will come"), f"ac:go:{club}:{stamp(year, month)}"),
            (ES("📋 See details"), f"ac:v:{club}:{stamp(year, month)}"),
            (ES("🔕 Stop these invitations"), "pc:inv:off"),
        ]
    # She signs up from the last one (the activities' own sign-up).
    signed = await ana.press(ES("✅ I will come"), invited)
    assert signed is not None
    assert ES("✅ You are signed up. We will remind you the day before.") in signed["text"]

    # After the due date: once more, for the postpartum session; then no more.
    set_clock(e2e_clock, week_before(2031, 3))
    after = await fake.wait_for_message(
        WOMAN_ID, predicate=invitation_to(club, 2031, 3), after=last, timeout=10
    )
    assert after["text"].startswith(
        ES("🤱 After your baby's birth, you are invited to the club once more:")
    )
    set_clock(e2e_clock, week_before(2031, 4))
    await nothing_more(fake, WOMAN_ID, 4)
    await db.rollback()
    rows = (await db.scalars(select(ClubInvitation).order_by(ClubInvitation.id))).all()
    assert [(r.status, r.postpartum) for r in rows] == [
        ("sent", False),
        ("sent", False),
        ("sent", False),
        ("sent", True),
    ]


async def test_discreet_in_english_then_removed_from_my_activities(
    fake: FakeTelegram, runtime: BotRuntime, e2e_clock: OffsetClock, db: AsyncSession
) -> None:
    jane = await english_woman(fake, runtime)
    club = await monthly_club(runtime)
    await open_club_session(jane, EN)
    await jane.tap("pc:h")
    # By her month of pregnancy this time: in her seventh month, due around mid-February.
    await jane.press(EN("🔢 I know the month of pregnancy"))
    asked = await jane.tap("pc:p:7")
    assert asked is not None and month_name(EN, date(2031, 2, 1)) in asked["text"]
    saved = await jane.press(EN("🔒 Discreet"))
    assert saved is not None
    assert EN("🔒 Messages about the club are discreet on the lock screen.") in saved["text"]

    # The invitation says nothing about a pregnancy or the club, silently, protected.
    set_clock(e2e_clock, week_before(2030, 12))
    neutral = await fake.wait_for_message(ENGLISH_ID, predicate=is_neutral, after=0, timeout=10)
    assert neutral["text"] == EN("📩 You have a new message. Tap «📖 Read» to see it.")
    first_line = neutral["text"].splitlines()[0].lower()
    for word in ("pregnan", "club", "baby", "birth", "embaraz"):
        assert word not in first_line
    sent = [
        c
        for c in fake.calls_to("sendMessage")
        if c.params.get("chat_id") == ENGLISH_ID and "pc:rd:" in str(c.params.get("reply_markup"))
    ]
    assert sent and sent[-1].params.get("protect_content") is True
    assert sent[-1].params.get("disable_notification") is True
    # In the chat, "Read" shows the session and her buttons.
    opened = await jane.press(EN("📖 Read"), neutral)
    assert opened is not None
    assert opened["text"].startswith(EN("🤰 You are invited to the pregnant women's club:"))
    signed = await jane.press(EN("✅ I will come"), opened)
    assert signed is not None

    # Her activity reminder of a club session is discreet too.
    set_clock(e2e_clock, datetime(2030, 12, 9, 18, 0, 30, tzinfo=GT))
    reminder = await fake.wait_for_message(
        ENGLISH_ID,
        predicate=lambda m: f"ac:no:{club}:{stamp(2030, 12)}" in data_of(m),
        after=opened["message_id"],
        timeout=10,
    )
    assert reminder["text"] == EN("⏰ Reminder: you have an activity {when}.").format(
        when=EN("tomorrow at {time}").format(time="09:00")
    )

    # She removes the date from "My activities": no more invitations.
    await jane.tap("ac:mine")
    club_screen = await jane.press(EN("🤰 My due date and club invitations"))
    assert club_screen is not None and EN("🗑️ Remove my date") in str(buttons(club_screen))
    await jane.press(EN("🗑️ Remove my date"))
    removed = await jane.press(EN("🗑️ Yes, remove it"))
    assert removed is not None and removed["text"] == EN(
        "✅ Your date was removed. We will not invite you to the club any more."
    )
    count = len(invitations(fake, ENGLISH_ID))
    set_clock(e2e_clock, week_before(2031, 1))
    await nothing_more(fake, ENGLISH_ID, count)
    await db.rollback()
    follow = await db.get(PregnancyFollow, ENGLISH_ID)
    assert follow is not None and follow.due_date is None and follow.discreet


async def test_stop_on_an_invitation_and_buttons_that_are_not_hers(
    fake: FakeTelegram,
    runtime: BotRuntime,
    e2e_clock: OffsetClock,
    db: AsyncSession,
    ana: Person,
) -> None:
    await register(ana)
    jane = await english_woman(fake, runtime)
    await monthly_club(runtime)
    screens = {}
    for woman, t in ((ana, ES), (jane, EN)):
        await open_club_session(woman, t)
        await woman.tap("pc:h")
        await woman.press(month_name(t, date(2031, 2, 1)))
        screens[woman.user_id] = await woman.tap("pc:dis:y")
    status = screens[WOMAN_ID]
    assert status is not None
    set_clock(e2e_clock, week_before(2030, 12))
    mine = await fake.wait_for_message(WOMAN_ID, predicate=is_neutral, after=0, timeout=10)
    theirs = await fake.wait_for_message(ENGLISH_ID, predicate=is_neutral, after=0, timeout=10)
    their_read = next(d for d in data_of(theirs) if d.startswith("pc:rd:"))

    stale = ES("This button is no longer active. Use the menu 🏠.")
    # Jane's invitation, a made-up one, a month long gone, words that mean nothing.
    for forged in (their_read, "pc:rd:999999", "pc:rd:-1", "pc:zzz", "pc:p:12"):
        await ana.press_data(status["message_id"], forged, check=False)
        assert ana.callback_answer().get("text") == stale, forged
    old_month = await ana.press_data(status["message_id"], "pc:m:203001", check=False)
    assert old_month is not None
    assert old_month["text"].startswith(
        ES("That month can no longer be chosen. Please choose again:")
    )
    await db.rollback()
    refused = (
        await db.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == WOMAN_ID))
    ).all()
    assert "refused_not_hers" in refused and "refused_invitation_id" in refused
    follow = await db.get(PregnancyFollow, WOMAN_ID)
    assert follow is not None and follow.due_date == date(2031, 2, 15)  # unchanged

    # "Stop these invitations", from the invitation itself.
    opened = await ana.press(ES("📖 Read"), mine)
    stopped = await ana.press(ES("🔕 Stop these invitations"), opened)
    assert stopped is not None
    assert stopped["text"].startswith(ES("🔕 Done: no more invitations to the club."))
    assert (ES("🔔 Invite me again"), "pc:inv:on") in buttons(stopped)
    set_clock(e2e_clock, week_before(2031, 1))
    january = await fake.wait_for_message(
        ENGLISH_ID, predicate=is_neutral, after=theirs["message_id"], timeout=10
    )
    assert january is not None  # Jane still gets hers
    await nothing_more(fake, WOMAN_ID, 1)


async def test_staff_see_due_dates_only_for_one_session_and_it_is_recorded(
    fake: FakeTelegram,
    runtime: BotRuntime,
    e2e_clock: OffsetClock,
    db: AsyncSession,
    ana: Person,
    admin_in_group: Person,
) -> None:
    await register(ana)
    club = await monthly_club(runtime)
    await open_club_session(ana, ES)
    await ana.tap("pc:h")
    await ana.press(month_name(ES, date(2031, 2, 1)))
    await ana.tap("pc:dis:n")
    await open_club_session(ana, ES)
    await ana.tap(f"ac:go:{club}:{stamp(2030, 12)}")

    overview = await admin_in_group.say("/club")
    assert overview is not None
    assert ES("🤰 Pregnant women's club") in overview["text"]
    assert "febrero" not in overview["text"]  # numbers only
    await db.rollback()
    user = await db.get(User, WOMAN_ID)
    assert user is not None and user.name
    assert user.name not in overview["text"]
    shown = await admin_in_group.tap(f"scl:due:{club}:{stamp(2030, 12)}")
    assert shown is not None
    assert user.name in shown["text"] and month_name(ES, date(2031, 2, 1)) in shown["text"]
    await db.rollback()
    views = (
        await db.scalars(select(AuditEvent).where(AuditEvent.action == "view_due_dates"))
    ).all()
    assert [(v.actor_id, v.detail) for v in views] == [
        (admin_in_group.user_id, f"activity:{club}:{stamp(2030, 12)} (1)")
    ]
