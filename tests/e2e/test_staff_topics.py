"""A staff group with topics: one topic per case, fixed topics for the rest, the rule that
nothing reaches her by accident, urgent cases first; and a group moved to a supergroup."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import BotRuntime
from bot.cases.digest import post_daily_digest
from bot.core import forum_topics
from bot.core.forum_topics import Fixed
from bot.db.models import Case, CaseStatus, EntryKind
from bot.standin import FakeTelegram
from tests.conftest import ADMIN_ID, STAFF_CHAT_ID, make_settings
from tests.e2e.conftest import WOMAN_ID
from tests.e2e.harness import OffsetClock, Person, buttons, settle
from tests.e2e.journeys import only_case, register, report
from tests.e2e.test_appointments_staff import book

JsonDict = dict[str, Any]


@pytest.fixture(autouse=True)
def staff_group_with_topics(fake: FakeTelegram) -> None:
    """The staff group has topics and lets the bot manage them (autouse: before the bot
    starts, so it sees them at start-up)."""
    fake.add_group(STAFF_CHAT_ID, "OMM equipo", is_forum=True, bot_can_manage_topics=True)


async def eventually(check: Callable[[], Awaitable[bool]]) -> bool:
    """The sweep saves its changes once its post is done: look again for a while."""
    for _ in range(100):
        if await check():
            return True
        await asyncio.sleep(0.05)
    return False


def topic_named(fake: FakeTelegram, start: str) -> JsonDict:
    found = [t for t in fake.topics(STAFF_CHAT_ID) if t["name"].startswith(start)]
    assert found, f"no topic named {start!r}: {fake.topics(STAFF_CHAT_ID)}"
    return found[-1]


def in_topic(fake: FakeTelegram, thread: int) -> list[str]:
    return [
        (m["text"] or m["caption"] or m["kind"]) for m in fake.topic_messages(STAFF_CHAT_ID, thread)
    ]


async def staff_writes(
    fake: FakeTelegram,
    runtime: BotRuntime,
    text: str,
    *,
    thread: int | None = None,
    reply_to: int | None = None,
) -> JsonDict:
    sent = fake.user_sends_text(
        ADMIN_ID, text, chat_id=STAFF_CHAT_ID, reply_to_message_id=reply_to, thread_id=thread
    )
    await settle(runtime, fake)
    await fake.wait_until_idle(quiet=0.2)
    return sent


async def her_adds(ana: Person, case_id: int, text: str, *, voice: bool = False) -> None:
    await ana.tap("m")
    await ana.tap("mc")
    await ana.tap(f"mc:v:{case_id}")
    await ana.tap(f"mc:add:{case_id}")
    await ana.say(text)
    if voice:
        await ana.send_voice()
    await ana.tap("mca:send")


async def test_a_case_lives_in_its_own_topic(
    ana: Person, admin_in_group: Person, fake: FakeTelegram, runtime: BotRuntime, db: AsyncSession
) -> None:
    await register(ana)
    await report(ana, "food", "No tenemos comida")
    card = await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000001", after=0)
    case = await only_case(db)

    # Her card opens a topic named by reference, category emoji and community, and says
    # what a message there means.
    topic = topic_named(fake, "OMM-000001")
    thread = topic["message_thread_id"]
    assert topic["name"] == f"OMM-000001 🍲 {case.community}"
    assert card["message"]["message_thread_id"] == thread
    assert "nota interna" in card["text"] and "responda a uno de sus mensajes" in card["text"]
    assert case.staff_topic_id == thread

    # Her later words and voice note land in the topic.
    await her_adds(ana, case.id, "Somos cuatro en casa", voice=True)
    copy = await fake.wait_for_message(STAFF_CHAT_ID, contains="Somos cuatro en casa", after=0)
    await fake.wait_for_message(STAFF_CHAT_ID, after=0, predicate=lambda m: m["kind"] == "voice")
    assert copy["message"]["message_thread_id"] == thread
    assert "voice" in [m["kind"] for m in fake.topic_messages(STAFF_CHAT_ID, thread)]

    # A plain message in the topic is an internal note: she gets nothing.
    before = len(fake.messages(WOMAN_ID))
    await staff_writes(fake, runtime, "Llamarla el lunes temprano", thread=thread)
    # Replying to the card is a note too: only her messages and the prompt reach her.
    await staff_writes(fake, runtime, "Revisar la despensa", reply_to=card["message_id"])
    assert len(fake.messages(WOMAN_ID)) == before
    notes = [e.text for e in (await only_case(db)).entries if e.kind == EntryKind.INTERNAL_NOTE]
    assert notes == ["Llamarla el lunes temprano", "Revisar la despensa"]
    assert len(fake.calls_to("setMessageReaction")) == 2  # a quiet sign it was kept

    # An explicit reply to her message reaches her, in the office's name.
    await staff_writes(fake, runtime, "Pase el martes por víveres", reply_to=copy["message_id"])
    relayed = fake.messages(WOMAN_ID)[before:]
    assert len(relayed) == 1 and "Pase el martes por víveres" in relayed[0]["text"]
    assert "Lucía" not in relayed[0]["text"]
    assert any("OMM-000001" in t and "✅" in t for t in in_topic(fake, thread))

    # So does the «💬 Reply» action: its prompt stays in the topic.
    await admin_in_group.press_data(card["message_id"], f"s:reply:{case.id}")
    prompt = fake.last_bot_message(STAFF_CHAT_ID)
    assert prompt is not None and prompt["message"]["message_thread_id"] == thread
    await staff_writes(fake, runtime, "También hay pañales", reply_to=prompt["message_id"])
    assert "También hay pañales" in fake.messages(WOMAN_ID)[-1]["text"]

    # Closing the case closes its topic; the card offers to reopen it.
    await admin_in_group.press_data(card["message_id"], f"s:close:{case.id}")
    await admin_in_group.press_data(card["message_id"], f"s:out:{case.id}:attended")
    await fake.wait_until_idle(quiet=0.2)
    assert topic_named(fake, "OMM-000001")["closed"] is True
    assert (await only_case(db)).status == CaseStatus.CLOSED
    closed_card = fake.messages(STAFF_CHAT_ID)[1]
    assert closed_card["message_id"] == card["message_id"]
    assert [text for text, _ in buttons(closed_card)] == ["🔓 Reabrir"]

    # Reopening reopens both.
    await admin_in_group.press_data(card["message_id"], f"s:reopen:{case.id}")
    await fake.wait_until_idle(quiet=0.2)
    assert topic_named(fake, "OMM-000001")["closed"] is False
    assert (await only_case(db)).is_open
    reopened_card = buttons(fake.messages(STAFF_CHAT_ID)[1])
    assert f"s:close:{case.id}" in [data for _, data in reopened_card]

    # Deleting her data deletes the topic and everything in it.
    await ana.tap("m")
    await ana.tap("me")
    await ana.tap("me:del")
    await ana.tap("me:del:y")
    await fake.wait_for_call("deleteForumTopic")
    await fake.wait_until_idle(quiet=0.3)
    assert topic_named(fake, "OMM-000001")["deleted"] is True
    assert fake.topic_messages(STAFF_CHAT_ID, thread) == []
    assert not [m for m in fake.messages(STAFF_CHAT_ID) if "Somos cuatro" in (m["text"] or "")]

    async def forgotten() -> bool:
        return (await only_case(db)).staff_topic_id is None

    assert await eventually(forgotten)


async def test_a_sensitive_case_topic_shows_only_its_reference(
    ana: Person, fake: FakeTelegram, runtime: BotRuntime, db: AsyncSession
) -> None:
    await register(ana)
    await report(ana, "violence", "Mi esposo me pega")
    await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000001", after=0)
    assert topic_named(fake, "OMM-000001")["name"] == "OMM-000001 🔒"
    texts = " ".join(m["text"] or "" for m in fake.messages(STAFF_CHAT_ID))
    assert "pega" not in texts and "esposo" not in texts


async def test_a_topic_deleted_by_hand_is_made_again(
    ana: Person, fake: FakeTelegram, runtime: BotRuntime, db: AsyncSession
) -> None:
    await register(ana)
    await report(ana, "food", "No tenemos comida")
    await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000001", after=0)
    first = topic_named(fake, "OMM-000001")["message_thread_id"]
    fake.delete_topic_by_hand(STAFF_CHAT_ID, first)

    case = await only_case(db)
    await her_adds(ana, case.id, "Sigo esperando")
    copy = await fake.wait_for_message(STAFF_CHAT_ID, contains="Sigo esperando", after=0)
    second = topic_named(fake, "OMM-000001")["message_thread_id"]
    assert second != first and copy["message"]["message_thread_id"] == second
    # The new topic opens with her card again.
    assert "OMM-000001" in in_topic(fake, second)[1]

    async def moved() -> bool:
        return (await only_case(db)).staff_topic_id == second

    assert await eventually(moved)


async def test_fixed_topics_are_made_on_first_need_and_remembered(
    fake: FakeTelegram, runtime: BotRuntime, db_url: str, db: AsyncSession, e2e_clock: OffsetClock
) -> None:
    data = runtime.application.bot_data
    # A booking's card goes to the agenda topic.
    number, _ = await book(db_url, e2e_clock.now(), "social_aid")
    card = await fake.wait_for_message(STAFF_CHAT_ID, contains=f"#{number}", after=0)
    agenda = topic_named(fake, "📅 Agenda y citas")
    assert card["message"]["message_thread_id"] == agenda["message_thread_id"]

    # The daily digest goes to its own topic, the same one every day.
    await post_daily_digest(SimpleNamespace(bot_data=data))  # type: ignore[arg-type]
    await post_daily_digest(SimpleNamespace(bot_data=data))  # type: ignore[arg-type]
    digest = topic_named(fake, "☀️ Resumen del día")
    assert len(fake.topic_messages(STAFF_CHAT_ID, digest["message_thread_id"])) == 3

    # Announcements and activities get theirs on first need.
    for fixed, name in ((Fixed.ANNOUNCEMENTS, "📣 Anuncios"), (Fixed.ACTIVITIES, "🎨 Actividades")):
        thread = await forum_topics.fixed_thread(data, fixed)
        assert thread == topic_named(fake, name)["message_thread_id"]
    assert len(fake.topics(STAFF_CHAT_ID)) == 4

    # Remembered in the database, across a restart.
    await db.rollback()
    stored = await forum_topics.fixed_threads(db, STAFF_CHAT_ID)
    assert stored[Fixed.AGENDA] == agenda["message_thread_id"]
    assert stored[Fixed.DIGEST] == digest["message_thread_id"]
    await runtime.stop()
    again = BotRuntime(make_settings(db_url, fake.url), clock=e2e_clock)
    await again.start()
    try:
        await post_daily_digest(SimpleNamespace(bot_data=again.application.bot_data))  # type: ignore[arg-type]
        assert len(fake.topics(STAFF_CHAT_ID)) == 4
        assert len(fake.topic_messages(STAFF_CHAT_ID, digest["message_thread_id"])) == 4
    finally:
        await again.stop()
        await runtime.start()


async def test_an_urgent_case_jumps_the_staff_queue(
    fake: FakeTelegram, db_url: str, e2e_clock: OffsetClock, db: AsyncSession
) -> None:
    # A small office budget, so the queue fills: each new case's topic and card take two.
    settings = make_settings(db_url, fake.url, STAFF_MESSAGES_PER_MINUTE="4")
    runtime = BotRuntime(settings, clock=e2e_clock)
    await runtime.start()
    try:
        ana = Person(fake, runtime, WOMAN_ID)
        fake.add_user(100002, first_name="Bea", language_code="es")
        bea = Person(fake, runtime, 100002)
        await register(ana)
        await register(bea)
        await report(ana, "food", "No tenemos comida")
        await ana.tap("m")
        await report(ana, "medicine", "Necesito insulina")
        await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000002", after=0)
        # The minute's budget is spent: these two wait, the urgent one came last.
        await ana.tap("m")
        await report(ana, "other", "Una consulta")
        await report(bea, "violence", "Tengo miedo")
        await fake.wait_until_idle(quiet=0.5)
        assert len(fake.topics(STAFF_CHAT_ID)) == 2
        # Staff are never shown the wait.
        texts = " ".join(m["text"] or "" for m in fake.messages(STAFF_CHAT_ID))
        assert "espera" not in texts.lower() and "cola" not in texts.lower()

        e2e_clock.advance(timedelta(minutes=1, seconds=1))
        await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000003", after=0, timeout=10)
        names = [t["name"] for t in fake.topics(STAFF_CHAT_ID)]
        assert names[2] == "OMM-000004 🔒" and names[3].startswith("OMM-000003")
    finally:
        await runtime.stop()


OLD_GROUP = -4005
NEW_GROUP = -1004005


async def test_the_staff_group_moves_to_a_supergroup_and_the_bot_follows(
    fake: FakeTelegram, db_url: str, e2e_clock: OffsetClock, db: AsyncSession
) -> None:
    fake.add_group(OLD_GROUP, "OMM equipo", type="group")
    settings = make_settings(db_url, fake.url, STAFF_CHAT_ID=str(OLD_GROUP))
    runtime = BotRuntime(settings, clock=e2e_clock)
    await runtime.start()
    try:
        ana = Person(fake, runtime, WOMAN_ID)
        await register(ana)
        await report(ana, "food", "No tenemos comida")
        await fake.wait_for_message(OLD_GROUP, contains="OMM-000001", after=0)

        fake.migrate_to_supergroup(OLD_GROUP, NEW_GROUP, by_user_id=ADMIN_ID)
        await settle(runtime, fake)
        assert runtime.application.bot_data.staff_group.chat_id == NEW_GROUP

        # New cases arrive in the new supergroup; staff act there.
        await ana.tap("m")
        await report(ana, "medicine", "Necesito insulina")
        card = await fake.wait_for_message(NEW_GROUP, contains="OMM-000002", after=0)
        case_id = (await db.scalars(select(Case.id).where(Case.category == "medicine"))).one()
        staff = Person(fake, runtime, ADMIN_ID, chat_id=NEW_GROUP)
        await staff.press_data(card["message_id"], f"s:take:{case_id}")
        await db.rollback()
        taken = await db.get(Case, case_id)
        assert taken is not None and taken.status == CaseStatus.IN_PROGRESS
    finally:
        await runtime.stop()

    # A restart keeps following it, though .env still names the old group.
    again = BotRuntime(settings, clock=e2e_clock)
    await again.start()
    try:
        assert again.application.bot_data.staff_group.chat_id == NEW_GROUP
        ana = Person(fake, again, WOMAN_ID)
        await ana.tap("m")
        await report(ana, "other", "Una consulta")
        await fake.wait_for_message(NEW_GROUP, contains="OMM-000003", after=0)
        assert not [m for m in fake.messages(OLD_GROUP) if "OMM-000003" in (m["text"] or "")]
    finally:
        await again.stop()
