"""Driving the real bot over HTTP against the fake Bot API, the way people use it."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app import BotRuntime
from bot.standin import FakeTelegram

JsonDict = dict[str, Any]


class OffsetClock:
    """Real time plus an offset that tests can move forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


def buttons(message: JsonDict | None) -> list[tuple[str, str]]:
    """(label, callback_data) of a message's inline keyboard."""
    markup = (message or {}).get("reply_markup") or {}
    return [
        (b["text"], b.get("callback_data", ""))
        for row in markup.get("inline_keyboard", [])
        for b in row
    ]


def button_data(message: JsonDict | None, label: str) -> str:
    found = [data for text, data in buttons(message) if label.lower() in text.lower()]
    assert found, f"no button with {label!r}; buttons: {buttons(message)}"
    return found[0]


async def settle(runtime: BotRuntime, fake: FakeTelegram, within: float = 10.0) -> None:
    """Wait until every update pushed so far has been fetched and fully processed."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not fake.pending_updates and not runtime.pipeline.busy:
            await asyncio.sleep(0.02)
            if not fake.pending_updates and not runtime.pipeline.busy:
                return
        await asyncio.sleep(0.01)
    raise AssertionError(
        f"bot did not settle: pending={len(fake.pending_updates)} busy={runtime.pipeline.busy}"
    )


@dataclass
class Person:
    """A Telegram user talking to the bot in her private chat (or in the staff group)."""

    fake: FakeTelegram
    runtime: BotRuntime
    user_id: int
    chat_id: int | None = None

    @property
    def chat(self) -> int:
        return self.chat_id if self.chat_id is not None else self.user_id

    async def say(self, text: str, reply_to: int | None = None) -> JsonDict | None:
        self.fake.user_sends_text(
            self.user_id, text, chat_id=self.chat_id, reply_to_message_id=reply_to
        )
        await settle(self.runtime, self.fake)
        return self.last()

    async def send_voice(self) -> JsonDict | None:
        self.fake.user_sends_voice(self.user_id, chat_id=self.chat_id)
        await settle(self.runtime, self.fake)
        return self.last()

    async def send_photo(self, caption: str | None = None) -> JsonDict | None:
        self.fake.user_sends_photo(self.user_id, caption=caption, chat_id=self.chat_id)
        await settle(self.runtime, self.fake)
        return self.last()

    async def send_sticker(self) -> JsonDict | None:
        self.fake.user_sends_sticker(self.user_id, chat_id=self.chat_id)
        await settle(self.runtime, self.fake)
        return self.last()

    async def press(self, label: str, message: JsonDict | None = None) -> JsonDict | None:
        """Press the button whose label contains `label` on `message` (default: the last one)."""
        message = message or self.last_with_button(label)
        data = button_data(message, label)
        return await self.press_data(message["message_id"], data)

    async def press_data(
        self, message_id: int, data: str, *, check: bool = True
    ) -> JsonDict | None:
        """Press a button; returns the bot's answer: a new message, or the pressed one edited."""
        newest = self.last()
        newest_id = newest["message_id"] if newest else 0
        edits_before = len(self._bot_message(message_id).get("edit_history", []))
        self.fake.user_presses_button(
            self.user_id, message_id, data, chat_id=self.chat_id, check_button=check
        )
        await settle(self.runtime, self.fake)
        latest = self.last()
        if latest is not None and latest["message_id"] > newest_id:
            return latest
        pressed = self._bot_message(message_id)
        if len(pressed.get("edit_history", [])) > edits_before:
            return pressed
        return latest

    async def tap(self, data: str) -> JsonDict | None:
        """Press the button with exactly this callback data on the newest message showing it."""
        for message in reversed(self.fake.bot_messages(self.chat)):
            if any(d == data for _, d in buttons(message)):
                return await self.press_data(message["message_id"], data)
        raise AssertionError(f"no button {data!r} on screen:\n{self.fake.dump_chat(self.chat)}")

    def _bot_message(self, message_id: int) -> JsonDict:
        found = [m for m in self.fake.bot_messages(self.chat) if m["message_id"] == message_id]
        return found[0] if found else {}

    def last(self) -> JsonDict | None:
        return self.fake.last_bot_message(self.chat)

    def last_with_button(self, label: str) -> JsonDict:
        for message in reversed(self.fake.bot_messages(self.chat)):
            if any(label.lower() in text.lower() for text, _ in buttons(message)):
                return message
        raise AssertionError(
            f"no message with a {label!r} button:\n{self.fake.dump_chat(self.chat)}"
        )

    def texts(self) -> list[str]:
        return [(m.get("text") or m.get("caption") or "") for m in self.fake.messages(self.chat)]

    def callback_answer(self) -> JsonDict:
        answers = list(self.fake.callback_answers.values())
        assert answers, "no callback answered"
        return answers[-1]
