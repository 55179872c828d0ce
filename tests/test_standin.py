"""Tests for the fake Telegram Bot API server (bot/standin)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.standin import (
    FakeTelegram,
    assert_object_complete,
    load_spec,
    parse_text,
)
from bot.standin.markup import EntityParseError

TOKEN = "123456789:AAFakeTokenForTests_abcdefghijklmno"
BOT_ID = 123456789
USER = 1001
GROUP = -1001234567890


def kb(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as f:
        f.add_user(USER, first_name="Ana", username="ana")
        yield f


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


async def raw_post(fake: FakeTelegram, method: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    """POST to the fake with aiohttp (kwargs are passed to session.post: data=, json=...)."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.url}/bot{TOKEN}/{method}", **kwargs) as resp,
    ):
        return resp.status, await resp.json()


# ----------------------------------------------------------------------------- real PTB Bot


async def test_send_edit_delete_copy_with_real_bot(fake: FakeTelegram, bot: telegram.Bot) -> None:
    assert bot.id == BOT_ID
    assert bot.username == "omm_test_bot"

    sent = await bot.send_message(
        USER,
        "<b>Hola</b> Ana",
        parse_mode="HTML",
        reply_markup=kb([("Sí", "yes"), ("No", "no")]),
        protect_content=True,
    )
    assert sent.text == "Hola Ana"
    assert sent.entities[0].type == "bold"
    assert sent.from_user is not None and sent.from_user.id == BOT_ID
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "yes"

    rec = fake.last_bot_message(USER)
    assert rec is not None
    assert rec["message_id"] == sent.message_id
    assert rec["protect_content"] is True
    assert rec["raw_text"] == "<b>Hola</b> Ana"
    assert rec["reply_markup"]["inline_keyboard"][0][1]["callback_data"] == "no"

    edited = await bot.edit_message_text("Adiós", chat_id=USER, message_id=sent.message_id)
    assert isinstance(edited, telegram.Message)
    assert edited.text == "Adiós"
    assert edited.reply_markup is None  # editing without reply_markup removes the keyboard
    assert rec["text"] == "Adiós"
    assert rec["edit_history"][0]["text"] == "Hola Ana"

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Adiós", chat_id=USER, message_id=sent.message_id)

    # message ids are per chat and shared between user and bot messages
    user_msg = fake.user_sends_text(USER, "hola")
    assert user_msg["message_id"] == sent.message_id + 1

    copy = await bot.copy_message(USER, from_chat_id=USER, message_id=user_msg["message_id"])
    assert copy.message_id == user_msg["message_id"] + 1
    copied = fake.messages(USER)[-1]
    assert copied["text"] == "hola" and copied["from_bot"] is True

    replied = await bot.send_message(
        USER, "re", reply_parameters=ReplyParameters(message_id=user_msg["message_id"])
    )
    assert replied.reply_to_message is not None
    assert replied.reply_to_message.text == "hola"

    assert await bot.delete_messages(USER, [sent.message_id, copy.message_id])
    assert [m["message_id"] for m in fake.messages(USER)] == [
        user_msg["message_id"],
        replied.message_id,
    ]
    deleted = [m for m in fake.all_messages(USER) if m["deleted"]]
    assert {m["message_id"] for m in deleted} == {sent.message_id, copy.message_id}

    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
        await bot.copy_message(USER, from_chat_id=USER, message_id=9999)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "hi")

    # legitimate Telegram refusals are not spec violations
    fake.assert_no_errors()
    assert len(fake.rejections) == 5
    assert [c.method for c in fake.calls_to("deleteMessages")] == ["deleteMessages"]


