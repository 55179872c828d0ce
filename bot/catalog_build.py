"""Compile a gettext catalog (.po) to .mo bytes: the one way, for the bot at start-up
(bot.core.i18n, from a checkout) and for the wheel's build step (setup.py).

Entries not translated yet are left out, so that the bot falls back (to Spanish) for
them. Babel's write_mo keeps a plural entry whose forms are empty, which would show
nothing at all. Imports only Babel: setup.py loads it before the bot is installed.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def babel_knows(locale: str) -> bool:
    """Whether the CLDR (through Babel) has data for this language."""
    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def compile_po(po_path: Path, locale: str) -> bytes:
    with po_path.open("rb") as fp:
        # A language Babel does not know still compiles: its catalog says how.
        catalog = read_po(fp, locale=locale if babel_knows(locale) else None)
    for message in list(catalog):
        forms = [message.string] if isinstance(message.string, str) else message.string
        if message.id and not all(forms or [""]):
            del catalog[message.id]
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()
