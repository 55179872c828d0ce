"""What a woman does from her phone: consent, register, report, follow, network, her data."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    AnonymousCount,
    Case,
    CaseEntry,
    ConversationState,
    NetworkMember,
    User,
)
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID
from tests.e2e.harness import Person, buttons, settle
from tests.e2e.journeys import only_case, register, report

QUICK_EXIT = "x"


async def count(db: AsyncSession, model: type) -> int:
    await db.rollback()
    return int(await db.scalar(select(func.count()).select_from(model)) or 0)


async def test_welcome_asks_consent_and_stores_nothing_before_it(
    ana: Person, db: AsyncSession
) -> None:
    welcome = await ana.say("/start")
    assert welcome is not None
    assert "Oficina Municipal de la Mujer de San Juan La Laguna" in welcome["text"]
    assert [d for _, d in buttons(welcome)] == ["c:y:es", "c:n:es", "lang:pick", QUICK_EXIT]
    await ana.say("hola, necesito ayuda")
    assert await count(db, User) == 0
    assert await count(db, ConversationState) == 0


async def test_declining_gives_help_numbers_and_stores_nothing(
    ana: Person, db: AsyncSession
) -> None:
    await ana.say("/start")
    declined = await ana.tap("c:n:es")
    assert declined is not None
    for number in ("110", "1572", "122"):
        assert number in declined["text"]
    assert "+502 7759 0000" in declined["text"]
    assert await count(db, User) == 0


async def test_registration_with_buttons_only(ana: Person, db: AsyncSession) -> None:
    await register(ana)
    await db.rollback()
    user = await db.get(User, ana.user_id)
    assert user is not None
    assert (user.name, user.community, user.age_group, user.phone) == (
        "Ana",
        "Aldea Palestina",
        "30_59",
        None,
    )
    assert user.registered_at is not None and user.consent_at is not None
    menu = ana.last()
    assert menu is not None
    assert {"n:new", "mc", "net", "me", "off", QUICK_EXIT} <= {d for _, d in buttons(menu)}
    assert await count(db, ConversationState) == 0


async def test_registration_with_typed_name_other_community_and_shared_phone(
    ana: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await ana.say("/start")
    await ana.tap("c:y:es")
    too_long = await ana.say("A" * 200)
    assert too_long is not None and "64" in too_long["text"]
    await ana.say("  Ana   María  ")
    await ana.tap("rc:page:1")
    page_two = ana.last()
    assert page_two is not None and "Paraje Xepatán" in [t for t, _ in buttons(page_two)]
    await ana.tap("rc:other")
    await ana.say("Caserío Nuevo Amanecer")
    await ana.tap("r:age:60plus")
    await ana.tap("id:p:undisclosed")
    await ana.tap("id:l:undisclosed")
    await ana.tap("id:d:undisclosed")
    fake.user_sends_contact(ana.user_id, "+50255551234", contact_user_id=999)
    await settle(ana.runtime, fake)
    await db.rollback()
    assert (await db.get(User, ana.user_id)).phone is None  # type: ignore[union-attr]
    fake.user_sends_contact(ana.user_id, "+50255551234", contact_user_id=ana.user_id)
    await settle(ana.runtime, fake)
    await db.rollback()
    user = await db.get(User, ana.user_id)
    assert user is not None
    assert (user.name, user.community, user.age_group, user.phone) == (
        "Ana María",
        "Caserío Nuevo Amanecer",
        "60plus",
        "+50255551234",
    )
    assert user.registered_at is not None


async def test_report_a_need_with_text_voice_and_photo(
    ana: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await register(ana)
    await ana.tap("n:new")
    await ana.tap("n:cat:food")
    await ana.say("No tenemos maíz para la semana")
    await ana.send_voice()
    sticker_answer = await ana.send_sticker()
    assert sticker_answer is not None and "🎤" in sticker_answer["text"]
    await ana.send_photo(caption="receta del centro de salud")
    done = await ana.tap("n:send")
    assert done is not None and "OMM-000001" in done["text"]
    case = await only_case(db)
    assert case.category == "food" and case.community == "Aldea Palestina"
    entries = (await db.scalars(select(CaseEntry).where(CaseEntry.case_id == case.id))).all()
    assert [e.media_kind for e in entries] == ["text", "voice", "photo"]
    # Staff get the card and her attachments in the staff group.
    card = await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000001", after=0)
    assert "No tenemos maíz" in card["text"] and "Aldea Palestina" in card["text"]
    await fake.wait_for_call("sendVoice", lambda c: c.params.get("chat_id") == STAFF_CHAT_ID)
    await fake.wait_for_call("sendPhoto", lambda c: c.params.get("chat_id") == STAFF_CHAT_ID)


async def test_send_with_nothing_written_asks_for_a_message(ana: Person, db: AsyncSession) -> None:
    await register(ana)
    await ana.tap("n:new")
    await ana.tap("n:cat:medicine")
    again = await ana.tap("n:send")
    assert again is not None and "n:send" in {d for _, d in buttons(again)}
    assert await count(db, Case) == 0


async def test_my_requests_shows_status_and_lets_her_add_information(
    ana: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await register(ana)
    await report(ana, "diapers", "Mi abuelita necesita pañales")
    await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000001", after=0)
    listing = await ana.tap("mc")
    assert listing is not None and "OMM-000001" in listing["text"]
    await ana.tap(f"mc:v:{(await only_case(db)).id}")
    await ana.tap(f"mc:add:{(await only_case(db)).id}")
    await ana.say("Talla grande, por favor")
    added = await ana.tap("mca:send")
    assert added is not None and "OMM-000001" in added["text"]
    copy = await fake.wait_for_message(STAFF_CHAT_ID, contains="Talla grande", after=0)
    card = fake.messages(STAFF_CHAT_ID)[0]
    assert copy["reply_to_message_id"] == card["message_id"]


async def test_network_join_and_leave(ana: Person, db: AsyncSession) -> None:
    await register(ana)
    await ana.tap("net")
    await ana.tap("net:join")
    await ana.say("Asociación de Tejedoras")
    await ana.tap("nc:mine")
    await ana.tap("net:role:leader")
    await db.rollback()
    member = await db.get(NetworkMember, ana.user_id)
    assert member is not None
    assert (member.organization, member.community, member.role) == (
        "Asociación de Tejedoras",
        "Aldea Palestina",
        "leader",
    )
    await ana.tap("m")
    await ana.tap("net")
    await ana.tap("net:leave")
    await ana.tap("net:leave:y")
    assert await count(db, NetworkMember) == 0


async def test_she_sees_and_deletes_her_data(
    ana: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await register(ana)
    await report(ana, "food", "Necesito víveres")
    await ana.tap("m")
    mine = await ana.tap("me")
    assert mine is not None and "Ana" in mine["text"] and "Aldea Palestina" in mine["text"]
    assert mine["protect_content"] is True
    await ana.tap("me:del")
    await ana.tap("me:del:y")
    assert await count(db, User) == 0
    case = await only_case(db)
    assert case.user_id is None and case.category == "food"
    texts = (await db.scalars(select(CaseEntry.text))).all()
    assert all(t is None for t in texts)
    counter = await db.get(AnonymousCount, "personal_data_deleted")
    assert counter is not None and counter.value == 1
    # After deletion she starts from the consent screen again.
    again = await ana.say("/start")
    assert again is not None and "c:y:es" in {d for _, d in buttons(again)}


async def test_language_follows_telegram_and_can_be_changed(
    fake: FakeTelegram, runtime, db: AsyncSession
) -> None:  # type: ignore[no-untyped-def]
    fake.add_user(555, first_name="Jane", language_code="en-US")
    jane = Person(fake, runtime, 555)
    welcome = await jane.say("/start")
    assert welcome is not None and "Do you agree?" in welcome["text"]
    await jane.tap("lang:pick")
    spanish = await jane.tap("lang:es")
    assert spanish is not None and "Do you agree?" not in spanish["text"]
    await jane.tap("c:y:es")
    await db.rollback()
    user = await db.get(User, 555)
    assert user is not None and user.locale == "es"
