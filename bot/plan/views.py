"""The /plan screen: each line's progress against its annual target (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from bot.core.i18n import Translator
from bot.plan.service import LineProgress

BAR = 10


def bar(share: float) -> str:
    filled = max(0, min(BAR, round(share * BAR)))
    return "▓" * filled + "░" * (BAR - filled)


def plan_text(
    t: Translator, lines: Sequence[LineProgress], until: date, elapsed: float
) -> str:
    if not lines:
        return t("The office file has no plan lines yet ([[plan]] in the office file).")
    out = [
        t("📊 Plan {year}: progress up to {date} ({share} of the year gone)").format(
            year=until.year,
            date=format_date(until, "long", locale=t.babel_locale),
            share=format_percent(elapsed, locale=t.babel_locale),
        )
    ]
    programme = None
    for progress in lines:
        if progress.line.programme != programme:
            programme = progress.line.programme
            out.append(f"\n{programme.upper()}" if programme else "")
        out.append(
            f"{bar(progress.share)} {format_percent(progress.share, locale=t.babel_locale)} · "
            f"{progress.line.label}: {format_decimal(progress.done, locale=t.babel_locale)} / "
            f"{format_decimal(progress.line.target, locale=t.babel_locale)} {progress.line.indicator}"
        )
    return "\n".join(out)
