"""Keyboards every domain uses, as pure functions.

A button's callback data is a typed `Button` of its domain (bot.core.callbacks). Every
keyboard shown to a woman ends with the quick-exit button. Each domain's own buttons
and keyboards are in its views.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.callbacks import (
    MAX_CALLBACK_BYTES,
    Button,
    ChoiceAction,
    ChoiceButton,
    MenuButton,
    QuickExit,
)
from bot.core.i18n import Translator
from bot.core.paging import COMMUNITIES_PER_PAGE, paged_rows

__all__ = [
    "COMMUNITIES_PER_PAGE",
    "MAX_CALLBACK_BYTES",
    "button",
    "exit_row",
    "for_her",
    "paged_choices",
    "yes_no",
]


def button(text: str, press: Button) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=press.encode())


def exit_row(t: Translator) -> list[InlineKeyboardButton]:
    return [button(t("🚪 Quick exit"), QuickExit())]


def for_her(
    t: Translator, rows: Sequence[Sequence[InlineKeyboardButton]] = (), *, menu: bool = False
) -> InlineKeyboardMarkup:
    """A keyboard for a woman: her buttons, optionally "menu", then quick exit."""
    all_rows = [list(r) for r in rows]
    if menu:
        all_rows.append([button(t("🏠 Menu"), MenuButton())])
    all_rows.append(exit_row(t))
    return InlineKeyboardMarkup(all_rows)


def paged_choices(
    t: Translator,
    options: Sequence[str],
    page: int,
    *,
    choice: type[ChoiceButton],
    extra_rows: Sequence[Sequence[InlineKeyboardButton]] = (),
) -> InlineKeyboardMarkup:
    """Options as buttons, a page at a time, with "other" to type one in."""
    rows = paged_rows(
        t,
        options,
        page,
        choice=lambda index, name: button(name, choice(ChoiceAction.PICK, index)),
        turn=lambda label, to: button(label, choice(ChoiceAction.PAGE, to)),
    )
    rows.append([button(t("✏️ Another one (type it)"), choice(ChoiceAction.OTHER))])
    rows.extend(list(r) for r in extra_rows)
    return for_her(t, rows)


def yes_no(t: Translator, yes: str, yes_press: Button, no_press: Button) -> InlineKeyboardMarkup:
    return for_her(t, [[button(yes, yes_press)], [button(t("↩️ No, go back"), no_press)]])
