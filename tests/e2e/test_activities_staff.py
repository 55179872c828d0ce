"""Activities from the staff group: the step-by-step wizard, the card, QR code, edit one
date or the series, cancel, attendance; non-staff and stale buttons change nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.app import BotRuntime
from bot.core import users
from bot.core.i18n import Catalogs
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Activity, AuditEvent, Signup, StaffDraft
from bot.standin import FakeTelegram
from tests.conftest import ADMIN_ID, STAFF_CHAT_ID, make_settings
from tests.e2e.crash import wait_until
from tests.e2e.harness import JsonDict, OffsetClock, Person, buttons, settle

TZ = ZoneInfo("America/Guatemala")
ES = Catalogs(TZ, "es").get("es")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NOT_A_PHOTO = ES("That is not a photo. Please send a picture as a photo (not as a file).").split(
    "."
)[0]
TITLE_TOO_LONG = ES.plural(
    "The title must be text of up to {n} character.",
    "The title must be text of up to {n} characters.",
    256,
).format(n=256)
ANA, BEA = 610001, 610002


@pytest.fixture
def db_url(database_url: str) -> str:
    """These journeys run on SQLite and on PostgreSQL."""
    return database_url


def first_tuesday_after(day: date) -> date:
    """The first Tuesday of the month after next (always weeks ahead)."""
    month = day.month + 2
    year = day.year + (month - 1) // 12
    first = date(year, (month - 1) % 12 + 1, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7)


def local(moment: datetime) -> datetime:
    return moment.astimezone(TZ)


def newest_with(person: Person, suffix: str) -> tuple[JsonDict, str]:
    """The newest bot message with a button whose callback data ends with `suffix`."""
    for message in reversed(person.fake.bot_messages(person.chat)):
        for _, data in buttons(message):
            if data.endswith(suffix):
                return message, data
    raise AssertionError(f"no button ending {suffix!r}:\n{person.fake.dump_chat(person.chat)}")


async def tap_end(person: Person, suffix: str) -> JsonDict | None:
    message, data = newest_with(person, suffix)
    return await person.press_data(message["message_id"], data)


async def seed_series(
    db_url: str, now: datetime, *, rrule: str | None = "FREQ=WEEKLY;BYDAY=TU"
) -> tuple[int, list[datetime]]:
    """A weekly series (or a one-off) from next week, and two women, through the services:
    Ana going to the first date, Bea to the second. Returns the id and the first dates."""
    today = now.astimezone(TZ).date()
    first = today + timedelta(days=7 + (1 - today.weekday()) % 7)
    starts_at = datetime.combine(first, time(9), tzinfo=TZ).astimezone(UTC)
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            for user_id, name in ((ANA, "Ana"), (BEA, "Bea")):
                user = await users.give_consent(session, user_id, "es", now)
                user.name, user.community = name, "Aldea Palestina"
                users.finish_registration(user, now)
            activity = await activities.create(
                session,
                kind="training",
                title="Taller de costura",
                place="Salón municipal",
                starts_at=starts_at,
                capacity=10,
                rrule=rrule,
                now=now,
            )
            dates = [o.key for o in await activities.next_dates(session, activity.id, now, TZ)]
            await signups.sign_up(session, activity.id, dates[0], ANA, now, tz=TZ)
            if len(dates) > 1:
                await signups.sign_up(session, activity.id, dates[1], BEA, now, tz=TZ)
            await session.commit()
            return activity.id, dates
    finally:
        await engine.dispose()


def add_women(fake: FakeTelegram) -> None:
    fake.add_user(ANA, first_name="Ana")
    fake.add_user(BEA, first_name="Bea")


def wizard(person: Person) -> JsonDict:
    """The wizard's one message: the newest bot message with a draft button (sx:d:…)."""
    for message in reversed(person.fake.bot_messages(person.chat)):
        if any(data.startswith("sx:d:") for _, data in buttons(message)):
            return message
    raise AssertionError(f"no wizard:\n{person.fake.dump_chat(person.chat)}")


