"""Her keyboards of the people domain: consent, registration, and the main menu (which
leads to every domain's screens). Pure functions."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.activities.callbacks import ActivityList
from bot.appointments.callbacks import BookingServices
from bot.cases.callbacks import MyCases, NewReport
from bot.core.i18n import Translator, picker_label
from bot.core.keyboards import button, for_her
from bot.enterprise.callbacks import EnterpriseHome
from bot.network.callbacks import ShowNetwork
from bot.people.callbacks import (
    AgeGroupButton,
    ConsentButton,
    ConsentChoice,
    OfficeContacts,
)
from bot.privacy.callbacks import MyData, PickLanguage
from bot.settings_errors import BASE_LOCALES


def consent(
    t: Translator, offered: Sequence[str] = BASE_LOCALES, *, link: str | None = None
) -> InlineKeyboardMarkup:
    """Consent buttons, and the way to the languages `offered`; `link` is the deep-link
    payload she came with (nothing is stored before consent, so it travels in the
    buttons' callback data)."""
    link = link or None
    return for_her(
        t,
        [
            [button(t("✅ I agree"), ConsentButton(ConsentChoice.YES, t.locale, link))],
            [button(t("❌ No, thank you"), ConsentButton(ConsentChoice.NO, t.locale, link))],
            [button(picker_label(offered), PickLanguage(link))],
        ],
    )


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [button(t("🆘 Ask for help"), NewReport())],
            [button(t("📋 My requests"), MyCases())],
            [button(t("🤝 Women's network"), ShowNetwork())],
            [button(t("🔒 My data and language"), MyData())],
            [button(t("📞 Contact the office"), OfficeContacts())],
            [button(t("📅 Request an appointment"), BookingServices())],
            [button(t("🗓️ Activities"), ActivityList())],
            [button(t("💼 Fairs, businesses and school"), EnterpriseHome())],
        ],
    )


def age_groups(t: Translator, press: type[AgeGroupButton] = AgeGroupButton) -> InlineKeyboardMarkup:
    """Her age group (`press`: the kind answering, hers at registration by default)."""
    return for_her(
        t,
        [
            [
                button(t("Under 18"), press("under18")),
                button(t("18 to 29"), press("18_29")),
            ],
            [
                button(t("30 to 59"), press("30_59")),
                button(t("60 or more"), press("60plus")),
            ],
        ],
    )


def share_phone(t: Translator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(t("📱 Share my number"), request_contact=True)],
            [KeyboardButton(t("Skip"))],
            [KeyboardButton(t("🚪 Quick exit"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
