"""Keyboards as pure functions, and the callback-data codec.

Callback data is `prefix:arg:arg`, at most 64 bytes (Telegram's limit). Every
keyboard shown to a woman ends with the quick-exit button.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.core.callbacks import Button, ChoiceAction, ChoiceButton
from bot.core.i18n import Translator
from bot.office import AppointmentService, OfficeSettings

MAX_CALLBACK_BYTES = 64
COMMUNITIES_PER_PAGE = 8
QUICK_EXIT = "x"


def cb(*parts: object) -> str:
    data = ":".join(str(p) for p in parts)
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def parse_cb(data: str | None) -> list[str]:
    return (data or "").split(":")


def button(text: str, *parts: object) -> InlineKeyboardButton:
    """A button with a typed `Button` (bot.core.callbacks) as its data; raw parts are
    accepted only while domains move to their codecs."""
    if len(parts) == 1 and isinstance(parts[0], Button):
        return InlineKeyboardButton(text, callback_data=parts[0].encode())
    return InlineKeyboardButton(text, callback_data=cb(*parts))


def exit_row(t: Translator) -> list[InlineKeyboardButton]:
    return [button(t("🚪 Quick exit"), QUICK_EXIT)]


def for_her(
    t: Translator, rows: Sequence[Sequence[InlineKeyboardButton]] = (), *, menu: bool = False
) -> InlineKeyboardMarkup:
    """A keyboard for a woman: her buttons, optionally "menu", then quick exit."""
    all_rows = [list(r) for r in rows]
    if menu:
        all_rows.append([button(t("🏠 Menu"), "m")])
    all_rows.append(exit_row(t))
    return InlineKeyboardMarkup(all_rows)


def consent(t: Translator, *, link: str | None = None) -> InlineKeyboardMarkup:
    """Consent buttons; `link` is the deep-link payload she came with (nothing is stored
    before consent, so it travels in the buttons' callback data)."""
    carried = (link,) if link else ()
    return for_her(
        t,
        [
            [button(t("✅ I agree"), "c", "y", t.locale, *carried)],
            [button(t("❌ No, thank you"), "c", "n", t.locale, *carried)],
            [button("🌐 Español / English", "lang", "pick", *carried)],
        ],
    )


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [button(t("🆘 Ask for help"), "n", "new")],
            [button(t("📋 My requests"), "mc")],
            [button(t("🤝 Women's network"), "net")],
            [button(t("🔒 My data and language"), "me")],
            [button(t("📞 Contact the office"), "off")],
            [button(t("📅 Request an appointment"), "ap")],
            [button(t("🗓️ Activities"), "ac")],
        ],
    )


def paged_choices(
    t: Translator,
    options: Sequence[str],
    page: int,
    *,
    choice: type[ChoiceButton],
    extra_rows: Sequence[Sequence[InlineKeyboardButton]] = (),
) -> InlineKeyboardMarkup:
    """Options as buttons, a page at a time, with "other" to type one in."""
    pages = max(1, -(-len(options) // COMMUNITIES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    start = page * COMMUNITIES_PER_PAGE
    rows = [
        [button(name, choice(ChoiceAction.PICK, index))]
        for index, name in enumerate(options[start : start + COMMUNITIES_PER_PAGE], start)
    ]
    nav = []
    if page > 0:
        nav.append(button(t("◀️ Previous"), choice(ChoiceAction.PAGE, page - 1)))
    if page < pages - 1:
        nav.append(button(t("More ▶️"), choice(ChoiceAction.PAGE, page + 1)))
    if nav:
        rows.append(nav)
    rows.append([button(t("✏️ Another one (type it)"), choice(ChoiceAction.OTHER))])
    rows.extend(list(r) for r in extra_rows)
    return for_her(t, rows)


def age_groups(t: Translator) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [
                button(t("Under 18"), "r", "age", "under18"),
                button(t("18 to 29"), "r", "age", "18_29"),
            ],
            [
                button(t("30 to 59"), "r", "age", "30_59"),
                button(t("60 or more"), "r", "age", "60plus"),
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


def categories(t: Translator, office: OfficeSettings) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [[button(f"{c.emoji} {c.label(t.locale)}", "n", "cat", c.key)] for c in office.categories],
        menu=True,
    )


def safe_to_talk(t: Translator) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [button(t("✅ Yes, I can write now"), "n", "safe", "y")],
            [button(t("⏳ Not now"), "n", "safe", "n")],
        ],
    )


