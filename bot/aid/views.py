"""Texts and keyboards of aid deliveries: pure functions of their inputs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from babel.numbers import format_currency
from telegram import InlineKeyboardMarkup

from bot.aid.callbacks import CancelAid, ChooseSize, RecordAid
from bot.core.callbacks import Button
from bot.core.i18n import Translator
from bot.core.keyboards import button
from bot.db.models import AidDelivery, format_reference
from bot.office import AidItem, OfficeSettings

# Amounts offered as buttons for money items (in the local currency); others by command.
AMOUNT_BUTTONS = (50, 100, 150, 200, 300)
QUANTITY_BUTTONS = (1, 2, 3)


def money(t: Translator, cents: int, currency: str) -> str:
    return format_currency(cents / 100, currency, locale=t.babel_locale)


def day(t: Translator, on: date) -> str:
    from babel.dates import format_date

    return format_date(on, "medium", locale=t.babel_locale)


def how_much(t: Translator, item: AidItem, delivery: AidDelivery, currency: str) -> str:
    if item.money and delivery.amount_cents is not None:
        return money(t, delivery.amount_cents, currency)
    return t.plural("{n} item", "{n} items", delivery.quantity).format(n=delivery.quantity)


def delivery_line(t: Translator, office: OfficeSettings, delivery: AidDelivery) -> str:
    item = office.aid_item(delivery.item)
    name = f"{item.emoji} {item.label(t.locale)}".strip() if item else delivery.item
    size = how_much(t, item, delivery, office.currency) if item else str(delivery.quantity)
    line = f"#{delivery.id} · {day(t, delivery.delivered_on)} · {name} · {size}"
    if delivery.annulled_at is not None:
        line = "❌ " + line + " · " + t("annulled")
    return line


def items_keyboard(t: Translator, office: OfficeSettings, case_id: int) -> InlineKeyboardMarkup:
    rows = [
        [button(f"{item.emoji} {item.label(t.locale)}".strip(), ChooseSize(case_id, index))]
        for index, item in enumerate(office.aid_items)
    ]
    rows.append([button(t("✖️ Cancel"), CancelAid(case_id))])
    return InlineKeyboardMarkup(rows)


def choose_item_text(t: Translator, case_id: int) -> str:
    return t("🎁 What did the office give for {reference}?").format(
        reference=format_reference(case_id)
    )


def size_keyboard(
    t: Translator, item: AidItem, case_id: int, index: int, currency: str
) -> InlineKeyboardMarkup:
    if item.money:
        sizes = [
            button(money(t, amount * 100, currency), RecordAid(case_id, index, amount * 100))
            for amount in AMOUNT_BUTTONS
        ]
        rows = [sizes[:3], sizes[3:]]
    else:
        rows = [[button(str(n), RecordAid(case_id, index, n)) for n in QUANTITY_BUTTONS]]
    rows.append([button(t("✖️ Cancel"), CancelAid(case_id))])
    return InlineKeyboardMarkup(rows)


def size_text(t: Translator, item: AidItem, case_id: int) -> str:
    label = f"{item.emoji} {item.label(t.locale)}".strip()
    if item.money:
        return t(
            "{item} for {reference}: how much? (another amount: /entrega with the case number)"
        ).format(item=label, reference=format_reference(case_id))
    return t("{item} for {reference}: how many?").format(
        item=label, reference=format_reference(case_id)
    )


def repeat_warning(
    t: Translator, office: OfficeSettings, item: AidItem, earlier: Sequence[AidDelivery]
) -> str:
    lines = [
        t.plural(
            "⚠️ She already received {item} in the last {days} day:",
            "⚠️ She already received {item} in the last {days} days:",
            item.repeat_days,
        ).format(item=item.label(t.locale), days=item.repeat_days)
    ]
    lines += [delivery_line(t, office, d) for d in earlier]
    lines.append(t("Record this delivery anyway?"))
    return "\n".join(lines)


def recorded_text(t: Translator, office: OfficeSettings, delivery: AidDelivery) -> str:
    return t("✅ Delivery recorded: {line}").format(line=delivery_line(t, office, delivery))


def confirm_keyboard(t: Translator, yes: Button, no: Button) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(t("✅ Record anyway"), yes), button(t("✖️ Cancel"), no)]])


def command_help(t: Translator, office: OfficeSettings) -> str:
    items = "\n".join(
        f"• {item.key} — {item.emoji} {item.label(t.locale)}".rstrip() for item in office.aid_items
    )
    return t(
        "To record a delivery to someone who came to the office:\n"
        "/entrega ITEM QUANTITY-OR-AMOUNT [DATE] NAME / COMMUNITY / NOTE\n"
        "or for a case: /entrega ITEM QUANTITY-OR-AMOUNT [DATE] OMM-000123\n"
        "DATE (ayer, 25/11) only if it was not today.\n"
        "Example: /entrega food_bag 1 ayer Juana Pérez / Aldea Palestina\n"
        "Correct: /corregir_entrega NUMBER QUANTITY-OR-AMOUNT · Annul: /anular_entrega NUMBER REASON\n"
        "Items:"
    ) + "\n" + items


def history_text(
    t: Translator, office: OfficeSettings, who: str, deliveries: Sequence[AidDelivery]
) -> str:
    if not deliveries:
        return t("No deliveries recorded for {who}.").format(who=who)
    lines = [t("Deliveries to {who}:").format(who=who)]
    lines += [delivery_line(t, office, d) for d in deliveries]
    return "\n".join(lines)
