"""Texts of the reports in the staff group (pure)."""

from __future__ import annotations

from babel.numbers import format_decimal

from bot.core.i18n import Translator
from bot.reports.render import ReportFiles


def help_text(t: Translator) -> str:
    return t(
        "Which period? For example:\n"
        "/informe (this month) · /informe 2026-10 · /informe octubre\n"
        "/informe T3 (a quarter) · /informe 2026 (a year)\n"
        "/informe 2026-01-15 2026-02-15 (two dates)"
    )


def summary_text(t: Translator, files: ReportFiles, *, monthly: bool = False) -> str:
    data = files.summary
    head = (
        t("🗓️ Monthly report: {period}")
        if monthly
        else t("📈 Report: {period}")
    ).format(period=files.period.label(t.babel_locale))
    deliveries = sum(n for _, n, _, _ in data.aid_by_item)
    return "\n".join(
        [
            head,
            t.plural("{n} case opened", "{n} cases opened", data.cases_total).format(
                n=format_decimal(data.cases_total, locale=t.babel_locale)
            ),
            t.plural("{n} aid delivery", "{n} aid deliveries", deliveries).format(
                n=format_decimal(deliveries, locale=t.babel_locale)
            ),
            t.plural("{n} woman served", "{n} women served", data.women_served).format(
                n=format_decimal(data.women_served, locale=t.babel_locale)
            ),
            t(
                "Spreadsheet (staff only, exact counts), charts, and the PDF for the council "
                "(small numbers hidden)."
            ),
        ]
    )
