"""Bad input gets a kind hint and changes nothing: wrong media, empty, huge, stale or forged buttons."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEvent, Case, CaseEntry, ConversationState, User
from bot.standin import FakeTelegram
from tests.conftest import ADMIN_ID, STAFF_CHAT_ID
from tests.e2e.harness import Person, settle
from tests.e2e.journeys import only_case, register, report


async def snapshot(db: AsyncSession) -> tuple[int, ...]:
    await db.rollback()
    counts = []
    for model in (User, Case, CaseEntry, ConversationState):
        counts.append(int(await db.scalar(select(func.count()).select_from(model)) or 0))
    return tuple(counts)


async def test_wrong_media_and_empty_messages_get_a_hint(
    ana: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await register(ana)
    await ana.tap("n:new")
    await ana.tap("n:cat:food")
    hint = await ana.send_sticker()
    assert (
        hint is not None
        and "🎤" in hint["text"]
        and "x"
        in [
            d
            for row in hint["reply_markup"]["inline_keyboard"]
            for d in [b["callback_data"] for b in row]
        ]
    )
    fake.user_sends_location(ana.user_id, 14.69, -91.27)
    await settle(ana.runtime, fake)
    assert "🎤" in (fake.last_bot_message(ana.user_id) or {})["text"]
    await ana.say("   ")
    await ana.say("Necesito frijol")
    await ana.tap("n:send")
    case = await only_case(db)
    assert [e.text for e in case.entries] == ["Necesito frijol"]


async def test_a_name_that_is_a_sticker_or_too_long_is_asked_again(
    ana: Person, db: AsyncSession
) -> None:
    await ana.say("/start")
    await ana.tap("c:y:es")
    await ana.send_sticker()
    await ana.say("x" * 65)
    await ana.say("Rosa")
    await db.rollback()
    user = await db.get(User, ana.user_id)
    assert user is not None and user.name == "Rosa"


async def test_a_report_holds_at_most_20_messages(ana: Person, db: AsyncSession) -> None:
    await register(ana)
    await ana.tap("n:new")
    await ana.tap("n:cat:other")
    for n in range(22):
        await ana.say(f"parte {n}")
    await ana.tap("n:send")
    case = await only_case(db)
    assert len(case.entries) == 20


async def test_stale_buttons_change_nothing(
    ana: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await register(ana)
    first_screen = fake.bot_messages(ana.user_id)[0]
    before = await snapshot(db)
    # The age buttons of the finished registration, pressed again.
    await ana.press_data(first_screen["message_id"], "r:age:under18", check=False)
    assert ana.callback_answer().get("show_alert") is True
    await ana.press_data(first_screen["message_id"], "n:send", check=False)
    await ana.press_data(first_screen["message_id"], "n:safe:y", check=False)
    await ana.press_data(first_screen["message_id"], "mca:send", check=False)
    assert await snapshot(db) == before
    await db.rollback()
    user = await db.get(User, ana.user_id)
    assert user is not None and user.age_group == "30_59"


async def test_forged_buttons_change_nothing(
    ana: Person, fake: FakeTelegram, db: AsyncSession, runtime
) -> None:  # type: ignore[no-untyped-def]
    await register(ana)
    await report(ana, "food", "Necesito ayuda")
    case_id = (await only_case(db)).id
    fake.add_user(100002, first_name="Sofía")
    sofia = Person(fake, runtime, 100002)
    await register(sofia)
    menu = sofia.last()
    assert menu is not None
    before = await snapshot(db)
    for data in (
        f"mc:v:{case_id}",
        f"mc:add:{case_id}",
        "rd:1",
        "n:cat:../../etc",
        "c:maybe",
        "zz:1:2",
        "rc:pick:999",
        "net:role:queen",
        "lang:fr",
        "s:take:abc",
    ):
        await sofia.press_data(menu["message_id"], data, check=False)
        assert sofia.callback_answer().get("text"), data
    assert await snapshot(db) == before
    assert all("Necesito ayuda" not in (m.get("text") or "") for m in fake.bot_messages(100002))


async def test_staff_buttons_for_a_missing_case_or_bad_data(
    admin_in_group: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    message = await admin_in_group.say("/pendientes")
    assert message is not None
    for data in ("s:take:999", "s:close:999", "s:ref:1:99", "s:out:1:nothing"):
        await admin_in_group.press_data(message["message_id"], data, check=False)
        assert admin_in_group.callback_answer().get("show_alert") is True
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(Case)) == 0
    assert all(e.action in ("list_pending",) for e in (await db.scalars(select(AuditEvent))).all())
    assert ADMIN_ID and STAFF_CHAT_ID


async def test_staff_reply_that_is_a_sticker_is_not_sent(
    ana: Person, admin_in_group: Person, fake: FakeTelegram
) -> None:
    await register(ana)
    await report(ana, "food", "Necesito maíz")
    card = await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000001", after=0)
    before = len(fake.bot_messages(ana.user_id))
    fake.user_sends_sticker(ADMIN_ID, chat_id=STAFF_CHAT_ID, reply_to_message_id=card["message_id"])
    await settle(admin_in_group.runtime, fake)
    assert len(fake.bot_messages(ana.user_id)) == before
    warning = fake.last_bot_message(STAFF_CHAT_ID)
    assert warning is not None and warning["reply_to_message_id"] is not None


async def test_unknown_commands_and_text_outside_a_step_lead_to_the_menu(ana: Person) -> None:
    await register(ana)
    answer = await ana.say("/hacker")
    assert answer is not None and any(
        d == "n:new"
        for row in answer["reply_markup"]["inline_keyboard"]
        for d in [b["callback_data"] for b in row]
    )
    answer = await ana.say("hola")
    assert answer is not None and "n:new" in str(answer["reply_markup"])