async def reply(person: Person, text: str) -> JsonDict:
    """Answer the wizard's typed step: a reply to its message. Returns that message."""
    asked = wizard(person)
    await person.say(text, reply_to=asked["message_id"])
    return person._bot_message(asked["message_id"])


def reactions(fake: FakeTelegram, since: int = 0) -> list[str]:
    """The reactions the bot set on staff's replies (emoji), in order."""
    return [
        reaction["emoji"]
        for call in fake.calls[since:]
        if call.method == "setMessageReaction" and call.ok
        for reaction in call.params["reaction"]
    ]


GROUP_WRITES = ("send", "copyMessage", "forwardMessage", "editMessage", "deleteMessage")


def group_writes(fake: FakeTelegram, since: int = 0) -> list[str]:
    """Bot API calls that count against the group's 20 a minute: sends, edits, deletes."""
    return [
        call.method
        for call in fake.calls[since:]
        if call.method.startswith(GROUP_WRITES)
        and call.method != "sendChatAction"
        and call.params.get("chat_id") == STAFF_CHAT_ID
    ]


def staff_actions(fake: FakeTelegram) -> int:
    """What staff did in the group: messages sent (commands, replies) and buttons pressed."""
    sent = [m for m in fake.messages(STAFF_CHAT_ID) if not m["from_bot"]]
    return len(sent) + len(fake.callback_answers)


def answered_notes(fake: FakeTelegram) -> list[str]:
    return [answer.get("text") or "" for answer in fake.callback_answers.values()]


# ── Creating ───────────────────────────────────────────────────────────────────


async def test_a_typical_activity_takes_seven_actions_in_one_edited_message(
    admin_in_group: Person, fake: FakeTelegram, db: AsyncSession, e2e_clock: OffsetClock
) -> None:
    """/actividad, the kind, the title, the date and time, the place, the community,
    ✅ Create: seven actions; the group gets one message, edited at each step, and then
    the activity's card — eight calls where the old wizard made twenty-two."""
    group = admin_in_group
    calls_before = len(fake.calls)
    started = await group.say("/actividad")
    assert started is not None
    assert ES("What kind of activity is it?") in started["text"]
    await tap_end(group, ":kind:training")
    asked = await reply(group, "Taller de bordado")
    assert ES("↩️ Reply to this message to answer.") in asked["text"]
    assert "Taller de bordado" in asked["text"]  # what is chosen so far, above the question
    await reply(group, "mañana 9:00")
    await reply(group, "Salón municipal")
    summary = await tap_end(group, ":com:all")
    assert summary is not None and summary["message_id"] == started["message_id"]
    # Everything else has a default, shown on the summary.
    for part in (ES("no limit"), ES("📷 No photo"), ES("Whole municipality"), "Salón municipal"):
        assert part in summary["text"], part
    card = await tap_end(group, ":ok")
    assert card is not None and card["message_id"] != started["message_id"]

    assert staff_actions(fake) == 7
    messages = fake.bot_messages(STAFF_CHAT_ID)
    assert [m["message_id"] for m in messages] == [started["message_id"], card["message_id"]]
    done = messages[0]
    assert len(done["edit_history"]) == 6
    assert ES("✅ Created (#{number}).").split("(")[0] in done["text"] and buttons(done) == []
    writes = group_writes(fake, calls_before)
    assert writes.count("sendMessage") == 2 and writes.count("editMessageText") == 6
    assert len(writes) == 8
    # Never without a sign: every press answered with a note, every reply with a reaction.
    assert all(answered_notes(fake)) and len(answered_notes(fake)) == 3
    assert reactions(fake, calls_before) == ["👌", "👌", "👌"]

    await db.rollback()
    activity = (await db.scalars(select(Activity))).one()
    assert (activity.kind, activity.title, activity.place) == (
        "training",
        "Taller de bordado",
        "Salón municipal",
    )
    assert activity.capacity is None and activity.photo_file_id is None
    assert activity.rrule is None and activity.community is None and activity.description == ""
    assert activity.duration_minutes == 120  # a training's usual length
    tomorrow = (e2e_clock.now().astimezone(TZ) + timedelta(days=1)).date()
    assert local(activity.starts_at).replace(tzinfo=None) == datetime.combine(tomorrow, time(9))
    assert (await db.scalars(select(StaffDraft))).all() == []


