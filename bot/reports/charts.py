"""Report charts as PNG bytes (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import io
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from babel.dates import format_date
from matplotlib.figure import Figure

from bot.core.i18n import Translator
from bot.office import OfficeSettings
from bot.reports.labels import key_label, no_emoji
from bot.reports.service import ReportData

WIDTH_PX, HEIGHT_PX, DPI = 1000, 560, 100
COLOURS = ["#7b2d8e", "#e07a5f", "#3d8c95", "#f2cc8f", "#81b29a", "#5f6caf", "#c06c84", "#999999"]


def _figure() -> tuple[Figure, plt.Axes]:
    figure = plt.figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    axes = figure.add_subplot(1, 1, 1)
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    plt.close(figure)
    return out.getvalue()


def _empty(axes: plt.Axes, t: Translator) -> None:
    axes.text(0.5, 0.5, t("Nothing recorded in this period"), ha="center", va="center")
    axes.set_axis_off()


def month_label(t: Translator, month: str) -> str:
    from datetime import date

    year, number = (int(p) for p in month.split("-"))
    return format_date(date(year, number, 1), "LLL yyyy", locale=t.babel_locale)


def cases_by_month(t: Translator, office: OfficeSettings, data: ReportData) -> bytes:
    figure, axes = _figure()
    months = sorted({m for m, _, _ in data.cases_by_month_category})
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for m, category, n in data.cases_by_month_category:
        counts[category][m] = n
    if not months:
        _empty(axes, t)
    bottom = [0] * len(months)
    for index, (category, per_month) in enumerate(sorted(counts.items())):
        values = [per_month.get(m, 0) for m in months]
        axes.bar(
            [month_label(t, m) for m in months],
            values,
            bottom=bottom,
            label=key_label(t, office, "category", category),
            color=COLOURS[index % len(COLOURS)],
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    if months:
        axes.legend(fontsize=8, frameon=False)
    axes.set_title(t("Cases by month and category"))
    figure.tight_layout()
    return _png(figure)


def _barh(t: Translator, title: str, labels: list[str], values: list[float], suffix: str = "") -> bytes:
    figure, axes = _figure()
    if not labels:
        _empty(axes, t)
    else:
        bars = axes.barh(labels[::-1], values[::-1], color=COLOURS[0])
        axes.bar_label(bars, labels=[f"{v:g}{suffix}" for v in values[::-1]], padding=3)
    axes.set_title(title)
    figure.tight_layout()
    return _png(figure)


def aid_by_item(t: Translator, office: OfficeSettings, data: ReportData) -> bytes:
    return _barh(
        t,
        t("Aid deliveries by item"),
        [no_emoji(key_label(t, office, "item", k)) for k, *_ in data.aid_by_item],
        [n for _, n, _, _ in data.aid_by_item],
    )


def attendance_by_kind(t: Translator, office: OfficeSettings, data: ReportData) -> bytes:
    return _barh(
        t,
        t("Attendance by kind of activity"),
        [no_emoji(key_label(t, office, "kind", k)) for k, *_ in data.activities],
        [a for _, _, _, a in data.activities],
    )


def plan_progress(t: Translator, office: OfficeSettings, data: ReportData) -> bytes:
    return _barh(
        t,
        t("Plan progress, in percent of the annual target"),
        [p.line.label for p in data.plan],
        [round(100 * p.share, 1) for p in data.plan],
        "%",
    )


def all_charts(t: Translator, office: OfficeSettings, data: ReportData) -> list[tuple[str, bytes]]:
    return [
        (t("Cases by month and category"), cases_by_month(t, office, data)),
        (t("Aid deliveries by item"), aid_by_item(t, office, data)),
        (t("Attendance by kind of activity"), attendance_by_kind(t, office, data)),
        (t("Plan progress, in percent of the annual target"), plan_progress(t, office, data)),
    ]
