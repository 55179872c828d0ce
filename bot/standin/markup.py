"""Telegram text formatting (parse_mode) parsing, modelled on tdlib's parsers.

``parse_text(text, parse_mode)`` returns ``(plain_text, entities)`` exactly like Telegram
stores a message after "entity parsing", or raises :class:`EntityParseError` whose message
mirrors Telegram's ``Bad Request: can't parse entities: ...`` description.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["PARSE_MODES", "EntityParseError", "parse_text", "utf16_len"]

PARSE_MODES = {"html": "HTML", "markdownv2": "MarkdownV2", "markdown": "Markdown"}


class EntityParseError(ValueError):
    """The text is not valid for its parse_mode (Telegram: "can't parse entities")."""


def utf16_len(s: str) -> int:
    """Length of ``s`` in UTF-16 code units (Telegram's unit for entity offsets)."""
    if s.isascii():
        return len(s)
    return len(s.encode("utf-16-le")) // 2


def _byte_offset(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8"))


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Parse ``text`` according to ``parse_mode`` (None/"" = plain text)."""
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown(text)
    raise EntityParseError("unsupported parse_mode")


# --------------------------------------------------------------------------- HTML

_HTML_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_HTML_SPECIAL = re.compile(r"[<&]")
_HTML_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"[^\s>]*")  # like tdlib: the tag name runs until a space or '>'
_ATTR = re.compile(r"([a-zA-Z0-9_-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_WS = re.compile(r"\s*")


def _html_unescape(value: str) -> str:
    def repl(m: re.Match[str]) -> str:
        return _decode_entity(m.group(1))

    return _HTML_ENTITY.sub(repl, value)


def _decode_entity(name: str) -> str:
    if name[0] != "#":
        return _HTML_NAMED[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return chr(code)


def _parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    out: list[str] = []
    off = 0  # UTF-16 offset in the output
    stack: list[tuple[str, int, dict[str, str]]] = []
    entities: list[dict[str, Any]] = []
    attrs: dict[str, str]
    n = len(text)
    i = 0
    while i < n:
        m = _HTML_SPECIAL.search(text, i)
        j = m.start() if m else n
        if j > i:
            chunk = text[i:j]
            out.append(chunk)
            off += utf16_len(chunk)
            i = j
            continue
        c = text[i]
        if c == "&":
            em = _HTML_ENTITY.match(text, i)
            if em:
                ch = _decode_entity(em.group(1))
                out.append(ch)
                off += utf16_len(ch)
                i = em.end()
            else:  # Telegram keeps a stray '&' as is
                out.append("&")
                off += 1
                i += 1
            continue
        begin = i
        if i + 1 < n and text[i + 1] == "/":
            if not stack:
                raise EntityParseError(
                    f"Unexpected end tag at byte offset {_byte_offset(text, begin)}"
                )
            nm = _TAG_NAME.match(text, i + 2)
            assert nm is not None
            name = nm.group(0).lower()
            k = _WS.match(text, nm.end()).end()  # type: ignore[union-attr]
            if k >= n or text[k] != ">":
                raise EntityParseError(
                    f"Unclosed end tag at byte offset {_byte_offset(text, begin)}"
                )
            tag, start, attrs = stack.pop()
            if name and name != tag:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{tag}>", found "</{name}>"'
                )
            i = k + 1
            length = off - start
            if length <= 0:
                continue
            if (
                tag == "code"
                and stack
                and stack[-1][0] == "pre"
                and attrs.get("class", "").startswith("language-")
            ):
                stack[-1][2]["__language"] = attrs["class"][9:]
                continue
            ent: dict[str, Any] = {"type": _HTML_TAGS[tag], "offset": start, "length": length}
            if tag == "a":
                href = attrs.get("href", "")
                if href.startswith("tg://user?id="):
                    ent["type"] = "text_mention"
                    uid = href[13:]
                    ent["user"] = {
                        "id": int(uid) if uid.isdigit() else 0,
                        "is_bot": False,
                        "first_name": "User",
                    }
                else:
                    ent["url"] = href
            elif tag == "pre" and "__language" in attrs:
                ent["language"] = attrs["__language"]
            elif tag == "blockquote" and "expandable" in attrs:
                ent["type"] = "expandable_blockquote"
            elif tag == "tg-emoji":
                ent["custom_emoji_id"] = attrs.get("emoji-id", "")
            elif tag == "tg-time":
                try:
                    ent["unix_time"] = int(attrs.get("unix", "0"))
                except ValueError:
                    ent["unix_time"] = 0
                if "format" in attrs:
                    ent["date_time_format"] = attrs["format"]
            entities.append(ent)
            continue
        # start tag
        nm = _TAG_NAME.match(text, i + 1)
        assert nm is not None
        if nm.end() >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        name = nm.group(0).lower()
        if name not in _HTML_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, begin)}'
            )
        attrs = {}
        k = nm.end()
        while True:
            k = _WS.match(text, k).end()  # type: ignore[union-attr]
            if k >= n:
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {_byte_offset(text, begin)}"
                )
            if text[k] == ">":
                break
            am = _ATTR.match(text, k)
            if not am:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{name}" '
                    f"at byte offset {_byte_offset(text, k)}"
                )
            value = (
                am.group(2)
                if am.group(2) is not None
                else am.group(3)
                if am.group(3) is not None
                else am.group(4)
            )
            attrs[am.group(1).lower()] = _html_unescape(value or "")
            k = am.end()
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError('Tag "span" must have class "tg-spoiler"')
        stack.append((name, off, attrs))
        i = k + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


# --------------------------------------------------------------------------- MarkdownV2

_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    out: list[str] = []
    off = 0
    # stack entries: [type, utf16 offset, byte index in text, index in out, argument]
    stack: list[list[Any]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.append(text[i + 1])
            off += 1
            i += 2
            continue
        in_code = bool(stack) and stack[-1][0] in ("code", "pre")
        if c != "`" if in_code else c not in _MDV2_RESERVED:
            out.append(c)
            off += 1 if ord(c) < 0x10000 else 2
            i += 1
            continue
        # block quotation markers at the beginning of a line
        if c == ">" and not stack and (i == 0 or text[i - 1] == "\n"):
            i += 1
            continue
        if c == "*" and not stack and (i == 0 or text[i - 1] == "\n") and text.startswith("**>", i):
            i += 3
            continue
        if c == "|" and at(i + 1) == "|" and not stack and (i + 2 >= n or text[i + 2] == "\n"):
            # end of an expandable block quotation
            i += 2
            continue
        is_end = False
        if stack:
            top = stack[-1][0]
            if top == "bold":
                is_end = c == "*"
            elif top == "italic":
                is_end = c == "_" and at(i + 1) != "_"
            elif top == "code":
                is_end = c == "`"
            elif top == "pre":
                is_end = c == "`" and at(i + 1) == "`" and at(i + 2) == "`"
            elif top in ("text_link", "custom_emoji"):
                is_end = c == "]"
            elif top == "underline":
                is_end = c == "_" and at(i + 1) == "_"
            elif top == "strikethrough":
                is_end = c == "~"
            elif top == "spoiler":
                is_end = c == "|" and at(i + 1) == "|"
        if not is_end:
            begin = i
            argument = ""
            if c == "_":
                if at(i + 1) == "_":
                    etype = "underline"
                    i += 1
                else:
                    etype = "italic"
            elif c == "*":
                etype = "bold"
            elif c == "~":
                etype = "strikethrough"
            elif c == "|":
                if at(i + 1) == "|":
                    etype = "spoiler"
                    i += 1
                else:
                    raise EntityParseError(
                        f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
                    )
            elif c == "[":
                etype = "text_link"
            elif c == "`":
                if at(i + 1) == "`" and at(i + 2) == "`":
                    i += 3
                    etype = "pre"
                    lang_end = i
                    while lang_end < n and not text[lang_end].isspace() and text[lang_end] != "`":
                        lang_end += 1
                    if i != lang_end and lang_end < n and text[lang_end] != "`":
                        argument = text[i:lang_end]
                        i = lang_end
                    if at(i) in ("\n", "\r"):
                        if at(i + 1) in ("\n", "\r") and at(i) != at(i + 1):
                            i += 2
                        else:
                            i += 1
                    i -= 1
                else:
                    etype = "code"
            elif c == "!" and at(i + 1) == "[":
                i += 1
                etype = "custom_emoji"
            else:
                raise EntityParseError(
                    f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
                )
            stack.append([etype, off, _byte_offset(text, begin), len(out), argument])
            i += 1
            continue
        # end of an entity
        etype, start, _byte_begin, out_pos, argument = stack.pop()
        ent: dict[str, Any] = {"type": etype, "offset": start, "length": off - start}
        if etype in ("underline", "spoiler"):
            i += 1
        elif etype == "pre":
            i += 2
            if argument:
                ent["language"] = argument
        elif etype in ("text_link", "custom_emoji"):
            if at(i + 1) != "(":
                if etype == "custom_emoji":
                    raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
                url = "".join(out[out_pos:])
            else:
                i += 2
                url_begin = i
                url_chars: list[str] = []
                while i < n and text[i] != ")":
                    if text[i] == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
                        url_chars.append(text[i + 1])
                        i += 2
                        continue
                    url_chars.append(text[i])
                    i += 1
                if i >= n:
                    what = "a custom emoji URL" if etype == "custom_emoji" else "a URL"
                    raise EntityParseError(
                        f"Can't find end of {what} at byte offset {_byte_offset(text, url_begin)}"
                    )
                url = "".join(url_chars)
            if etype == "custom_emoji":
                ent["custom_emoji_id"] = url.rsplit("id=", 1)[-1]
            elif url.startswith("tg://user?id="):
                ent["type"] = "text_mention"
                ent["user"] = {
                    "id": int(url[13:] or 0) if url[13:].isdigit() else 0,
                    "is_bot": False,
                    "first_name": "User",
                }
            else:
                ent["url"] = url
        if ent["length"] > 0:
            entities.append(ent)
        i += 1
    if stack:
        etype, _s, byte_begin, _o, _a = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_MDV2_NAMES[etype]} entity at byte offset {byte_begin}"
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


# --------------------------------------------------------------------------- Markdown (legacy)

_MD_TYPES = {"_": "italic", "*": "bold", "`": "code", "[": "text_link"}


def _parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    out: list[str] = []
    off = 0
    entities: list[dict[str, Any]] = []
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and at(i + 1) in ("_", "*", "`", "["):
            out.append(text[i + 1])
            off += 1
            i += 2
            continue
        if c not in _MD_TYPES:
            out.append(c)
            off += 1 if ord(c) < 0x10000 else 2
            i += 1
            continue
        begin = i
        end_char = "]" if c == "[" else c
        is_pre = False
        language = ""
        i += 1
        if c == "`" and at(i) == "`" and at(i + 1) == "`":
            i += 2
            is_pre = True
            lang_end = i
            while lang_end < n and not text[lang_end].isspace() and text[lang_end] != "`":
                lang_end += 1
            if i != lang_end and lang_end < n and text[lang_end] != "`":
                language = text[i:lang_end]
                i = lang_end
            if at(i) in ("\n", "\r"):
                if at(i + 1) in ("\n", "\r") and at(i) != at(i + 1):
                    i += 2
                else:
                    i += 1
        start = off
        out_pos = len(out)
        while i < n and (
            text[i] != end_char or (is_pre and not (at(i + 1) == "`" and at(i + 2) == "`"))
        ):
            ch = text[i]
            out.append(ch)
            off += 1 if ord(ch) < 0x10000 else 2
            i += 1
        if i >= n:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
            )
        if off != start:
            ent: dict[str, Any] = {
                "type": "pre" if is_pre else _MD_TYPES[c],
                "offset": start,
                "length": off - start,
            }
            if is_pre and language:
                ent["language"] = language
            if c == "[":
                url = "".join(out[out_pos:])
                if at(i + 1) == "(":
                    k = text.find(")", i + 2)
                    if k != -1:
                        url = text[i + 2 : k]
                        i = k
                ent["url"] = url
            entities.append(ent)
        if is_pre:
            i += 2
        i += 1
    return "".join(out), entities