async def test_a_monthly_first_tuesday_club_is_created_with_every_setting(
    admin_in_group: Person, fake: FakeTelegram, db: AsyncSession, e2e_clock: OffsetClock
) -> None:
    group = admin_in_group
    day = first_tuesday_after(e2e_clock.now().astimezone(TZ).date())
    calls_before = len(fake.calls)
    await group.say("/actividad")
    await tap_end(group, ":kind:pregnant_club")

    # A title too long: refused kindly above the same question, in the same message.
    asked = await reply(group, "x" * 300)
    assert TITLE_TOO_LONG in wizard(group)["text"]
    assert ES("✏️ What is the activity called?") in wizard(group)["text"]
    assert reactions(fake, calls_before) == ["🤔"]
    await reply(group, "Club de embarazadas")

    # The date: unreadable, then past, then right; the same question each time.
    await reply(group, "el martes que viene")
    again = wizard(group)
    assert again["message_id"] == asked["message_id"]
    assert ES("I could not read that date and time.") in again["text"]
    assert "25/12 9:00" in again["text"]
    await reply(group, "01/01/2020 9:00")
    assert (
        ES("That moment has already passed ({when}). Please give a date in the future.").split("{")[
            0
        ]
        in wizard(group)["text"]
    )
    await reply(group, f"{day:%d/%m/%Y} 9:00")
    await reply(group, "Centro de salud")

    # Communities come a page at a time.
    await tap_end(group, ":cpg:1")
    community_message, _ = newest_with(group, ":com:9")
    assert "Colonia Los Ángeles" in [label for label, _ in buttons(community_message)]
    await tap_end(group, ":com:9")

    # Every setting from the summary, in the same message.
    await tap_end(group, ":opt:description")
    await reply(group, "Con el centro de salud. Traer carné.")
    # Places: typed, with a zero and a word refused first.
    await tap_end(group, ":opt:capacity")
    await reply(group, "0")
    assert "5000" in wizard(group)["text"]
    await reply(group, "veinte")
    await reply(group, "25")
    # Photo: text and a sticker are refused kindly; a photo is taken.
    await tap_end(group, ":opt:photo")
    await reply(group, "aquí va la foto")
    asked = wizard(group)
    assert NOT_A_PHOTO in asked["text"]
    fake.user_sends_sticker(
        ADMIN_ID, chat_id=STAFF_CHAT_ID, reply_to_message_id=asked["message_id"]
    )
    await settle(group.runtime, fake)
    assert NOT_A_PHOTO in wizard(group)["text"]
    fake.user_sends_photo(ADMIN_ID, chat_id=STAFF_CHAT_ID, reply_to_message_id=asked["message_id"])
    await settle(group.runtime, fake)
    await tap_end(group, ":opt:duration")
    await tap_end(group, ":dur:180")
    await tap_end(group, ":opt:repeat")
    repeat_message, _ = newest_with(group, ":rep:monthly_nth")
    labels = dict((data.rsplit(":", 1)[-1], label) for label, data in buttons(repeat_message))
    assert "martes" in labels["monthly_nth"].lower() or "tuesday" in labels["monthly_nth"].lower()
    assert "9:00" in labels["monthly_nth"]
    summary = await tap_end(group, ":rep:monthly_nth")
    assert summary is not None and "Club de embarazadas" in summary["text"]
    assert "Traer carné" in summary["text"] and ES("📷 With a photo") in summary["text"]
    card = await tap_end(group, ":ok")
    assert card is not None
    # However many steps, the group got one wizard message and the card.
    assert len(fake.bot_messages(STAFF_CHAT_ID)) == 2

    await db.rollback()
    activity = (await db.scalars(select(Activity))).one()
    assert activity.rrule == "FREQ=MONTHLY;BYDAY=+1TU"
    assert activity.kind == "pregnant_club" and activity.capacity == 25
    assert activity.community == "Colonia Los Ángeles" and activity.duration_minutes == 180
    assert activity.place == "Centro de salud" and activity.photo_file_id
    assert activity.description.startswith("Con el centro de salud")
    # The first date is up to three months ahead (first_tuesday_after): 200 days hold
    # three first Tuesdays whatever today is.
    dates = await activities.next_dates(db, activity.id, e2e_clock.now(), TZ, days=200)
    assert len(dates) >= 3
    for occurrence in dates:
        when = local(occurrence.starts_at)
        assert (when.weekday(), when.hour, when.minute) == (1, 9, 0)
        assert when.day <= 7
    assert local(dates[0].starts_at).date() == day
    assert (await db.scalars(select(StaffDraft))).all() == []
    assert "activity_create" in [e.action for e in (await db.scalars(select(AuditEvent))).all()]

    # The card: link, and the buttons staff need.
    link = f"https://t.me/{fake.bot_username}?start=act_{activity.id}"
    assert link in card["text"]
    datas = [d for _, d in buttons(card)]
    assert f"sx:qr:{activity.id}" in datas
    assert any(d.startswith(f"sb:act:{activity.id}:") for d in datas)

    # The QR code: a real PNG, sent as a file named after the activity, link in the caption.
    sent = await group.tap(f"sx:qr:{activity.id}")
    assert sent is not None and sent["kind"] == "document"
    document = sent["content"]["document"]
    assert document["file_name"] == f"actividad-{activity.id}.png"
    assert link in sent["caption"]
    data = fake.files.by_id[document["file_id"]]["data"]
    assert data.startswith(PNG_SIGNATURE) and len(data) > 200