async def test_callback_query_and_answer(fake: FakeTelegram, bot: telegram.Bot) -> None:
    sent = await bot.send_message(USER, "¿Seguimos?", reply_markup=kb([("Sí", "go")]))
    query = fake.user_presses_button(USER, sent.message_id, "go")
    assert query["message"]["message_id"] == sent.message_id
    with pytest.raises(AssertionError, match="no button"):
        fake.user_presses_button(USER, sent.message_id, "missing")

    updates = await bot.get_updates(timeout=1)
    assert len(updates) == 1
    cq = updates[0].callback_query
    assert cq is not None and cq.data == "go" and cq.from_user.id == USER
    assert cq.message is not None and cq.message.message_id == sent.message_id

    assert await cq.answer("¡Hecho!")
    answer = await fake.wait_for_callback_answer(cq.id, timeout=1)
    assert answer["text"] == "¡Hecho!"

    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("123456", text="late")
    second = fake.user_presses_button(USER, sent.message_id, "go")
    with pytest.raises(BadRequest, match=r"(?i)message_too_long"):
        await bot.answer_callback_query(second["id"], text="x" * 201)
    assert any("MESSAGE_TOO_LONG" in e for e in fake.errors)


async def test_get_updates_offset_confirmation(fake: FakeTelegram, bot: telegram.Bot) -> None:
    for i in range(3):
        fake.user_sends_text(USER, f"m{i}")
    ids = [u["update_id"] for u in fake.pending_updates]
    assert len(ids) == 3 and ids == sorted(ids)

    first = await bot.get_updates(limit=2)
    assert [u.update_id for u in first] == ids[:2]
    # without a new offset the same updates are returned again (not yet confirmed)
    again = await bot.get_updates()
    assert [u.update_id for u in again] == ids

    rest = await bot.get_updates(offset=ids[1] + 1)
    assert [u.update_id for u in rest] == ids[2:]
    assert fake.confirmed_offset == ids[1] + 1
    assert [u["update_id"] for u in fake.pending_updates] == ids[2:]

    assert await bot.get_updates(offset=ids[2] + 1) == ()
    assert fake.pending_updates == []
    assert rest[0].message is not None and rest[0].message.text == "m2"


async def test_long_poll_wakes_up_on_new_update(fake: FakeTelegram, bot: telegram.Bot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    fake.user_sends_text(USER, "/start")
    updates = await asyncio.wait_for(poll, 2)
    elapsed = time.monotonic() - started
    assert 0.15 < elapsed < 1.5
    assert updates[0].message is not None
    assert updates[0].message.text == "/start"
    assert updates[0].message.entities[0].type == "bot_command"


async def test_long_poll_honours_timeout(fake: FakeTelegram, bot: telegram.Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=2) == ()
    elapsed = time.monotonic() - started
    assert 1.9 <= elapsed < 3.0


async def test_allowed_updates_filter(fake: FakeTelegram, bot: telegram.Bot) -> None:
    sent = await bot.send_message(USER, "x", reply_markup=kb([("a", "a")]))
    fake.user_sends_text(USER, "hola")
    fake.user_presses_button(USER, sent.message_id, "a")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query is not None for u in updates] == [True]


# ----------------------------------------------------------------------------- validation


async def test_unknown_parameter_is_rejected_and_recorded(fake: FakeTelegram) -> None:
    status, body = await raw_post(
        fake, "sendMessage", data={"chat_id": str(USER), "text": "hi", "colour": "red"}
    )
    assert status == 400
    assert body["ok"] is False and body["error_code"] == 400
    assert body["description"].startswith("Bad Request: ")
    assert "colour" in body["description"]
    assert len(fake.errors) == 1 and "colour" in fake.errors[0]
    assert fake.messages(USER) == []
    with pytest.raises(AssertionError, match="colour"):
        fake.assert_no_errors()


async def test_unknown_method_is_404_and_recorded(fake: FakeTelegram) -> None:
    status, body = await raw_post(fake, "sendMesage", data={"chat_id": str(USER), "text": "x"})
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert fake.errors and "sendMesage" in fake.errors[0]


async def test_missing_required_parameter(fake: FakeTelegram, bot: telegram.Bot) -> None:
    status, body = await raw_post(fake, "sendMessage", data={"chat_id": str(USER)})
    assert status == 400 and '"text"' in body["description"]
    status, body = await raw_post(fake, "deleteMessage", data={"chat_id": str(USER)})
    assert status == 400 and '"message_id"' in body["description"]
    assert len(fake.errors) == 2


