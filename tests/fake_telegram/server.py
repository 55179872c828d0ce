"""In-process fake Telegram Bot API server (aiohttp) for end-to-end tests and benchmarks."""

# The test-facing wait_* API takes explicit ``timeout`` arguments by design.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import random
import re
import socket
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from .markup import PARSE_MODES, EntityParseError, parse_text, utf16_len
from .spec import ApiSpec, TypeExpr, UploadedFile, load_spec

__all__ = ["Call", "FakeTelegram"]

JsonDict = dict[str, Any]

_TOKEN_RE = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")
_MAX_DELETE_AGE = 48 * 3600
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Update types delivered when allowed_updates is empty/not given.
_NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_NOT_MESSAGE_SENDERS = frozenset(
    {
        "sendChatAction",
        "sendMessageDraft",
        "sendRichMessageDraft",
        "sendGift",
        "sendChatJoinRequestWebApp",
    }
)
# method -> (parameter holding the file, message field / kind)
_MEDIA_METHODS: dict[str, tuple[str, str]] = {
    "sendPhoto": ("photo", "photo"),
    "sendVoice": ("voice", "voice"),
    "sendAudio": ("audio", "audio"),
    "sendDocument": ("document", "document"),
    "sendVideo": ("video", "video"),
    "sendAnimation": ("animation", "animation"),
    "sendVideoNote": ("video_note", "video_note"),
    "sendSticker": ("sticker", "sticker"),
}
_MIME = {
    "voice": "audio/ogg",
    "audio": "audio/mpeg",
    "video": "video/mp4",
    "animation": "video/mp4",
    "document": "application/octet-stream",
    "photo": "image/jpeg",
    "sticker": "image/webp",
    "video_note": "video/mp4",
}
_EXT = {
    "voice": "oga",
    "audio": "mp3",
    "video": "mp4",
    "animation": "mp4",
    "document": "bin",
    "photo": "jpg",
    "sticker": "webp",
    "video_note": "mp4",
}
_MEMBER_TYPES = {
    "creator": "ChatMemberOwner",
    "administrator": "ChatMemberAdministrator",
    "member": "ChatMemberMember",
    "restricted": "ChatMemberRestricted",
    "left": "ChatMemberLeft",
    "kicked": "ChatMemberBanned",
}
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


@dataclass(slots=True)
class Call:
    """One HTTP call the bot made to the fake server."""

    method: str
    params: dict[str, Any]  # decoded Python values (ints, bools, dicts, lists, UploadedFile)
    status: int  # HTTP status returned
    response: JsonDict  # the JSON body returned
    time: float  # time.monotonic() when the request arrived
    token: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return self.response.get("result")


class _ApiError(Exception):
    def __init__(
        self,
        status: int,
        description: str,
        retry_after: int | None = None,
        spec_violation: bool = False,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.spec_violation = spec_violation


def _bad(description: str) -> _ApiError:
    return _ApiError(400, "Bad Request: " + description)


@dataclass(slots=True)
class _Chat:
    id: int
    type: str
    obj: JsonDict  # API Chat object (shared by all messages of the chat)
    messages: dict[int, JsonDict] = field(default_factory=dict)
    next_id: int = 1
    last_user_action: int = 0  # highest message_id at the last user action in this chat
    last_user_seq: int = 0  # value of FakeTelegram._seq at the last user action in this chat
    bot_is_admin: bool = False
    username: str | None = None
    pinned: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Ctx:
    token: str
    bot: JsonDict
    method: str
    text: tuple[str, list[JsonDict]] | None = None
    caption: tuple[str, list[JsonDict]] | None = None
    attachments: dict[str, UploadedFile] = field(default_factory=dict)


def _inline(markup: JsonDict | None) -> JsonDict | None:
    """The part of a reply_markup that is visible on the message (inline keyboards only)."""
    if markup and markup.get("inline_keyboard"):
        return markup
    return None


def _short(value: Any, limit: int = 300) -> str:
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 3] + "..."


