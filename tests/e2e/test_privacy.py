"""Her privacy: "delete my data" leaves nothing behind, and nothing about a sensitive case
shows on her lock screen."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import BotRuntime
from tests.conftest import STAFF_CHAT_ID
from tests.e2e.harness import Person, buttons, settle
from tests.e2e.journeys import only_case
from tests.fake_telegram import FakeTelegram

# Distinctive, so that finding them in a database file cannot be a coincidence.
HER_ID = 7_312_845_166
HER_NAME = "Xiomara Tzunún"
HER_PHONE = "+50255519876"
HER_WORDS = "Gumercindo se llevó toda la cosecha"
HER_CAPTION = "foto del granero vacío de Xochil"
HER_ADDITION = "Ya vendimos la última gallina pinta"


def database_files(db_url: str) -> list[Path]:
    main = Path(db_url.split("///", 1)[1])
    return [main.with_name(main.name + suffix) for suffix in ("", "-wal", "-journal", "-shm")]


def leftovers(db_url: str) -> list[str]:
    """Which of her details still appear in any of the database's files, as raw bytes."""
    needles = {
        "name": HER_NAME.encode(),
        "first name": HER_NAME.split()[0].encode(),
        "phone": HER_PHONE.encode(),
        "phone digits": HER_PHONE.lstrip("+").encode(),
        "words": HER_WORDS.encode(),
        "caption": HER_CAPTION.encode(),
        "addition": HER_ADDITION.encode(),
        "telegram id": str(HER_ID).encode(),
    }
    found = []
    for path in database_files(db_url):
        if not path.exists():
            continue
        content = path.read_bytes()
        found += [
            f"{label} in {path.name}" for label, needle in needles.items() if needle in content
        ]
    return found


def rows_with_her_id(db_url: str) -> list[str]:
    """Every table and column (integer or text) whose value is her Telegram id."""
    connection = sqlite3.connect(database_files(db_url)[0])
    try:
        tables = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        found = []
        for table in tables:
            for column in [r[1] for r in connection.execute(f'PRAGMA table_info("{table}")')]:
                count = connection.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}" = ? OR "{column}" = ?',
                    (HER_ID, str(HER_ID)),
                ).fetchone()[0]
                if count:
                    found.append(f"{table}.{column}")
        return found
    finally:
        connection.close()


async def register_with_phone(woman: Person, fake: FakeTelegram) -> None:
    await woman.say("/start")
    await woman.tap("c:y:es")
    await woman.tap("r:name")
    await woman.tap("rc:pick:4")
    await woman.tap("r:age:18_29")
    fake.user_sends_contact(woman.user_id, HER_PHONE, contact_user_id=woman.user_id)
    await settle(woman.runtime, fake)


async def test_deleting_her_data_erases_staff_copies_and_every_database_file(
    fake: FakeTelegram,
    runtime: BotRuntime,
    admin_in_group: Person,
    db: AsyncSession,
    db_url: str,
) -> None:
    fake.add_user(HER_ID, first_name=HER_NAME, language_code="es")
    her = Person(fake, runtime, HER_ID)
    await register_with_phone(her, fake)

    # She reports a need with words and a photo; staff get the card and a copy of the photo.
    await her.tap("n:new")
    await her.tap("n:cat:food")
    await her.say(HER_WORDS)
    await her.send_photo(caption=HER_CAPTION)
    await her.tap("n:send")
    card = await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000001", after=0)
    assert HER_WORDS in card["text"]
    photo_copy = await fake.wait_for_message(
        STAFF_CHAT_ID, after=0, predicate=lambda m: m["kind"] == "photo"
    )
    case_id = (await only_case(db)).id

    # Staff answer; she adds information from «My requests»: it is copied under the card.
    await admin_in_group.say("Pase el lunes por víveres", reply_to=card["message_id"])
    await her.tap("m")
    await her.tap("mc")
    await her.tap(f"mc:v:{case_id}")
    await her.tap(f"mc:add:{case_id}")
    await her.say(HER_ADDITION)
    await her.tap("mca:send")
    text_copy = await fake.wait_for_message(STAFF_CHAT_ID, contains=HER_ADDITION, after=0)

    # Before: her details are in the database files (the test would prove nothing otherwise).
    assert leftovers(db_url)

    await her.tap("m")
    await her.tap("me")
    await her.tap("me:del")
    done = await her.tap("me:del:y")
    assert done is not None and "/start" in done["text"]

    # The card becomes one neutral line without buttons; the copies of her messages go.
    edited = await fake.wait_for_edit(
        STAFF_CHAT_ID, card["message_id"], contains="deleted at her request", timeout=10
    )
    assert edited["text"] == "🗑️ OMM-000001 — deleted at her request"
    assert buttons(edited) == []
    await fake.wait_for_call(
        "deleteMessage", lambda c: c.params.get("message_id") == text_copy["message_id"]
    )
    removed = {m["message_id"] for m in fake.all_messages(STAFF_CHAT_ID) if m["deleted"]}
    assert {photo_copy["message_id"], text_copy["message_id"]} <= removed
    for message in fake.bot_messages(STAFF_CHAT_ID):
        body = (message.get("text") or "") + (message.get("caption") or "")
        assert HER_WORDS not in body and HER_CAPTION not in body and HER_ADDITION not in body

    # While the bot keeps running, no database file holds her name, phone, words or id.
    for _ in range(75):  # the truncating checkpoint runs in a worker thread
        if not leftovers(db_url):
            break
        await asyncio.sleep(0.2)
    assert leftovers(db_url) == []
    assert rows_with_her_id(db_url) == []
