"""Forum topics and the move of a group to a supergroup, as Telegram does them.

Topics (``createForumTopic``, ``editForumTopic``, ``closeForumTopic``,
``reopenForumTopic``, ``deleteForumTopic``) live in supergroups with topics enabled
(``add_group(..., is_forum=True)``). Creating one posts its ``forum_topic_created``
service message, whose message id is the topic's ``message_thread_id``; every message
in a topic carries ``message_thread_id`` and ``is_topic_message``, and one that replies
to nothing explicitly replies to that service message (as Telegram shows it). A send
names its topic with ``message_thread_id``, or inherits the topic of the message it
replies to; an unknown or deleted topic is refused with "message thread not found".

Closed topics: Telegram's apps let administrators with "Manage topics" write in a
closed topic, but the Bot API does not document whether a bot may. The stand-in takes
the conservative reading: every send into a closed topic is refused with
``TOPIC_CLOSED``, whatever the bot's rights, so a bot tested here never relies on it.
Edits of messages already in a closed topic are allowed.

Group → supergroup: `migrate` moves a group to a new supergroup id; the old chat gets a
``migrate_to_chat_id`` service message and the new one ``migrate_from_chat_id``, and any
later call naming the old id is refused with "group chat was upgraded to a supergroup
chat" and ``parameters.migrate_to_chat_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .chats import Chat, ChatStore, Message
from .common import Ctx, Handler, JsonDict, bad
from .spec import ApiSpec

DEFAULT_ICON_COLOR = 0x6FB9F0
ICON_COLORS = frozenset({0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F})
NOT_FOUND = "message thread not found"
CLOSED = "TOPIC_CLOSED"
NOT_MODIFIED = "TOPIC_NOT_MODIFIED"


@dataclass(slots=True)
class Topic:
    message_thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False
    deleted: bool = False

    def as_api(self) -> JsonDict:
        obj: JsonDict = {
            "message_thread_id": self.message_thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            obj["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return obj


class Forum:
    """The topics of each forum supergroup, and what the bot may do with them."""

    def __init__(self, spec: ApiSpec, chats: ChatStore) -> None:
        self._spec = spec
        self._chats = chats
        self.topics: dict[int, dict[int, Topic]] = {}
        # chat id -> whether the bot is an administrator with can_manage_topics
        self.bot_can_manage: dict[int, bool] = {}

    def routes(self) -> dict[str, Handler]:
        return {
            "createForumTopic": self.create_topic,
            "editForumTopic": self.edit_topic,
            "closeForumTopic": self.close_topic,
            "reopenForumTopic": self.reopen_topic,
            "deleteForumTopic": self.delete_topic,
        }

    # ------------------------------------------------------------------ set-up

    def enable(self, chat: Chat, bot_can_manage_topics: bool) -> None:
        """Turn topics on in a supergroup."""
        if chat.type != "supergroup":
            raise ValueError("only supergroups can have topics")
        chat.obj["is_forum"] = True
        self.topics.setdefault(chat.id, {})
        self.bot_can_manage[chat.id] = bot_can_manage_topics
        if bot_can_manage_topics:
            chat.bot_is_admin = True

    def is_forum(self, chat: Chat) -> bool:
        return chat.id in self.topics

    def member_rights(self, chat: Chat, member: JsonDict) -> None:
        """getChatMember of the bot, administrator in a forum: its topics right."""
        if self.is_forum(chat) and member.get("status") == "administrator":
            member["can_manage_topics"] = self.bot_can_manage.get(chat.id, False)

    # ------------------------------------------------------------------ messages in topics

    def _topic(self, chat: Chat, thread_id: int) -> Topic:
        topic = self.topics.get(chat.id, {}).get(thread_id)
        if topic is None or topic.deleted:
            raise bad(NOT_FOUND)
        return topic

    def thread_of_send(self, chat: Chat, p: dict[str, Any]) -> int | None:
        """The topic a send goes to (None: no topic), or Telegram's refusal."""
        explicit = p.get("message_thread_id")
        if explicit is None:
            thread = self._thread_of_reply(chat, p.get("reply_parameters"))
            if thread is None:
                return None
        else:
            if not self.is_forum(chat):
                raise bad(NOT_FOUND)
            thread = int(explicit)
        if self._topic(chat, thread).closed:
            raise bad(CLOSED)
        return thread

    def _thread_of_reply(self, chat: Chat, rp: JsonDict | None) -> int | None:
        """A reply goes to the topic of the message it replies to."""
        if not rp or not self.is_forum(chat):
            return None
        if rp.get("chat_id") is not None and self._chats.resolve(rp["chat_id"]) is not chat:
            return None
        rec = chat.messages.get(int(rp["message_id"]))
        if rec is None or rec["deleted"]:
            return None
        return thread_of_record(rec)

    def thread_of_inbound(
        self, chat: Chat, thread_id: int | None, reply_to: JsonDict | None
    ) -> int | None:
        """The topic of a user's message (a test's ``thread_id``, or its reply's topic)."""
        if reply_to is not None:
            return thread_of_record(reply_to)
        if thread_id is None:
            return None
        topic = self.topics.get(chat.id, {}).get(thread_id)
        if topic is None or topic.deleted:
            raise AssertionError(f"chat {chat.id} has no topic {thread_id}")
        return thread_id

    def place(self, chat: Chat, thread: int | None, message: Message) -> None:
        """Put a new message in its topic: the topic's fields, and (with no explicit
        reply) a reply to the topic's creation message, as Telegram shows it."""
        if thread is None:
            return
        message.extra = {**(message.extra or {}), **_topic_fields(thread)}
        if message.reply_to is None:
            created = chat.messages.get(thread)
            if created is not None and not created["deleted"]:
                message.reply_to = created

    # ------------------------------------------------------------------ the methods

    def _managed(self, p: dict[str, Any], right: str = "manage topics") -> Chat:
        chat = self._chats.resolve(p["chat_id"])
        if not self.is_forum(chat):
            raise bad("the chat is not a forum")
        if not self.bot_can_manage.get(chat.id, False):
            raise bad(f"not enough rights to {right}")
        return chat

    def _service(self, chat: Chat, ctx: Ctx, thread: int | None, kind: str, body: Any) -> JsonDict:
        message = Message(content={kind: body})
        if thread is not None:
            message.extra = _topic_fields(thread)
            created = chat.messages.get(thread)
            if created is not None and not created["deleted"]:
                message.reply_to = created
        return self._chats.create(chat, ctx.bot, True, kind, message)

    def create_topic(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        chat = self._managed(p, "create a topic")
        name = str(p["name"])
        if not 1 <= len(name) <= 128:
            raise bad("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_TOO_LONG")
        color = int(p.get("icon_color") or DEFAULT_ICON_COLOR)
        if color not in ICON_COLORS:
            raise bad("TOPIC_COLOR_INVALID")
        created = self._spec.example("ForumTopicCreated", name=name, icon_color=color)
        emoji = p.get("icon_custom_emoji_id")
        if emoji:
            created["icon_custom_emoji_id"] = emoji
        rec = self._service(chat, ctx, None, "forum_topic_created", created)
        thread = rec["message_id"]
        rec["message"].update(_topic_fields(thread))
        topic = Topic(thread, name, color, emoji or None)
        self.topics[chat.id][thread] = topic
        return topic.as_api()

    def edit_topic(self, p: dict[str, Any], ctx: Ctx) -> bool:
        chat = self._managed(p)
        topic = self._topic(chat, int(p["message_thread_id"]))
        changes: JsonDict = {}
        if p.get("name") is not None and p["name"] != topic.name:
            if not 1 <= len(p["name"]) <= 128:
                raise bad("TOPIC_TITLE_TOO_LONG")
            topic.name = changes["name"] = p["name"]
        emoji = p.get("icon_custom_emoji_id")
        if emoji is not None and (emoji or None) != topic.icon_custom_emoji_id:
            topic.icon_custom_emoji_id = emoji or None
            changes["icon_custom_emoji_id"] = emoji
        if not changes:
            raise bad(NOT_MODIFIED)
        self._service(chat, ctx, topic.message_thread_id, "forum_topic_edited", changes)
        return True

    def close_topic(self, p: dict[str, Any], ctx: Ctx) -> bool:
        return self._set_closed(p, ctx, True)

    def reopen_topic(self, p: dict[str, Any], ctx: Ctx) -> bool:
        return self._set_closed(p, ctx, False)

    def _set_closed(self, p: dict[str, Any], ctx: Ctx, closed: bool) -> bool:
        chat = self._managed(p)
        topic = self._topic(chat, int(p["message_thread_id"]))
        if topic.closed == closed:
            raise bad(NOT_MODIFIED)
        topic.closed = closed
        kind = "forum_topic_closed" if closed else "forum_topic_reopened"
        self._service(chat, ctx, topic.message_thread_id, kind, {})
        return True

    def delete_topic(self, p: dict[str, Any], ctx: Ctx) -> bool:
        chat = self._managed(p, "delete messages")
        self.delete_by_hand(chat, int(p["message_thread_id"]))
        return True

    def delete_by_hand(self, chat: Chat, thread_id: int) -> None:
        """Delete a topic and all its messages (the method, or someone in the app)."""
        topic = self._topic(chat, thread_id)
        topic.deleted = True
        for rec in chat.messages.values():
            if thread_of_record(rec) == thread_id:
                rec["deleted"] = True


def thread_of_record(rec: JsonDict) -> int | None:
    message = rec["message"]
    return message.get("message_thread_id") if message.get("is_topic_message") else None


def _topic_fields(thread: int) -> JsonDict:
    return {"message_thread_id": thread, "is_topic_message": True}


# ---------------------------------------------------------------------- group -> supergroup


def migrate(chats: ChatStore, old_id: int, new_id: int, by: JsonDict) -> tuple[JsonDict, JsonDict]:
    """Move group ``old_id`` to a new supergroup ``new_id``; returns the two service
    messages (in the old chat, in the new one)."""
    old = chats.chats.get(old_id)
    if old is None or old.type != "group":
        raise AssertionError(f"chat {old_id} is not a group")
    if new_id in chats.chats:
        raise AssertionError(f"chat {new_id} already exists")
    chats.add_group(new_id, old.obj["title"], "supergroup", None, old.bot_is_admin)
    for (chat_id, user_id), status in list(chats.member_status.items()):
        if chat_id == old_id:
            chats.member_status[(new_id, user_id)] = status
    moved_to = chats.create(
        old, by, False, "migrate_to_chat_id", Message(content={"migrate_to_chat_id": new_id})
    )
    old.migrated_to = new_id
    new = chats.chats[new_id]
    moved_from = chats.create(
        new, by, False, "migrate_from_chat_id", Message(content={"migrate_from_chat_id": old_id})
    )
    return moved_to["message"], moved_from["message"]
