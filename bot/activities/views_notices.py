"""What the women going to a date are told when staff change or cancel it. Pure functions.

It names the activity (its title is not sensitive) but nothing about her, and every
keyboard ends with the quick exit.
"""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup

from bot.activities.callbacks import ActivityList, ViewDate
from bot.activities.service_series import Occurrence
from bot.activities.service_series import occurrence_stamp as stamp
from bot.core.i18n import Translator
from bot.core.keyboards import button, for_her


def changed_for_her(t: Translator, occurrence: Occurrence) -> str:
    details = occurrence.details
    return "\n".join(
        [
            t("🗓️ An activity you signed up for has changed:"),
            f"«{details.title}»",
            f"🕘 {t.date_and_time(occurrence.starts_at)}",
            f"📍 {details.place or '—'}",
        ]
    )


def cancelled_for_her(t: Translator, title: str, when: datetime | None) -> str:
    if when is None:
        return t(
            "🗓️ «{title}» has been cancelled: it will not take place any more. We are sorry. "
            "You can see other activities in the menu."
        ).format(title=title)
    return t(
        "🗓️ «{title}» on {when} has been cancelled. We are sorry. "
        "You can see other activities in the menu."
    ).format(title=title, when=t.date_and_time(when))


def details_for_her(t: Translator, activity_id: int, key: datetime) -> InlineKeyboardMarkup:
    return for_her(
        t, [[button(t("📋 See details"), ViewDate(activity_id, stamp(key)))]], menu=True
    )


def activities_for_her(t: Translator) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("🗓️ Activities"), ActivityList())]], menu=True)
