"""Her keyboards of the privacy domain. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton

from bot.core.i18n import language_name
from bot.core.keyboards import button
from bot.privacy.callbacks import LanguageChoice


def languages(offered: Sequence[str], link: str | None = None) -> list[list[InlineKeyboardButton]]:
    """The languages offered, each named in itself, two to a row; `link` carries a
    deep-link payload through, as in the consent."""
    link = link or None
    choices = [button(language_name(locale), LanguageChoice(locale, link)) for locale in offered]
    return [choices[i : i + 2] for i in range(0, len(choices), 2)]