async def test_type_errors(fake: FakeTelegram) -> None:
    cases: list[dict[str, str]] = [
        {"chat_id": str(USER), "text": "x", "disable_notification": "maybe"},
        {"chat_id": "abc def", "text": "x", "message_thread_id": "1.5"},
        {"chat_id": str(USER), "text": "x", "reply_markup": "{not json"},
        {"chat_id": str(USER), "text": "x", "reply_markup": '{"inline_keyboard": [[{"text": 1}]]}'},
        {"chat_id": str(USER), "text": "x", "reply_markup": '{"keyboard": [["a"]]}'},
        {"chat_id": str(USER), "text": "x", "reply_parameters": '{"message_idd": 1}'},
        {"chat_id": str(USER), "text": "x", "entities": '[{"type": "bold", "offset": 0}]'},
    ]
    for data in cases:
        status, body = await raw_post(fake, "sendMessage", data=data)
        assert status == 400, (data, body)
    assert len(fake.errors) == len(cases)
    # valid alternatives of the reply_markup union are accepted
    for markup in (
        {"keyboard": [[{"text": "a"}]], "resize_keyboard": True},
        {"remove_keyboard": True},
        {"force_reply": True},
    ):
        status, body = await raw_post(
            fake,
            "sendMessage",
            data={"chat_id": str(USER), "text": "x", "reply_markup": json.dumps(markup)},
        )
        assert status == 200, body
    assert len(fake.errors) == len(cases)


async def test_callback_data_limit(fake: FakeTelegram, bot: telegram.Bot) -> None:
    ok = await bot.send_message(USER, "ok", reply_markup=kb([("a", "x" * 64)]))
    assert ok.message_id
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(USER, "too long", reply_markup=kb([("a", "x" * 65)]))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):  # 33 x 2 bytes = 66 bytes
        await bot.send_message(USER, "multibyte", reply_markup=kb([("a", "ñ" * 33)]))
    with pytest.raises(BadRequest, match=r"(?i)Text buttons are unallowed"):
        await bot.send_message(
            USER, "no action", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("a")]])
        )
    assert len(fake.errors) == 3
    assert len(fake.messages(USER)) == 1


async def test_text_and_caption_length_limits(fake: FakeTelegram, bot: telegram.Bot) -> None:
    assert (await bot.send_message(USER, "a" * 4096)).text == "a" * 4096
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "a" * 4097)
    # the limit applies after entity parsing
    assert await bot.send_message(USER, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)text is empty"):
        await bot.send_message(USER, "<b></b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(USER, photo=b"jpeg", caption="c" * 1025)
    assert await bot.send_photo(USER, photo=b"jpeg", caption="c" * 1024)
    assert len(fake.errors) == 3


async def test_parse_mode_errors_are_recorded(fake: FakeTelegram, bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER, "1 < 2", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER, "<b>unclosed", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)reserved"):
        await bot.send_message(USER, "Hola.", parse_mode="MarkdownV2")
    ok = await bot.send_message(USER, "*Hola* Ana\\.", parse_mode="MarkdownV2")
    assert ok.text == "Hola Ana."
    assert len(fake.errors) == 3


async def test_delete_messages_limits(fake: FakeTelegram, bot: telegram.Bot) -> None:
    status, _ = await raw_post(
        fake, "deleteMessages", data={"chat_id": str(USER), "message_ids": json.dumps([])}
    )
    assert status == 400
    status, _ = await raw_post(
        fake,
        "deleteMessages",
        data={"chat_id": str(USER), "message_ids": json.dumps(list(range(1, 102)))},
    )
    assert status == 400
    assert len(fake.errors) == 2


async def test_json_and_query_string_and_multipart_encodings(fake: FakeTelegram) -> None:
    status, body = await raw_post(
        fake,
        "sendMessage",
        json={"chat_id": USER, "text": "json", "reply_markup": {"inline_keyboard": [[]]}},
    )
    assert status == 200, body
    assert body["result"]["text"] == "json"

    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{fake.url}/bot{TOKEN}/sendMessage", params={"chat_id": str(USER), "text": "query"}
        ) as resp,
    ):
        assert resp.status == 200
        assert (await resp.json())["result"]["text"] == "query"

    form = aiohttp.FormData()
    form.add_field("chat_id", str(USER))
    form.add_field(
        "media",
        json.dumps(
            [
                {"type": "photo", "media": "attach://one", "caption": "first"},
                {"type": "photo", "media": "attach://two"},
            ]
        ),
    )
    form.add_field("one", b"\xff\xd8one", filename="one.jpg", content_type="image/jpeg")
    form.add_field("two", b"\xff\xd8two", filename="two.jpg", content_type="image/jpeg")
    status, body = await raw_post(fake, "sendMediaGroup", data=form)
    assert status == 200, body
    assert [m["caption"] for m in body["result"] if "caption" in m] == ["first"]
    assert len({m["media_group_id"] for m in body["result"]}) == 1

    bad = aiohttp.FormData()
    bad.add_field("chat_id", str(USER))
    bad.add_field("photo", "attach://nothing")
    status, body = await raw_post(fake, "sendPhoto", data=bad)
    assert status == 400 and "attach://nothing" in body["description"]
    assert len(fake.errors) == 1