async def test_an_answer_is_changed_from_the_summary_and_the_date_asked_again_when_it_passed(
    admin_in_group: Person, fake: FakeTelegram, db: AsyncSession, e2e_clock: OffsetClock
) -> None:
    group = admin_in_group
    await group.say("/actividad")
    await tap_end(group, ":kind:fair")
    await reply(group, "Feria")
    await reply(group, "mañana 10:00")
    await reply(group, "Parque central")
    await tap_end(group, ":com:all")
    # A reply where a button is expected: one kind sentence, nothing changes.
    await reply(group, "¿y ahora?")
    assert ES("Please press one of the buttons.") in wizard(group)["text"]
    # Change the title: a reply, then straight back to the summary.
    await tap_end(group, ":opt:change")
    await tap_end(group, ":opt:title")
    await reply(group, "Feria de artesanías")
    summary = wizard(group)
    assert "Feria de artesanías" in summary["text"]
    assert any(d.endswith(":ok") for _, d in buttons(summary))
    # «Back» leaves a setting as it was.
    await tap_end(group, ":opt:capacity")
    await tap_end(group, ":back")
    assert any(d.endswith(":ok") for _, d in buttons(wizard(group)))
    # Two days later the date has passed: Create asks it again, then comes back.
    e2e_clock.advance(timedelta(days=2))
    await tap_end(group, ":ok")
    assert (
        ES("That moment has already passed ({when}). Please give a date in the future.").split("{")[
            0
        ]
        in wizard(group)["text"]
    )
    await reply(group, "mañana 10:00")
    await tap_end(group, ":ok")
    await db.rollback()
    activity = (await db.scalars(select(Activity))).one()
    assert activity.title == "Feria de artesanías" and activity.capacity is None
    assert activity.duration_minutes == 480  # a fair lasts the whole day unless told
    assert (
        local(activity.starts_at).date()
        == (e2e_clock.now().astimezone(TZ) + timedelta(days=1)).date()
    )


