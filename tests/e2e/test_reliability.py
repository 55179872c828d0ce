"""Nothing is lost or doubled: restarts, kill -9, Telegram's 429s, blocked users, group limits."""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import BotRuntime
from bot.cases import service as cases
from bot.cases.service import Part
from bot.core import users
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import (
    CaseEntry,
    InboxUpdate,
    OutboxMessage,
    StaffPost,
    TrackedMessage,
    User,
)
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID, make_settings
from tests.e2e.crash import spawn_bot
from tests.e2e.harness import OffsetClock, Person, settle
from tests.e2e.journeys import only_case, register, report

ROOT = Path(__file__).resolve().parents[2]


async def test_quick_exit_erases_the_conversation_and_her_place(
    ana: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await register(ana)
    await ana.tap("n:new")
    await ana.tap("n:cat:violence")
    await ana.tap("n:safe:y")
    await ana.say("No me deja salir de la casa")
    assert len(fake.messages(ana.user_id)) > 5
    await ana.tap("x")
    remaining = fake.messages(ana.user_id)
    assert len(remaining) == 1
    assert remaining[0]["from_bot"] and remaining[0]["text"] == "👍 Va"
    await db.rollback()
    tracked = (
        await db.scalars(
            select(TrackedMessage.message_id).where(TrackedMessage.chat_id == ana.user_id)
        )
    ).all()
    assert tracked == [remaining[0]["message_id"]]
    # Her half-written report is gone too: "Send" no longer works.
    await ana.press_data(remaining[0]["message_id"], "n:send", check=False)
    assert ana.callback_answer().get("show_alert") is True
    assert (await db.scalar(select(func.count()).select_from(CaseEntry))) == 0


async def test_quick_exit_by_command_and_from_the_phone_keyboard(
    ana: Person, fake: FakeTelegram
) -> None:
    await ana.say("/start")
    await ana.tap("c:y:es")
    await ana.tap("r:name")
    await ana.tap("rc:pick:0")
    await ana.tap("r:age:18_29")
    await ana.tap("id:p:undisclosed")
    await ana.tap("id:l:undisclosed")
    await ana.tap("id:d:undisclosed")
    # The phone question shows a reply keyboard, which also has the quick exit.
    await ana.say("🚪 Salida rápida")
    assert [m["text"] for m in fake.messages(ana.user_id)] == ["👍 Va"]
    await ana.say("hola")
    await ana.say("/salir")
    assert [m["text"] for m in fake.messages(ana.user_id)] == ["👍 Va"]


async def test_quick_exit_after_48_hours_deletes_what_telegram_allows(
    ana: Person, fake: FakeTelegram, e2e_clock: OffsetClock
) -> None:
    await ana.say("/start")
    old_ids = [m["message_id"] for m in fake.messages(ana.user_id)]
    fake.clock_offset += 49 * 3600
    e2e_clock.advance(timedelta(hours=49))
    await ana.say("/start")
    await ana.tap("x")
    left = [m["message_id"] for m in fake.messages(ana.user_id)]
    assert left[: len(old_ids)] == old_ids
    assert len(left) == len(old_ids) + 1


async def test_restart_in_the_middle_of_a_report_keeps_her_place(
    fake: FakeTelegram, db_url: str, e2e_clock: OffsetClock, db: AsyncSession
) -> None:
    first = BotRuntime(make_settings(db_url, fake.url), clock=e2e_clock)
    await first.start()
    ana = Person(fake, first, 100001)
    await register(ana)
    await ana.tap("n:new")
    await ana.tap("n:cat:medicine")
    await ana.say("Necesito medicina para mi mamá")
    await first.stop()

    second = BotRuntime(make_settings(db_url, fake.url), clock=e2e_clock)
    await second.start()
    try:
        ana = Person(fake, second, 100001)
        await ana.send_voice()
        done = await ana.tap("n:send")
        assert done is not None and "OMM-000001" in done["text"]
        case = await only_case(db)
        assert [e.media_kind for e in case.entries] == ["text", "voice"]
        assert case.entries[0].text == "Necesito medicina para mi mamá"
    finally:
        await second.stop()


async def test_kill_9_between_receiving_and_answering_loses_nothing(
    fake: FakeTelegram, tmp_path: Path, db: AsyncSession, db_url: str
) -> None:
    process = spawn_bot(fake, db_url, tmp_path)
    try:
        await fake.wait_for_call("getUpdates", timeout=30)
        # Telegram cannot take the answer: the bot keeps retrying while we kill it.
        fake.faults.outage("sendMessage")
        message = fake.user_sends_text(100001, "/start")
        await fake.wait_for_call("sendMessage", lambda c: c.status == 502, timeout=20)
        for _ in range(100):
            if not fake.pending_updates:
                break
            await asyncio.sleep(0.05)
        # Telegram already forgot the update: only the bot's database has it now.
        assert fake.pending_updates == []
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    await db.rollback()
    stored = (await db.scalars(select(InboxUpdate))).all()
    # Handled once, for good: its effects, its mark and its answer were saved together;
    # the answer waits in the outbox.
    assert len(stored) == 1 and stored[0].processed_at is not None
    update_id = stored[0].update_id
    waiting = (await db.scalars(select(OutboxMessage))).all()
    assert [(w.chat_id, w.endpoint, w.status) for w in waiting] == [
        (100001, "sendMessage", "pending")
    ]
    assert fake.bot_messages(100001) == []

    fake.faults.clear()  # Telegram is back.
    process = spawn_bot(fake, db_url, tmp_path)
    try:
        welcome = await fake.wait_for_message(
            100001,
            contains="Oficina Municipal de la Mujer",
            timeout=30,
            after=message["message_id"],
        )
        await asyncio.sleep(1.0)
        assert len(fake.bot_messages(100001)) == 1, fake.dump_chat(100001)
        assert welcome["reply_markup"] is not None
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    await db.rollback()
    row = await db.get(InboxUpdate, update_id)
    assert row is not None and row.processed_at is not None and row.payload is None
    sent = (await db.scalars(select(OutboxMessage))).all()
    assert [(w.status, w.params) for w in sent] == [("sent", None)]


async def test_an_update_telegram_sends_twice_is_handled_once(
    ana: Person, fake: FakeTelegram
) -> None:
    message = fake.user_sends_text(ana.user_id, "/start")
    await settle(ana.runtime, fake)
    duplicate = {"update_id": fake.confirmed_offset - 1, "message": message}
    fake.push_raw_update(duplicate)
    await settle(ana.runtime, fake)
    assert len(fake.bot_messages(ana.user_id)) == 1


async def test_too_many_requests_is_waited_out_and_answered(
    ana: Person, fake: FakeTelegram
) -> None:
    fake.faults.too_many_requests("sendMessage", retry_after=1)
    started = asyncio.get_running_loop().time()
    await ana.say("/start")
    welcome = await fake.wait_for_message(ana.user_id, contains="Oficina Municipal", timeout=10)
    assert welcome is not None
    assert asyncio.get_running_loop().time() - started >= 0.9
    assert len(fake.bot_messages(ana.user_id)) == 1


async def test_a_woman_who_blocked_the_bot_is_marked_inactive_and_staff_are_told(
    ana: Person, admin_in_group: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await register(ana)
    await report(ana, "food", "Necesito maíz")
    card = await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000001", after=0)
    fake.block(ana.user_id)
    answer = await admin_in_group.say("Venga el lunes", reply_to=card["message_id"])
    assert answer is not None and "⚠️" in answer["text"]
    await db.rollback()
    user = await db.get(User, ana.user_id)
    assert user is not None and user.active is False
    # A second answer is not even attempted while she is inactive.
    attempts = len(
        [c for c in fake.calls_to("sendMessage") if c.params.get("chat_id") == ana.user_id]
    )
    await admin_in_group.say("¿Sigue ahí?", reply_to=card["message_id"])
    assert (
        len([c for c in fake.calls_to("sendMessage") if c.params.get("chat_id") == ana.user_id])
        == attempts
    )
    # When she writes again, she is active again.
    fake.unblock(ana.user_id)
    await ana.say("hola")
    await db.rollback()
    user = await db.get(User, ana.user_id)
    assert user is not None and user.active is True


async def test_staff_group_gets_at_most_20_messages_a_minute(
    fake: FakeTelegram, runtime: BotRuntime, db_url: str, e2e_clock: OffsetClock, db: AsyncSession
) -> None:
    fake.limits.group_per_minute = 20
    office = load_office_settings(EXAMPLE_OFFICE_FILE)
    food = office.category("food")
    assert food is not None
    engine = create_engine(db_url)
    async with create_session_factory(engine)() as session, session.begin():
        for n in range(25):
            user = await users.give_consent(session, 50_000 + n, "es", e2e_clock.now())
            users.update_profile(user, name=f"Mujer {n}", community="Cantón Central")
            await cases.open_case(
                session,
                user=user,
                category=food,
                parts=[Part("text", f"necesidad {n}")],
                now=e2e_clock.now(),
            )
    await engine.dispose()
    await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000020", after=0, timeout=10)
    await asyncio.sleep(1.0)
    assert len(fake.bot_messages(STAFF_CHAT_ID)) == 20
    assert fake.too_many_requests == 0
    # The fake's own flood window runs on real time; the bot's budget runs on its clock.
    fake.limits.group_per_minute = None
    e2e_clock.advance(timedelta(seconds=61))
    await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000025", after=0, timeout=10)
    await asyncio.sleep(0.5)
    assert len(fake.bot_messages(STAFF_CHAT_ID)) == 25
    assert fake.too_many_requests == 0
    await db.rollback()
    assert (
        await db.scalar(
            select(func.count()).select_from(StaffPost).where(StaffPost.sent_at.is_(None))
        )
        == 0
    )


@pytest.mark.parametrize("secret", ["mi esposo me pega"])
async def test_unexpected_error_apologises_and_tells_staff_without_her_words(
    ana: Person, fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    await register(ana)

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"boom while saving {secret}")

    monkeypatch.setattr(cases, "open_case", broken)
    await ana.tap("n:new")
    await ana.tap("n:cat:food")
    await ana.say(secret)
    await ana.tap("n:send")
    apology = fake.last_bot_message(ana.user_id)
    assert apology is not None and "😔" in apology["text"]
    report_to_staff = await fake.wait_for_message(STAFF_CHAT_ID, contains="RuntimeError", after=0)
    assert secret not in report_to_staff["text"] and "Ana" not in report_to_staff["text"]
    # Her draft is still there: once the problem is fixed she can press Send again.
    monkeypatch.undo()
    done = await ana.tap("n:send")
    assert done is not None and "OMM-000001" in done["text"]