# ----------------------------------------------------------------------------- semantics


async def test_blocked_user_gets_forbidden(fake: FakeTelegram, bot: telegram.Bot) -> None:
    sent = await bot.send_message(USER, "hola")
    fake.block(USER)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(USER, "¿sigues ahí?")
    with pytest.raises(Forbidden):
        await bot.edit_message_text("x", chat_id=USER, message_id=sent.message_id)
    fake.unblock(USER)
    assert await bot.send_message(USER, "de nuevo")
    fake.assert_no_errors()
    assert len(fake.rejections) == 2


async def test_per_chat_flood_limit(fake: FakeTelegram, bot: telegram.Bot) -> None:
    fake.limits.per_chat_per_second = 1
    await bot.send_message(USER, "one")
    with pytest.raises(RetryAfter) as exc_info:
        await bot.send_message(USER, "two")
    retry = exc_info.value.retry_after
    seconds = retry.total_seconds() if hasattr(retry, "total_seconds") else retry
    assert seconds >= 1
    assert fake.too_many_requests == 1
    last = fake.calls[-1]
    assert last.status == 429
    assert last.response["parameters"]["retry_after"] >= 1
    # non-message methods are not counted
    assert await bot.send_chat_action(USER, "typing")
    assert await bot.get_me()
    fake.assert_no_errors()


async def test_group_and_overall_flood_limits(fake: FakeTelegram, bot: telegram.Bot) -> None:
    fake.add_group(GROUP, "Grupo")
    fake.limits.group_per_minute = 3
    for i in range(3):
        await bot.send_message(GROUP, f"g{i}")
    with pytest.raises(RetryAfter):
        await bot.send_message(GROUP, "g3")
    assert fake.calls[-1].response["parameters"]["retry_after"] > 50
    fake.limits.group_per_minute = None

    fake.limits.overall_per_second = 2
    fake.add_user(2002)
    await bot.send_message(USER, "a")
    await bot.send_message(2002, "b")
    with pytest.raises(RetryAfter):
        await bot.send_message(GROUP, "c")
    assert fake.too_many_requests == 2


