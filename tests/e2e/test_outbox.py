"""Answers go out after the update's transaction, in order, and survive Telegram's refusals."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OutboxMessage, StaffDraft
from bot.standin import FakeTelegram
from tests.e2e.crash import wait_until
from tests.e2e.harness import Person
from tests.e2e.journeys import register

ACK = re.compile(r"\((\d+) mensajes?\)")


async def test_a_screen_that_cannot_be_edited_arrives_as_a_new_message(
    ana: Person, fake: FakeTelegram
) -> None:
    await register(ana)
    menu = ana.last()
    assert menu is not None
    fake.faults.bad_request("editMessageText", "message can't be edited")
    shown = await ana.tap("n:new")
    # The pressed menu could not become the categories: they came as a new message.
    assert shown is not None and shown["message_id"] > menu["message_id"]
    assert "n:cat:food" in [
        data
        for row in shown["reply_markup"]["inline_keyboard"]
        for data in [b["callback_data"] for b in row]
    ]


async def test_answers_that_telegram_makes_wait_arrive_later_in_order(
    ana: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await register(ana)
    await ana.tap("n:new")
    await ana.tap("n:cat:food")
    # More 429s in a row than the retry policy sits out: the first answer waits in the
    # outbox, and the next ones queue behind it instead of overtaking it.
    fake.faults.too_many_requests("sendMessage", retry_after=1, times=6)
    for part in ("uno", "dos", "tres"):
        fake.user_sends_text(ana.user_id, f"Parte {part}")
    await wait_until(lambda: len(_acks(fake, ana.user_id)) == 3, 30)
    assert _acks(fake, ana.user_id) == [1, 2, 3]
    await db.rollback()
    waiting = (
        await db.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending"))
    ).all()
    assert waiting == []


async def test_a_draft_question_is_routed_by_the_id_telegram_gave_it(
    admin_in_group: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    """The handler stored a placeholder for the question's id; the real one replaced it."""
    await admin_in_group.say("/anuncio")
    question = fake.last_bot_message(admin_in_group.chat)
    assert question is not None
    await db.rollback()
    draft = (await db.scalars(select(StaffDraft))).one()
    assert draft.prompt_message_id == question["message_id"]


def _acks(fake: FakeTelegram, user_id: int) -> list[int]:
    found = []
    for message in fake.bot_messages(user_id):
        match = ACK.search(message.get("text") or "")
        if match:
            found.append(int(match.group(1)))
    return found
