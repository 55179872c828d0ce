"""A woman finds activities, signs up (or waits for a place), says she can't come, chooses
what she hears about, and opens an activity from a poster's QR code — with buttons only.

Activities are created directly through the domain services (the staff side is tested
elsewhere). Runs on SQLite and, when configured, PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.activities import service_subscriptions as activity_subscriptions
from bot.core.i18n import Catalogs
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import (
    ActivitySubscription,
    ConversationState,
    Signup,
    SignupStatus,
    User,
)
from bot.standin import FakeTelegram
from tests.e2e.conftest import WOMAN_ID
from tests.e2e.harness import OffsetClock, Person, buttons
from tests.e2e.journeys import register, register_from_link

GT = ZoneInfo("America/Guatemala")
ES = Catalogs(GT, "es").get("es")
EN = Catalogs(GT, "es").get("en")
# Sunday evening, 1 December 2030.
NOW = datetime(2030, 12, 1, 18, 0, tzinfo=GT)
TUESDAY_9 = datetime(2030, 12, 3, 9, 0, tzinfo=GT).astimezone(UTC)
NEXT_TUESDAY_9 = datetime(2030, 12, 10, 9, 0, tzinfo=GT).astimezone(UTC)
WEDNESDAY_14 = datetime(2030, 12, 4, 14, 0, tzinfo=GT).astimezone(UTC)
HER_COMMUNITY = "Aldea Palestina"  # community_index=4 in the example office file
BEA, CARLA, NEWCOMER = 100002, 100003, 100004
STALE = ES("This button is no longer active. Use the menu 🏠.")
QUICK_EXIT = "x"


@pytest.fixture
def db_url(database_url: str) -> str:
    return database_url


@pytest.fixture(autouse=True)
def at_now(e2e_clock: OffsetClock) -> None:
    e2e_clock.offset = NOW.astimezone(UTC) - datetime.now(UTC)


def woman(fake: FakeTelegram, runtime: Any, user_id: int, name: str) -> Person:
    fake.add_user(user_id, first_name=name, language_code="es")
    return Person(fake, runtime, user_id)


async def add_activity(db_url: str, **fields: Any) -> int:
    fields.setdefault("kind", "fair")
    fields.setdefault("title", "Feria de artesanías")
    fields.setdefault("starts_at", TUESDAY_9)
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            activity = await activities.create(session, now=NOW.astimezone(UTC), **fields)
            await session.commit()
            return activity.id
    finally:
        await engine.dispose()


async def cancel_activity(db_url: str, activity_id: int) -> None:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            await activities.cancel_series(session, activity_id, NOW.astimezone(UTC))
            await session.commit()
    finally:
        await engine.dispose()


def stamp(start: datetime) -> str:
    return start.astimezone(UTC).strftime("%Y%m%d%H%M")


def data_of(message: dict | None) -> list[str]:
    return [d for _, d in buttons(message)]


def dates_on(message: dict | None) -> list[str]:
    return [d for d in data_of(message) if d.startswith("ac:v:")]


def body(message: dict | None) -> str:
    assert message is not None
    return message.get("text") or message.get("caption") or ""


async def signups(db: AsyncSession) -> dict[int, str]:
    await db.rollback()
    rows = (await db.execute(select(Signup.user_id, Signup.status))).all()
    return {user_id: status for user_id, status in rows}


def assert_quick_exit_everywhere(fake: FakeTelegram, chat_id: int) -> None:
    for message in fake.bot_messages(chat_id):
        markup = message.get("reply_markup") or {}
        if markup.get("remove_keyboard") or markup.get("keyboard"):
            continue  # registration's phone keyboard: checked by the registration tests
        assert QUICK_EXIT in [
            b.get("callback_data") for row in markup.get("inline_keyboard", []) for b in row
        ], message


# ── The list ───────────────────────────────────────────────────────────────────


async def test_list_shows_her_community_first_and_filters_by_kind(
    ana: Person, db_url: str, fake: FakeTelegram
) -> None:
    fair = await add_activity(db_url)  # whole municipality, the soonest
    club = await add_activity(
        db_url,
        kind="pregnant_club",
        title="Club de embarazadas",
        starts_at=NEXT_TUESDAY_9,
        community=HER_COMMUNITY,
    )
    elsewhere = await add_activity(
        db_url, kind="training", title="Taller", starts_at=WEDNESDAY_14, community="Cantón Central"
    )
    await register(ana)
    listed = await ana.tap("ac")
    assert body(listed) == ES("🗓️ Activities in the next weeks. Choose one to see it and sign up:")
    assert dates_on(listed) == [
        f"ac:v:{club}:{stamp(NEXT_TUESDAY_9)}",
        f"ac:v:{fair}:{stamp(TUESDAY_9)}",
    ]
    assert not any(d.startswith(f"ac:v:{elsewhere}:") for d in data_of(listed))
    labels = [text for text, data in buttons(listed) if data.startswith("ac:v:")]
    assert "🤰 Club de embarazadas" in labels[0] and "9:00" in labels[0] and "dic" in labels[0]
    filters = [d for d in data_of(listed) if d.startswith("ac:k:")]
    assert filters == ["ac:k:all", "ac:k:pregnant_club", "ac:k:fair"]
    assert {"ac:mine", "ac:subs", "m", QUICK_EXIT} <= set(data_of(listed))

    fairs = await ana.tap("ac:k:fair")
    assert dates_on(fairs) == [f"ac:v:{fair}:{stamp(TUESDAY_9)}"]
    everything = await ana.tap("ac:k:all")
    assert len(dates_on(everything)) == 2
    assert_quick_exit_everywhere(fake, ana.user_id)


async def test_a_long_list_comes_in_pages(ana: Person, db_url: str) -> None:
    for day in range(10):
        await add_activity(db_url, title=f"Feria {day}", starts_at=TUESDAY_9 + timedelta(days=day))
    await register(ana)
    first = await ana.tap("ac")
    assert len(dates_on(first)) == 8 and "ac:k:all:1" in data_of(first)
    second = await ana.tap("ac:k:all:1")
    assert len(dates_on(second)) == 2 and "ac:k:all:0" in data_of(second)


async def test_no_activities_is_said_kindly(ana: Person) -> None:
    await register(ana)
    empty = await ana.tap("ac")
    assert body(empty) == ES(
        "There are no activities in the next weeks. We will tell you when there are."
    )
    assert {"ac:mine", "ac:subs", "m", QUICK_EXIT} <= set(data_of(empty))


# ── Signing up ─────────────────────────────────────────────────────────────────


async def test_she_signs_up_then_says_she_cannot_come(
    ana: Person, db_url: str, db: AsyncSession, fake: FakeTelegram
) -> None:
    fair = await add_activity(
        db_url, place="Salón municipal", capacity=3, description="Traiga sus productos."
    )
    await register(ana)
    await ana.tap("ac")
    card = await ana.tap(f"ac:v:{fair}:{stamp(TUESDAY_9)}")
    text = body(card)
    for part in (
        "Feria de artesanías",
        "Salón municipal",
        "Traiga sus productos.",
        ES("🏘️ Whole municipality"),
        ES.date_and_time(TUESDAY_9),
        ES.plural("👥 {n} place left", "👥 {n} places left", 3).format(n=3),
    ):
        assert part in text, part
    assert data_of(card)[:2] == [
        f"ac:go:{fair}:{stamp(TUESDAY_9)}",
        f"ac:no:{fair}:{stamp(TUESDAY_9)}",
    ]
    done = await ana.tap(f"ac:go:{fair}:{stamp(TUESDAY_9)}")
    assert ES("✅ You are signed up. We will remind you the day before.") in body(done)
    assert await signups(db) == {WOMAN_ID: SignupStatus.GOING}

    listed = await ana.tap("ac")
    marked = [text for text, data in buttons(listed) if data.startswith("ac:v:")]
    assert marked[0].startswith("✅ ")
    again = await ana.tap(f"ac:v:{fair}:{stamp(TUESDAY_9)}")
    assert ES("✅ You are signed up.") in body(again)
    assert ES.plural("👥 {n} place left", "👥 {n} places left", 2).format(n=2) in body(again)
    assert f"ac:go:{fair}:{stamp(TUESDAY_9)}" not in data_of(again)
    # Pressing an old "I will come" changes nothing and tells her she had answered.
    assert card is not None
    await ana.press_data(card["message_id"], f"ac:go:{fair}:{stamp(TUESDAY_9)}", check=False)
    assert ES("You had already answered 🌸") in body(ana.last())
    assert await signups(db) == {WOMAN_ID: SignupStatus.GOING}

    thanks = await ana.tap(f"ac:no:{fair}:{stamp(TUESDAY_9)}")
    assert body(thanks) == ES(
        "Thank you for letting us know. Your place is free for someone else. 🌸"
    )
    assert await signups(db) == {WOMAN_ID: SignupStatus.CANCELLED}
    # "I can't" without a sign-up (e.g. under an announcement) is simply acknowledged.
    await ana.tap("ac")
    await ana.tap(f"ac:v:{fair}:{stamp(TUESDAY_9)}")
    plain = await ana.tap(f"ac:no:{fair}:{stamp(TUESDAY_9)}")
    assert body(plain) == ES("Thank you for letting us know. 🌸")
    assert await signups(db) == {WOMAN_ID: SignupStatus.CANCELLED}
    assert_quick_exit_everywhere(fake, ana.user_id)


async def test_capacity_waiting_list_and_the_place_that_opens_up(
    ana: Person, db_url: str, db: AsyncSession, fake: FakeTelegram, runtime: Any
) -> None:
    club = await add_activity(db_url, kind="pregnant_club", title="Club de embarazadas", capacity=2)
    link = activities.deep_link_payload(club, TUESDAY_9)
    bea, carla = woman(fake, runtime, BEA, "Bea"), woman(fake, runtime, CARLA, "Carla")
    go = f"ac:go:{club}:{stamp(TUESDAY_9)}"
    for person in (ana, bea, carla):
        await register(person)
        await person.say(f"/start {link}")
        await person.tap(go)
    assert ES("✅ You are signed up.") in body(bea.last())
    assert body(carla.last()).startswith(
        ES(
            "⏳ You are on the waiting list (number {n}). If a place opens up, we will tell you."
        ).format(n=1)
    )
    assert await signups(db) == {
        WOMAN_ID: SignupStatus.GOING,
        BEA: SignupStatus.GOING,
        CARLA: SignupStatus.WAITLIST,
    }
    await carla.tap("ac:mine")
    full = await carla.tap(f"ac:v:{club}:{stamp(TUESDAY_9)}")
    assert ES("👥 Full: you can join the waiting list.") in body(full)
    assert ES("⏳ You are on the waiting list (number {n}).").format(n=1) in body(full)

    # Carla reads English: she is told in her own language.
    await db.rollback()
    carla_row = await db.get(User, CARLA)
    assert carla_row is not None
    carla_row.locale = "en"
    await db.commit()

    before = fake.bot_messages(CARLA)[-1]["message_id"]
    await ana.tap(f"ac:no:{club}:{stamp(TUESDAY_9)}")
    told = await fake.wait_for_message(
        CARLA,
        contains=EN("🎉 A place opened up: you are now signed up for {title}.").format(
            title="Club de embarazadas"
        ),
        after=before,
    )
    assert f"ac:v:{club}:{stamp(TUESDAY_9)}" in data_of(told) and QUICK_EXIT in data_of(told)
    assert await signups(db) == {
        WOMAN_ID: SignupStatus.CANCELLED,
        BEA: SignupStatus.GOING,
        CARLA: SignupStatus.GOING,
    }
    details = await carla.tap(f"ac:v:{club}:{stamp(TUESDAY_9)}")
    assert EN("✅ You are signed up.") in body(details)
    # Ana signs up again: now she waits, first in the queue.
    await ana.tap("ac")
    await ana.tap(f"ac:v:{club}:{stamp(TUESDAY_9)}")
    again = await ana.tap(go)
    assert body(again).startswith(
        ES(
            "⏳ You are on the waiting list (number {n}). If a place opens up, we will tell you."
        ).format(n=1)
    )
    assert await signups(db) == {
        WOMAN_ID: SignupStatus.WAITLIST,
        BEA: SignupStatus.GOING,
        CARLA: SignupStatus.GOING,
    }
    for person in (ana, bea, carla):
        assert_quick_exit_everywhere(fake, person.user_id)


async def test_my_activities_lists_going_and_waiting(
    ana: Person, db_url: str, fake: FakeTelegram, runtime: Any
) -> None:
    fair = await add_activity(db_url)
    club = await add_activity(
        db_url, kind="pregnant_club", title="Club", capacity=1, starts_at=NEXT_TUESDAY_9
    )
    bea = woman(fake, runtime, BEA, "Bea")
    await register(bea)
    await bea.say(f"/start {activities.deep_link_payload(club, NEXT_TUESDAY_9)}")
    await bea.tap(f"ac:go:{club}:{stamp(NEXT_TUESDAY_9)}")
    await register(ana)
    await ana.tap("ac")
    nothing = await ana.tap("ac:mine")
    assert body(nothing) == ES("You have not signed up for any activity yet.")
    await ana.tap("ac")
    await ana.tap(f"ac:v:{fair}:{stamp(TUESDAY_9)}")
    await ana.tap(f"ac:go:{fair}:{stamp(TUESDAY_9)}")
    await ana.tap("ac")
    await ana.tap(f"ac:v:{club}:{stamp(NEXT_TUESDAY_9)}")
    await ana.tap(f"ac:go:{club}:{stamp(NEXT_TUESDAY_9)}")
    mine = await ana.tap("ac:mine")
    assert dates_on(mine) == [
        f"ac:v:{fair}:{stamp(TUESDAY_9)}",
        f"ac:v:{club}:{stamp(NEXT_TUESDAY_9)}",
    ]
    labels = [text for text, data in buttons(mine) if data.startswith("ac:v:")]
    assert labels[0].startswith("✅") and labels[1].startswith("⏳")
    assert_quick_exit_everywhere(fake, ana.user_id)


async def test_a_date_with_a_photo_is_sent_as_a_photo_with_a_short_caption(
    ana: Person, db_url: str, fake: FakeTelegram
) -> None:
    fair = await add_activity(
        db_url, photo_file_id="AgACAgIAAxkBAAIFAKEPOSTER", description="Muchos productos. " * 200
    )
    await register(ana)
    await ana.tap("ac")
    poster = await ana.tap(f"ac:v:{fair}:{stamp(TUESDAY_9)}")
    assert poster is not None and poster["kind"] == "photo"
    assert len(poster["caption"]) <= 1024 and "…" in poster["caption"]
    assert "Feria de artesanías" in poster["caption"]
    assert f"ac:go:{fair}:{stamp(TUESDAY_9)}" in data_of(poster)
    done = await ana.tap(f"ac:go:{fair}:{stamp(TUESDAY_9)}")
    assert done is not None and done["kind"] == "text"
    assert ES("✅ You are signed up. We will remind you the day before.") in body(done)
    assert not [r for r in fake.rejections if "edit" in r.lower()]
    assert_quick_exit_everywhere(fake, ana.user_id)


# ── Bad input ──────────────────────────────────────────────────────────────────


async def test_forged_and_stale_buttons_change_nothing(
    ana: Person, db_url: str, db: AsyncSession, fake: FakeTelegram, e2e_clock: OffsetClock
) -> None:
    fair = await add_activity(db_url)
    gone = await add_activity(db_url, title="Se cancela", starts_at=NEXT_TUESDAY_9)
    await register(ana)
    listed = await ana.tap("ac")
    assert listed is not None
    forged = [
        f"ac:go:999999:{stamp(TUESDAY_9)}",
        f"ac:v:999999:{stamp(TUESDAY_9)}",
        f"ac:no:999999:{stamp(TUESDAY_9)}",
        f"ac:go:0:{stamp(TUESDAY_9)}",
        f"ac:go:{fair}:notastamp",
        f"ac:go:{fair}:999999999999",
        f"ac:go:{fair}",
        f"ac:go:{fair}:{stamp(TUESDAY_9)}:extra",
        f"ac:v:abc:{stamp(TUESDAY_9)}",
        "ac:k:bogus",
        "ac:k:all:x",
        "ac:sub:bogus",
        "ac:sub",
        "ac:mine:extra",
        "ac:zz",
    ]
    for data in forged:
        await ana.press_data(listed["message_id"], data, check=False)
        assert ana.callback_answer()["text"] == STALE, data
    assert await signups(db) == {}

    # A date that does not exist (or was cancelled) is said kindly, and offers the list.
    sorry = ES("Sorry, that date is no longer available. Here are the other activities:")
    wrong = await ana.press_data(
        listed["message_id"], f"ac:go:{fair}:{stamp(WEDNESDAY_14)}", check=False
    )
    assert body(wrong) == sorry and "ac" in data_of(wrong)
    await ana.tap("ac")
    card = await ana.tap(f"ac:v:{gone}:{stamp(NEXT_TUESDAY_9)}")
    assert card is not None
    await cancel_activity(db_url, gone)
    cancelled = await ana.tap(f"ac:go:{gone}:{stamp(NEXT_TUESDAY_9)}")
    assert body(cancelled) == sorry
    assert await signups(db) == {}

    # Once it has begun, she can no longer sign up.
    await ana.tap("ac")
    await ana.tap(f"ac:v:{fair}:{stamp(TUESDAY_9)}")
    e2e_clock.advance(timedelta(days=2))
    begun = await ana.tap(f"ac:go:{fair}:{stamp(TUESDAY_9)}")
    assert body(begun) == ES("This activity has already begun.")
    assert await signups(db) == {}
    assert_quick_exit_everywhere(fake, ana.user_id)


async def test_activity_buttons_before_consent_lead_to_the_welcome(
    ana: Person, db: AsyncSession
) -> None:
    welcome = await ana.say("/start")
    assert welcome is not None
    shown = await ana.press_data(welcome["message_id"], "ac:mine", check=False)
    assert [d for d in data_of(shown)][:2] == ["c:y:es", "c:n:es"]
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(User)) == 0


# ── What she hears about ───────────────────────────────────────────────────────


async def test_she_chooses_which_activities_she_hears_about(
    ana: Person, db: AsyncSession, fake: FakeTelegram
) -> None:
    await register(ana)
    await ana.tap("ac")
    screen = await ana.tap("ac:subs")
    assert body(screen) == ES(
        "🔔 Choose the kinds of activities you want to hear about. "
        "We will only send you news about those marked ✅."
    )
    toggles = [(text, data) for text, data in buttons(screen) if data.startswith("ac:sub:")]
    assert len(toggles) == len(activities.ALL_KINDS)
    assert all(text.startswith("✅") for text, _ in toggles)

    fewer = await ana.tap("ac:sub:fair")
    marks = {data: text for text, data in buttons(fewer)}
    assert marks["ac:sub:fair"].startswith("⬜") and marks["ac:sub:training"].startswith("✅")
    heard = await activity_subscriptions.subscriptions(db, WOMAN_ID)
    assert heard == activities.ALL_KINDS - {"fair"}

    await ana.tap("ac:sub:fair")
    await db.rollback()
    assert await activity_subscriptions.subscriptions(db, WOMAN_ID) == activities.ALL_KINDS
    assert await db.scalar(select(func.count()).select_from(ActivitySubscription)) == 0
    assert_quick_exit_everywhere(fake, ana.user_id)


# ── Deep links ─────────────────────────────────────────────────────────────────


async def test_deep_link_opens_the_next_date_for_a_registered_woman(
    ana: Person, db_url: str, db: AsyncSession, fake: FakeTelegram
) -> None:
    # Every Tuesday at 9:00 since November: the poster names the whole series.
    series = await add_activity(
        db_url,
        kind="training",
        title="Escuela de costura",
        starts_at=datetime(2030, 11, 5, 9, 0, tzinfo=GT),
        rrule="FREQ=WEEKLY",
    )
    await register(ana)
    card = await ana.say(f"/start {activities.deep_link_payload(series)}")
    assert "Escuela de costura" in body(card) and ES.date_and_time(TUESDAY_9) in body(card)
    assert data_of(card)[0] == f"ac:go:{series}:{stamp(TUESDAY_9)}"
    one_date = await ana.say(f"/start {activities.deep_link_payload(series, NEXT_TUESDAY_9)}")
    assert data_of(one_date)[0] == f"ac:go:{series}:{stamp(NEXT_TUESDAY_9)}"
    done = await ana.tap(f"ac:go:{series}:{stamp(NEXT_TUESDAY_9)}")
    assert ES("✅ You are signed up.") in body(done)
    assert await signups(db) == {WOMAN_ID: SignupStatus.GOING}
    assert_quick_exit_everywhere(fake, ana.user_id)


async def test_deep_link_for_a_new_woman_goes_through_consent_and_lands_on_the_activity(
    ana: Person, db_url: str, db: AsyncSession, fake: FakeTelegram
) -> None:
    club = await add_activity(db_url, kind="pregnant_club", title="Club de embarazadas")
    link = activities.deep_link_payload(club, TUESDAY_9)
    welcome = await ana.say(f"/start {link}")
    assert data_of(welcome)[:2] == [f"c:y:es:{link}", f"c:n:es:{link}"]
    # She says no: nothing is stored, and the buttons still know where she was going.
    declined = await ana.tap(f"c:n:es:{link}")
    assert data_of(declined)[:2] == [f"c:y:es:{link}", f"c:n:es:{link}"]
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(User)) == 0
    # She reads English better: the link survives choosing the language too.
    await ana.tap(f"lang:pick:{link}")
    english = await ana.tap(f"lang:en:{link}")
    assert data_of(english)[:2] == [f"c:y:en:{link}", f"c:n:en:{link}"]

    await ana.tap(f"c:y:en:{link}")
    await db.rollback()
    state = await db.get(ConversationState, WOMAN_ID)
    assert state is not None and state.data == {"link": link}
    await ana.tap("r:name")
    await ana.tap("rc:pick:4")
    await ana.tap("r:age:30_59")
    await ana.tap("id:p:undisclosed")
    await ana.tap("id:l:undisclosed")
    await ana.tap("id:d:undisclosed")
    landed = await ana.say("Skip")
    assert "Club de embarazadas" in body(landed)
    assert data_of(landed)[0] == f"ac:go:{club}:{stamp(TUESDAY_9)}"
    done = await ana.tap(f"ac:go:{club}:{stamp(TUESDAY_9)}")
    assert EN("✅ You are signed up.") in body(done)
    await db.rollback()
    user = await db.get(User, WOMAN_ID)
    assert user is not None and user.registered_at is not None
    assert await db.get(ConversationState, WOMAN_ID) is None
    assert_quick_exit_everywhere(fake, ana.user_id)


async def test_deep_link_is_kept_when_she_is_halfway_through_registration(
    fake: FakeTelegram, runtime: Any, db_url: str
) -> None:
    fair = await add_activity(db_url)
    newcomer = woman(fake, runtime, NEWCOMER, "Rosa")
    await newcomer.say("/start")
    await newcomer.tap("c:y:es")
    await newcomer.tap("r:name")
    # She scans the poster while the bot asks for her community: registration restarts
    # at her name, and the link waits for the end.
    asked = await newcomer.say(f"/start {activities.deep_link_payload(fair)}")
    assert "r:name" in data_of(asked)
    landed = await register_from_link_after_name(newcomer)
    assert data_of(landed)[0] == f"ac:go:{fair}:{stamp(TUESDAY_9)}"


async def register_from_link_after_name(person: Person) -> dict | None:
    await person.tap("r:name")
    await person.tap("rc:pick:4")
    await person.tap("r:age:30_59")
    await person.tap("id:p:undisclosed")
    await person.tap("id:l:undisclosed")
    await person.tap("id:d:undisclosed")
    return await person.say("Omitir")


async def test_registering_from_a_link_helper(ana: Person, db_url: str) -> None:
    fair = await add_activity(db_url)
    landed = await register_from_link(ana, activities.deep_link_payload(fair))
    assert data_of(landed)[0] == f"ac:go:{fair}:{stamp(TUESDAY_9)}"


async def test_forged_or_stale_deep_links(
    ana: Person, db_url: str, db: AsyncSession, fake: FakeTelegram, runtime: Any
) -> None:
    past = await add_activity(db_url, starts_at=NOW.astimezone(UTC) - timedelta(days=3))
    newcomer = woman(fake, runtime, NEWCOMER, "Rosa")
    gone_note = ES("That activity is no longer available.")
    # Before consent: the normal welcome, a note for a well-formed link, nothing carried.
    welcome = await newcomer.say("/start act_999999")
    assert body(welcome).startswith(gone_note)
    assert data_of(welcome) == ["c:y:es", "c:n:es", "lang:pick", QUICK_EXIT]
    for payload in ("act_1_999999999999", "hola", "act_x", "a" * 64):
        plain = await newcomer.say(f"/start {payload}")
        assert gone_note not in body(plain), payload
        assert data_of(plain) == ["c:y:es", "c:n:es", "lang:pick", QUICK_EXIT], payload
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(User)) == 0
    # A forged consent button carries no payload worth keeping.
    assert welcome is not None
    await newcomer.press_data(welcome["message_id"], "c:y:es:<b>no</b>", check=False)
    await db.rollback()
    state = await db.get(ConversationState, NEWCOMER)
    assert state is not None and "link" not in state.data

    await register(ana)
    hello = ES("Hello, {name} 🌸 What do you need?").format(name="Ana")
    for payload in ("act_999999", f"act_{past}", activities.deep_link_payload(past, NOW)):
        answer = await ana.say(f"/start {payload}")
        assert body(answer) == f"{gone_note}\n\n{hello}", payload
        assert "ac" in data_of(answer)
    for payload in ("act_1_999999999999", "hola", f"act_{past}_2030"):
        answer = await ana.say(f"/start {payload}")
        assert body(answer) == hello, payload
    assert await signups(db) == {}
    assert_quick_exit_everywhere(fake, ana.user_id)
    assert_quick_exit_everywhere(fake, NEWCOMER)


async def test_deleting_her_data_gives_her_place_to_the_next_woman(
    ana: Person, db_url: str, db: AsyncSession, fake: FakeTelegram, runtime: Any
) -> None:
    club = await add_activity(db_url, kind="pregnant_club", title="Club de embarazadas", capacity=1)
    link = activities.deep_link_payload(club, TUESDAY_9)
    carla = woman(fake, runtime, CARLA, "Carla")
    for person in (ana, carla):
        await register(person)
        await person.say(f"/start {link}")
        await person.tap(f"ac:go:{club}:{stamp(TUESDAY_9)}")
    assert await signups(db) == {WOMAN_ID: SignupStatus.GOING, CARLA: SignupStatus.WAITLIST}

    before = fake.bot_messages(CARLA)[-1]["message_id"]
    await ana.tap("me")
    await ana.tap("me:del")
    await ana.tap("me:del:y")
    told = await fake.wait_for_message(
        CARLA,
        contains=ES("🎉 A place opened up: you are now signed up for {title}.").format(
            title="Club de embarazadas"
        ),
        after=before,
    )
    assert QUICK_EXIT in data_of(told)
    # Nothing of Ana is left; Carla holds the place.
    assert await signups(db) == {CARLA: SignupStatus.GOING}