async def test_fail_next_injection(fake: FakeTelegram, bot: telegram.Bot) -> None:
    fake.faults.bad_gateway("sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "x")
    fake.faults.too_many_requests("sendMessage", retry_after=7, times=2)
    for _ in range(2):
        with pytest.raises(RetryAfter):
            await bot.send_message(USER, "x")
    assert (await bot.send_message(USER, "finally")).text == "finally"
    assert fake.too_many_requests == 2
    assert len(fake.messages(USER)) == 1


async def test_48h_deletion_rule(fake: FakeTelegram, bot: telegram.Bot) -> None:
    old = await bot.send_message(USER, "viejo")
    fake.clock_offset = 49 * 3600
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await bot.delete_message(USER, old.message_id)
    fresh = await bot.send_message(USER, "nuevo")
    assert fresh.date.timestamp() > old.date.timestamp() + 48 * 3600
    assert await bot.delete_message(USER, fresh.message_id)
    fake.assert_no_errors()


async def test_group_deletion_rights(fake: FakeTelegram, bot: telegram.Bot) -> None:
    fake.add_group(GROUP, "Grupo")
    in_group = fake.user_sends_text(USER, "hola grupo", chat_id=GROUP)
    assert in_group["chat"]["type"] == "supergroup"
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await bot.delete_message(GROUP, in_group["message_id"])
    own = await bot.send_message(GROUP, "del bot")
    assert await bot.delete_message(GROUP, own.message_id)
    in_private = fake.user_sends_text(USER, "hola")
    assert await bot.delete_message(USER, in_private["message_id"])


# ----------------------------------------------------------------------------- completeness


async def test_returned_objects_are_complete(fake: FakeTelegram, bot: telegram.Bot) -> None:
    spec = load_spec()
    fake.add_group(GROUP, "Grupo", bot_is_admin=True)
    user_msg = fake.user_sends_text(USER, "/start hola")
    fake.user_sends_photo(USER, caption="foto")
    fake.user_sends_voice(USER, duration=3)
    fake.user_sends_sticker(USER)
    fake.user_sends_document(USER)
    fake.user_sends_contact(USER, "+34600000000")
    fake.user_sends_text(USER, "en grupo", chat_id=GROUP, reply_to_message_id=None)

    sent = await bot.send_message(
        USER,
        "hola",
        reply_markup=kb([("a", "a")]),
        reply_parameters=ReplyParameters(message_id=user_msg["message_id"]),
    )
    fake.user_presses_button(USER, sent.message_id, "a")
    await bot.send_photo(USER, b"jpeg", caption="<i>c</i>", parse_mode="HTML")
    voice = await bot.send_voice(USER, b"ogg", duration=2)
    await bot.send_document(USER, b"pdf", filename="a.pdf")
    await bot.send_audio(USER, b"mp3", duration=3)
    await bot.send_video(USER, b"mp4")
    await bot.send_sticker(USER, b"webp")
    await bot.send_contact(USER, phone_number="+34", first_name="Eva")
    await bot.send_location(USER, latitude=40.4, longitude=-3.7)
    await bot.copy_message(GROUP, from_chat_id=USER, message_id=sent.message_id)
    await bot.copy_messages(GROUP, from_chat_id=USER, message_ids=[1, 2])
    await bot.forward_message(GROUP, from_chat_id=USER, message_id=user_msg["message_id"])
    await bot.edit_message_text("editado", chat_id=USER, message_id=sent.message_id)
    await bot.edit_message_caption(USER, voice.message_id, caption="nueva")
    await bot.edit_message_reply_markup(USER, voice.message_id, reply_markup=kb([("b", "b")]))
    await bot.pin_chat_message(USER, sent.message_id)
    await bot.unpin_chat_message(USER)
    await bot.send_chat_action(USER, "typing")
    await bot.get_chat(USER)
    await bot.get_chat(GROUP)
    await bot.get_chat_member(GROUP, USER)
    await bot.get_chat_member(GROUP, BOT_ID)
    await bot.set_my_commands([("start", "Empezar")])
    await bot.get_my_commands()
    await bot.set_chat_menu_button()
    await bot.get_chat_menu_button()
    await bot.get_webhook_info()
    await bot.get_file(voice.voice.file_id)  # type: ignore[union-attr]
    await bot.get_my_name()  # generic fallback with a synthesized BotName
    await bot.get_updates()

    assert len(fake.calls) >= 30
    for call in fake.calls:
        assert call.ok, (call.method, call.response)
        spec.check_result(call.method, call.result)
    updates = fake.calls_to("getUpdates")[-1].result
    assert len(updates) == 8
    assert_object_complete(updates, "Array of Update")
    for chat_id in (USER, GROUP):
        for rec in fake.all_messages(chat_id):
            assert_object_complete(rec["message"], "Message")
    fake.assert_no_errors()


def test_assert_object_complete_can_fail() -> None:
    message = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}
    assert_object_complete(message, "Message")
    with pytest.raises(AssertionError, match='missing required field "chat"'):
        assert_object_complete({"message_id": 1, "date": 0}, "Message")
    with pytest.raises(AssertionError, match="is_bot"):
        assert_object_complete({**message, "from": {"id": 1, "first_name": "A"}}, "Message")
    with pytest.raises(AssertionError, match="unknown field"):
        assert_object_complete({**message, "texto": "x"}, "Message")
    with pytest.raises(AssertionError, match="expected Integer"):
        assert_object_complete({**message, "date": "0"}, "Message")
    with pytest.raises(AssertionError):
        assert_object_complete({"status": "member"}, "ChatMember")
    assert_object_complete(
        {"status": "member", "user": {"id": 1, "is_bot": False, "first_name": "A"}}, "ChatMember"
    )


