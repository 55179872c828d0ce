"""Staff triage from the staff group, and what reaches the woman."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import BotRuntime
from bot.db.models import AuditEvent, CaseStatus, EntryKind, StaffMember
from bot.standin import FakeTelegram
from tests.conftest import ADMIN_ID, STAFF_CHAT_ID, make_settings
from tests.e2e.conftest import OUTSIDER_ID, STAFF_ID, WOMAN_ID
from tests.e2e.harness import OffsetClock, Person, buttons
from tests.e2e.journeys import only_case, register, report

SENSITIVE_WORDS = ("violencia", "violence", "golpe", "pega", "esposo", "riesgo")


async def card_of(fake: FakeTelegram, reference: str) -> dict:
    return await fake.wait_for_message(STAFF_CHAT_ID, contains=reference, after=0)


async def audit_actions(db: AsyncSession) -> list[tuple[int | None, str]]:
    await db.rollback()
    return [
        (e.actor_id, e.action)
        for e in (await db.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
    ]


async def test_take_reply_and_close_reaches_her_in_the_office_name(
    ana: Person, admin_in_group: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await register(ana)
    await report(ana, "food", "No tenemos comida")
    card = await card_of(fake, "OMM-000001")
    assert "🔴" not in card["text"]
    case_id = (await only_case(db)).id

    await admin_in_group.press_data(card["message_id"], f"s:take:{case_id}")
    # An administrator from ADMIN_USER_IDS is named, not shown as her user id.
    taken = fake.messages(STAFF_CHAT_ID)[0]["text"]
    assert "Lucía" in taken and str(ADMIN_ID) not in taken
    assert (await only_case(db)).status == CaseStatus.IN_PROGRESS

    # Replying to the card relays the answer to her.
    before = len(fake.messages(ana.user_id))
    await admin_in_group.say("Puede pasar el lunes a recoger víveres", reply_to=card["message_id"])
    relayed = fake.messages(ana.user_id)[before:]
    assert len(relayed) == 1
    assert "Puede pasar el lunes a recoger víveres" in relayed[0]["text"]
    assert "OMM-000001" in relayed[0]["text"]
    assert "Lucía" not in relayed[0]["text"]
    confirmation = fake.last_bot_message(STAFF_CHAT_ID)
    assert confirmation is not None and "OMM-000001" in confirmation["text"]

    # Her answer reaches the same thread.
    await ana.tap("m")
    await ana.tap("mc")
    await ana.tap(f"mc:v:{case_id}")
    await ana.tap(f"mc:add:{case_id}")
    await ana.say("Gracias, ahí estaré")
    await ana.tap("mca:send")
    copy = await fake.wait_for_message(STAFF_CHAT_ID, contains="Gracias, ahí estaré", after=0)
    assert copy["reply_to_message_id"] == card["message_id"]

    # Close as referred: the card shows it, she gets a neutral closing line.
    await admin_in_group.press_data(card["message_id"], f"s:close:{case_id}")
    await admin_in_group.press_data(card["message_id"], f"s:out:{case_id}:referred")
    await admin_in_group.press_data(card["message_id"], f"s:ref:{case_id}:4")
    case = await only_case(db)
    assert case.status == CaseStatus.CLOSED and case.referred_to == "Centro de Salud"
    assert buttons(fake.messages(STAFF_CHAT_ID)[0]) == []
    closing = fake.last_bot_message(ana.user_id)
    assert closing is not None and "OMM-000001" in closing["text"]
    actions = [a for _, a in await audit_actions(db)]
    assert actions == ["assign", "reply", "close"]


async def test_reply_button_prompts_and_internal_note_stays_internal(
    ana: Person, admin_in_group: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await register(ana)
    await report(ana, "medicine", "Necesito medicina para la presión")
    card = await card_of(fake, "OMM-000001")
    case_id = (await only_case(db)).id
    await admin_in_group.press_data(card["message_id"], f"s:note:{case_id}")
    prompt = fake.last_bot_message(STAFF_CHAT_ID)
    assert prompt is not None and prompt["reply_markup"].get("force_reply") is True
    her_messages = len(fake.messages(ana.user_id))
    await admin_in_group.say("Verificar con el centro de salud", reply_to=prompt["message_id"])
    assert len(fake.messages(ana.user_id)) == her_messages
    await db.rollback()
    case = await only_case(db)
    notes = [e.text for e in case.entries if e.kind == EntryKind.INTERNAL_NOTE]
    assert notes == ["Verificar con el centro de salud"]

    await admin_in_group.press_data(card["message_id"], f"s:reply:{case_id}")
    prompt = fake.last_bot_message(STAFF_CHAT_ID)
    assert prompt is not None
    await admin_in_group.say("La medicina llega el jueves", reply_to=prompt["message_id"])
    assert "La medicina llega el jueves" in (fake.last_bot_message(ana.user_id) or {}).get(
        "text", ""
    )


async def test_violence_case_is_safe_on_her_lock_screen_and_hidden_from_the_group(
    ana: Person, admin_in_group: Person, fake: FakeTelegram, db: AsyncSession, runtime
) -> None:  # type: ignore[no-untyped-def]
    await register(ana)
    await ana.tap("n:new")
    safety = await ana.tap("n:cat:violence")
    assert safety is not None and "110" in safety["text"] and safety["protect_content"] is True
    await ana.tap("n:safe:y")
    await ana.say("Mi esposo me pega")
    done = await ana.tap("n:send")
    assert done is not None and "OMM-000001" in done["text"] and done["protect_content"] is True

    card = await card_of(fake, "OMM-000001")
    assert "🔴" in card["text"]
    assert "pega" not in card["text"] and "Aldea Palestina" not in card["text"]
    case = await only_case(db)
    assert case.urgent and case.sensitive

    # A staff member who is not assigned cannot see it.
    staff = Person(fake, runtime, STAFF_ID, chat_id=STAFF_CHAT_ID)
    await admin_in_group.say("/alta_staff 200002 María")
    await staff.press_data(card["message_id"], f"s:det:{case.id}")
    assert staff.callback_answer().get("show_alert") is True
    assert all("pega" not in m.get("text", "") for m in fake.messages(STAFF_ID))

    # The one who takes it gets the details privately.
    await staff.press_data(card["message_id"], f"s:take:{case.id}")
    details = await fake.wait_for_message(STAFF_ID, contains="Mi esposo me pega", after=0)
    assert details["protect_content"] is True
    await staff.say("/caso OMM-000001")
    assert all("pega" not in (m.get("text") or "") for m in fake.messages(STAFF_CHAT_ID))

    # Her reply arrives as a neutral notice, then she reads it.
    private_staff = Person(fake, runtime, STAFF_ID)
    await private_staff.say(
        "Estamos con usted. ¿Le podemos llamar mañana?", reply_to=details["message_id"]
    )
    notice = fake.last_bot_message(ana.user_id)
    assert notice is not None
    assert notice["protect_content"] is True and notice["disable_notification"] is True
    assert "Estamos con usted" not in notice["text"] and "OMM" not in notice["text"]
    for word in SENSITIVE_WORDS:
        assert word not in notice["text"].lower()
    read_data = next(d for _, d in buttons(notice) if d.startswith("rd:"))
    revealed = await ana.press_data(notice["message_id"], read_data)
    assert (
        revealed is not None
        and "Estamos con usted" in revealed["text"]
        and revealed["protect_content"] is True
    )

    # Nothing the bot sent her about this case names the topic outside what she typed herself.
    for message in fake.bot_messages(ana.user_id):
        if message["date"] >= done["date"]:
            assert "violencia" not in (message.get("text") or "").lower()


async def test_she_cannot_talk_now_alerts_the_office_without_details(
    ana: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await register(ana)
    await ana.tap("n:new")
    await ana.tap("n:cat:violence")
    await ana.tap("n:safe:n")
    alerted = await ana.tap("n:alert")
    assert alerted is not None and "OMM-000001" in alerted["text"]
    case = await only_case(db)
    assert case.urgent and case.safe_to_talk is False and case.entries == []
    card = await card_of(fake, "OMM-000001")
    assert "⚠️" in card["text"]


async def test_non_staff_are_refused_and_audited(
    ana: Person, outsider_in_group: Person, fake: FakeTelegram, db: AsyncSession, runtime
) -> None:  # type: ignore[no-untyped-def]
    await register(ana)
    await report(ana, "food", "Necesito ayuda")
    card = await card_of(fake, "OMM-000001")
    case_id = (await only_case(db)).id
    await outsider_in_group.press_data(card["message_id"], f"s:take:{case_id}")
    assert outsider_in_group.callback_answer().get("show_alert") is True
    assert (await only_case(db)).assignee_id is None
    her_count = len(fake.messages(ana.user_id))
    await outsider_in_group.say("Te voy a buscar", reply_to=card["message_id"])
    assert len(fake.messages(ana.user_id)) == her_count
    await outsider_in_group.say("/pendientes")
    await outsider_in_group.say("/caso OMM-000001")
    # A woman trying staff commands in private gets the same polite refusal.
    await ana.say("/pendientes")
    actions = await audit_actions(db)
    assert (OUTSIDER_ID, "refused_button") in actions
    assert (OUTSIDER_ID, "refused_reply") in actions
    assert (OUTSIDER_ID, "refused_pending") in actions
    assert (OUTSIDER_ID, "refused_case") in actions
    assert (ana.user_id, "refused_pending") in actions
    assert all(
        "Necesito ayuda" not in (m.get("text") or "")
        for m in fake.bot_messages(ana.user_id)
        if m["message_id"] > her_count
    )


async def test_pending_list_and_case_history(
    ana: Person, admin_in_group: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await register(ana)
    await report(ana, "food", "Primera")
    await ana.tap("m")
    await report(ana, "diapers", "Segunda")
    await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000002", after=0)
    listing = await admin_in_group.say("/pendientes")
    assert listing is not None
    assert listing["text"].index("OMM-000001") < listing["text"].index("OMM-000002")
    history = await admin_in_group.say("/caso OMM-000002")
    assert history is not None and "Segunda" in history["text"]
    assert "view" in [a for _, a in await audit_actions(db)]


async def test_admin_adds_and_removes_staff(
    admin_in_group: Person, outsider_in_group: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    reply = await outsider_in_group.say("/alta_staff 300003 Pedro")
    await db.rollback()
    assert await db.get(StaffMember, OUTSIDER_ID) is None
    message = fake.user_sends_text(OUTSIDER_ID, "hola equipo", chat_id=STAFF_CHAT_ID)
    await admin_in_group.say("/alta_staff", reply_to=message["message_id"])
    await db.rollback()
    member = await db.get(StaffMember, OUTSIDER_ID)
    assert member is not None and member.display_name == "Pedro"
    await admin_in_group.say(f"/baja_staff {OUTSIDER_ID}")
    await db.rollback()
    assert await db.get(StaffMember, OUTSIDER_ID) is None
    assert reply is not None


async def test_other_groups_get_only_a_hint(fake: FakeTelegram, runtime, db: AsyncSession) -> None:  # type: ignore[no-untyped-def]
    fake.add_group(-100777, "Grupo de la aldea")
    neighbour = Person(fake, runtime, OUTSIDER_ID, chat_id=-100777)
    hint = await neighbour.say("/start")
    assert hint is not None and "t.me/omm_test_bot" in hint["text"]
    before = len(fake.bot_messages(-100777))
    await neighbour.say("hola a todos")
    assert len(fake.bot_messages(-100777)) == before


async def test_every_message_she_receives_offers_the_quick_exit(
    ana: Person, admin_in_group: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    """A quick exit must always be one tap away, whatever arrives on her phone."""
    await register(ana)
    await report(ana, "food", "Necesito maíz")
    card = await card_of(fake, "OMM-000001")
    await admin_in_group.say("Puede venir el lunes", reply_to=card["message_id"])
    fake.user_sends_photo(
        ADMIN_ID, caption="La lista", chat_id=STAFF_CHAT_ID, reply_to_message_id=card["message_id"]
    )
    await fake.wait_for_message(ana.user_id, predicate=lambda m: m["kind"] == "photo", after=0)
    await ana.tap("m")
    await ana.tap("me")
    await ana.tap("m")
    await ana.tap("net")
    for message in fake.bot_messages(ana.user_id):
        markup = message.get("reply_markup") or {}
        if markup.get("remove_keyboard"):
            continue  # only removes the phone keyboard; the next message has the exit
        inline = [b.get("callback_data") for row in markup.get("inline_keyboard", []) for b in row]
        typed = [
            b.get("text") if isinstance(b, dict) else b
            for row in markup.get("keyboard", [])
            for b in row
        ]
        assert "x" in inline or "🚪 Salida rápida" in typed, message



async def test_after_a_restart_the_case_list_names_an_admin_from_env(
    fake: FakeTelegram, db_url: str, e2e_clock: OffsetClock, db: AsyncSession
) -> None:
    """Administrators in ADMIN_USER_IDS have no staff row: their names are asked of
    Telegram at start-up, so lists and cards never show a bare user id."""
    first = BotRuntime(make_settings(db_url, fake.url), clock=e2e_clock)
    await first.start()
    try:
        ana = Person(fake, first, WOMAN_ID)
        await register(ana)
        await report(ana, "food", "No tenemos comida")
        card = await card_of(fake, "OMM-000001")
        admin = Person(fake, first, ADMIN_ID, chat_id=STAFF_CHAT_ID)
        await admin.press_data(card["message_id"], f"s:take:{(await only_case(db)).id}")
        await admin.say(f"/alta_staff {STAFF_ID} María")
    finally:
        await first.stop()

    second = BotRuntime(make_settings(db_url, fake.url), clock=e2e_clock)
    await second.start()
    try:
        listed = await Person(fake, second, STAFF_ID, chat_id=STAFF_CHAT_ID).say("/pendientes")
        assert listed is not None and "OMM-000001" in listed["text"]
        assert "Lucía" in listed["text"] and str(ADMIN_ID) not in listed["text"]
    finally:
        await second.stop()