async def test_a_restart_in_the_middle_of_the_wizard_keeps_the_draft(
    fake: FakeTelegram, db_url: str, e2e_clock: OffsetClock, db: AsyncSession
) -> None:
    first = BotRuntime(make_settings(db_url, fake.url), clock=e2e_clock)
    await first.start()
    group = Person(fake, first, ADMIN_ID, chat_id=STAFF_CHAT_ID)
    await group.say("/actividad")
    await tap_end(group, ":kind:fair")
    await reply(group, "Feria de artesanías")
    started = wizard(group)
    await first.stop()

    second = BotRuntime(make_settings(db_url, fake.url), clock=e2e_clock)
    await second.start()
    try:
        group = Person(fake, second, ADMIN_ID, chat_id=STAFF_CHAT_ID)
        # The same message goes on: its id was kept with the draft.
        await reply(group, "mañana 10:00")
        await reply(group, "Parque central")
        await tap_end(group, ":com:all")
        assert wizard(group)["message_id"] == started["message_id"]
        await tap_end(group, ":ok")
        await db.rollback()
        activity = (await db.scalars(select(Activity))).one()
        assert activity.title == "Feria de artesanías" and activity.kind == "fair"
        assert activity.rrule is None and activity.capacity is None
        assert activity.community is None and activity.description == ""
        assert activity.photo_file_id is None and activity.duration_minutes == 480
        assert len(fake.bot_messages(STAFF_CHAT_ID)) == 2
    finally:
        await second.stop()


async def test_presses_and_replies_get_a_sign_at_once_while_the_group_is_over_its_limit(
    admin_in_group: Person, fake: FakeTelegram, e2e_clock: OffsetClock
) -> None:
    """Over the group's 20 messages a minute Telegram answers an edit with a 429 and the
    edit waits in the outbox, up to a minute. Meanwhile every press is answered and every
    reply gets its reaction at once: the wait holds up no later action."""
    group = admin_in_group
    fake.limits.group_per_minute = 1
    started = await group.say("/actividad")  # the wizard's message takes the minute's one
    assert started is not None
    calls_before = len(fake.calls)
    await tap_end(group, ":kind:training")
    assert fake.too_many_requests == 1
    assert group._bot_message(started["message_id"])["edit_history"] == []  # it waits
    assert answered_notes(fake)[-1] == "✓ 📚 " + ES("Training")
    # She replies to the message still showing the kinds: taken (👌) at once.
    await group.say("Taller de bordado", reply_to=started["message_id"])
    assert reactions(fake, calls_before) == ["👌"]
    # And a press meanwhile is answered at once too (the title is no longer asked).
    await group.press_data(started["message_id"], started_kind(started), check=False)
    assert group.callback_answer().get("text") == ES("This button is no longer active.")
    assert group._bot_message(started["message_id"])["edit_history"] == []
    # Once Telegram allows it, the edits that waited go, in order.
    fake.limits.group_per_minute = None
    e2e_clock.advance(timedelta(seconds=61))
    await wait_until(
        lambda: len(group._bot_message(started["message_id"])["edit_history"]) == 2, 10
    )
    shown = group._bot_message(started["message_id"])
    assert "Taller de bordado" in shown["text"] and "25/12 9:00" in shown["text"]


def started_kind(message: JsonDict) -> str:
    return next(data for _, data in buttons(message) if data.endswith(":kind:fair"))


async def test_outsiders_cannot_create_or_press_staff_buttons(
    outsider_in_group: Person, admin_in_group: Person, db: AsyncSession, e2e_clock: OffsetClock
) -> None:
    answer = await outsider_in_group.say("/actividad")
    assert answer is not None and answer["text"] == ES("Sorry, only the office staff can do this.")
    await outsider_in_group.say("/actividades")
    # An outsider pressing a real button (forged data) changes nothing and is recorded.
    await admin_in_group.say("/actividad")
    message, data = newest_with(admin_in_group, ":kind:fair")
    await outsider_in_group.press_data(message["message_id"], data)
    alert = outsider_in_group.callback_answer()
    assert alert.get("text") == ES("Sorry, only the office staff can do this.")
    await db.rollback()
    draft = (await db.scalars(select(StaffDraft))).one()
    assert draft.step == "kind"
    actions = [e.action for e in (await db.scalars(select(AuditEvent))).all()]
    assert "refused_activity_create" in actions and "refused_activity_list" in actions
    assert "refused_activity_button" in actions


