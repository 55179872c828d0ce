"""Spreadsheets staff export: the exhibitors of a fair (for the Ministry of Economy or
SOSEP) and the directory of women's businesses. Pure: rows in, XLSX bytes out."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.core.i18n import Translator
from bot.enterprise.service_directory import Entry
from bot.enterprise.service_fairs import Exhibitor
from bot.enterprise.views_directory import kind_label

BOLD = Font(bold=True)


def _book(title: str, heading: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([heading])
    sheet["A1"].font = BOLD
    sheet.append(list(headers))
    for cell in sheet[2]:
        cell.font = BOLD
    for row in rows:
        sheet.append(list(row))
    for index, header in enumerate(headers, start=1):
        width = max([len(str(header)), *(len(str(r[index - 1])) for r in rows)])
        sheet.column_dimensions[sheet.cell(2, index).column_letter].width = min(60, width + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def exhibitors_xlsx(t: Translator, fair: str, when: str, rows: Sequence[Exhibitor]) -> bytes:
    return _book(
        t("Exhibitors"),
        f"{fair} · {when}",
        [
            t("Stand"),
            t("Business"),
            t("Products"),
            t("Stands"),
            t("Name"),
            t("Community"),
            t("Phone"),
        ],
        [
            (r.stand, r.business_name, r.products, r.stands, r.name, r.community, r.phone)
            for r in rows
        ],
    )


def directory_xlsx(t: Translator, office: str, rows: Sequence[Entry]) -> bytes:
    return _book(
        t("Businesses"),
        t("Directory of women's businesses · {office}").format(office=office),
        [
            t("Business"),
            t("Kind"),
            t("Products"),
            t("Community"),
            t("Published contact"),
            t("Name"),
            t("In the directory since"),
        ],
        [
            (
                r.name,
                kind_label(t, r.kind),
                r.products,
                r.community,
                r.contact,
                r.owner,
                r.joined_at.date().isoformat(),
            )
            for r in rows
        ],
    )
