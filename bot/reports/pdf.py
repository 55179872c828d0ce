"""The printable report for the council (in Spanish): cover, plan progress, main tables and
charts, and the sociolinguistic report (Decreto 57-2008, Art. 10, num. 28).

It leaves the office, so every table by community, people, language or disability goes
through the small-cell rule (bot.reports.disclosure). Fonts: DejaVu Sans as shipped with
matplotlib, which has every Spanish letter.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from fpdf import FPDF

from bot.core.i18n import Translator
from bot.office import OfficeSettings
from bot.reports import disclosure
from bot.reports.labels import key_label, no_emoji
from bot.reports.service import ReportData

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"


class _Pdf(FPDF):
    footer_text = ""

    def multi_cell(self, *args: Any, **kwargs: Any) -> Any:
        """Paragraphs: the next one starts at the left margin, below."""
        kwargs.setdefault("new_x", "LMARGIN")
        kwargs.setdefault("new_y", "NEXT")
        return super().multi_cell(*args, **kwargs)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 6, f"{self.footer_text} · {self.page_no()}", align="C")


def _table(pdf: FPDF, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    pdf.set_font(FONT, size=8)
    with pdf.table(
        text_align=["LEFT", *["RIGHT"] * (len(headers) - 1)],
        first_row_as_headings=True,
        line_height=5,
    ) as table:
        table.row([_plain(h) for h in headers])
        for row in rows:
            table.row([_plain(c) for c in row])
    pdf.ln(3)


_plain = no_emoji


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 8, text)
    pdf.ln(1)


def _note(pdf: FPDF, text: str) -> None:
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, size=8)
    pdf.multi_cell(0, 4, text)
    pdf.ln(2)


def _grid_rows(grid: disclosure.Grid, total: str) -> list[list[str]]:
    names = [*grid.rows, total]
    return [[names[i], *line] for i, line in enumerate(grid.cells)]


def build_pdf(
    t: Translator, office: OfficeSettings, data: ReportData, charts: Sequence[tuple[str, bytes]]
) -> bytes:
    locale = t.babel_locale
    number = lambda n: format_decimal(n, locale=locale)  # noqa: E731
    pdf = _Pdf(format="Letter")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=15)
    period = data.period.label(locale)
    pdf.footer_text = f"{office.name} · {period}"
    total = t("Total")

    # Cover
    pdf.add_page()
    pdf.ln(50)
    pdf.set_font(FONT, "B", 20)
    pdf.multi_cell(0, 10, t("Report to the Municipal Council"), align="C")
    pdf.set_font(FONT, size=14)
    pdf.multi_cell(0, 8, office.name, align="C")
    pdf.multi_cell(0, 8, office.municipality, align="C")
    pdf.ln(10)
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 8, t("Period: {period}").format(period=period), align="C")
    pdf.set_font(FONT, size=10)
    pdf.multi_cell(
        0,
        6,
        t("Produced on {date}").format(
            date=format_date(data.generated_at.astimezone(t.timezone).date(), "long", locale=locale)
        ),
        align="C",
    )
    pdf.ln(20)
    pdf.set_font(FONT, size=11)
    pdf.multi_cell(
        0,
        6,
        t("Cases opened: {cases} · Aid deliveries: {aid} · Women served: {women}").format(
            cases=number(data.cases_total),
            aid=number(sum(n for _, n, _, _ in data.aid_by_item)),
            women=number(data.women_served),
        ),
        align="C",
    )

    # Plan
    pdf.add_page()
    _heading(pdf, t("Progress of the annual operating plan"))
    _table(
        pdf,
        [t("Programme"), t("Line"), t("Annual target"), t("Achieved"), t("Progress")],
        [
            (
                p.line.programme,
                f"{p.line.label} ({p.line.indicator})",
                number(p.line.target),
                number(p.done),
                format_percent(p.share, locale=locale),
            )
            for p in data.plan
        ],
    )

    # Cases
    _heading(pdf, t("Cases by category"))
    by_category = [
        (key_label(t, office, "category", k), number(n)) for k, n in data.cases_by["category"]
    ]
    _table(pdf, [t("Category"), t("Cases")], [*by_category, (total, number(data.cases_total))])
    _heading(pdf, t("Cases by community and category"))
    communities = sorted({str(c or "") for c, _, _ in data.cases_by_community_category})
    categories = sorted({k for _, k, _ in data.cases_by_community_category})
    counts = {(str(c or ""), k): n for c, k, n in data.cases_by_community_category}
    grid = disclosure.protect(
        [c or t("Not recorded") for c in communities],
        [key_label(t, office, "category", k) for k in categories],
        [[counts.get((c, k), 0) for k in categories] for c in communities],
    )
    _table(pdf, [t("Community"), *grid.columns, total], _grid_rows(grid, total))
    _note(pdf, _rule(t))
    _heading(pdf, t("Outcome of the cases"))
    _table(
        pdf,
        [t("Outcome"), t("Cases")],
        [(key_label(t, office, "outcome", k), number(n)) for k, n in data.cases_by["outcome"]],
    )

    # Aid and activities
    _heading(pdf, t("Social aid delivered"))
    _table(
        pdf,
        [t("Item"), t("Deliveries"), t("Quantity"), t("Amount")],
        [
            (
                key_label(t, office, "item", k),
                number(n),
                number(q),
                format_currency(c / 100, office.currency, locale=locale) if c else "—",
            )
            for k, n, q, c in data.aid_by_item
        ],
    )
    _heading(pdf, t("Activities"))
    _table(
        pdf,
        [t("Kind of activity"), t("Dates held"), t("Registrations"), t("Attended")],
        [
            (key_label(t, office, "kind", k), number(d), number(r), number(a))
            for k, d, r, a in data.activities
        ],
    )

    # Charts
    for title, png in charts:
        pdf.add_page()
        _heading(pdf, title)
        pdf.image(io.BytesIO(png), w=pdf.epw)

    # Sociolinguistic report
    pdf.add_page()
    _heading(pdf, t("Sociolinguistic report of the people served"))
    _note(
        pdf,
        t(
            "Access to Public Information Law (Decreto 57-2008), Art. 10, numeral 28: people and "
            "language community of the women the office served in the period, as each woman "
            "chose to say."
        ),
    )
    peoples = sorted({str(p) if p else "" for p, _, _ in data.women_by_people_language})
    languages = sorted({str(lang) if lang else "" for _, lang, _ in data.women_by_people_language})
    women = {
        (str(p) if p else "", str(lang) if lang else ""): n
        for p, lang, n in data.women_by_people_language
    }
    grid = disclosure.protect(
        [key_label(t, office, "people", p or None) for p in peoples],
        [key_label(t, office, "language", lang or None) for lang in languages],
        [[women.get((p, lang), 0) for lang in languages] for p in peoples],
    )
    _table(pdf, [t("People"), *grid.columns, total], _grid_rows(grid, total))
    grid = disclosure.protect_list(
        [key_label(t, office, "disability", k) for k, _ in data.women_by_disability],
        [n for _, n in data.women_by_disability],
    )
    _table(
        pdf,
        [t("Disability"), t("Women served")],
        [[name, line[0]] for name, line in zip([*grid.rows, total], grid.cells, strict=True)],
    )
    _note(pdf, _rule(t))
    return bytes(pdf.output())


def _rule(t: Translator) -> str:
    return t(
        "“< 5”: between 1 and 4, hidden so that no woman can be recognised; “*”: hidden so that "
        "the small numbers cannot be worked out from the totals."
    )
