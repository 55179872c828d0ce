"""Her privacy: "delete my data" leaves nothing behind, and nothing about a sensitive case
shows on her lock screen."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import BotRuntime
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID
from tests.e2e.harness import Person, buttons, settle
from tests.e2e.journeys import only_case

# Distinctive, so that finding them in a database file cannot be a coincidence.
HER_ID = 7_312_845_166
HER_NAME = "Xiomara Tzunún"
HER_PHONE = "+50255519876"
HER_WORDS = "Gumercindo se llevó toda la cosecha"
HER_CAPTION = "foto del granero vacío de Xochil"
HER_ADDITION = "Ya vendimos la última gallina pinta"
# What staff messages about her case become (the staff group reads Spanish).
NEUTRAL = "🗑️ OMM-000001 — borrado a pedido de ella"


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
    await woman.tap("id:p:undisclosed")
    await woman.tap("id:l:undisclosed")
    await woman.tap("id:d:undisclosed")
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
        STAFF_CHAT_ID, card["message_id"], contains=NEUTRAL, timeout=10
    )
    assert edited["text"] == NEUTRAL
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


async def test_copies_too_old_to_delete_are_edited_to_the_neutral_line(
    ana: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    from tests.e2e.journeys import register

    await register(ana)
    await ana.tap("n:new")
    await ana.tap("n:cat:food")
    await ana.say("Necesitamos frijol")
    await ana.send_photo(caption="la lista del mercado")
    await ana.tap("n:send")
    card = await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000001", after=0)
    photo = await fake.wait_for_message(
        STAFF_CHAT_ID, after=0, predicate=lambda m: m["kind"] == "photo"
    )
    case_id = (await only_case(db)).id
    await ana.tap("mc")
    await ana.tap(f"mc:v:{case_id}")
    await ana.tap(f"mc:add:{case_id}")
    await ana.say("Somos seis en la casa")
    await ana.tap("mca:send")
    text = await fake.wait_for_message(STAFF_CHAT_ID, contains="Somos seis", after=0)

    fake.clock_offset += 49 * 3600  # Telegram no longer lets the bot delete them
    await ana.say("/start")
    await ana.tap("me")
    await ana.tap("me:del")
    await ana.tap("me:del:y")

    neutral = NEUTRAL
    await fake.wait_for_edit(STAFF_CHAT_ID, card["message_id"], contains=neutral, timeout=10)
    edited_photo = await fake.wait_for_edit(STAFF_CHAT_ID, photo["message_id"], contains=neutral)
    assert edited_photo["caption"] == neutral  # the picture itself stays
    edited_text = await fake.wait_for_edit(STAFF_CHAT_ID, text["message_id"], contains=neutral)
    assert edited_text["text"] == neutral


# ── Lock screen ───────────────────────────────────────────────────────────────

SENDS = {
    "sendMessage",
    "sendPhoto",
    "sendVoice",
    "sendAudio",
    "sendVideo",
    "sendVideoNote",
    "sendDocument",
    "copyMessage",
    "forwardMessage",
}
EDITS = {"editMessageText", "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia"}


def unsafe_calls(fake: FakeTelegram, chat_id: int, since: int) -> list[str]:
    """Calls into her chat since `since` that could show a sensitive case on her lock
    screen: a send not protected and silent, or an edit of a message sent unprotected
    (an edit cannot protect it afterwards)."""
    protected = {
        m["message_id"] for m in fake.all_messages(chat_id) if m.get("protect_content") is True
    }
    found = []
    for call in fake.calls[since:]:
        if call.params.get("chat_id") != chat_id or not call.ok:
            continue
        if call.method in SENDS:
            flags = (call.params.get("protect_content"), call.params.get("disable_notification"))
            if flags != (True, True):
                found.append(f"{call.method} {flags}: {call.params.get('text')!r}")
        elif call.method in EDITS and call.params.get("message_id") not in protected:
            found.append(f"{call.method} of unprotected #{call.params.get('message_id')}")
    return found


async def test_every_message_about_a_sensitive_case_is_protected_and_silent(
    ana: Person, admin_in_group: Person, fake: FakeTelegram, db: AsyncSession, runtime: BotRuntime
) -> None:
    from tests.e2e.journeys import register

    await register(ana)
    await ana.tap("n:new")
    since = len(fake.calls)

    # The report: safety question, description (with a sticker she cannot send), Send.
    await ana.tap("n:cat:violence")
    await ana.tap("n:safe:y")
    await ana.tap("n:send")  # nothing written yet
    await ana.say("Mi esposo me amenaza")
    await ana.send_sticker()
    await ana.say("x" * 5000)
    done = await ana.tap("n:send")
    assert done is not None and "OMM-000001" in done["text"]
    case_id = (await only_case(db)).id

    # "My requests": the list, the case, adding information (the «Received» ack, Send).
    await ana.tap("mc")
    await ana.tap(f"mc:v:{case_id}")
    await ana.tap(f"mc:add:{case_id}")
    await ana.tap("mca:send")  # nothing written yet
    received = await ana.say("Ayer volvió a gritarme")
    assert received is not None and "(1" in received["text"]
    added = await ana.tap("mca:send")
    assert added is not None and "OMM-000001" in added["text"]

    # Staff take it, answer privately, close it: the notice, reading it, the closing line.
    card = await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000001", after=0)
    await admin_in_group.press_data(card["message_id"], f"s:take:{case_id}")
    admin_private = Person(fake, runtime, admin_in_group.user_id)
    details = await fake.wait_for_message(
        admin_in_group.user_id, contains="Mi esposo me amenaza", after=0
    )
    await admin_private.say("Estamos con usted", reply_to=details["message_id"])
    notice = ana.last()
    assert notice is not None
    await ana.press_data(notice["message_id"], button_with(notice, "rd:"))
    await admin_in_group.press_data(card["message_id"], f"s:close:{case_id}")
    await admin_in_group.press_data(card["message_id"], f"s:out:{case_id}:attended")
    closing = ana.last()
    assert closing is not None and "OMM-000001" in closing["text"]
    # An old «Add information» button of the closed case.
    await ana.tap(f"mc:add:{case_id}")
    assert "cerrada" in (ana.last() or {}).get("text", "")

    assert unsafe_calls(fake, ana.user_id, since) == []
    assert len([c for c in fake.calls[since:] if c.params.get("chat_id") == ana.user_id]) > 15


async def test_sensitive_reports_without_details_or_cancelled_stay_protected(
    ana: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    from tests.e2e.journeys import register

    await register(ana)
    # A sensitive, not urgent category: no safety question; she writes, then cancels.
    await ana.tap("n:new")
    since = len(fake.calls)
    await ana.tap("n:cat:legal")
    await ana.say("Quiero saber de la pensión de mis hijos")
    await ana.tap("n:cancel")
    # An urgent one she cannot write about: the office is alerted without details.
    await ana.tap("n:new")
    await ana.tap("n:cat:violence")
    await ana.say("hola")  # she types instead of answering with a button
    await ana.tap("n:safe:n")
    alerted = await ana.tap("n:alert")
    assert alerted is not None and "OMM-000001" in alerted["text"]
    assert (await only_case(db)).safe_to_talk is False
    # Sends that are not about the case (the menu after Cancel) are checked too: the
    # menu is an edit of a protected message, never a new unprotected one in between.
    assert unsafe_calls(fake, ana.user_id, since) == [], fake.dump_chat(ana.user_id)


def button_with(message: dict, prefix: str) -> str:
    return next(d for _, d in buttons(message) if d.startswith(prefix))