def not_safe_now(t: Translator) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [
            [button(t("🔔 Let the office know, without details"), "n", "alert")],
            [button(t("I will write later"), "m")],
        ],
    )


def composing(t: Translator, send_prefix: str) -> InlineKeyboardMarkup:
    return for_her(
        t,
        [[button(t("📨 Send"), send_prefix, "send"), button(t("✖️ Cancel"), send_prefix, "cancel")]],
    )


def read_message(t: Translator, entry_id: int) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("📖 Read"), "rd", entry_id)]])


def yes_no(
    t: Translator, yes: str, yes_data: Button | Sequence[object], no_data: Button | Sequence[object]
) -> InlineKeyboardMarkup:
    def parts(data: Button | Sequence[object]) -> Sequence[object]:
        return (data,) if isinstance(data, Button) else data

    return for_her(
        t, [[button(yes, *parts(yes_data))], [button(t("↩️ No, go back"), *parts(no_data))]]
    )


def languages(link: str | None = None) -> list[list[InlineKeyboardButton]]:
    """Language choices; `link` carries a deep-link payload through, as in `consent`."""
    carried = (link,) if link else ()
    return [
        [
            button("🇬🇹 Español", "lang", "es", *carried),
            button("🇬🇧 English", "lang", "en", *carried),
        ]
    ]


def appointment_reminder(t: Translator, appointment_id: int) -> InlineKeyboardMarkup:
    """Under a reminder: she confirms she will come, or asks to change it."""
    return for_her(
        t,
        [
            [button(t("✅ I will come"), "apr", "yes", appointment_id)],
            [button(t("🔁 I need to change it"), "apr", "chg", appointment_id)],
        ],
    )


# ── Appointments (her side) ───────────────────────────────────────────────────
# `ap:s:<service>` a service, `ap:d:<service>:<YYYYMMDD>` a day, `ap:t:…:<YYYYMMDDHHMM>` a
# time to confirm, `ap:ok:…` booked; the same with `rd`/`rt`/`rok` and an appointment id
# when she moves one. Dates and times are local to the office.
TIMES_PER_ROW = 3


def day_code(local: datetime) -> str:
    return local.strftime("%Y%m%d")


def time_code(local: datetime) -> str:
    return local.strftime("%Y%m%d%H%M")


def appointment_services(
    t: Translator, services: Sequence[AppointmentService]
) -> InlineKeyboardMarkup:
    rows = [[button(f"{s.emoji} {s.label(t.locale)}", "ap", "s", s.key)] for s in services]
    rows.append([button(t("🗓️ My appointments"), "ap", "my")])
    return for_her(t, rows, menu=True)


def appointment_days(
    t: Translator,
    days: Sequence[datetime],
    pick: Sequence[object],
    *,
    extra_rows: Sequence[Sequence[InlineKeyboardButton]] = (),
    back: Sequence[object] = ("ap",),
) -> InlineKeyboardMarkup:
    """One button per day (its first free slot, local), then the extra rows and "back"."""
    rows = [[button(t.date(d), *pick, day_code(d))] for d in days]
    rows.extend(list(r) for r in extra_rows)
    rows.append([button(t("◀️ Back"), *back)])
    return for_her(t, rows, menu=True)


def appointment_times(
    t: Translator, times: Sequence[datetime], pick: Sequence[object], back: Sequence[object]
) -> InlineKeyboardMarkup:
    """The free times of one day (local), a few to a row, then "back"."""
    buttons_ = [button(t.time(moment), *pick, time_code(moment)) for moment in times]
    rows = [buttons_[i : i + TIMES_PER_ROW] for i in range(0, len(buttons_), TIMES_PER_ROW)]
    rows.append([button(t("◀️ Back"), *back)])
    return for_her(t, rows, menu=True)


def appointment_confirm(
    t: Translator, confirm: Sequence[object], back: Sequence[object]
) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("✅ Confirm"), *confirm), button(t("◀️ Back"), *back)]])


def my_appointment(t: Translator, appointment_id: int, *, can_change: bool) -> InlineKeyboardMarkup:
    row = [button(t("✖️ Cancel"), "ap", "x", appointment_id)]
    if can_change:
        row.insert(0, button(t("🔁 Change"), "ap", "rs", appointment_id))
    return for_her(t, [row, [button(t("🗓️ My appointments"), "ap", "my")]], menu=True)
