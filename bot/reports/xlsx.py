"""The staff spreadsheet: one sheet per subject with exact counts, and a sheet of definitions."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from bot.core.i18n import Translator
from bot.network.views_proposals import kind_label as proposal_kind
from bot.network.views_proposals import status_label as proposal_status
from bot.office import OfficeSettings
from bot.reports.labels import key_label
from bot.reports.service import ReportData

BOLD = Font(bold=True)


def _sheet(book: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> Worksheet:
    sheet = book.create_sheet(title[:31])
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append(list(row))
    for index, header in enumerate(headers, start=1):
        width = max([len(str(header)), *(len(str(r[index - 1])) for r in rows)])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(60, width + 2)
    return sheet


def build_xlsx(t: Translator, office: OfficeSettings, data: ReportData) -> bytes:
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    count = t("Count")
    # Cases: one block per dimension, on one sheet per dimension.
    dimensions = (
        ("category", t("Cases by category")),
        ("community", t("Cases by community")),
        ("age_group", t("Cases by age group")),
        ("people", t("Cases by people")),
        ("language", t("Cases by language")),
        ("disability", t("Cases by disability")),
        ("outcome", t("Cases by outcome")),
        ("referral", t("Cases by referral")),
    )
    for dimension, title in dimensions:
        rows = [(key_label(t, office, dimension, k), n) for k, n in data.cases_by.get(dimension, [])]
        rows.append((t("Total"), sum(n for _, n in rows)))
        _sheet(book, title, [t("Value"), count], rows)
    _sheet(
        book,
        t("First answer"),
        [t("Time to first answer"), count],
        [(key_label(t, office, "answer", k), n) for k, n in data.first_answer],
    )
    _sheet(
        book,
        t("Cases by month"),
        [t("Month"), t("Category"), count],
        [(m, key_label(t, office, "category", c), n) for m, c, n in data.cases_by_month_category],
    )
    _sheet(
        book,
        t("Aid by item"),
        [t("Item"), t("Deliveries"), t("Quantity"), t("Amount ({currency})").format(currency=office.currency)],
        [
            (key_label(t, office, "item", k), n, q, round(c / 100, 2))
            for k, n, q, c in data.aid_by_item
        ],
    )
    _sheet(
        book,
        t("Aid by community"),
        [t("Community"), t("Deliveries")],
        [(key_label(t, office, "community", k), n) for k, n in data.aid_by_community],
    )
    _sheet(
        book,
        t("Aid by month"),
        [t("Month"), t("Item"), t("Deliveries")],
        [(m, key_label(t, office, "item", k), n) for m, k, n in data.aid_by_month_item],
    )
    _sheet(
        book,
        t("Activities"),
        [t("Kind of activity"), t("Dates held"), t("Registrations"), t("Attended")],
        [(key_label(t, office, "kind", k), d, r, a) for k, d, r, a in data.activities],
    )
    _sheet(
        book,
        t("Women's network"),
        [t("Community"), t("Role"), t("Members")],
        [(c, key_label(t, office, "role", r), n) for c, r, n in data.network],
    )
    _sheet(
        book,
        t("Plan"),
        [t("Programme"), t("Line"), t("Indicator"), t("Annual target"), t("Achieved"), t("Progress (%)")],
        [
            (p.line.programme, p.line.label, p.line.indicator, p.line.target, p.done, round(100 * p.share, 1))
            for p in data.plan
        ],
    )
    _sheet(
        book,
        t("Sociolinguistic"),
        [t("People"), t("Language community"), t("Women served")],
        [
            (key_label(t, office, "people", p), key_label(t, office, "language", lang), n)
            for p, lang, n in data.women_by_people_language
        ],
    )
    _sheet(
        book,
        t("Consultations"),
        [t("Consultation"), t("Question"), t("Answer"), t("Answered by the women"), t("On behalf"), t("Total"), t("Status")],
        consultation_rows(t, data),
    )
    _sheet(
        book,
        t("Proposals"),
        [t("Proposal"), t("Title"), t("Community"), t("Kind"), t("Status"), t("Supports"), t("Reason")],
        [
            (
                p.id,
                p.title if p.title is not None else t("(erased at her request)"),
                p.community,
                proposal_kind(t, p.kind),
                proposal_status(t, p.status),
                p.supports,
                p.reason or "",
            )
            for p in data.proposals
        ],
    )
    _sheet(book, t("Definitions"), [t("Term"), t("Definition")], definitions(t))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def consultation_rows(t: Translator, data: ReportData) -> list[tuple[Any, ...]]:
    """One row per answer of each consultation of the period."""
    rows: list[tuple[Any, ...]] = []
    for line in data.consultations:
        status = t("closed") if line.closed else t("open")
        for index, option in enumerate(line.options):
            rows.append(
                (
                    line.id,
                    line.question,
                    option,
                    line.own[index],
                    line.on_behalf[index],
                    line.total[index],
                    status,
                )
            )
    return rows


def definitions(t: Translator) -> list[tuple[str, str]]:
    return [
        (t("Period"), t("From the first to the last day named, in the office's time zone.")),
        (t("Case"), t("A request for help a woman sent through the bot, counted on the day it was opened.")),
        (t("Time to first answer"), t("From the opening of a case to the first reply staff sent her.")),
        (t("Delivery"), t("Aid handed over, as recorded by staff; annulled deliveries are not counted.")),
        (t("Dates held"), t("Dates of activities (each date of a series) up to today, not cancelled.")),
        (t("Registrations"), t("Places taken for the dates of the period (waiting list not counted).")),
        (t("Attended"), t("Women staff marked as present.")),
        (t("Women served"), t("Different women with a case, an aid delivery or an attendance in the period.")),
        (t("Plan progress"), t("Counted from 1 January to the end of the period, against the annual target.")),
        (t("On behalf"), t("Answers a network leader entered for women without a phone she represents.")),
        (t("Not recorded"), t("She was not asked, or erased her data (the record stays as an anonymous count).")),
        (t("< 5"), t("Outside the office, counts from 1 to 4 are hidden so that no woman can be recognised.")),
    ]
