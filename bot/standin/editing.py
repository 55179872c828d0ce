"""The Bot API methods that change messages already in a chat: edits (with Telegram's
"message is not modified"), deletions (with the 48-hour rule), pins, and callback answers."""

from __future__ import annotations

from typing import Any, Protocol

from .chats import Chat, ChatStore
from .common import ApiError, Ctx, Handler, JsonDict, bad

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class Target(Protocol):
    """Sending.target: resolve chat_id, then the blocked-user and flood checks."""

    def __call__(self, p: dict[str, Any], ctx: Ctx, *, blocked: bool = True) -> Chat: ...


def _inline(markup: JsonDict | None) -> JsonDict | None:
    """The part of a reply_markup that is visible on the message (inline keyboards only)."""
    if markup and markup.get("inline_keyboard"):
        return markup
    return None


class Editing:
    def __init__(self, chats: ChatStore, target: Target) -> None:
        self._chats = chats
        self._target = target

    def routes(self) -> dict[str, Handler]:
        return {
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "deleteMessages": self.delete_messages,
            "answerCallbackQuery": self.answer_callback_query,
            "pinChatMessage": self.pin_chat_message,
            "unpinChatMessage": self.unpin_chat_message,
        }

    # ------------------------------------------------------------------ editing

    def _edit_target(self, p: dict[str, Any], ctx: Ctx) -> JsonDict | None:
        if "inline_message_id" in p:
            return None
        chat = self._target(p, ctx)
        rec = self._chats.get_message(chat, p["message_id"], "message to edit not found")
        if not rec["from_bot"]:
            raise bad("message can't be edited")
        return rec

    def edit_message_text(self, p: dict[str, Any], ctx: Ctx) -> JsonDict | bool:
        rec = self._edit_target(p, ctx)
        if rec is None:
            return True
        if rec["kind"] != "text":
            raise bad("there is no text in the message to edit")
        assert ctx.text is not None
        text, entities = ctx.text
        markup = p.get("reply_markup")
        if (
            text == rec["text"]
            and (entities or None) == rec["entities"]
            and _inline(markup) == _inline(rec["reply_markup"])
        ):
            raise ApiError(400, _NOT_MODIFIED)
        return self._chats.apply_edit(
            rec, {"text": text, "entities": entities or None, "raw_text": p["text"]}, markup
        )

    def edit_message_caption(self, p: dict[str, Any], ctx: Ctx) -> JsonDict | bool:
        rec = self._edit_target(p, ctx)
        if rec is None:
            return True
        if rec["kind"] in ("text", "sticker", "contact", "location", "venue", "dice"):
            raise bad("there is no caption in the message to edit")
        caption, entities = ctx.caption if ctx.caption is not None else (None, None)
        markup = p.get("reply_markup")
        if (
            (caption or None) == rec["caption"]
            and (entities or None) == rec["caption_entities"]
            and _inline(markup) == _inline(rec["reply_markup"])
        ):
            raise ApiError(400, _NOT_MODIFIED)
        return self._chats.apply_edit(
            rec, {"caption": caption or None, "caption_entities": entities or None}, markup
        )

    def edit_message_reply_markup(self, p: dict[str, Any], ctx: Ctx) -> JsonDict | bool:
        rec = self._edit_target(p, ctx)
        if rec is None:
            return True
        markup = p.get("reply_markup")
        if _inline(markup) == _inline(rec["reply_markup"]):
            raise ApiError(400, _NOT_MODIFIED)
        return self._chats.apply_edit(rec, {}, markup)

    # ------------------------------------------------------------------ deleting

    def delete_message(self, p: dict[str, Any], ctx: Ctx) -> bool:
        chat = self._target(p, ctx, blocked=False)
        rec = self._chats.get_message(chat, p["message_id"], "message to delete not found")
        if not self._chats.deletable(chat, rec):
            raise bad("message can't be deleted")
        rec["deleted"] = True
        return True

    def delete_messages(self, p: dict[str, Any], ctx: Ctx) -> bool:
        chat = self._target(p, ctx, blocked=False)
        found = deleted = 0
        for mid in p["message_ids"]:
            rec = chat.messages.get(mid)
            if rec is None or rec["deleted"]:
                continue
            found += 1
            if self._chats.deletable(chat, rec):
                rec["deleted"] = True
                deleted += 1
        if not found:
            raise bad("message to delete not found")
        if not deleted:
            raise bad("message can't be deleted")
        return True

    # ------------------------------------------------------------------ misc

    def answer_callback_query(self, p: dict[str, Any], ctx: Ctx) -> bool:
        self._chats.answer_query(p)
        return True

    def pin_chat_message(self, p: dict[str, Any], ctx: Ctx) -> bool:
        chat = self._target(p, ctx, blocked=False)
        rec = self._chats.get_message(chat, p["message_id"], "message to pin not found")
        chat.pinned.append(rec["message_id"])
        rec["pinned"] = True
        return True

    def unpin_chat_message(self, p: dict[str, Any], ctx: Ctx) -> bool:
        chat = self._target(p, ctx, blocked=False)
        mid = p.get("message_id") or (chat.pinned[-1] if chat.pinned else None)
        if mid is not None and mid in chat.pinned:
            chat.pinned.remove(mid)
            rec = chat.messages.get(mid)
            if rec is not None:
                rec["pinned"] = False
        return True