async def test_stale_and_forged_buttons_change_nothing(
    admin_in_group: Person, db: AsyncSession, db_url: str, e2e_clock: OffsetClock
) -> None:
    group = admin_in_group
    activity_id, dates = await seed_series(db_url, e2e_clock.now())
    await group.say("/actividades")
    listing = group.last()
    assert listing is not None
    mid = listing["message_id"]
    stamp = f"{dates[0]:%Y%m%d%H%M}"
    wrong_day = f"{dates[0] + timedelta(days=1):%Y%m%d%H%M}"
    for forged in (
        f"sx:card:{activity_id}:{wrong_day}",  # not a date of the series
        f"sx:card:99999:{stamp}",
        f"sx:card:{activity_id}:2026zz",
        f"sx:cy:{activity_id}:{stamp}:everything",
        "sx:at:99999:0",
        "sx:qr:99999",
        "sx:d:99999:kind:fair",
        "sx:nonsense",
    ):
        await group.press_data(mid, forged, check=False)
        assert group.callback_answer().get("show_alert"), forged
    # A wizard button of a step already done is stale too.
    await group.say("/actividad")
    message, data = newest_with(group, ":kind:training")
    await tap_end(group, ":kind:fair")
    await group.press_data(message["message_id"], data, check=False)
    assert group.callback_answer().get("show_alert")
    await db.rollback()
    assert (await db.scalars(select(StaffDraft))).one().data.get("kind") == "fair"
    # Once the activity is created, the wizard's buttons belong to no draft.
    await reply(group, "Feria")
    await reply(group, "mañana 10:00")
    await reply(group, "Parque central")
    await tap_end(group, ":com:all")
    create = newest_with(group, ":ok")[1]
    await tap_end(group, ":ok")
    await group.press_data(message["message_id"], create, check=False)
    alert = group.callback_answer()
    assert alert.get("show_alert")
    assert alert.get("text") == ES("This draft is finished or no longer exists.")
    await db.rollback()
    assert len((await db.scalars(select(Activity))).all()) == 2  # the series, and this one
    series = await db.get(Activity, activity_id)
    assert series is not None and series.status == "scheduled"


# ── Edit, cancel, attendance ───────────────────────────────────────────────────


async def notice_to(fake: FakeTelegram, chat_id: int, contains: str | None = None) -> JsonDict:
    """The latest notice to her: written as a row by staff's action, sent by the sweep."""
    after = max((m["message_id"] for m in fake.bot_messages(chat_id)[:-1]), default=0)
    await fake.wait_for_message(chat_id, contains=contains, after=after, timeout=10)
    notice = fake.last_bot_message(chat_id)
    assert notice is not None
    return notice


async def card_of(group: Person, activity_id: int, key: datetime) -> JsonDict:
    await group.say("/actividades")
    card = await group.tap(f"sx:card:{activity_id}:{key:%Y%m%d%H%M}")
    assert card is not None
    return card