class FakeTelegram:
    """Fake Telegram Bot API server. See the package docstring for the overview."""

    def __init__(
        self,
        spec_path: str | Path | None = None,
        *,
        bot_username: str = "omm_test_bot",
        bot_first_name: str = "OMM Test Bot",
        overall_per_second: int | None = None,
        per_chat_per_second: int | None = None,
        group_per_minute: int | None = None,
        paid_per_second: int | None = 1000,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.spec: ApiSpec = load_spec(spec_path)
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.overall_per_second = overall_per_second
        self.per_chat_per_second = per_chat_per_second
        self.group_per_minute = group_per_minute
        # Paid broadcasting (allow_paid_broadcast): these messages are counted against
        # their own limit (Telegram: up to 1,000 a second) instead of the overall one.
        self.paid_per_second = paid_per_second
        self.paid_messages: int = 0
        self.host = host
        self.port = port
        self.clock_offset: float = 0.0

        # observation
        self.calls: list[Call] = []
        self.errors: list[str] = []
        self.rejections: list[str] = []
        self.too_many_requests: int = 0
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.users: dict[int, JsonDict] = {}
        self.files: dict[str, JsonDict] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.menu_buttons: dict[int | None, JsonDict] = {}
        self.bot_user: JsonDict | None = None

        # state
        self._chats: dict[int, _Chat] = {}
        self._usernames: dict[str, int] = {}
        self._blocked: set[int] = set()
        self._member_status: dict[tuple[int, int], str] = {}
        self._bots: dict[str, JsonDict] = {}
        self._queries: dict[str, JsonDict] = {}
        self._answered: set[str] = set()
        self._injections: dict[str, deque[list[Any]]] = {}
        self._flood_all: deque[float] = deque()
        self._flood_paid: deque[float] = deque()
        self._flood_chat: dict[int, deque[float]] = {}
        self._holds: dict[str, int] = {}
        self._release = asyncio.Event()
        self.held = 0  # answers held back so far (sends in flight)

        # updates
        self._updates: deque[JsonDict] = deque()
        self._update_seq = itertools.count(1)
        self._last_update_id = 0
        self.confirmed_offset: int = 0
        self._last_delivered_id = 0
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._update_waiters: list[asyncio.Future[None]] = []
        self._activity_waiters: list[asyncio.Future[None]] = []
        self._last_activity = time.monotonic()

        self._file_seq = itertools.count(1)
        self._seq = itertools.count(1)  # orders user actions and edits
        self._query_seq = itertools.count(1)
        self._stopping = False
        self._runner: web.AppRunner | None = None
        self._sock: socket.socket | None = None
        self.url = ""

        self._message_methods = frozenset(
            m
            for m in self.spec.methods
            if (
                m.startswith(
                    ("send", "copyMessage", "forwardMessage", "editMessage", "deleteMessage")
                )
                and m not in _NOT_MESSAGE_SENDERS
            )
        )
        self._handlers: dict[str, Callable[[dict[str, Any], _Ctx], Any]] = {
            "getMe": self._m_get_me,
            "logOut": self._m_true,
            "close": self._m_true,
            "setWebhook": self._m_set_webhook,
            "deleteWebhook": self._m_delete_webhook,
            "getWebhookInfo": self._m_get_webhook_info,
            "setMyCommands": self._m_set_my_commands,
            "deleteMyCommands": self._m_delete_my_commands,
            "getMyCommands": self._m_get_my_commands,
            "setChatMenuButton": self._m_set_chat_menu_button,
            "getChatMenuButton": self._m_get_chat_menu_button,
            "getChat": self._m_get_chat,
            "getChatMember": self._m_get_chat_member,
            "getFile": self._m_get_file,
            "sendMessage": self._m_send_message,
            "sendContact": self._m_send_contact,
            "sendLocation": self._m_send_location,
            "sendVenue": self._m_send_venue,
            "sendDice": self._m_send_dice,
            "sendMediaGroup": self._m_send_media_group,
            "sendChatAction": self._m_send_chat_action,
            "copyMessage": self._m_copy_message,
            "copyMessages": self._m_copy_messages,
            "forwardMessage": self._m_forward_message,
            "forwardMessages": self._m_forward_messages,
            "editMessageText": self._m_edit_message_text,
            "editMessageCaption": self._m_edit_message_caption,
            "editMessageReplyMarkup": self._m_edit_message_reply_markup,
            "deleteMessage": self._m_delete_message,
            "deleteMessages": self._m_delete_messages,
            "answerCallbackQuery": self._m_answer_callback_query,
            "pinChatMessage": self._m_pin_chat_message,
            "unpinChatMessage": self._m_unpin_chat_message,
        }
        for m in _MEDIA_METHODS:
            self._handlers[m] = self._m_send_media

    # ================================================================== lifecycle

    async def start(self) -> FakeTelegram:
        """Bind ``host`` on a free port (or ``port``) and start serving."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.*}", self._handle_file)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self._sock = sock
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock, backlog=1024).start()
        self.url = f"http://{self.host}:{self.port}"
        self._stopping = False
        return self

    async def stop(self) -> None:
        """Stop serving; pending long polls return immediately with an empty result."""
        self._stopping = True
        self._wake(self._update_waiters)
        self._update_waiters = []
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``base_url`` for python-telegram-bot (``f"{fake.url}/bot"``)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """``base_file_url`` for python-telegram-bot (``f"{fake.url}/file/bot"``)."""
        return f"{self.url}/file/bot"

    def now(self) -> float:
        """The fake clock: ``time.time() + clock_offset``."""
        return time.time() + self.clock_offset

    # ================================================================== world setup

    def add_user(
        self,
        user_id: int,
        first_name: str = "Ana",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "es",
    ) -> JsonDict:
        """Create (or update) a user and their private chat with the bot; returns the User."""
        user: JsonDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name is not None:
            user["last_name"] = last_name
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        existing = self.users.get(user_id)
        if existing is not None:
            existing.clear()
            existing.update(user)
            user = existing
        else:
            self.users[user_id] = user
        chat_obj: JsonDict = {"id": user_id, "type": "private", "first_name": first_name}
        if last_name is not None:
            chat_obj["last_name"] = last_name
        if username is not None:
            chat_obj["username"] = username
        chat = self._chats.get(user_id)
        if chat is None:
            self._chats[user_id] = _Chat(
                id=user_id, type="private", obj=chat_obj, username=username
            )
        else:
            chat.obj.clear()
            chat.obj.update(chat_obj)
        return user

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
        if type not in ("group", "supergroup", "channel"):
            raise ValueError(f"bad group type {type!r}")
        obj: JsonDict = {"id": chat_id, "type": type, "title": title}
        if username is not None:
            obj["username"] = username
            self._usernames[username.lower()] = chat_id
        self._chats[chat_id] = _Chat(
            id=chat_id, type=type, obj=obj, bot_is_admin=bot_is_admin, username=username
        )
        return obj

    def chat(self, chat_id: int) -> JsonDict:
        """The API Chat object of a known chat."""
        return self._chats[chat_id].obj

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends/edits to their private chat get 403."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self._blocked.discard(user_id)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """What getChatMember reports: creator/administrator/member/restricted/left/kicked."""
        if status not in _MEMBER_TYPES:
            raise ValueError(f"unknown status {status!r}")
        self._member_status[(chat_id, user_id)] = status

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` valid calls of ``method`` fail (status/description)."""
        name = self.spec.resolve_method(method)
        if name is None:
            raise ValueError(f"unknown method {method!r}")
        self._injections.setdefault(name, deque()).append([status, description, retry_after, times])

    def hold_responses(self, method: str, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` take effect (the message appears in the
        chat) but their answers are held back until `release_held`: a send in flight."""
        name = self.spec.resolve_method(method)
        if name is None:
            raise ValueError(f"unknown method {method!r}")
        self._holds[name] = self._holds.get(name, 0) + times

    def release_held(self) -> None:
        self._holds.clear()
        self._release.set()
        self._release = asyncio.Event()

    async def _maybe_hold(self, method: str) -> None:
        if self._holds.get(method, 0) <= 0:
            return
        self._holds[method] -= 1
        self.held += 1
        await self._release.wait()

    # ================================================================== inbound (user side)

    def _inbound_chat(self, user_id: int, chat_id: int | None) -> tuple[_Chat, JsonDict]:
        user = self.users.get(user_id)
        if user is None:
            user = self.add_user(user_id)
        cid = user_id if chat_id is None else chat_id
        chat = self._chats.get(cid)
        if chat is None:
            raise AssertionError(f"chat {cid} does not exist (use add_group first)")
        return chat, user

    def _inbound_reply(self, chat: _Chat, reply_to_message_id: int | None) -> JsonDict | None:
        if reply_to_message_id is None:
            return None
        rec = chat.messages.get(reply_to_message_id)
        if rec is None or rec["deleted"]:
            raise AssertionError(f"message {reply_to_message_id} does not exist in chat {chat.id}")
        return rec

    def _inbound(
        self,
        user_id: int,
        chat_id: int | None,
        reply_to_message_id: int | None,
        kind: str,
        **kw: Any,
    ) -> JsonDict:
        chat, user = self._inbound_chat(user_id, chat_id)
        rec = self._create_message(
            chat,
            from_user=user,
            from_bot=False,
            kind=kind,
            reply_to=self._inbound_reply(chat, reply_to_message_id),
            **kw,
        )
        chat.last_user_action = rec["message_id"]
        chat.last_user_seq = next(self._seq)
        self._push({"message": rec["message"]})
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
            user_id, chat_id, reply_to_message_id, "text", text=text, entities=entities or None
        )

    def user_sends_photo(
        self,
        user_id: int,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
        data: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
    ) -> JsonDict:
        return self._inbound(
            user_id,
            chat_id,
            reply_to_message_id,
            "photo",
            caption=caption,
            content=self._photo_content(self._new_file("photo", data)),
        )

    def user_sends_voice(
        self,
        user_id: int,
        duration: int = 5,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
        data: bytes = b"OggSfake-voice",
        caption: str | None = None,
    ) -> JsonDict:
        f = self._new_file("voice", data)
        voice = {
            "file_id": f["file_id"],
            "file_unique_id": f["file_unique_id"],
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": f["file_size"],
        }
        return self._inbound(
            user_id,
            chat_id,
            reply_to_message_id,
            "voice",
            caption=caption,
            content={"voice": voice},
        )

    def user_sends_sticker(
        self,
        user_id: int,
        emoji: str = "🙂",
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
    ) -> JsonDict:
        f = self._new_file("sticker", b"RIFFfake-webp")
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
        return self._inbound(
            user_id, chat_id, reply_to_message_id, "sticker", content={"sticker": sticker}
        )

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
        f = self._new_file("document", data, filename=file_name, mime=mime_type)
        doc = {
            "file_id": f["file_id"],
            "file_unique_id": f["file_unique_id"],
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": f["file_size"],
        }
        return self._inbound(
            user_id,
            chat_id,
            reply_to_message_id,
            "document",
            caption=caption,
            content={"document": doc},
        )

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
        user = self.users.get(user_id) or self.add_user(user_id)
        contact: JsonDict = {
            "phone_number": phone_number,
            "first_name": first_name or user["first_name"],
        }
        if first_name is None and user.get("last_name"):
            contact["last_name"] = user["last_name"]
        if include_user_id:
            contact["user_id"] = user_id if contact_user_id is None else contact_user_id
        return self._inbound(user_id, chat_id, None, "contact", content={"contact": contact})

    def user_sends_location(
        self, user_id: int, latitude: float, longitude: float, chat_id: int | None = None
    ) -> JsonDict:
        return self._inbound(
            user_id,
            chat_id,
            None,
            "location",
            content={"location": {"latitude": latitude, "longitude": longitude}},
        )

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
                f"message {message_id} does not exist in chat {chat.id}:\n{self.dump_chat(chat.id)}"
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
        qid = str(4_000_000_000_000 + next(self._query_seq))
        query: JsonDict = {
            "id": qid,
            "from": user,
            "message": dict(rec["message"]),  # snapshot of the message as it currently is
            "chat_instance": str(abs(chat.id) * 7919 + 31337),
            "data": data,
        }
        self._queries[qid] = query
        chat.last_user_action = chat.next_id - 1
        chat.last_user_seq = next(self._seq)
        self._push({"callback_query": query})
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
        return self._push(upd)

    def _push(self, upd: JsonDict) -> int:
        if "update_id" in upd:
            uid = int(upd["update_id"])
            if uid > self._last_update_id:
                self._update_seq = itertools.count(uid + 1)
        else:
            uid = next(self._update_seq)
            upd = {"update_id": uid, **upd}
        self._last_update_id = max(self._last_update_id, uid)
        self._updates.append(upd)
        self._last_activity = time.monotonic()
        if self._update_waiters:
            self._wake(self._update_waiters)
            self._update_waiters = []
        if self._activity_waiters:
            self._wake(self._activity_waiters)
            self._activity_waiters = []
        return uid

    @property
    def pending_updates(self) -> list[JsonDict]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    # ================================================================== observation

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def all_messages(self, chat_id: int) -> list[JsonDict]:
        """All message records of a chat, in order, including deleted ones ("deleted": True)."""
        chat = self._chats.get(chat_id)
        return list(chat.messages.values()) if chat else []

    def messages(self, chat_id: int) -> list[JsonDict]:
        """Current (non-deleted) message records of a chat, in order."""
        return [r for r in self.all_messages(chat_id) if not r["deleted"]]

    def bot_messages(self, chat_id: int) -> list[JsonDict]:
        return [r for r in self.messages(chat_id) if r["from_bot"]]

    def last_bot_message(self, chat_id: int) -> JsonDict | None:
        chat = self._chats.get(chat_id)
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
        chat = self._chats.get(chat_id)
        if chat is None:
            return f"  (chat {chat_id} does not exist)"
        recs = list(chat.messages.values())[-last:]
        if not recs:
            return "  (no messages)"
        lines = []
        for r in recs:
            who = "bot" if r["from_bot"] else f"user {r['from_user_id']}"
            body = r["text"] if r["text"] is not None else r["caption"]
            line = f"  #{r['message_id']} [{who}] {r['kind']}: {body!r}"
            kb = (r["reply_markup"] or {}).get("inline_keyboard")
            if kb:
                line += " buttons=" + str(
                    [
                        [
                            b.get("text") + "->" + str(b.get("callback_data", b.get("url")))
                            for b in row
                        ]
                        for row in kb
                    ]
                )
            if r["edit_history"]:
                line += f" (edited x{len(r['edit_history'])})"
            if r["deleted"]:
                line += " (DELETED)"
            lines.append(line)
        return "\n".join(lines)

    # ================================================================== waiting

    @staticmethod
    def _wake(waiters: Iterable[asyncio.Future[None]]) -> None:
        for f in waiters:
            if not f.done():
                f.set_result(None)

    async def _wait_activity(self, timeout: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._activity_waiters.append(fut)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(fut, timeout)

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
        chat = self._chats.get(chat_id)
        if after is None:
            after = chat.last_user_action if chat else 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            chat = self._chats.get(chat_id)
            if chat is not None:
                for mid in range(after + 1, chat.next_id):
                    rec = chat.messages.get(mid)
                    if rec is None or rec["deleted"] or not rec["from_bot"]:
                        continue
                    if contains is not None:
                        body = (rec["text"] or "") + "\n" + (rec["caption"] or "")
                        if contains not in body and contains not in (rec.get("raw_text") or ""):
                            continue
                    if predicate is not None and not predicate(rec):
                        continue
                    return rec
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"no bot message in chat {chat_id} after message_id {after} matching "
                    f"contains={contains!r} predicate={predicate!r} within {timeout}s.\n"
                    f"Recent messages:\n{self.dump_chat(chat_id)}\n"
                    f"Spec errors: {self.errors[-5:]}\nRejections: {self.rejections[-5:]}"
                )
            await self._wait_activity(remaining)

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
        chat = self._chats.get(chat_id)
        baseline = chat.last_user_seq if chat else 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            chat = self._chats.get(chat_id)
            if chat is not None:
                if message_id is not None:
                    one = chat.messages.get(message_id)
                    candidates: Iterable[JsonDict] = [one] if one is not None else []
                else:
                    candidates = chat.messages.values()
                for rec in candidates:
                    if rec["edit_seq"] <= baseline or rec["deleted"]:
                        continue
                    if contains is not None:
                        body = (rec["text"] or "") + "\n" + (rec["caption"] or "")
                        if contains not in body and contains not in (rec.get("raw_text") or ""):
                            continue
                    if predicate is not None and not predicate(rec):
                        continue
                    return rec
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"no edit of message {message_id} in chat {chat_id} matching "
                    f"contains={contains!r} predicate={predicate!r} within {timeout}s.\n"
                    f"Recent messages:\n{self.dump_chat(chat_id)}\n"
                    f"Spec errors: {self.errors[-5:]}\nRejections: {self.rejections[-5:]}"
                )
            await self._wait_activity(remaining)

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
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        idx = since
        while True:
            calls = self.calls
            for c in calls[idx:]:
                if c.method == method and (predicate is None or predicate(c)):
                    return c
            idx = len(calls)
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [f"{c.method}->{c.status}" for c in self.calls[-10:]]
                raise AssertionError(
                    f"no matching {method} call within {timeout}s; recent calls: {recent}"
                )
            await self._wait_activity(remaining)

    async def wait_for_callback_answer(self, query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Wait until the bot answers callback query ``query_id``; returns the call's params."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while query_id not in self.callback_answers:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"callback query {query_id} was not answered within {timeout}s"
                )
            await self._wait_activity(remaining)
        return self.callback_answers[query_id]

    async def wait_until_idle(self, quiet: float = 0.3, timeout: float = 10) -> None:
        """Wait until no request arrived/finished for ``quiet`` seconds and every queued
        update has been delivered by getUpdates."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            idle_for = time.monotonic() - self._last_activity
            undelivered = self._undelivered()
            if idle_for >= quiet and not undelivered:
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"fake Telegram not idle after {timeout}s (last activity {idle_for:.2f}s ago, "
                    f"{undelivered} undelivered updates)"
                )
            await asyncio.sleep(min(max(quiet - idle_for, 0.02), remaining))

    def _undelivered(self) -> int:
        last = self._last_delivered_id
        allowed = self._allowed_updates
        n = 0
        for u in reversed(self._updates):
            if u["update_id"] <= last:
                break
            if self._update_allowed(u, allowed):
                n += 1
        return n

    # ================================================================== HTTP

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        for f in self.files.values():
            if f["file_path"] == path:
                return web.Response(
                    body=f.get("data") or b"fake-file-content",
                    content_type=f.get("mime_type") or "application/octet-stream",
                )
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        params: dict[str, Any] = dict(request.query) if request.query_string else {}
        files: dict[str, UploadedFile] = {}
        if request.can_read_body:
            ct = request.content_type
            if ct == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise ValueError("JSON body must be an object")
                params.update(body)
            elif ct in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for k, v in form.items():
                    if isinstance(v, str):
                        params[k] = v
                    elif isinstance(v, (bytes, bytearray)):
                        files[k] = UploadedFile(k, None, None, bytes(v))
                    else:
                        files[k] = UploadedFile(k, v.filename, v.content_type, v.file.read())
            else:
                await request.read()
        return params, files

    async def _handle_api(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        self._last_activity = arrived
        token = request.match_info["token"]
        method, params, status, payload = await self._dispatch(request, token)
        self.calls.append(Call(method, params, status, payload, arrived, token))
        if method != "getUpdates" or payload.get("result"):
            self._last_activity = time.monotonic()
        if self._activity_waiters:
            self._wake(self._activity_waiters)
            self._activity_waiters = []
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return web.Response(body=body, status=status, content_type="application/json")

    def _record_error(self, method: str, description: str, params: Any) -> None:
        self.errors.append(f"{method}: {description} | params={_short(params)}")

    async def _dispatch(
        self, request: web.Request, token: str
    ) -> tuple[str, dict[str, Any], int, JsonDict]:
        raw_method = request.match_info["method"]
        try:
            params, files = await self._read_params(request)
        except ValueError as exc:
            desc = f"Bad Request: can't parse request body: {exc}"
            self._record_error(raw_method, desc, None)
            return raw_method, {}, 400, {"ok": False, "error_code": 400, "description": desc}
        if not _TOKEN_RE.match(token):
            self._record_error(raw_method, f"Not Found (malformed bot token {token!r})", params)
            return (
                raw_method,
                params,
                404,
                {"ok": False, "error_code": 404, "description": "Not Found"},
            )
        method = self.spec.resolve_method(raw_method)
        if method is None:
            self._record_error(raw_method, "Not Found (unknown method)", params)
            return (
                raw_method,
                params,
                404,
                {"ok": False, "error_code": 404, "description": "Not Found"},
            )
        mspec = self.spec.methods[method]
        attachments: dict[str, UploadedFile] = {}
        for name, f in files.items():
            if name in mspec.fields:
                params[name] = f
            else:
                attachments[name] = f
        decoded, errs = self.spec.validate_params(method, params, attachments)
        ctx = _Ctx(token=token, bot=self._bot_for(token), method=method, attachments=attachments)
        if not errs:
            errs = self._extra_checks(method, decoded, ctx)
        if errs:
            for e in errs:
                self._record_error(method, e, params)
            return (
                method,
                decoded,
                400,
                {"ok": False, "error_code": 400, "description": "Bad Request: " + errs[0]},
            )
        try:
            injected = self._injections.get(method)
            if injected:
                spec = injected[0]
                spec[3] -= 1
                if spec[3] <= 0:
                    injected.popleft()
                raise _ApiError(spec[0], spec[1], spec[2])
            if method == "getUpdates":
                result = await self._m_get_updates(decoded, request)
            else:
                handler = self._handlers.get(method)
                result = (
                    handler(decoded, ctx) if handler is not None else self._m_generic(decoded, ctx)
                )
                await self._maybe_hold(method)
        except _ApiError as exc:
            payload: JsonDict = {
                "ok": False,
                "error_code": exc.status,
                "description": exc.description,
            }
            if exc.retry_after is not None:
                payload["parameters"] = {"retry_after": exc.retry_after}
            if exc.status == 429:
                self.too_many_requests += 1
            if exc.spec_violation:
                self._record_error(method, exc.description, params)
            else:
                self.rejections.append(f"{method}: {exc.description}")
            return method, decoded, exc.status, payload
        except Exception as exc:  # a bug in the fake itself: make it loud, not a silent 500
            self.errors.append(
                f"{method}: INTERNAL ERROR in FakeTelegram: {exc!r}\n{traceback.format_exc()}"
            )
            return (
                method,
                decoded,
                500,
                {"ok": False, "error_code": 500, "description": "Internal Server Error"},
            )
        return method, decoded, 200, {"ok": True, "result": result}

    # ================================================================== validation extras

    def _parse(
        self, text: str, parse_mode: Any, entities: Any, errs: list[str], what: str
    ) -> tuple[str, list[JsonDict]]:
        if entities:
            return text, list(entities)
        try:
            return parse_text(text, parse_mode)
        except EntityParseError as exc:
            errs.append(f"can't parse entities in {what}: {exc}")
            return text, []

    def _extra_checks(self, method: str, p: dict[str, Any], ctx: _Ctx) -> list[str]:
        """Limits the spec states only in prose."""
        errs: list[str] = []
        pm = p.get("parse_mode")
        if pm and str(pm).lower() not in PARSE_MODES:
            errs.append(f"unsupported parse_mode {pm!r}")
            return errs
        if method == "sendMessage" or method == "editMessageText":
            if "text" in p:
                plain, ents = self._parse(p["text"], pm, p.get("entities"), errs, "text")
                if not plain.strip():
                    errs.append("message text is empty")
                elif len(plain) > 4096:
                    errs.append(
                        f"message is too long ({len(plain)} characters after entity parsing, "
                        "max 4096)"
                    )
                ctx.text = (plain, ents)
            elif "rich_message" not in p:
                errs.append("message text is empty")
        caption = p.get("caption")
        if isinstance(caption, str) and "caption" in self.spec.methods[method].fields:
            plain, ents = self._parse(caption, pm, p.get("caption_entities"), errs, "caption")
            if len(plain) > 1024:
                errs.append(f"message caption is too long ({len(plain)} characters, max 1024)")
            ctx.caption = (plain, ents)
        if method == "answerCallbackQuery":
            text = p.get("text")
            if isinstance(text, str) and len(text) > 200:
                errs.append(
                    f"MESSAGE_TOO_LONG (callback answer text is {len(text)} characters, max 200)"
                )
        ids = p.get("message_ids")
        if isinstance(ids, list) and method in (
            "deleteMessages",
            "copyMessages",
            "forwardMessages",
        ):
            if not 1 <= len(ids) <= 100:
                errs.append(f"message_ids must contain 1-100 identifiers, got {len(ids)}")
            elif method != "deleteMessages" and any(b <= a for a, b in itertools.pairwise(ids)):
                errs.append("message_ids must be specified in a strictly increasing order")
        if method == "sendMediaGroup":
            media = p.get("media")
            if isinstance(media, list) and not 2 <= len(media) <= 10:
                errs.append(f"media must include 2-10 items, got {len(media)}")
        if method == "sendChatAction" and p.get("action") not in _CHAT_ACTIONS:
            errs.append(f"wrong parameter action in request: {p.get('action')!r}")
        if (
            method == "setMyCommands"
            and isinstance(p.get("commands"), list)
            and len(p["commands"]) > 100
        ):
            errs.append("at most 100 commands can be specified")
        if (
            method.startswith(("editMessage", "stopMessageLiveLocation"))
            and "inline_message_id" in self.spec.methods[method].fields
            and "inline_message_id" not in p
            and ("chat_id" not in p or "message_id" not in p)
        ):
            errs.append(
                "chat_id and message_id are required when inline_message_id is not specified"
            )
        return errs

    # ================================================================== helpers

    def _bot_for(self, token: str) -> JsonDict:
        bot = self._bots.get(token)
        if bot is None:
            m = _TOKEN_RE.match(token)
            bot_id = int(m.group(1)) if m else 0
            bot = {
                "id": bot_id,
                "is_bot": True,
                "first_name": self.bot_first_name,
                "username": self.bot_username,
            }
            self._bots[token] = bot
        self.bot_user = bot
        return bot

    def _resolve_chat(self, value: Any) -> _Chat:
        chat: _Chat | None
        if isinstance(value, int):
            chat = self._chats.get(value)
        else:
            s = str(value)
            if s.startswith("@"):
                cid = self._usernames.get(s[1:].lower())
                chat = self._chats.get(cid) if cid is not None else None
            else:
                try:
                    chat = self._chats.get(int(s))
                except ValueError:
                    chat = None
        if chat is None:
            raise _bad("chat not found")
        return chat

    def _check_blocked(self, chat: _Chat) -> None:
        if chat.type == "private" and chat.id in self._blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")

    def _flood(self, chat: _Chat, *, paid: bool = False) -> None:
        """Sliding-window limits, like Telegram's: a request is refused (429) when the
        last second (per chat: second; group: minute) already holds `limit` accepted
        requests, whatever their spacing. Refused requests do not count."""
        now = time.monotonic()
        checks: list[tuple[deque[float], int, float]] = []
        if paid and self.paid_per_second is not None:
            checks.append((self._flood_paid, self.paid_per_second, 1.0))
        elif not paid and self.overall_per_second is not None:
            checks.append((self._flood_all, self.overall_per_second, 1.0))
        if chat.type == "private":
            if self.per_chat_per_second is not None:
                checks.append(
                    (self._flood_chat.setdefault(chat.id, deque()), self.per_chat_per_second, 1.0)
                )
        elif self.group_per_minute is not None:
            checks.append(
                (self._flood_chat.setdefault(chat.id, deque()), self.group_per_minute, 60.0)
            )
        for dq, limit, window in checks:
            edge = now - window
            while dq and dq[0] <= edge:
                dq.popleft()
            if len(dq) >= limit:
                retry = max(1, math.ceil(dq[0] + window - now)) if dq else 1
                raise _ApiError(429, f"Too Many Requests: retry after {retry}", retry)
        for dq, _limit, _window in checks:
            dq.append(now)

    def _target(self, p: dict[str, Any], ctx: _Ctx, *, blocked: bool = True) -> _Chat:
        """Resolve chat_id, then apply the blocked-user and flood checks."""
        chat = self._resolve_chat(p["chat_id"])
        if blocked:
            self._check_blocked(chat)
        if ctx.method in self._message_methods:
            paid = p.get("allow_paid_broadcast") in (True, "true", "True")
            self._flood(chat, paid=paid)
            if paid:
                self.paid_messages += 1
        return chat

    def _get_message(self, chat: _Chat, message_id: int, missing: str) -> JsonDict:
        rec = chat.messages.get(message_id)
        if rec is None or rec["deleted"]:
            raise _bad(missing)
        return rec

    def _reply_target(self, chat: _Chat, p: dict[str, Any]) -> JsonDict | None:
        rp = p.get("reply_parameters")
        if not rp:
            return None
        target_chat = chat
        if rp.get("chat_id") is not None:
            target_chat = self._resolve_chat(rp["chat_id"])
        rec = target_chat.messages.get(int(rp["message_id"]))
        if rec is None or rec["deleted"]:
            if rp.get("allow_sending_without_reply") in (True, "true"):
                return None
            raise _bad("message to be replied not found")
        return rec

    def _new_file(
        self,
        kind: str,
        data: bytes | None = None,
        filename: str | None = None,
        mime: str | None = None,
        file_id: str | None = None,
    ) -> JsonDict:
        n = next(self._file_seq)
        fid = file_id or f"FAKE{kind[:3].upper()}{n:08d}AAQ"
        entry: JsonDict = {
            "file_id": fid,
            "file_unique_id": f"U{kind[:3]}{n:08d}",
            "file_size": len(data) if data else 1024,
            "file_path": f"{kind}s/file_{n}.{_EXT.get(kind, 'bin')}",
            "kind": kind,
            "data": data,
            "file_name": filename,
            "mime_type": mime or _MIME.get(kind),
        }
        self.files[fid] = entry
        return entry

    def _file_from_param(self, value: Any, kind: str, ctx: _Ctx) -> JsonDict:
        up: UploadedFile | None = None
        s = str(value)
        if isinstance(value, UploadedFile):
            up = value
        elif s.startswith("attach://"):
            up = ctx.attachments[s[9:]]
        if up is not None:
            mime = up.content_type
            if not mime or mime == "application/octet-stream":
                mime = None
            return self._new_file(kind, up.data, up.filename, mime)
        if s in self.files:
            return self.files[s]
        if s.startswith(("http://", "https://")):
            return self._new_file(kind, None, s.rsplit("/", 1)[-1] or None)
        return self._new_file(kind, None, file_id=s)  # an unknown file_id: accept and remember it

    def _photo_content(self, f: JsonDict) -> JsonDict:
        small_id = f["file_id"] + "-s"
        if small_id not in self.files:
            self.files[small_id] = {
                **f,
                "file_id": small_id,
                "file_unique_id": f["file_unique_id"] + "s",
                "file_path": f["file_path"] + ".s.jpg",
            }
        return {
            "photo": [
                {
                    "file_id": small_id,
                    "file_unique_id": f["file_unique_id"] + "s",
                    "width": 90,
                    "height": 90,
                    "file_size": min(f["file_size"], 1000),
                },
                {
                    "file_id": f["file_id"],
                    "file_unique_id": f["file_unique_id"],
                    "width": 1280,
                    "height": 720,
                    "file_size": f["file_size"],
                },
            ]
        }

    def _media_object(self, kind: str, f: JsonDict, p: dict[str, Any]) -> JsonDict:
        base: JsonDict = {
            "file_id": f["file_id"],
            "file_unique_id": f["file_unique_id"],
            "file_size": f["file_size"],
        }
        if kind == "photo":
            return self._photo_content(f)
        if kind in ("voice", "audio"):
            base["duration"] = int(p.get("duration") or 1)
            base["mime_type"] = f.get("mime_type") or _MIME[kind]
            if kind == "audio":
                for k in ("performer", "title"):
                    if p.get(k):
                        base[k] = p[k]
        elif kind == "document":
            base["file_name"] = f.get("file_name") or "document"
            base["mime_type"] = f.get("mime_type") or _MIME["document"]
        elif kind in ("video", "animation"):
            base.update(
                width=int(p.get("width") or 640),
                height=int(p.get("height") or 360),
                duration=int(p.get("duration") or 1),
                mime_type="video/mp4",
            )
        elif kind == "video_note":
            base.update(length=int(p.get("length") or 240), duration=int(p.get("duration") or 1))
        elif kind == "sticker":
            base.update(type="regular", width=512, height=512, is_animated=False, is_video=False)
            if p.get("emoji"):
                base["emoji"] = p["emoji"]
        return {kind: base}

    def _create_message(
        self,
        chat: _Chat,
        *,
        from_user: JsonDict,
        from_bot: bool,
        kind: str,
        text: str | None = None,
        entities: list[JsonDict] | None = None,
        raw_text: str | None = None,
        caption: str | None = None,
        caption_entities: list[JsonDict] | None = None,
        content: JsonDict | None = None,
        reply_markup: JsonDict | None = None,
        reply_to: JsonDict | None = None,
        protect_content: bool = False,
        disable_notification: bool = False,
        extra: JsonDict | None = None,
    ) -> JsonDict:
        mid = chat.next_id
        chat.next_id = mid + 1
        date = int(self.now())
        msg: JsonDict = {"message_id": mid, "from": from_user, "chat": chat.obj, "date": date}
        if reply_to is not None:
            reply_msg = reply_to["message"]
            msg["reply_to_message"] = (
                {k: v for k, v in reply_msg.items() if k != "reply_to_message"}
                if "reply_to_message" in reply_msg
                else reply_msg
            )
        if extra:
            msg.update(extra)
        if protect_content:
            msg["has_protected_content"] = True
        if text is not None:
            msg["text"] = text
            if entities:
                msg["entities"] = entities
        if content:
            msg.update(content)
        if caption:
            msg["caption"] = caption
            if caption_entities:
                msg["caption_entities"] = caption_entities
        if reply_markup and "inline_keyboard" in reply_markup:
            msg["reply_markup"] = reply_markup
        rec: JsonDict = {
            "message_id": mid,
            "chat_id": chat.id,
            "from_bot": from_bot,
            "from_user_id": from_user["id"],
            "kind": kind,
            "text": text,
            "raw_text": raw_text if raw_text is not None else text,
            "entities": entities or None,
            "caption": caption or None,
            "caption_entities": caption_entities or None,
            "content": content or {},
            "reply_markup": reply_markup,
            "protect_content": protect_content,
            "disable_notification": disable_notification,
            "date": date,
            "reply_to_message_id": reply_to["message_id"] if reply_to is not None else None,
            "edit_history": [],
            "edit_seq": 0,
            "deleted": False,
            "message": msg,
        }
        chat.messages[mid] = rec
        return rec

    def _bot_message(
        self,
        chat: _Chat,
        p: dict[str, Any],
        ctx: _Ctx,
        kind: str,
        *,
        content: JsonDict | None = None,
        text: tuple[str, list[JsonDict]] | None = None,
        raw_text: str | None = None,
        reply_to: JsonDict | None = None,
        extra: JsonDict | None = None,
    ) -> JsonDict:
        cap = ctx.caption
        return self._create_message(
            chat,
            from_user=ctx.bot,
            from_bot=True,
            kind=kind,
            text=text[0] if text else None,
            entities=text[1] if text else None,
            raw_text=raw_text,
            caption=cap[0] if cap else None,
            caption_entities=cap[1] if cap else None,
            content=content,
            reply_markup=p.get("reply_markup"),
            reply_to=reply_to,
            protect_content=bool(p.get("protect_content", False)),
            disable_notification=bool(p.get("disable_notification", False)),
            extra=extra,
        )

    def _synthesize(self, t: TypeExpr, depth: int = 0, top: bool = False) -> Any:
        kind = t[0]
        if kind == "P":
            return {"Integer": 0, "Float": 0.0, "Boolean": top, "String": ""}.get(t[1], "")
        if kind == "A":
            return []
        ospec = self.spec.types[t[1]]
        if kind == "U":
            return self._synthesize(ospec.subtypes[0], depth + 1)
        if kind == "X" or depth > 6:
            return {}
        obj: JsonDict = {}
        for name in ospec.required:
            obj[name] = self._synthesize(ospec.fields[name].types[0], depth + 1)
        obj.update(ospec.consts)
        return obj

    def _synth_object(self, type_name: str, **overrides: Any) -> JsonDict:
        obj = self._synthesize(("O", type_name))
        obj.update(overrides)
        return obj

    # ================================================================== updates

    @staticmethod
    def _update_allowed(upd: JsonDict, allowed: frozenset[str] | None) -> bool:
        for k in upd:
            if k != "update_id":
                return k in allowed if allowed is not None else k not in _NOT_DEFAULT_UPDATES
        return True

    def _collect(self, limit: int) -> list[JsonDict]:
        allowed = self._allowed_updates
        out: list[JsonDict] = []
        for upd in self._updates:
            if self._update_allowed(upd, allowed):
                out.append(upd)
                if len(out) >= limit:
                    break
        if out:
            self._last_delivered_id = max(self._last_delivered_id, out[-1]["update_id"])
        return out

    def _apply_offset(self, offset: int | None) -> None:
        if not offset:
            return
        q = self._updates
        if offset > 0:
            while q and q[0]["update_id"] < offset:
                q.popleft()
            self.confirmed_offset = max(self.confirmed_offset, offset)
        else:
            keep = -offset
            while len(q) > keep:
                q.popleft()

    async def _m_get_updates(self, p: dict[str, Any], request: web.Request) -> list[JsonDict]:
        if self.webhook.get("url"):
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if "allowed_updates" in p:
            au = p["allowed_updates"]
            self._allowed_updates = frozenset(au) if au else None
        self._apply_offset(p.get("offset"))
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        timeout = max(float(p.get("timeout") or 0), 0.0)
        self._poll_generation += 1
        generation = self._poll_generation
        if self._update_waiters:  # terminate the previous long poll (409), like Telegram does
            self._wake(self._update_waiters)
            self._update_waiters = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = self._collect(limit)
            if result or self._stopping:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return result
            fut: asyncio.Future[None] = loop.create_future()
            self._update_waiters.append(fut)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(fut, remaining)
            if self._poll_generation != generation:
                transport = request.transport
                if transport is None or transport.is_closing():
                    return []  # the client already gave up on this poll: nobody to tell
                raise _ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    # ================================================================== simple methods

    def _m_true(self, p: dict[str, Any], ctx: _Ctx) -> bool:
        return True

    def _m_generic(self, p: dict[str, Any], ctx: _Ctx) -> Any:
        """Any other spec-valid method: Boolean -> true, Array -> [], Message -> a generic message,
        other objects -> an object with the spec's required fields filled with defaults."""
        mspec = self.spec.methods[ctx.method]
        chat = None
        if "chat_id" in p and "chat_id" in mspec.fields:
            chat = self._target(p, ctx, blocked=ctx.method in self._message_methods)
        if "Boolean" in mspec.return_names:
            return True
        if mspec.return_names == ("Message",) and chat is not None:
            kind = (
                re.sub(r"(?<!^)(?=[A-Z])", "_", ctx.method[4:]).lower()
                if ctx.method.startswith("send")
                else "other"
            )
            return self._bot_message(chat, p, ctx, kind, reply_to=self._reply_target(chat, p))[
                "message"
            ]
        return self._synthesize(mspec.returns[0], top=True)

    def _m_get_me(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict:
        return {
            **ctx.bot,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_set_webhook(self, p: dict[str, Any], ctx: _Ctx) -> bool:
        self.webhook = dict(p)
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _m_delete_webhook(self, p: dict[str, Any], ctx: _Ctx) -> bool:
        self.webhook = {"url": ""}
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _m_get_webhook_info(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook.get("allowed_updates"):
            info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    @staticmethod
    def _commands_key(p: dict[str, Any]) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), p.get("language_code") or ""

    def _m_set_my_commands(self, p: dict[str, Any], ctx: _Ctx) -> bool:
        self.commands[self._commands_key(p)] = list(p["commands"])
        return True

    def _m_delete_my_commands(self, p: dict[str, Any], ctx: _Ctx) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    def _m_get_my_commands(self, p: dict[str, Any], ctx: _Ctx) -> list[JsonDict]:
        return self.commands.get(self._commands_key(p), [])

    def _m_set_chat_menu_button(self, p: dict[str, Any], ctx: _Ctx) -> bool:
        chat_id = None
        if "chat_id" in p:
            chat_id = self._resolve_chat(p["chat_id"]).id
        self.menu_buttons[chat_id] = p.get("menu_button") or {"type": "default"}
        return True

    def _m_get_chat_menu_button(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict:
        chat_id = self._resolve_chat(p["chat_id"]).id if "chat_id" in p else None
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "commands"}

    def _m_get_chat(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict:
        chat = self._resolve_chat(p["chat_id"])
        info = self._synth_object("ChatFullInfo", **chat.obj)
        info["max_reaction_count"] = 11
        return info

    def _m_get_chat_member(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict:
        chat = self._resolve_chat(p["chat_id"])
        user_id = p["user_id"]
        if user_id == ctx.bot["id"]:
            user = ctx.bot
            default = "administrator" if chat.bot_is_admin else "member"
        else:
            known = self.users.get(user_id)
            if known is None:
                raise _bad("user not found")
            user = known
            default = "member"
        status = self._member_status.get((chat.id, user_id), default)
        member = self._synth_object(_MEMBER_TYPES[status], user=user)
        if status == "administrator" and user is ctx.bot:
            member["can_delete_messages"] = True
        return member

    def _m_get_file(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict:
        f = self.files.get(p["file_id"])
        if f is None:
            raise _bad("invalid file_id")
        return {
            "file_id": f["file_id"],
            "file_unique_id": f["file_unique_id"],
            "file_size": f["file_size"],
            "file_path": f["file_path"],
        }

    # ================================================================== sending

    def _m_send_message(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict:
        chat = self._target(p, ctx)
        reply_to = self._reply_target(chat, p)
        return self._bot_message(
            chat, p, ctx, "text", text=ctx.text, raw_text=p["text"], reply_to=reply_to
        )["message"]

    def _m_send_media(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict:
        chat = self._target(p, ctx)
        reply_to = self._reply_target(chat, p)
        param, kind = _MEDIA_METHODS[ctx.method]
        f = self._file_from_param(p[param], kind, ctx)
        return self._bot_message(
            chat, p, ctx, kind, content=self._media_object(kind, f, p), reply_to=reply_to
        )["message"]

    def _m_send_contact(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict:
        chat = self._target(p, ctx)
        reply_to = self._reply_target(chat, p)
        contact = {k: p[k] for k in ("phone_number", "first_name", "last_name", "vcard") if k in p}
        return self._bot_message(
            chat, p, ctx, "contact", content={"contact": contact}, reply_to=reply_to
        )["message"]

    def _m_send_location(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict:
        chat = self._target(p, ctx)
        reply_to = self._reply_target(chat, p)
        loc = {"latitude": float(p["latitude"]), "longitude": float(p["longitude"])}
        return self._bot_message(
            chat, p, ctx, "location", content={"location": loc}, reply_to=reply_to
        )["message"]

    def _m_send_venue(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict:
        chat = self._target(p, ctx)
        reply_to = self._reply_target(chat, p)
        venue = {
            "location": {"latitude": float(p["latitude"]), "longitude": float(p["longitude"])},
            "title": p["title"],
            "address": p["address"],
        }
        return self._bot_message(
            chat, p, ctx, "venue", content={"venue": venue}, reply_to=reply_to
        )["message"]

    def _m_send_dice(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict:
        chat = self._target(p, ctx)
        reply_to = self._reply_target(chat, p)
        dice = {"emoji": p.get("emoji") or "🎲", "value": random.randint(1, 6)}
        return self._bot_message(chat, p, ctx, "dice", content={"dice": dice}, reply_to=reply_to)[
            "message"
        ]

    def _m_send_media_group(self, p: dict[str, Any], ctx: _Ctx) -> list[JsonDict]:
        chat = self._target(p, ctx)
        reply_to = self._reply_target(chat, p)
        group_id = str(10_000_000 + next(self._file_seq))
        out = []
        for item in p["media"]:
            kind = item["type"]
            f = self._file_from_param(item["media"], kind, ctx)
            caption = None
            if item.get("caption"):
                caption = parse_text(item["caption"], item.get("parse_mode"))
            rec = self._create_message(
                chat,
                from_user=ctx.bot,
                from_bot=True,
                kind=kind,
                caption=caption[0] if caption else None,
                caption_entities=(
                    item.get("caption_entities") or (caption[1] if caption else None)
                ),
                content=self._media_object(kind, f, item),
                reply_to=reply_to,
                protect_content=bool(p.get("protect_content", False)),
                disable_notification=bool(p.get("disable_notification", False)),
                extra={"media_group_id": group_id},
            )
            out.append(rec["message"])
        return out

    def _m_send_chat_action(self, p: dict[str, Any], ctx: _Ctx) -> bool:
        self._target(p, ctx)
        return True

    # ------------------------------------------------------------------ copy / forward

    def _copy_one(
        self,
        src: JsonDict,
        chat: _Chat,
        p: dict[str, Any],
        ctx: _Ctx,
        reply_to: JsonDict | None,
        forward: bool,
    ) -> JsonDict:
        if src["protect_content"]:
            raise _bad("message has protected content and can't be forwarded")
        caption, caption_entities = src["caption"], src["caption_entities"]
        if not forward:
            if ctx.caption is not None:
                caption, caption_entities = ctx.caption
            elif p.get("remove_caption"):
                caption, caption_entities = None, None
        extra = None
        if forward:
            sender = self.users.get(src["from_user_id"]) or ctx.bot
            extra = {"forward_origin": {"type": "user", "date": src["date"], "sender_user": sender}}
        return self._create_message(
            chat,
            from_user=ctx.bot,
            from_bot=True,
            kind=src["kind"],
            text=src["text"],
            entities=src["entities"],
            raw_text=src["raw_text"],
            caption=caption,
            caption_entities=caption_entities,
            content=src["content"],
            reply_markup=None if forward else p.get("reply_markup"),
            reply_to=reply_to,
            protect_content=bool(p.get("protect_content", False)),
            disable_notification=bool(p.get("disable_notification", False)),
            extra=extra,
        )

    def _m_copy_message(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict:
        src_chat = self._resolve_chat(p["from_chat_id"])
        chat = self._target(p, ctx)
        src = self._get_message(src_chat, p["message_id"], "message to copy not found")
        reply_to = self._reply_target(chat, p)
        return {"message_id": self._copy_one(src, chat, p, ctx, reply_to, False)["message_id"]}

    def _m_forward_message(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict:
        src_chat = self._resolve_chat(p["from_chat_id"])
        chat = self._target(p, ctx)
        src = self._get_message(src_chat, p["message_id"], "message to forward not found")
        return self._copy_one(src, chat, p, ctx, None, True)["message"]

    def _copy_many(self, p: dict[str, Any], ctx: _Ctx, forward: bool) -> list[JsonDict]:
        src_chat = self._resolve_chat(p["from_chat_id"])
        chat = self._target(p, ctx)
        srcs = [
            r
            for mid in p["message_ids"]
            if (r := src_chat.messages.get(mid)) is not None and not r["deleted"]
        ]
        if not srcs:
            raise _bad("message to forward not found" if forward else "message to copy not found")
        q = dict(p)
        q.pop("reply_markup", None)
        return [
            {"message_id": self._copy_one(s, chat, q, ctx, None, forward)["message_id"]}
            for s in srcs
        ]

    def _m_copy_messages(self, p: dict[str, Any], ctx: _Ctx) -> list[JsonDict]:
        return self._copy_many(p, ctx, False)

    def _m_forward_messages(self, p: dict[str, Any], ctx: _Ctx) -> list[JsonDict]:
        return self._copy_many(p, ctx, True)

    # ------------------------------------------------------------------ editing

    def _edit_target(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict | None:
        if "inline_message_id" in p:
            return None
        chat = self._target(p, ctx)
        rec = self._get_message(chat, p["message_id"], "message to edit not found")
        if not rec["from_bot"]:
            raise _bad("message can't be edited")
        return rec

    def _apply_edit(self, rec: JsonDict, changes: JsonDict, markup: JsonDict | None) -> JsonDict:
        rec["edit_history"].append(
            {
                "date": int(self.now()),
                "text": rec["text"],
                "entities": rec["entities"],
                "caption": rec["caption"],
                "caption_entities": rec["caption_entities"],
                "reply_markup": rec["reply_markup"],
            }
        )
        msg = rec["message"]
        for key, value in changes.items():
            rec[key] = value
            if key == "raw_text":
                continue
            if value:
                msg[key] = value
            else:
                msg.pop(key, None)
        rec["reply_markup"] = markup
        if markup and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)
        msg["edit_date"] = int(self.now())
        rec["edit_seq"] = next(self._seq)
        return msg

    def _m_edit_message_text(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict | bool:
        rec = self._edit_target(p, ctx)
        if rec is None:
            return True
        if rec["kind"] != "text":
            raise _bad("there is no text in the message to edit")
        assert ctx.text is not None
        text, entities = ctx.text
        markup = p.get("reply_markup")
        if (
            text == rec["text"]
            and (entities or None) == rec["entities"]
            and _inline(markup) == _inline(rec["reply_markup"])
        ):
            raise _ApiError(400, _NOT_MODIFIED)
        return self._apply_edit(
            rec, {"text": text, "entities": entities or None, "raw_text": p["text"]}, markup
        )

    def _m_edit_message_caption(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict | bool:
        rec = self._edit_target(p, ctx)
        if rec is None:
            return True
        if rec["kind"] in ("text", "sticker", "contact", "location", "venue", "dice"):
            raise _bad("there is no caption in the message to edit")
        caption, entities = ctx.caption if ctx.caption is not None else (None, None)
        markup = p.get("reply_markup")
        if (
            (caption or None) == rec["caption"]
            and (entities or None) == rec["caption_entities"]
            and _inline(markup) == _inline(rec["reply_markup"])
        ):
            raise _ApiError(400, _NOT_MODIFIED)
        return self._apply_edit(
            rec, {"caption": caption or None, "caption_entities": entities or None}, markup
        )

    def _m_edit_message_reply_markup(self, p: dict[str, Any], ctx: _Ctx) -> JsonDict | bool:
        rec = self._edit_target(p, ctx)
        if rec is None:
            return True
        markup = p.get("reply_markup")
        if _inline(markup) == _inline(rec["reply_markup"]):
            raise _ApiError(400, _NOT_MODIFIED)
        return self._apply_edit(rec, {}, markup)

    # ------------------------------------------------------------------ deleting

    def _deletable(self, chat: _Chat, rec: JsonDict) -> bool:
        if chat.type != "private" and not rec["from_bot"] and not chat.bot_is_admin:
            return False
        return self.now() - rec["date"] <= _MAX_DELETE_AGE

    def _m_delete_message(self, p: dict[str, Any], ctx: _Ctx) -> bool:
        chat = self._target(p, ctx, blocked=False)
        rec = self._get_message(chat, p["message_id"], "message to delete not found")
        if not self._deletable(chat, rec):
            raise _bad("message can't be deleted")
        rec["deleted"] = True
        return True

    def _m_delete_messages(self, p: dict[str, Any], ctx: _Ctx) -> bool:
        chat = self._target(p, ctx, blocked=False)
        found = deleted = 0
        for mid in p["message_ids"]:
            rec = chat.messages.get(mid)
            if rec is None or rec["deleted"]:
                continue
            found += 1
            if self._deletable(chat, rec):
                rec["deleted"] = True
                deleted += 1
        if not found:
            raise _bad("message to delete not found")
        if not deleted:
            raise _bad("message can't be deleted")
        return True

    # ------------------------------------------------------------------ misc

    def _m_answer_callback_query(self, p: dict[str, Any], ctx: _Ctx) -> bool:
        qid = p["callback_query_id"]
        if qid not in self._queries or qid in self._answered:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        self._answered.add(qid)
        self.callback_answers[qid] = p
        return True

    def _m_pin_chat_message(self, p: dict[str, Any], ctx: _Ctx) -> bool:
        chat = self._target(p, ctx, blocked=False)
        rec = self._get_message(chat, p["message_id"], "message to pin not found")
        chat.pinned.append(rec["message_id"])
        rec["pinned"] = True
        return True

    def _m_unpin_chat_message(self, p: dict[str, Any], ctx: _Ctx) -> bool:
        chat = self._target(p, ctx, blocked=False)
        mid = p.get("message_id") or (chat.pinned[-1] if chat.pinned else None)
        if mid is not None and mid in chat.pinned:
            chat.pinned.remove(mid)
            rec = chat.messages.get(mid)
            if rec is not None:
                rec["pinned"] = False
        return True
