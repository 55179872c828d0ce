"""The reminder of an activity a woman said she will come to: its text and buttons.

Activities are public (fairs, clubs, trainings), so the reminder names the activity and
its place; it says nothing about her. Its buttons are handled by the women's activities
flow (`ac:v` shows the date, `ac:no` cancels her place), named by the date's key.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import InlineKeyboardMarkup

from bot.activities.callbacks import CannotCome, ViewDate
from bot.activities.service_series import occurrence_stamp
from bot.core.i18n import Translator
from bot.core.keyboards import button, for_her

# The date's original start in UTC, as in deep links and every `ac:` button.


def when_text(t: Translator, starts_at: datetime, now: datetime) -> str:
    """ "today at 09:00", "tomorrow at 09:00", or the full date further away."""
    local_day = starts_at.astimezone(t.timezone).date()
    today = now.astimezone(t.timezone).date()
    if local_day == today:
        return t("today at {time}").format(time=t.time(starts_at))
    if local_day == today + timedelta(days=1):
        return t("tomorrow at {time}").format(time=t.time(starts_at))
    return t.date_and_time(starts_at)


def reminder_text(t: Translator, title: str, place: str, starts_at: datetime, now: datetime) -> str:
    lines = [
        t("⏰ Reminder: {title}, {when}.").format(title=title, when=when_text(t, starts_at, now))
    ]
    if place.strip():
        lines.append(t("📍 {place}").format(place=place.strip()))
    lines.append(t("We are expecting you! If you can no longer come, tell us here."))
    return "\n".join(lines)


def reminder_keyboard(t: Translator, activity_id: int, key: datetime) -> InlineKeyboardMarkup:
    stamp = occurrence_stamp(key)
    return for_her(
        t,
        [
            [button(t("📋 See details"), ViewDate(activity_id, stamp))],
            [button(t("❌ I can't come"), CannotCome(activity_id, stamp))],
        ],
        menu=True,
    )


def reminder_for_text(
    t: Translator, who: str, title: str, place: str, starts_at: datetime, now: datetime
) -> str:
    """To a leader, for a woman without a phone she signed up (named by first name and
    initial only)."""
    lines = [
        t("⏰ Reminder for {who}: {title}, {when}.").format(
            who=who, title=title, when=when_text(t, starts_at, now)
        )
    ]
    if place.strip():
        lines.append(t("📍 {place}").format(place=place.strip()))
    lines.append(t("Please remind her. Thank you for accompanying her!"))
    return "\n".join(lines)