async def test_editing_one_date_or_the_series_tells_the_women_going(
    admin_in_group: Person,
    fake: FakeTelegram,
    db: AsyncSession,
    db_url: str,
    e2e_clock: OffsetClock,
) -> None:
    group = admin_in_group
    add_women(fake)
    activity_id, dates = await seed_series(db_url, e2e_clock.now())
    first, second = dates[0], dates[1]
    st = f"{first:%Y%m%d%H%M}"
    await card_of(group, activity_id, first)

    # Only the first date moves to another place: Ana (going that day) is told, Bea not.
    await group.tap(f"sx:ed:{activity_id}:{st}")
    await group.tap(f"sx:ef:{activity_id}:{st}:place")
    await group.tap(f"sx:es:{activity_id}:{st}:place:one")
    # One message asks, and then says what was done; the card above is redrawn.
    asked = await reply(group, "Salón comunal")
    assert ES("✅ Saved.") in asked["text"] and buttons(asked) == []
    await db.rollback()
    override = (await db.scalars(select(Activity).where(Activity.series_id == activity_id))).one()
    assert override.place == "Salón comunal" and override.occurrence_start == first
    series = await db.get(Activity, activity_id)
    assert series is not None and series.place == "Salón municipal"
    ana_notice = await notice_to(fake, ANA, "Salón comunal")
    datas = [d for _, d in buttons(ana_notice)]
    assert f"ac:v:{activity_id}:{st}" in datas and "x" in datas
    assert fake.bot_messages(BEA) == []

    # The whole series gets a new title: both are told, each about her own date.
    await group.tap(f"sx:ed:{activity_id}:{st}")
    await group.tap(f"sx:ef:{activity_id}:{st}:title")
    await group.tap(f"sx:es:{activity_id}:{st}:title:all")
    await reply(group, "x" * 300)  # too long: refused, asked again
    assert TITLE_TOO_LONG in wizard(group)["text"]
    await reply(group, "Taller de costura y bordado")
    await db.rollback()
    series = await db.get(Activity, activity_id)
    assert series is not None and series.title == "Taller de costura y bordado"
    bea_notice = await notice_to(fake, BEA, "bordado")
    assert f"ac:v:{activity_id}:{second:%Y%m%d%H%M}" in [d for _, d in buttons(bea_notice)]
    assert "bordado" in (await notice_to(fake, ANA, "bordado"))["text"]
    assert "activity_edit" in [e.action for e in (await db.scalars(select(AuditEvent))).all()]


async def test_moving_a_one_off_moves_its_sign_ups(
    admin_in_group: Person,
    fake: FakeTelegram,
    db: AsyncSession,
    db_url: str,
    e2e_clock: OffsetClock,
) -> None:
    group = admin_in_group
    add_women(fake)
    activity_id, dates = await seed_series(db_url, e2e_clock.now(), rrule=None)
    st = f"{dates[0]:%Y%m%d%H%M}"
    await card_of(group, activity_id, dates[0])
    await group.tap(f"sx:ed:{activity_id}:{st}")
    await group.tap(f"sx:ef:{activity_id}:{st}:when")  # a one-off: no "which dates?"
    new_day = local(dates[0]).date() + timedelta(days=2)
    await reply(group, f"{new_day:%d/%m/%Y} 15:30")
    await db.rollback()
    activity = await db.get(Activity, activity_id)
    assert activity is not None
    assert local(activity.starts_at).replace(tzinfo=None) == datetime.combine(new_day, time(15, 30))
    signup = (await db.scalars(select(Signup).where(Signup.user_id == ANA))).one()
    assert signup.occurrence_start == activity.starts_at
    notice = await notice_to(fake, ANA)
    assert f"ac:v:{activity_id}:{activity.starts_at.astimezone(UTC):%Y%m%d%H%M}" in [
        d for _, d in buttons(notice)
    ]


async def test_places_are_edited_with_a_button_or_a_typed_number(
    admin_in_group: Person,
    fake: FakeTelegram,
    db: AsyncSession,
    db_url: str,
    e2e_clock: OffsetClock,
) -> None:
    group = admin_in_group
    activity_id, dates = await seed_series(db_url, e2e_clock.now(), rrule=None)
    st = f"{dates[0]:%Y%m%d%H%M}"
    await card_of(group, activity_id, dates[0])
    await group.tap(f"sx:ed:{activity_id}:{st}")
    await group.tap(f"sx:ef:{activity_id}:{st}:cap")
    asked = wizard(group)
    assert (
        ES("Now: {value}").format(value=ES.plural("{n} place", "{n} places", 10).format(n=10))
        in asked["text"]
    )
    saved = await tap_end(group, ":cap:20")
    assert saved is not None and saved["message_id"] == asked["message_id"]
    assert ES("✅ Saved.") in saved["text"]
    await db.rollback()
    activity = await db.get(Activity, activity_id)
    assert activity is not None and activity.capacity == 20
    # Typed: a number no button offers; «Cancel» on another edit changes nothing.
    await group.tap(f"sx:ed:{activity_id}:{st}")
    await group.tap(f"sx:ef:{activity_id}:{st}:cap")
    await reply(group, "35")
    await group.tap(f"sx:ed:{activity_id}:{st}")
    await group.tap(f"sx:ef:{activity_id}:{st}:cap")
    cancelled = await tap_end(group, ":no")
    assert cancelled is not None and cancelled["text"] == ES("✖️ Nothing was changed.")
    await db.rollback()
    await db.refresh(activity)
    assert activity.capacity == 35
    assert (await db.scalars(select(StaffDraft))).all() == []


