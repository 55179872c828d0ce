"""What the page shows of a chat, built from the stand-in's records: each message with
its formatting entities (the page renders them, escaping everything), its buttons, media,
badges (protected, silent, edited), the reply keyboard in force, the command menu Telegram
would offer this person here, and the answers to buttons pressed (Telegram's toasts)."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.standin import FakeTelegram

JsonDict = dict[str, Any]
SNIPPET = 60


def _snippet(rec: JsonDict) -> str:
    body = rec.get("text") or rec.get("caption") or f"[{rec.get('kind', '')}]"
    body = " ".join(str(body).split())
    return body if len(body) <= SNIPPET else body[: SNIPPET - 1] + "…"


def media_view(content: JsonDict) -> JsonDict | None:
    """The one attachment of a message, as the page draws it."""
    if "photo" in content:
        return {"kind": "photo", "file_id": content["photo"][-1]["file_id"]}
    for kind in ("voice", "audio", "video", "animation", "video_note", "document"):
        if kind in content:
            item = content[kind]
            return {
                "kind": kind,
                "file_id": item["file_id"],
                "duration": item.get("duration"),
                "file_name": item.get("file_name"),
            }
    if "sticker" in content:
        return {"kind": "sticker", "emoji": content["sticker"].get("emoji") or "🖼"}
    if "contact" in content:
        c = content["contact"]
        name = " ".join(filter(None, [c.get("first_name"), c.get("last_name")]))
        return {"kind": "contact", "label": f"{name} {c.get('phone_number', '')}".strip()}
    if "location" in content:
        loc = content["location"]
        return {"kind": "location", "label": f"{loc['latitude']:.5f}, {loc['longitude']:.5f}"}
    if "venue" in content:
        venue = content["venue"]
        return {"kind": "venue", "label": f"{venue['title']} · {venue['address']}"}
    return None


def _inline_keyboard(markup: JsonDict | None) -> list[list[JsonDict]]:
    rows = (markup or {}).get("inline_keyboard") or []
    return [
        [
            {
                "text": b.get("text", ""),
                "data": b.get("callback_data"),
                "url": b.get("url") if str(b.get("url", "")).startswith("https://") else None,
            }
            for b in row
        ]
        for row in rows
    ]


def message_view(rec: JsonDict, names: dict[int, str], tz: ZoneInfo) -> JsonDict:
    msg = rec["message"]
    when = datetime.fromtimestamp(rec["date"], UTC).astimezone(tz)
    reply_to = msg.get("reply_to_message")
    return {
        "id": rec["message_id"],
        "from_bot": rec["from_bot"],
        "from_id": rec["from_user_id"],
        "sender": "OMM bot" if rec["from_bot"] else names.get(rec["from_user_id"], "?"),
        "kind": rec["kind"],
        "text": rec["text"],
        "entities": rec["entities"] or [],
        "caption": rec["caption"],
        "caption_entities": rec["caption_entities"] or [],
        "media": media_view(rec["content"] or {}),
        "buttons": _inline_keyboard(rec["reply_markup"]),
        "force_reply": bool((rec["reply_markup"] or {}).get("force_reply")),
        "protected": bool(rec["protect_content"]),
        "silent": bool(rec["disable_notification"]),
        "edited": len(rec["edit_history"]),
        "time": f"{when:%Y-%m-%d %H:%M}",
        "reply_to": (
            {"id": reply_to["message_id"], "snippet": _snippet(reply_to)} if reply_to else None
        ),
        "thread_id": msg.get("message_thread_id"),
    }


def reply_keyboard(records: list[JsonDict]) -> JsonDict | None:
    """The reply keyboard in force: the latest the bot sent, unless removed since."""
    for rec in reversed(records):
        if not rec["from_bot"]:
            continue
        markup = rec["reply_markup"] or {}
        if markup.get("remove_keyboard"):
            return None
        if "keyboard" in markup:
            return {
                "rows": [
                    [
                        {
                            "text": b if isinstance(b, str) else b.get("text", ""),
                            "contact": isinstance(b, dict) and bool(b.get("request_contact")),
                            "location": isinstance(b, dict) and bool(b.get("request_location")),
                        }
                        for b in row
                    ]
                    for row in markup["keyboard"]
                ],
                "placeholder": markup.get("input_field_placeholder"),
            }
    return None


def command_menu(
    fake: FakeTelegram, chat_id: int, user_id: int, language: str | None, admin: bool
) -> list[JsonDict]:
    """The commands Telegram shows this person in this chat: the narrowest scope set, in
    her language when there is a menu for it (Telegram's order of scopes)."""
    private = chat_id == user_id
    wanted: list[JsonDict] = (
        [{"type": "chat", "chat_id": chat_id}, {"type": "all_private_chats"}]
        if private
        else [
            {"type": "chat_member", "chat_id": chat_id, "user_id": user_id},
            *([{"type": "chat_administrators", "chat_id": chat_id}] if admin else []),
            {"type": "chat", "chat_id": chat_id},
            *([{"type": "all_chat_administrators"}] if admin else []),
            {"type": "all_group_chats"},
        ]
    )
    wanted.append({"type": "default"})
    menus: dict[tuple[str, str], list[JsonDict]] = {}
    for (scope_json, lang), commands in fake.info.commands.items():
        scope = json.loads(scope_json)
        for key in ("chat_id", "user_id"):
            if key in scope:
                with contextlib.suppress(TypeError, ValueError):
                    scope[key] = int(scope[key])
        menus[(json.dumps(scope, sort_keys=True), lang)] = commands
    for scope in wanted:
        key = json.dumps(scope, sort_keys=True)
        for lang in ([language] if language else []) + [""]:
            if (key, lang) in menus:
                return [
                    {"command": c["command"], "description": c["description"]}
                    for c in menus[(key, lang)]
                ]
    return []


def toasts(fake: FakeTelegram, chat_id: int, last: int = 3) -> list[JsonDict]:
    """The bot's answers (with a text) to buttons pressed in this chat, newest last."""
    found = []
    for query_id, query in fake.chats.queries.items():
        if query["message"]["chat"]["id"] != chat_id:
            continue
        answer = fake.callback_answers.get(query_id) or {}
        if answer.get("text"):
            found.append(
                {"id": query_id, "text": answer["text"], "alert": bool(answer.get("show_alert"))}
            )
    return found[-last:]


def chat_view(
    fake: FakeTelegram,
    chat_id: int,
    viewer: int,
    language: str | None,
    tz: ZoneInfo,
    *,
    admin: bool = False,
) -> JsonDict:
    records = fake.all_messages(chat_id)
    names = {uid: str(u.get("first_name", "?")) for uid, u in fake.chats.users.items()}
    chat = fake.chat(chat_id)
    return {
        "id": chat_id,
        "title": chat.get("title") or chat.get("first_name") or str(chat_id),
        "type": chat.get("type"),
        "messages": [message_view(r, names, tz) for r in records if not r["deleted"]],
        "deleted": sum(1 for r in records if r["deleted"]),
        "keyboard": reply_keyboard(records),
        "commands": command_menu(fake, chat_id, viewer, language, admin),
        "toasts": toasts(fake, chat_id),
    }
