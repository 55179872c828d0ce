"""The staff of a Spanish office read Spanish: what the bot showed in the staff group
during a test is checked for English texts of the catalog that differ in Spanish."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from babel.messages.pofile import read_po

from bot.core.i18n import LOCALES_DIR

PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
# Shorter English fragments ("Legal", "OK") may well be the same in Spanish text.
MIN_FRAGMENT = 16


@lru_cache(maxsize=1)
def english_only_fragments() -> tuple[str, ...]:
    """Pieces of English source texts (between placeholders) that the Spanish catalog
    translates differently: if one shows in the staff group, a text escaped Spanish."""
    with (LOCALES_DIR / "es" / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        spanish = read_po(fp, locale="es")
    fragments: set[str] = set()
    for message in spanish:
        if not message.id:
            continue
        sources = [message.id] if isinstance(message.id, str) else list(message.id)
        translated = message.string if isinstance(message.string, tuple) else (message.string,)
        joined = " ".join(t for t in translated if t)
        for source in sources:
            for fragment in PLACEHOLDER.split(source):
                fragment = fragment.strip()
                if len(fragment) >= MIN_FRAGMENT and fragment not in joined:
                    fragments.add(fragment)
    return tuple(sorted(fragments))


def english_in(messages: list[dict[str, Any]]) -> list[str]:
    """English fragments found in these messages' texts, captions and button labels."""
    found = []
    for message in messages:
        shown = [message.get("text") or "", message.get("caption") or ""]
        markup = message.get("reply_markup") or {}
        shown += [b.get("text", "") for row in markup.get("inline_keyboard", []) for b in row]
        for text in shown:
            for fragment in english_only_fragments():
                if fragment in text:
                    found.append(f"{fragment!r} in {text[:80]!r}")
    return found