async def test_cancelling_one_date_tells_the_women_going_that_day(
    admin_in_group: Person,
    fake: FakeTelegram,
    db: AsyncSession,
    db_url: str,
    e2e_clock: OffsetClock,
) -> None:
    group = admin_in_group
    add_women(fake)
    activity_id, dates = await seed_series(db_url, e2e_clock.now())
    st = f"{dates[0]:%Y%m%d%H%M}"
    await card_of(group, activity_id, dates[0])
    await group.tap(f"sx:cx:{activity_id}:{st}")
    question_message = await group.tap(f"sx:cq:{activity_id}:{st}:one")
    assert question_message is not None
    await db.rollback()
    assert (await db.get(Activity, activity_id)).status == "scheduled"  # type: ignore[union-attr]
    await group.tap(f"sx:cy:{activity_id}:{st}:one")
    await db.rollback()
    found = await activities.next_dates(db, activity_id, e2e_clock.now(), TZ)
    assert dates[0] not in [o.key for o in found] and dates[1] in [o.key for o in found]
    notice = await notice_to(fake, ANA, "Taller de costura")
    assert "x" in [d for _, d in buttons(notice)]
    assert fake.bot_messages(BEA) == []
    # Pressing "yes" again: already cancelled, nothing more is sent.
    before = len(fake.bot_messages(ANA))
    await group.press_data(
        question_message["message_id"], f"sx:cy:{activity_id}:{st}:one", check=False
    )
    assert group.callback_answer().get("show_alert")
    assert len(fake.bot_messages(ANA)) == before

    # The whole series: Bea (going to the second date) is told.
    st2 = f"{dates[1]:%Y%m%d%H%M}"
    await card_of(group, activity_id, dates[1])
    await group.tap(f"sx:cx:{activity_id}:{st2}")
    await group.tap(f"sx:cq:{activity_id}:{st2}:all")
    await group.tap(f"sx:cy:{activity_id}:{st2}:all")
    await db.rollback()
    series = await db.get(Activity, activity_id)
    assert series is not None and series.status == "cancelled"
    assert "Taller de costura" in (await notice_to(fake, BEA))["text"]


async def test_attendance_list_and_marking_who_came(
    admin_in_group: Person,
    fake: FakeTelegram,
    db: AsyncSession,
    db_url: str,
    e2e_clock: OffsetClock,
) -> None:
    group = admin_in_group
    activity_id, dates = await seed_series(db_url, e2e_clock.now())
    st = f"{dates[0]:%Y%m%d%H%M}"
    await card_of(group, activity_id, dates[0])
    listing = await group.tap(f"sx:att:{activity_id}:{st}")
    assert listing is not None and "Ana" in listing["text"] and "Aldea Palestina" in listing["text"]
    assert "Bea" not in listing["text"]  # she goes to another date
    _, data = newest_with(group, ":0")
    assert data.startswith("sx:at:")
    marked = await group.tap(data)
    assert marked is not None and "✅" in [label[0] for label, _ in buttons(marked)]
    await db.rollback()
    signup = (await db.scalars(select(Signup).where(Signup.user_id == ANA))).one()
    assert signup.attended_at is not None
    # Pressing again undoes it.
    await group.tap(data)
    await db.rollback()
    await db.refresh(signup)
    assert signup.attended_at is None
    actions = [e.action for e in (await db.scalars(select(AuditEvent))).all()]
    assert {"activity_attendance", "activity_attended", "activity_not_attended"} <= set(actions)
