"""The test-control API of `FakeTelegram`: what the people in the chats do (`UserSide`:
women and staff write, press buttons, share contacts, block the bot), and what a test
reads and waits for (`Inspection`: each chat's messages, the calls, the errors)."""

# The test-facing wait_* API takes explicit ``timeout`` arguments by design.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from .chats import Chat, ChatStore, Message
from .common import Activity, Call, JsonDict
from .files import FileStore
from .markup import utf16_len
from .spec import ApiSpec
from .updates import UpdateQueue

_T = TypeVar("_T")


class UserSide:
    """Setting up the world and acting as its users; every action queues an Update."""

    spec: ApiSpec
    chats: ChatStore
    files: FileStore
    updates: UpdateQueue

    # ------------------------------------------------------------------ world setup

    def add_user(
        self,
        user_id: int,
        first_name: str = "Ana",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "es",
    ) -> JsonDict:
        """Create (or update) a user and their private chat with the bot; returns the User."""
        return self.chats.add_user(user_id, first_name, last_name, username, language_code)

    def add_group(
        self,
        chat_id: int,
        title: str,
        type: str = "supergroup",
        *,
        username: str | None = None,
        bot_is_admin: bool = False,
    ) -> JsonDict:
        """Create a group/supergroup/channel the bot is a member of; returns the Chat."""
        return self.chats.add_group(chat_id, title, type, username, bot_is_admin)

    def chat(self, chat_id: int) -> JsonDict:
        """The API Chat object of a known chat."""
        return self.chats.chats[chat_id].obj

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends/edits to their private chat get 403."""
        self.chats.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self.chats.blocked.discard(user_id)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """What getChatMember reports: creator/administrator/member/restricted/left/kicked."""
        self.chats.set_member_status(chat_id, user_id, status)

    # ------------------------------------------------------------------ user actions

    def _inbound_chat(self, user_id: int, chat_id: int | None) -> tuple[Chat, JsonDict]:
        user = self.chats.users.get(user_id)
        if user is None:
            user = self.add_user(user_id)
        cid = user_id if chat_id is None else chat_id
        chat = self.chats.chats.get(cid)
        if chat is None:
            raise AssertionError(f"chat {cid} does not exist (use add_group first)")
        return chat, user

    def _inbound(
        self,
        user_id: int,
        chat_id: int | None,
        reply_to_message_id: int | None,
        kind: str,
        message: Message,
    ) -> JsonDict:
        chat, user = self._inbound_chat(user_id, chat_id)
        if reply_to_message_id is not None:
            rec = chat.messages.get(reply_to_message_id)
            if rec is None or rec["deleted"]:
                raise AssertionError(
                    f"message {reply_to_message_id} does not exist in chat {chat.id}"
                )
            message.reply_to = rec
        rec = self.chats.create(chat, user, False, kind, message)
        self.chats.user_acted(chat, rec["message_id"])
        self.updates.push({"message": rec["message"]})
        return rec["message"]

    def user_sends_text(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
        entities: list[JsonDict] | None = None,
    ) -> JsonDict:
        """The user sends a text message (a bot_command entity is added for "/cmd ...")."""
        if entities is None and text.startswith("/"):
            cmd = text.split(maxsplit=1)[0] if text.strip() else text
            entities = [{"type": "bot_command", "offset": 0, "length": utf16_len(cmd)}]
        return self._inbound(
            user_id, chat_id, reply_to_message_id, "text", Message(text=text, entities=entities)
        )

    def user_sends_photo(
        self,
        user_id: int,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
        data: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
    ) -> JsonDict:
        content = self.files.photo_content(self.files.new("photo", data))
        message = Message(caption=caption, content=content)
        return self._inbound(user_id, chat_id, reply_to_message_id, "photo", message)

    def user_sends_voice(
        self,
        user_id: int,
        duration: int = 5,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
        data: bytes = b"OggSfake-voice",
        caption: str | None = None,
    ) -> JsonDict:
        f = self.files.new("voice", data)
        voice = {
            "file_id": f["file_id"],
            "file_unique_id": f["file_unique_id"],
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": f["file_size"],
        }
        message = Message(caption=caption, content={"voice": voice})
        return self._inbound(user_id, chat_id, reply_to_message_id, "voice", message)

    def user_sends_sticker(
        self,
        user_id: int,
        emoji: str = "🙂",
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        f = self.files.new("sticker", b"RIFFfake-webp")
        sticker = {
            "file_id": f["file_id"],
            "file_unique_id": f["file_unique_id"],
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": f["file_size"],
        }
        message = Message(content={"sticker": sticker})
        return self._inbound(user_id, chat_id, reply_to_message_id, "sticker", message)

    def user_sends_document(
        self,
        user_id: int,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
        data: bytes = b"%PDF-1.4 fake",
    ) -> JsonDict:
        f = self.files.new("document", data, filename=file_name, mime=mime_type)
        doc = {
            "file_id": f["file_id"],
            "file_unique_id": f["file_unique_id"],
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": f["file_size"],
        }
        message = Message(caption=caption, content={"document": doc})
        return self._inbound(user_id, chat_id, reply_to_message_id, "document", message)

    def user_sends_contact(
        self,
        user_id: int,
        phone_number: str,
        contact_user_id: int | None = None,
        first_name: str | None = None,
        chat_id: int | None = None,
        *,
        include_user_id: bool = True,
    ) -> JsonDict:
        """The user shares a contact.

        By default it is their own contact, as a ``request_contact`` button shares it:
        ``contact.user_id`` = ``contact_user_id`` or the sender's id, first/last name from the
        sender. ``include_user_id=False`` sends a contact card without ``user_id``.
        """
        user = self.chats.users.get(user_id) or self.add_user(user_id)
        contact: JsonDict = {
            "phone_number": phone_number,
            "first_name": first_name or user["first_name"],
        }
        if first_name is None and user.get("last_name"):
            contact["last_name"] = user["last_name"]
        if include_user_id:
            contact["user_id"] = user_id if contact_user_id is None else contact_user_id
        message = Message(content={"contact": contact})
        return self._inbound(user_id, chat_id, None, "contact", message)

    def user_sends_location(
        self, user_id: int, latitude: float, longitude: float, chat_id: int | None = None
    ) -> JsonDict:
        location = {"latitude": latitude, "longitude": longitude}
        message = Message(content={"location": location})
        return self._inbound(user_id, chat_id, None, "location", message)

    def user_presses_button(
        self,
        user_id: int,
        message_id: int,
        data: str,
        chat_id: int | None = None,
        *,
        check_button: bool = True,
    ) -> JsonDict:
        """The user presses an inline button; returns the CallbackQuery pushed as an update.

        Raises AssertionError if the message does not exist (or was deleted) or, with
        ``check_button``, if its current inline keyboard has no button with that callback_data.
        """
        chat, user = self._inbound_chat(user_id, chat_id)
        rec = chat.messages.get(message_id)
        if rec is None or rec["deleted"]:
            raise AssertionError(
                f"message {message_id} does not exist in chat {chat.id}:\n"
                f"{self.chats.dump(chat.id, 15)}"
            )
        if check_button:
            buttons = [
                b.get("callback_data")
                for row in (rec["reply_markup"] or {}).get("inline_keyboard", [])
                for b in row
            ]
            if data not in buttons:
                raise AssertionError(
                    f"message {message_id} in chat {chat.id} has no button with "
                    f"callback_data={data!r}; current buttons: {buttons}"
                )
        query = self.chats.new_query(user, chat, rec, data)
        self.chats.user_acted(chat, chat.next_id - 1)
        self.updates.push({"callback_query": query})
        return query

    def push_raw_update(self, update: JsonDict) -> int:
        """Queue an arbitrary Update (validated against the spec); returns its update_id."""
        upd = dict(update)
        if "update_id" not in upd:
            upd["update_id"] = 0
            try:
                self.spec.check_object(upd, "Update", strict=True)
            finally:
                del upd["update_id"]
        else:
            self.spec.check_object(upd, "Update", strict=True)
        return self.updates.push(upd)


def _matches(
    rec: JsonDict, contains: str | None, predicate: Callable[[JsonDict], bool] | None
) -> bool:
    if contains is not None:
        body = (rec["text"] or "") + "\n" + (rec["caption"] or "")
        if contains not in body and contains not in (rec.get("raw_text") or ""):
            return False
    return predicate is None or predicate(rec)


class Inspection:
    """What the bot did: the messages of each chat, its calls, its spec errors; and waiting
    for what it is about to do."""

    chats: ChatStore
    updates: UpdateQueue
    activity: Activity
    calls: list[Call]
    errors: list[str]
    rejections: list[str]

    @property
    def pending_updates(self) -> list[JsonDict]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self.updates.queue)

    @property
    def confirmed_offset(self) -> int:
        """The highest offset a getUpdates call confirmed."""
        return self.updates.confirmed_offset

    @property
    def callback_answers(self) -> dict[str, dict[str, Any]]:
        """answerCallbackQuery parameters, by callback query id."""
        return self.chats.callback_answers

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def all_messages(self, chat_id: int) -> list[JsonDict]:
        """All message records of a chat, in order, including deleted ones ("deleted": True)."""
        return self.chats.records(chat_id)

    def messages(self, chat_id: int) -> list[JsonDict]:
        """Current (non-deleted) message records of a chat, in order."""
        return [r for r in self.all_messages(chat_id) if not r["deleted"]]

    def bot_messages(self, chat_id: int) -> list[JsonDict]:
        return [r for r in self.messages(chat_id) if r["from_bot"]]

    def last_bot_message(self, chat_id: int) -> JsonDict | None:
        chat = self.chats.chats.get(chat_id)
        if chat is None:
            return None
        for rec in reversed(chat.messages.values()):
            if rec["from_bot"] and not rec["deleted"]:
                return rec
        return None

    def assert_no_errors(self) -> None:
        """Raise AssertionError listing every spec violation the bot committed."""
        if self.errors:
            raise AssertionError(
                f"{len(self.errors)} Bot API spec violation(s):\n" + "\n".join(self.errors)
            )

    def dump_chat(self, chat_id: int, last: int = 15) -> str:
        """Readable dump of the last messages of a chat (used in assertion messages)."""
        return self.chats.dump(chat_id, last)

    # ------------------------------------------------------------------ waiting

    async def _wait(
        self, find: Callable[[], _T | None], timeout: float, failure: Callable[[], str]
    ) -> _T:
        """Look with ``find`` at every activity until it finds something; after ``timeout``
        seconds raise AssertionError(``failure()``)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = find()
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(failure())
            await self.activity.wait(remaining)

    async def _wait_in_chat(
        self,
        chat_id: int,
        candidates: Callable[[Chat], Iterable[JsonDict]],
        contains: str | None,
        predicate: Callable[[JsonDict], bool] | None,
        timeout: float,
        what: str,
    ) -> JsonDict:
        """Wait for the first of ``candidates(chat)`` that matches ``contains``/``predicate``."""

        def find() -> JsonDict | None:
            chat = self.chats.chats.get(chat_id)
            if chat is None:
                return None
            return next((r for r in candidates(chat) if _matches(r, contains, predicate)), None)

        def failure() -> str:
            return (
                f"{what} matching contains={contains!r} predicate={predicate!r} within "
                f"{timeout}s.\nRecent messages:\n{self.dump_chat(chat_id)}\n"
                f"Spec errors: {self.errors[-5:]}\nRejections: {self.rejections[-5:]}"
            )

        return await self._wait(find, timeout, failure)

    async def wait_for_message(
        self,
        chat_id: int,
        contains: str | None = None,
        predicate: Callable[[JsonDict], bool] | None = None,
        timeout: float = 5.0,
        after: int | None = None,
    ) -> JsonDict:
        """Wait for the first (non-deleted) bot message in ``chat_id`` with message_id > ``after``
        whose text/caption contains ``contains`` and that satisfies ``predicate(record)``.

        ``after=None`` means "since the last user action in that chat". Messages are matched in
        their current state, so a message that is later edited to match also counts.
        Returns the message record; raises AssertionError with a dump of the chat on timeout.
        """
        chat = self.chats.chats.get(chat_id)
        first = (chat.last_user_action if chat else 0) if after is None else after

        def bot_messages_after(chat: Chat) -> Iterator[JsonDict]:
            for mid in range(first + 1, chat.next_id):
                rec = chat.messages.get(mid)
                if rec is not None and not rec["deleted"] and rec["from_bot"]:
                    yield rec

        what = f"no bot message in chat {chat_id} after message_id {first}"
        return await self._wait_in_chat(
            chat_id, bot_messages_after, contains, predicate, timeout, what
        )

    async def wait_for_edit(
        self,
        chat_id: int,
        message_id: int | None = None,
        contains: str | None = None,
        predicate: Callable[[JsonDict], bool] | None = None,
        timeout: float = 5.0,
    ) -> JsonDict:
        """Wait until the bot edits a message of ``chat_id`` (``message_id``, or any message)
        after the last user action in that chat, and its current state matches
        ``contains``/``predicate``. Returns the message record."""
        chat = self.chats.chats.get(chat_id)
        baseline = chat.last_user_seq if chat else 0

        def edited(chat: Chat) -> Iterator[JsonDict]:
            if message_id is not None:
                one = chat.messages.get(message_id)
                candidates: Iterable[JsonDict] = [one] if one is not None else []
            else:
                candidates = chat.messages.values()
            for rec in candidates:
                if rec["edit_seq"] > baseline and not rec["deleted"]:
                    yield rec

        what = f"no edit of message {message_id} in chat {chat_id}"
        return await self._wait_in_chat(chat_id, edited, contains, predicate, timeout, what)

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
        *,
        since: int = 0,
    ) -> Call:
        """Wait for a call of ``method`` (any status) matching ``predicate``.

        Calls already recorded count; pass ``since=len(fake.calls)`` to only accept new ones.
        """
        seen = since

        def find() -> Call | None:
            nonlocal seen
            calls = self.calls
            for c in calls[seen:]:
                if c.method == method and (predicate is None or predicate(c)):
                    return c
            seen = len(calls)
            return None

        def failure() -> str:
            recent = [f"{c.method}->{c.status}" for c in self.calls[-10:]]
            return f"no matching {method} call within {timeout}s; recent calls: {recent}"

        return await self._wait(find, timeout, failure)

    async def wait_for_callback_answer(self, query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Wait until the bot answers callback query ``query_id``; returns the call's params."""
        return await self._wait(
            lambda: self.callback_answers.get(query_id),
            timeout,
            lambda: f"callback query {query_id} was not answered within {timeout}s",
        )

    async def wait_until_idle(self, quiet: float = 0.3, timeout: float = 10) -> None:
        """Wait until no request arrived/finished for ``quiet`` seconds and every queued
        update has been delivered by getUpdates."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            idle_for = time.monotonic() - self.activity.last
            undelivered = self.updates.undelivered()
            if idle_for >= quiet and not undelivered:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"fake Telegram not idle after {timeout}s (last activity {idle_for:.2f}s ago, "
                    f"{undelivered} undelivered updates)"
                )
            await asyncio.sleep(min(max(quiet - idle_for, 0.02), remaining))
