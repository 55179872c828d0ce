"""The world the bot talks to: users, chats, members, the messages of each chat with their
edits and deletions, and the callback queries pressed on them."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .common import ApiError, JsonDict, bad

MAX_DELETE_AGE = 48 * 3600
MEMBER_TYPES = {
    "creator": "ChatMemberOwner",
    "administrator": "ChatMemberAdministrator",
    "member": "ChatMemberMember",
    "restricted": "ChatMemberRestricted",
    "left": "ChatMemberLeft",
    "kicked": "ChatMemberBanned",
}


@dataclass(slots=True)
class Chat:
    id: int
    type: str
    obj: JsonDict  # API Chat object (shared by all messages of the chat)
    messages: dict[int, JsonDict] = field(default_factory=dict)
    next_id: int = 1
    last_user_action: int = 0  # highest message_id at the last user action in this chat
    last_user_seq: int = 0  # value of ChatStore.seq at the last user action in this chat
    bot_is_admin: bool = False
    username: str | None = None
    pinned: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Message:
    """What a new message holds, beyond its chat, its sender and its kind."""

    text: str | None = None
    entities: list[JsonDict] | None = None
    raw_text: str | None = None
    caption: str | None = None
    caption_entities: list[JsonDict] | None = None
    content: JsonDict | None = None
    reply_markup: JsonDict | None = None
    reply_to: JsonDict | None = None
    protect_content: bool = False
    disable_notification: bool = False
    extra: JsonDict | None = None


class ChatStore:
    """Users, chats and their messages, as Telegram keeps them."""

    def __init__(self, now: Callable[[], float]) -> None:
        self.now = now
        self.users: dict[int, JsonDict] = {}
        self.chats: dict[int, Chat] = {}
        self.blocked: set[int] = set()
        self.member_status: dict[tuple[int, int], str] = {}
        self.queries: dict[str, JsonDict] = {}
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self._usernames: dict[str, int] = {}
        self._answered: set[str] = set()
        self._query_seq = itertools.count(1)
        self.seq = itertools.count(1)  # orders user actions and edits

    # ------------------------------------------------------------------ users and chats

    def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> JsonDict:
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
        chat = self.chats.get(user_id)
        if chat is None:
            self.chats[user_id] = Chat(id=user_id, type="private", obj=chat_obj, username=username)
        else:
            chat.obj.clear()
            chat.obj.update(chat_obj)
        return user

    def add_group(
        self, chat_id: int, title: str, type: str, username: str | None, bot_is_admin: bool
    ) -> JsonDict:
        if type not in ("group", "supergroup", "channel"):
            raise ValueError(f"bad group type {type!r}")
        obj: JsonDict = {"id": chat_id, "type": type, "title": title}
        if username is not None:
            obj["username"] = username
            self._usernames[username.lower()] = chat_id
        self.chats[chat_id] = Chat(
            id=chat_id, type=type, obj=obj, bot_is_admin=bot_is_admin, username=username
        )
        return obj

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        if status not in MEMBER_TYPES:
            raise ValueError(f"unknown status {status!r}")
        self.member_status[(chat_id, user_id)] = status

    def resolve(self, value: Any) -> Chat:
        """The chat a ``chat_id`` parameter names (an id or an @username)."""
        chat: Chat | None
        if isinstance(value, int):
            chat = self.chats.get(value)
        else:
            s = str(value)
            if s.startswith("@"):
                cid = self._usernames.get(s[1:].lower())
                chat = self.chats.get(cid) if cid is not None else None
            else:
                try:
                    chat = self.chats.get(int(s))
                except ValueError:
                    chat = None
        if chat is None:
            raise bad("chat not found")
        return chat

    def check_blocked(self, chat: Chat) -> None:
        if chat.type == "private" and chat.id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    # ------------------------------------------------------------------ messages

    def create(
        self, chat: Chat, from_user: JsonDict, from_bot: bool, kind: str, m: Message
    ) -> JsonDict:
        """Add a message to ``chat``; returns its record (the API Message is ``["message"]``)."""
        mid = chat.next_id
        chat.next_id = mid + 1
        date = int(self.now())
        msg: JsonDict = {"message_id": mid, "from": from_user, "chat": chat.obj, "date": date}
        if m.reply_to is not None:
            reply_msg = m.reply_to["message"]
            msg["reply_to_message"] = (
                {k: v for k, v in reply_msg.items() if k != "reply_to_message"}
                if "reply_to_message" in reply_msg
                else reply_msg
            )
        if m.extra:
            msg.update(m.extra)
        if m.protect_content:
            msg["has_protected_content"] = True
        if m.text is not None:
            msg["text"] = m.text
            if m.entities:
                msg["entities"] = m.entities
        if m.content:
            msg.update(m.content)
        if m.caption:
            msg["caption"] = m.caption
            if m.caption_entities:
                msg["caption_entities"] = m.caption_entities
        if m.reply_markup and "inline_keyboard" in m.reply_markup:
            msg["reply_markup"] = m.reply_markup
        rec: JsonDict = {
            "message_id": mid,
            "chat_id": chat.id,
            "from_bot": from_bot,
            "from_user_id": from_user["id"],
            "kind": kind,
            "text": m.text,
            "raw_text": m.raw_text if m.raw_text is not None else m.text,
            "entities": m.entities or None,
            "caption": m.caption or None,
            "caption_entities": m.caption_entities or None,
            "content": m.content or {},
            "reply_markup": m.reply_markup,
            "protect_content": m.protect_content,
            "disable_notification": m.disable_notification,
            "date": date,
            "reply_to_message_id": m.reply_to["message_id"] if m.reply_to is not None else None,
            "edit_history": [],
            "edit_seq": 0,
            "deleted": False,
            "message": msg,
        }
        chat.messages[mid] = rec
        return rec

    def get_message(self, chat: Chat, message_id: int, missing: str) -> JsonDict:
        rec = chat.messages.get(message_id)
        if rec is None or rec["deleted"]:
            raise bad(missing)
        return rec

    def reply_target(self, chat: Chat, p: dict[str, Any]) -> JsonDict | None:
        """The message ``reply_parameters`` points at (None when there is none)."""
        rp = p.get("reply_parameters")
        if not rp:
            return None
        target_chat = chat
        if rp.get("chat_id") is not None:
            target_chat = self.resolve(rp["chat_id"])
        rec = target_chat.messages.get(int(rp["message_id"]))
        if rec is None or rec["deleted"]:
            if rp.get("allow_sending_without_reply") in (True, "true"):
                return None
            raise bad("message to be replied not found")
        return rec

    def apply_edit(self, rec: JsonDict, changes: JsonDict, markup: JsonDict | None) -> JsonDict:
        """Edit a message record, keeping its previous state in ``edit_history``."""
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
        rec["edit_seq"] = next(self.seq)
        return msg

    def deletable(self, chat: Chat, rec: JsonDict) -> bool:
        if chat.type != "private" and not rec["from_bot"] and not chat.bot_is_admin:
            return False
        return self.now() - rec["date"] <= MAX_DELETE_AGE

    def user_acted(self, chat: Chat, message_id: int) -> None:
        """Mark the last user action in ``chat``: the waiting helpers look after it."""
        chat.last_user_action = message_id
        chat.last_user_seq = next(self.seq)

    # ------------------------------------------------------------------ callback queries

    def new_query(self, user: JsonDict, chat: Chat, rec: JsonDict, data: str) -> JsonDict:
        qid = str(4_000_000_000_000 + next(self._query_seq))
        query: JsonDict = {
            "id": qid,
            "from": user,
            "message": dict(rec["message"]),  # snapshot of the message as it currently is
            "chat_instance": str(abs(chat.id) * 7919 + 31337),
            "data": data,
        }
        self.queries[qid] = query
        return query

    def answer_query(self, p: dict[str, Any]) -> None:
        qid = p["callback_query_id"]
        if qid not in self.queries or qid in self._answered:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        self._answered.add(qid)
        self.callback_answers[qid] = p

    # ------------------------------------------------------------------ reading

    def records(self, chat_id: int) -> list[JsonDict]:
        chat = self.chats.get(chat_id)
        return list(chat.messages.values()) if chat else []

    def dump(self, chat_id: int, last: int) -> str:
        chat = self.chats.get(chat_id)
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
