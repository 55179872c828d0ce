"""The certificate of a course of the entrepreneurship school, as a one-page PDF: her
name, the course, its hours and dates, and the office's name. Pure: facts in, bytes out.
Fonts: DejaVu Sans as shipped with matplotlib (every Spanish letter), like the reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from fpdf import FPDF

from bot.core.i18n import Translator
from bot.reports.labels import no_emoji
from bot.reports.pdf import FONT, FONT_DIR


@dataclass(frozen=True)
class CertificateFacts:
    office: str
    municipality: str
    name: str
    course: str
    minutes: int
    first_day: date
    last_day: date
    issued_on: date
    number: int


def hours_text(t: Translator, minutes: int) -> str:
    hours = minutes / 60
    amount = format_decimal(round(hours, 1), locale=t.babel_locale)
    return t.plural("{hours} hour", "{hours} hours", max(1, round(hours))).format(hours=amount)


def build_certificate(t: Translator, facts: CertificateFacts) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(120, 60, 140)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)

    def line(text: str, size: int, *, bold: bool = False, gap: float = 4) -> None:
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(0, size * 0.55, no_emoji(text), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    def day(value: date) -> str:
        return format_date(value, format="long", locale=t.babel_locale)

    pdf.set_y(28)
    line(facts.office, 16, bold=True, gap=2)
    line(facts.municipality, 12, gap=10)
    line(t("CERTIFICATE"), 28, bold=True, gap=8)
    line(t("This certifies that"), 14, gap=4)
    line(facts.name, 26, bold=True, gap=6)
    line(t("completed the course of the municipal entrepreneurship school"), 14, gap=4)
    line(f"«{facts.course}»", 18, bold=True, gap=6)
    line(
        t("{hours}, from {first} to {last}.").format(
            hours=hours_text(t, facts.minutes), first=day(facts.first_day), last=day(facts.last_day)
        ),
        13,
        gap=14,
    )
    line(
        t("{place}, {date}").format(place=facts.municipality, date=day(facts.issued_on)), 12, gap=2
    )
    line(t("Certificate no. {number}").format(number=facts.number), 9, gap=0)
    return bytes(pdf.output())