def test_markup_parsers() -> None:
    assert parse_text("a &lt; <b>b</b> &amp; c", "HTML") == (
        "a < b & c",
        [{"type": "bold", "offset": 4, "length": 1}],
    )
    text, entities = parse_text('<a href="https://x.org">x</a> 😀<i>y</i>', "HTML")
    assert text == "x 😀y"
    assert entities[1] == {"type": "italic", "offset": 4, "length": 1}  # UTF-16 offsets
    for bad in ("<br>", "<b>x</i>", "x</b>", "<span>x</span>", "a <"):
        with pytest.raises(EntityParseError):
            parse_text(bad, "HTML")
    assert parse_text("*b* _i_ __u__ ~s~ ||p|| `c` [l](https://x.org/a\\)b)", "MarkdownV2")[0] == (
        "b i u s p c l"
    )
    for bad in ("a.b", "*x", "[x](y", "a-b", "x!"):
        with pytest.raises(EntityParseError):
            parse_text(bad, "MarkdownV2")
    assert parse_text("*negrita* y _it_", "Markdown")[0] == "negrita y it"
    with pytest.raises(EntityParseError):
        parse_text("*abierto", "Markdown")


# ----------------------------------------------------------------------------- waiting helpers


async def test_wait_helpers_and_application_end_to_end(fake: FakeTelegram) -> None:
    """A real python-telegram-bot Application polling the fake."""

    async def start(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            "Bienvenida", reply_markup=kb([("Continuar", "next")])
        )

    async def on_button(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("ok")
        await query.edit_message_text("Paso 2")

    app = Application.builder().token(TOKEN).base_url(fake.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=2)
        try:
            fake.user_sends_text(USER, "/start")
            welcome = await fake.wait_for_message(USER, contains="Bienvenida")
            assert welcome["from_bot"] and welcome["reply_to_message_id"] is None

            query = fake.user_presses_button(USER, welcome["message_id"], "next")
            answer = await fake.wait_for_callback_answer(query["id"])
            assert answer["text"] == "ok"
            edited = await fake.wait_for_edit(USER, welcome["message_id"], contains="Paso 2")
            assert edited["message_id"] == welcome["message_id"]
            assert edited["edit_history"][0]["text"] == "Bienvenida"
            same = await fake.wait_for_message(
                USER, after=welcome["message_id"] - 1, contains="Paso 2"
            )
            assert same is edited
            await fake.wait_until_idle(quiet=0.2, timeout=5)

            with pytest.raises(AssertionError, match=r"(?s)Recent messages:.*Paso 2"):
                await fake.wait_for_message(USER, contains="nunca", timeout=0.3)
            call = await fake.wait_for_call("answerCallbackQuery")
            assert call.params["callback_query_id"] == query["id"]
        finally:
            await app.updater.stop()
            await app.stop()
    assert fake.pending_updates == []
    assert fake.confirmed_offset > 0
    assert fake.rejections == []
    fake.assert_no_errors()
