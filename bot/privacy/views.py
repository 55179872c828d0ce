"""Her keyboards of the privacy domain. Pure functions."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from bot.core.keyboards import button
from bot.privacy.callbacks import LanguageChoice


def languages(link: str | None = None) -> list[list[InlineKeyboardButton]]:
    """Language choices; `link` carries a deep-link payload through, as in the consent."""
    link = link or None
    return [
        [
            button("🇬🇹 Español", LanguageChoice("es", link)),
            button("🇬🇧 English", LanguageChoice("en", link)),
        ]
    ]
