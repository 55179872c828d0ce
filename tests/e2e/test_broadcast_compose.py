"""Staff compose announcements in the staff group: text, photo, audience, preview, send or
schedule; the progress message and its summary; /anuncios and cancelling; the guards."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.activities import service_subscriptions as activity_subscriptions
from bot.app import BotRuntime
from bot.core import users
from bot.core.i18n import Catalogs
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import AuditEvent, Broadcast, StaffDraft, User
from bot.standin import FakeTelegram
from tests.conftest import ADMIN_ID, STAFF_CHAT_ID, make_settings
from tests.e2e.conftest import STAFF_ID
from tests.e2e.harness import OffsetClock, Person, buttons, settle

JsonDict = dict[str, Any]
TZ = ZoneInfo("America/Guatemala")
ES = Catalogs(TZ, "es").get("es")
FIRST = 710000
TEXT = "📣 Taller de costura el martes a las 9:00 en el salón municipal."


@pytest.fixture
def db_url(database_url: str) -> str:
    """These journeys run on SQLite and on PostgreSQL."""
    return database_url


def communities(runtime: BotRuntime) -> tuple[str, ...]:
    return runtime.application.bot_data.settings.office.communities


async def seed_women(
    fake: FakeTelegram, db_url: str, clock: OffsetClock, women: dict[int, str]
) -> None:
    """Registered women (id → community) who can receive announcements."""
    now = clock.now()
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            for user_id, community in women.items():
                fake.add_user(user_id, first_name=f"Mujer {user_id}", language_code="es")
                user = await users.give_consent(session, user_id, "es", now - timedelta(days=2))
                user.community = community
                users.finish_registration(user, now - timedelta(days=2))
            await session.commit()
    finally:
        await engine.dispose()


def announcements(fake: FakeTelegram, user_id: int, text: str = TEXT) -> list[JsonDict]:
    return [
        m for m in fake.bot_messages(user_id) if text in (m.get("text") or m.get("caption") or "")
    ]


async def reply_photo(staff: Person, to: JsonDict, caption: str | None) -> JsonDict | None:
    staff.fake.user_sends_photo(
        staff.user_id, caption=caption, chat_id=staff.chat_id, reply_to_message_id=to["message_id"]
    )
    await settle(staff.runtime, staff.fake)
    return staff.last()


async def reply_sticker(staff: Person, to: JsonDict) -> JsonDict | None:
    staff.fake.user_sends_sticker(
        staff.user_id, chat_id=staff.chat_id, reply_to_message_id=to["message_id"]
    )
    await settle(staff.runtime, staff.fake)
    return staff.last()


def data_starting(message: JsonDict | None, prefix: str) -> str:
    found = [d for _, d in buttons(message) if d.startswith(prefix)]
    assert found, f"no {prefix!r} button: {buttons(message)}"
    return found[0]


def recipients_line(count: int) -> str:
    return ES.plural(
        "📬 It would reach {count} woman now.", "📬 It would reach {count} women now.", count
    ).format(count=count)


async def look(db: AsyncSession, statement: Any) -> Any:
    await db.rollback()
    return await db.scalar(statement)


async def summary_of(fake: FakeTelegram, number: int, within: float = 20) -> JsonDict:
    return await fake.wait_for_message(
        STAFF_CHAT_ID,
        contains=ES("✅ Announcement #{number}: finished").format(number=number),
        after=0,
        timeout=within,
    )


async def write_text_only(admin: Person, text: str = TEXT) -> JsonDict | None:
    """/anuncio, the text, no photo: returns the audience menu."""
    question = await admin.say("/anuncio")
    assert question is not None and question["reply_markup"].get("force_reply") is True
    photo_question = await admin.say(text, reply_to=question["message_id"])
    return await admin.tap(data_starting(photo_question, "sb:skip:"))


# ── Compose, communities, photo, send now, progress and summary ───────────────


async def test_compose_to_communities_with_photo_send_now_and_summary(
    fake: FakeTelegram,
    runtime: BotRuntime,
    admin_in_group: Person,
    e2e_clock: OffsetClock,
    db_url: str,
    db: AsyncSession,
) -> None:
    names = communities(runtime)
    first, second, far, other = FIRST + 1, FIRST + 2, FIRST + 3, FIRST + 4
    blocked = FIRST + 5
    await seed_women(
        fake,
        db_url,
        e2e_clock,
        {first: names[0], second: names[9], far: names[9], other: names[3], blocked: names[0]},
    )
    fake.block(blocked)
    admin = admin_in_group

    question = await admin.say("/anuncio")
    assert question is not None
    # Wrong media, a text too long: a kind word and the question again, nothing lost.
    again = await reply_sticker(admin, question)
    assert again is not None and again["message_id"] != question["message_id"]
    assert ES("I can only use text, or a photo with the text as its caption.") in again["text"]
    assert again["reply_markup"].get("force_reply") is True
    too_long = await admin.say("x" * 5000, reply_to=again["message_id"])
    assert too_long is not None and "5000" in too_long["text"]
    # A photo with a long caption does not fit either; with a short one it does.
    caption_too_long = await reply_photo(admin, too_long, "y" * 1100)
    assert caption_too_long is not None and "1100" in caption_too_long["text"]
    menu = await reply_photo(admin, caption_too_long, TEXT)
    assert menu is not None and ES("👥 Who should receive this announcement?") in menu["text"]

    draft_id = int(data_starting(menu, "sb:ak:").split(":")[2])
    picker = await admin.tap(f"sb:ak:{draft_id}:communities")
    # Done with nothing chosen: refused, still picking.
    await admin.tap(f"sb:ok:{draft_id}")
    assert admin.callback_answer().get("show_alert") is True
    # In the office's language (this text once escaped the extractor and showed English).
    assert admin.callback_answer().get("text") == "Elija al menos una opción."
    await admin.tap(f"sb:c:{draft_id}:0")
    await admin.tap(f"sb:cp:{draft_id}:1")  # the second page of communities
    picker = await admin.tap(f"sb:c:{draft_id}:9")
    assert any(text.startswith("✅") and names[9] in text for text, _ in buttons(picker))
    await admin.tap(f"sb:ok:{draft_id}")

    # The preview: the photo with its caption and her buttons (inert here), then the count.
    preview = [m for m in fake.bot_messages(STAFF_CHAT_ID) if m.get("caption") == TEXT][-1]
    assert preview["kind"] == "photo"
    assert {d for _, d in buttons(preview)} == {"sb:noop"}
    card = admin.last()
    assert card is not None and recipients_line(4) in card["text"]
    await admin.press_data(preview["message_id"], "sb:noop")
    assert admin.callback_answer().get("show_alert") is not True
    assert admin.callback_answer().get("text") == (
        "Esto es solo una vista previa: estos botones funcionan para las mujeres."
    )

    await admin.tap(f"sb:send:{draft_id}")
    summary = await summary_of(fake, 1)
    # One progress message, edited into the summary.
    assert summary.get("edit_history"), "the progress message was never edited"
    assert ES("📬 Sent: {count}").format(count=3) in summary["text"]
    assert ES("🚫 Blocked the bot: {count}").format(count=1) in summary["text"]
    progress_messages = [
        m
        for m in fake.bot_messages(STAFF_CHAT_ID)
        if ES("📤 Announcement #{number}: sending").format(number=1)
        in " ".join(
            [m.get("text") or ""] + [e.get("text") or "" for e in m.get("edit_history", [])]
        )
    ]
    assert [m["message_id"] for m in progress_messages] == [summary["message_id"]]

    for woman in (first, second, far):
        got = announcements(fake, woman)
        assert len(got) == 1 and got[0]["kind"] == "photo", fake.dump_chat(woman)
        data = [d for _, d in buttons(got[0])]
        assert "bc:stop" in data and "x" in data
        assert not any(d.startswith("ac:v:") for d in data)
    assert announcements(fake, other) == []
    her = await look(db, select(User).where(User.id == blocked))
    assert her is not None and her.active is False

    # «Send now» pressed again: the draft is gone, nothing is created twice.
    await admin.press_data(card["message_id"], f"sb:send:{draft_id}", check=False)
    assert admin.callback_answer().get("show_alert") is True
    assert await look(db, select(func.count()).select_from(Broadcast)) == 1
    assert await look(db, select(func.count()).select_from(StaffDraft)) == 0
    actions = (
        await db.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == ADMIN_ID))
    ).all()
    assert "broadcast_compose" in actions and "broadcast_send" in actions


# ── Scheduling, /anuncios, cancelling ─────────────────────────────────────────


def local_text(moment: Any) -> str:
    local = moment.astimezone(TZ)
    return f"{local:%d/%m/%Y %H:%M}"


async def test_scheduled_goes_out_at_its_time_and_a_cancelled_one_never(
    fake: FakeTelegram,
    runtime: BotRuntime,
    admin_in_group: Person,
    e2e_clock: OffsetClock,
    db_url: str,
    db: AsyncSession,
) -> None:
    woman = FIRST + 11
    await seed_women(fake, db_url, e2e_clock, {woman: communities(runtime)[2]})
    admin = admin_in_group

    menu = await write_text_only(admin)
    draft_id = int(data_starting(menu, "sb:ak:").split(":")[2])
    await admin.tap(f"sb:ak:{draft_id}:everyone")
    question = await admin.tap(f"sb:sch:{draft_id}")
    assert question is not None and question["reply_markup"].get("force_reply") is True
    # Unreadable, then past: asked again.
    again = await admin.say("el martes", reply_to=question["message_id"])
    assert again is not None and ES("I could not read that date and time.") in again["text"]
    past = local_text(e2e_clock.now() - timedelta(hours=2))
    again = await admin.say(past, reply_to=again["message_id"])
    assert again is not None and ES("That time has already passed.") in again["text"]
    at = e2e_clock.now() + timedelta(hours=2)
    done = await admin.say(local_text(at), reply_to=again["message_id"])
    assert done is not None and "#1" in done["text"] and "/anuncios" in done["text"]

    await asyncio.sleep(0.5)  # several sweeps: not before its time
    assert announcements(fake, woman) == []

    # A second one, scheduled and then cancelled from /anuncios.
    menu = await write_text_only(admin, "Otro anuncio que nadie verá")
    second_draft = int(data_starting(menu, "sb:ak:").split(":")[2])
    await admin.tap(f"sb:ak:{second_draft}:everyone")
    question = await admin.tap(f"sb:sch:{second_draft}")
    assert question is not None
    await admin.say(local_text(at), reply_to=question["message_id"])
    listing = await admin.say("/anuncios")
    assert listing is not None and "#1" in listing["text"] and "#2" in listing["text"]
    assert {"sb:cl:1", "sb:cl:2"} <= {d for _, d in buttons(listing)}
    confirm = await admin.tap("sb:cl:2")
    assert confirm is not None and "sb:cly:2" in [d for _, d in buttons(confirm)]
    after = await admin.tap("sb:cly:2")
    assert after is not None and "sb:cl:2" not in [d for _, d in buttons(after)]
    assert "sb:cl:1" in [d for _, d in buttons(after)]
    # Cancelling it again (an old button) changes nothing.
    await admin.press_data(confirm["message_id"], "sb:cly:2", check=False)
    assert (
        await look(
            db,
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "broadcast_cancel"),
        )
        == 1
    )

    e2e_clock.advance(timedelta(hours=2, minutes=1))
    await summary_of(fake, 1)
    assert len(announcements(fake, woman)) == 1
    await asyncio.sleep(0.5)
    assert announcements(fake, woman, "Otro anuncio") == []
    status = await look(db, select(Broadcast.status).where(Broadcast.id == 2))
    assert status == "cancelled"


# ── Guards: staff only, the author only, stale or forged buttons ───────────────


async def test_only_staff_and_only_the_author_and_no_forged_buttons(
    fake: FakeTelegram,
    runtime: BotRuntime,
    admin_in_group: Person,
    outsider_in_group: Person,
    ana: Person,
    db: AsyncSession,
) -> None:
    refused = ES("Sorry, only the office staff can do this.")
    answer = await outsider_in_group.say("/anuncio")
    assert answer is not None and refused in answer["text"]
    answer = await ana.say("/anuncio")
    assert answer is not None and refused in answer["text"]
    answer = await outsider_in_group.say("/anuncios")
    assert answer is not None and refused in answer["text"]
    assert await look(db, select(func.count()).select_from(StaffDraft)) == 0

    question = await admin_in_group.say("/anuncio")
    assert question is not None
    # Another staff member answering the author's question is refused.
    colleague = Person(fake, runtime, STAFF_ID, chat_id=STAFF_CHAT_ID)
    await admin_in_group.say("/alta_staff 200002 María")
    answer = await colleague.say("Un texto ajeno", reply_to=question["message_id"])
    assert answer is not None
    assert ES("Only the person who started this draft can continue it.") in answer["text"]
    draft = await look(db, select(StaffDraft))
    assert draft is not None and "text" not in (draft.data or {})

    photo_question = await admin_in_group.say(TEXT, reply_to=question["message_id"])
    skip = data_starting(photo_question, "sb:skip:")
    # The colleague and an outsider press the author's button: nothing changes.
    assert photo_question is not None
    await colleague.press_data(photo_question["message_id"], skip)
    assert colleague.callback_answer().get("show_alert") is True
    await outsider_in_group.press_data(photo_question["message_id"], skip)
    assert outsider_in_group.callback_answer().get("show_alert") is True
    assert await look(db, select(StaffDraft.step)) == "photo"
    # Forged buttons: a draft that does not exist, a broadcast that does not exist, nonsense.
    for forged in ("sb:send:9999", "sb:ak:9999:everyone", "sb:cly:4242", "sb:zz:1", "sb:act:1:x"):
        await admin_in_group.press_data(photo_question["message_id"], forged, check=False)
        assert await look(db, select(func.count()).select_from(Broadcast)) == 0
    assert await look(db, select(StaffDraft.step)) == "photo"
    # A reply that is no photo to the photo question: asked again.
    again = await admin_in_group.say("sin foto", reply_to=photo_question["message_id"])
    assert again is not None and skip in [d for _, d in buttons(again)]
    # Discarding it: gone, and its buttons are stale.
    gone = await admin_in_group.tap(f"sb:x:{skip.split(':')[2]}")
    assert gone is not None and ES("✖️ Announcement discarded. Nothing was sent.") in gone["text"]
    assert await look(db, select(func.count()).select_from(StaffDraft)) == 0
    await admin_in_group.press_data(photo_question["message_id"], skip)
    assert admin_in_group.callback_answer().get("show_alert") is True


# ── A restart in the middle of composing ───────────────────────────────────────


@pytest.fixture
async def bot_factory(
    fake: FakeTelegram, db_url: str, e2e_clock: OffsetClock
) -> AsyncIterator[list[BotRuntime]]:
    started: list[BotRuntime] = []
    yield started
    for bot in started:
        if bot.application.running:
            await bot.stop()


async def start_bot(fake: FakeTelegram, db_url: str, clock: OffsetClock) -> BotRuntime:
    bot = BotRuntime(make_settings(db_url, fake.url), clock=clock)
    await bot.start()
    return bot


async def test_a_restart_while_composing_keeps_the_draft(
    fake: FakeTelegram, db_url: str, e2e_clock: OffsetClock, bot_factory: list[BotRuntime]
) -> None:
    first = await start_bot(fake, db_url, e2e_clock)
    bot_factory.append(first)
    woman = FIRST + 21
    await seed_women(fake, db_url, e2e_clock, {woman: "Aldea Palestina"})
    admin = Person(fake, first, ADMIN_ID, chat_id=STAFF_CHAT_ID)
    question = await admin.say("/anuncio")
    assert question is not None
    photo_question = await admin.say(TEXT, reply_to=question["message_id"])
    assert photo_question is not None
    await first.stop()

    second = await start_bot(fake, db_url, e2e_clock)
    bot_factory.append(second)
    admin = Person(fake, second, ADMIN_ID, chat_id=STAFF_CHAT_ID)
    menu = await reply_photo(admin, photo_question, None)  # the photo, after the restart
    draft_id = int(data_starting(menu, "sb:ak:").split(":")[2])
    await admin.tap(f"sb:ak:{draft_id}:everyone")
    await admin.tap(f"sb:send:{draft_id}")
    await summary_of(fake, 1)
    got = announcements(fake, woman)
    assert len(got) == 1 and got[0]["kind"] == "photo" and got[0]["caption"] == TEXT


# ── Audiences about activities, and a draft started from an activity ─────────


async def test_activity_audiences_reach_the_right_women(
    fake: FakeTelegram,
    runtime: BotRuntime,
    admin_in_group: Person,
    e2e_clock: OffsetClock,
    db_url: str,
) -> None:
    going, trainings_only, every_kind, nothing = FIRST + 31, FIRST + 32, FIRST + 33, FIRST + 34
    await seed_women(
        fake,
        db_url,
        e2e_clock,
        {
            going: "Aldea Palestina",
            trainings_only: "Aldea Palestina",
            every_kind: "Cantón Central",
            nothing: "Cantón Central",
        },
    )
    now = e2e_clock.now()
    engine = create_engine(db_url)
    async with create_session_factory(engine)() as session:
        fair = await activities.create(
            session,
            kind="fair",
            title="Feria de artesanías",
            place="Salón municipal",
            starts_at=now + timedelta(days=3),
            now=now,
        )
        await signups.sign_up(session, fair.id, fair.starts_at, going, now, tz=TZ)
        await activity_subscriptions.set_subscriptions(session, trainings_only, ["training"])
        await activity_subscriptions.set_subscriptions(session, nothing, [])
        await session.commit()
        fair_id, fair_start = fair.id, fair.starts_at
    await engine.dispose()
    stamp = fair_start.strftime("%Y%m%d%H%M")
    admin = admin_in_group

    # Who hears about fairs: everyone but the one who chose trainings only, and the one
    # who chose nothing.
    menu = await write_text_only(admin, "Feria el sábado")
    draft_id = int(data_starting(menu, "sb:ak:").split(":")[2])
    await admin.tap(f"sb:ak:{draft_id}:activity_type")
    await admin.tap(f"sb:t:{draft_id}:fair")
    card = await admin.tap(f"sb:ok:{draft_id}")
    assert card is not None and recipients_line(2) in card["text"]
    await admin.tap(f"sb:send:{draft_id}")
    await summary_of(fake, 1)
    assert [
        len(announcements(fake, w, "Feria el sábado"))
        for w in (going, trainings_only, every_kind, nothing)
    ] == [1, 0, 1, 0]

    # Those signed up to the fair: only her.
    menu = await write_text_only(admin, "La feria cambia de salón")
    draft_id = int(data_starting(menu, "sb:ak:").split(":")[2])
    dates = await admin.tap(f"sb:ak:{draft_id}:activity")
    assert dates is not None and f"sb:ad:{draft_id}:{fair_id}:{stamp}" in [
        d for _, d in buttons(dates)
    ]
    card = await admin.tap(f"sb:ad:{draft_id}:{fair_id}:{stamp}")  # a one-off: that date
    assert card is not None and recipients_line(1) in card["text"]
    await admin.tap(f"sb:send:{draft_id}")
    await summary_of(fake, 2)
    assert [
        len(announcements(fake, w, "La feria cambia")) for w in (going, trainings_only, every_kind)
    ] == [1, 0, 0]

    # From the activity's card: the text written from it, its kind as audience, and the
    # women get a button to see it and sign up.
    anchor = admin.last()
    assert anchor is not None
    photo_question = await admin.press_data(
        anchor["message_id"], f"sb:act:{fair_id}:{stamp}", check=False
    )
    card = await admin.tap(data_starting(photo_question, "sb:skip:"))
    assert card is not None and recipients_line(2) in card["text"]
    preview = fake.bot_messages(STAFF_CHAT_ID)[-2]
    assert "Feria de artesanías" in preview["text"] and "Salón municipal" in preview["text"]
    assert ES("🗓️ See and sign up") in [label for label, _ in buttons(preview)]
    await admin.tap(data_starting(card, "sb:send:"))
    await summary_of(fake, 3)
    for woman in (going, every_kind):
        got = announcements(fake, woman, "Feria de artesanías")
        assert len(got) == 1
        data = [d for _, d in buttons(got[0])]
        assert data[0] == f"ac:v:{fair_id}:{stamp}" and "bc:stop" in data and "x" in data
    assert announcements(fake, trainings_only, "Feria de artesanías") == []
