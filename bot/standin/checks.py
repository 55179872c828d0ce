"""The limits the Bot API spec states only in prose (text lengths, entity parsing, list
sizes...), checked after the typed validation of `spec.ApiSpec.validate_params`."""

from __future__ import annotations

import itertools
from typing import Any

from .common import Ctx, JsonDict
from .markup import PARSE_MODES, EntityParseError, parse_text
from .spec import ApiSpec

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


def _parse(
    text: str, parse_mode: Any, entities: Any, errs: list[str], what: str
) -> tuple[str, list[JsonDict]]:
    if entities:
        return text, list(entities)
    try:
        return parse_text(text, parse_mode)
    except EntityParseError as exc:
        errs.append(f"can't parse entities in {what}: {exc}")
        return text, []


def _text_and_caption(
    spec: ApiSpec, method: str, p: dict[str, Any], ctx: Ctx, errs: list[str]
) -> None:
    """Parse text and caption into ``ctx`` (with their entities), checking their lengths."""
    pm = p.get("parse_mode")
    if method == "sendMessage" or method == "editMessageText":
        if "text" in p:
            plain, ents = _parse(p["text"], pm, p.get("entities"), errs, "text")
            if not plain.strip():
                errs.append("message text is empty")
            elif len(plain) > 4096:
                errs.append(
                    f"message is too long ({len(plain)} characters after entity parsing, max 4096)"
                )
            ctx.text = (plain, ents)
        elif "rich_message" not in p:
            errs.append("message text is empty")
    caption = p.get("caption")
    if isinstance(caption, str) and "caption" in spec.methods[method].fields:
        plain, ents = _parse(caption, pm, p.get("caption_entities"), errs, "caption")
        if len(plain) > 1024:
            errs.append(f"message caption is too long ({len(plain)} characters, max 1024)")
        ctx.caption = (plain, ents)


def prose_checks(spec: ApiSpec, method: str, p: dict[str, Any], ctx: Ctx) -> list[str]:
    """What is wrong with this call beyond its types (empty when nothing is)."""
    errs: list[str] = []
    pm = p.get("parse_mode")
    if pm and str(pm).lower() not in PARSE_MODES:
        errs.append(f"unsupported parse_mode {pm!r}")
        return errs
    _text_and_caption(spec, method, p, ctx, errs)
    if method == "answerCallbackQuery":
        text = p.get("text")
        if isinstance(text, str) and len(text) > 200:
            errs.append(
                f"MESSAGE_TOO_LONG (callback answer text is {len(text)} characters, max 200)"
            )
    ids = p.get("message_ids")
    if isinstance(ids, list) and method in ("deleteMessages", "copyMessages", "forwardMessages"):
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
        and "inline_message_id" in spec.methods[method].fields
        and "inline_message_id" not in p
        and ("chat_id" not in p or "message_id" not in p)
    ):
        errs.append("chat_id and message_id are required when inline_message_id is not specified")
    return errs
