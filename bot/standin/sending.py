"""The Bot API methods that put messages in chats: send*, copy and forward, and any other
spec-valid method (answered with a minimal valid result)."""

from __future__ import annotations

import random
import re
from typing import Any

from .chats import Chat, ChatStore, Message
from .common import Ctx, Handler, JsonDict, bad
from .files import FileStore
from .limits import Limits
from .markup import parse_text
from .spec import ApiSpec

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


class Sending:
    def __init__(self, spec: ApiSpec, chats: ChatStore, files: FileStore, limits: Limits) -> None:
        self._spec = spec
        self._chats = chats
        self._files = files
        self._limits = limits
        # The methods that send, edit or delete a message: they count against the limits.
        self.message_methods = frozenset(
            m
            for m in spec.methods
            if (
                m.startswith(
                    ("send", "copyMessage", "forwardMessage", "editMessage", "deleteMessage")
                )
                and m not in _NOT_MESSAGE_SENDERS
            )
        )

    def routes(self) -> dict[str, Handler]:
        routes: dict[str, Handler] = {
            "sendMessage": self.send_message,
            "sendContact": self.send_contact,
            "sendLocation": self.send_location,
            "sendVenue": self.send_venue,
            "sendDice": self.send_dice,
            "sendMediaGroup": self.send_media_group,
            "sendChatAction": self.send_chat_action,
            "copyMessage": self.copy_message,
            "copyMessages": self.copy_messages,
            "forwardMessage": self.forward_message,
            "forwardMessages": self.forward_messages,
        }
        for m in _MEDIA_METHODS:
            routes[m] = self.send_media
        return routes

    def target(self, p: dict[str, Any], ctx: Ctx, *, blocked: bool = True) -> Chat:
        """Resolve chat_id, then apply the blocked-user and flood checks."""
        chat = self._chats.resolve(p["chat_id"])
        if blocked:
            self._chats.check_blocked(chat)
        if ctx.method in self.message_methods:
            paid = p.get("allow_paid_broadcast") in (True, "true", "True")
            self._limits.admit(chat, paid=paid)
        return chat

    def _bot_message(
        self,
        chat: Chat,
        p: dict[str, Any],
        ctx: Ctx,
        kind: str,
        reply_to: JsonDict | None,
        *,
        content: JsonDict | None = None,
        text: tuple[str, list[JsonDict]] | None = None,
        raw_text: str | None = None,
    ) -> JsonDict:
        cap = ctx.caption
        message = Message(
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
        )
        return self._chats.create(chat, ctx.bot, True, kind, message)["message"]

    def generic(self, p: dict[str, Any], ctx: Ctx) -> Any:
        """Any other spec-valid method: Boolean -> true, Array -> [], Message -> a generic message,
        other objects -> an object with the spec's required fields filled with defaults."""
        mspec = self._spec.methods[ctx.method]
        chat = None
        if "chat_id" in p and "chat_id" in mspec.fields:
            chat = self.target(p, ctx, blocked=ctx.method in self.message_methods)
        if "Boolean" in mspec.return_names:
            return True
        if mspec.return_names == ("Message",) and chat is not None:
            kind = (
                re.sub(r"(?<!^)(?=[A-Z])", "_", ctx.method[4:]).lower()
                if ctx.method.startswith("send")
                else "other"
            )
            return self._bot_message(chat, p, ctx, kind, self._chats.reply_target(chat, p))
        return self._spec.synthesize(mspec.returns[0], top=True)

    # ------------------------------------------------------------------ send*

    def send_message(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        chat = self.target(p, ctx)
        reply_to = self._chats.reply_target(chat, p)
        return self._bot_message(chat, p, ctx, "text", reply_to, text=ctx.text, raw_text=p["text"])

    def send_media(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        chat = self.target(p, ctx)
        reply_to = self._chats.reply_target(chat, p)
        param, kind = _MEDIA_METHODS[ctx.method]
        f = self._files.from_param(p[param], kind, ctx)
        content = self._files.media_object(kind, f, p)
        return self._bot_message(chat, p, ctx, kind, reply_to, content=content)

    def send_contact(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        chat = self.target(p, ctx)
        reply_to = self._chats.reply_target(chat, p)
        contact = {k: p[k] for k in ("phone_number", "first_name", "last_name", "vcard") if k in p}
        return self._bot_message(chat, p, ctx, "contact", reply_to, content={"contact": contact})

    def send_location(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        chat = self.target(p, ctx)
        reply_to = self._chats.reply_target(chat, p)
        loc = {"latitude": float(p["latitude"]), "longitude": float(p["longitude"])}
        return self._bot_message(chat, p, ctx, "location", reply_to, content={"location": loc})

    def send_venue(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        chat = self.target(p, ctx)
        reply_to = self._chats.reply_target(chat, p)
        venue = {
            "location": {"latitude": float(p["latitude"]), "longitude": float(p["longitude"])},
            "title": p["title"],
            "address": p["address"],
        }
        return self._bot_message(chat, p, ctx, "venue", reply_to, content={"venue": venue})

    def send_dice(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        chat = self.target(p, ctx)
        reply_to = self._chats.reply_target(chat, p)
        dice = {"emoji": p.get("emoji") or "🎲", "value": random.randint(1, 6)}
        return self._bot_message(chat, p, ctx, "dice", reply_to, content={"dice": dice})

    def send_media_group(self, p: dict[str, Any], ctx: Ctx) -> list[JsonDict]:
        chat = self.target(p, ctx)
        reply_to = self._chats.reply_target(chat, p)
        group_id = self._files.media_group_id()
        out = []
        for item in p["media"]:
            kind = item["type"]
            f = self._files.from_param(item["media"], kind, ctx)
            caption = None
            if item.get("caption"):
                caption = parse_text(item["caption"], item.get("parse_mode"))
            message = Message(
                caption=caption[0] if caption else None,
                caption_entities=(
                    item.get("caption_entities") or (caption[1] if caption else None)
                ),
                content=self._files.media_object(kind, f, item),
                reply_to=reply_to,
                protect_content=bool(p.get("protect_content", False)),
                disable_notification=bool(p.get("disable_notification", False)),
                extra={"media_group_id": group_id},
            )
            out.append(self._chats.create(chat, ctx.bot, True, kind, message)["message"])
        return out

    def send_chat_action(self, p: dict[str, Any], ctx: Ctx) -> bool:
        self.target(p, ctx)
        return True

    # ------------------------------------------------------------------ copy / forward

    def _copy_one(
        self,
        src: JsonDict,
        chat: Chat,
        p: dict[str, Any],
        ctx: Ctx,
        reply_to: JsonDict | None,
        forward: bool,
    ) -> JsonDict:
        if src["protect_content"]:
            raise bad("message has protected content and can't be forwarded")
        caption, caption_entities = src["caption"], src["caption_entities"]
        if not forward:
            if ctx.caption is not None:
                caption, caption_entities = ctx.caption
            elif p.get("remove_caption"):
                caption, caption_entities = None, None
        extra = None
        if forward:
            sender = self._chats.users.get(src["from_user_id"]) or ctx.bot
            extra = {"forward_origin": {"type": "user", "date": src["date"], "sender_user": sender}}
        message = Message(
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
        return self._chats.create(chat, ctx.bot, True, src["kind"], message)

    def copy_message(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        src_chat = self._chats.resolve(p["from_chat_id"])
        chat = self.target(p, ctx)
        src = self._chats.get_message(src_chat, p["message_id"], "message to copy not found")
        reply_to = self._chats.reply_target(chat, p)
        return {"message_id": self._copy_one(src, chat, p, ctx, reply_to, False)["message_id"]}

    def forward_message(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        src_chat = self._chats.resolve(p["from_chat_id"])
        chat = self.target(p, ctx)
        src = self._chats.get_message(src_chat, p["message_id"], "message to forward not found")
        return self._copy_one(src, chat, p, ctx, None, True)["message"]

    def _copy_many(self, p: dict[str, Any], ctx: Ctx, forward: bool) -> list[JsonDict]:
        src_chat = self._chats.resolve(p["from_chat_id"])
        chat = self.target(p, ctx)
        srcs = [
            r
            for mid in p["message_ids"]
            if (r := src_chat.messages.get(mid)) is not None and not r["deleted"]
        ]
        if not srcs:
            raise bad("message to forward not found" if forward else "message to copy not found")
        q = dict(p)
        q.pop("reply_markup", None)
        return [
            {"message_id": self._copy_one(s, chat, q, ctx, None, forward)["message_id"]}
            for s in srcs
        ]

    def copy_messages(self, p: dict[str, Any], ctx: Ctx) -> list[JsonDict]:
        return self._copy_many(p, ctx, False)

    def forward_messages(self, p: dict[str, Any], ctx: Ctx) -> list[JsonDict]:
        return self._copy_many(p, ctx, True)
