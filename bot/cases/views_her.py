"""Her keyboards of the cases domain: reporting a need, writing to the office, reading
its replies. Pure functions (what staff see: views.py)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.cases.callbacks import (
    AlertOffice,
    CategoryButton,
    ComposeAction,
    ComposeButton,
    ReadReply,
    SafeToTalk,
)
from bot.core.callbacks import MenuButton
from bot.core.i18n import Translator
from bot.core.keyboards import button, for_her
from bot.office import OfficeSettings


def categories(t: Translator, office: OfficeSettings) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [button(f"{c.emoji} {c.label(t.locale)}", CategoryButton(c.key))]
            for c in office.categories
        ],
        menu=True,
    )


def safe_to_talk(t: Translator) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [button(t("✅ Yes, I can write now"), SafeToTalk("y"))],
            [button(t("⏳ Not now"), SafeToTalk("n"))],
        ],
    )


def not_safe_now(t: Translator) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [button(t("🔔 Let the office know, without details"), AlertOffice())],
            [button(t("I will write later"), MenuButton())],
        ],
    )


def composing(t: Translator, compose: type[ComposeButton]) -> InlineKeyboardMarkup:
    """Under what she is writing: send it, or cancel (`compose` names the flow)."""
    return for_her(
        t,
        [
            [
                button(t("📨 Send"), compose(ComposeAction.SEND)),
                button(t("✖️ Cancel"), compose(ComposeAction.CANCEL)),
            ]
        ],
    )


def read_message(t: Translator, entry_id: int) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("📖 Read"), ReadReply(entry_id))]])
