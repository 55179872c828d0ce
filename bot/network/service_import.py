"""Importing the office's register of network women (paper, then a spreadsheet) as women
without a phone: CSV or XLSX, with the header documented in README.md ("Women's
network"). Every row is checked first; one wrong row and nothing is imported (the
caller's one transaction), and each wrong row is reported by its line number.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import InvalidInput
from bot.network import service_women as women

MAX_ROWS = 2000
MAX_BYTES = 2_000_000
# Column → field; Spanish names first (the office's), English accepted too.
COLUMNS = {
    "nombre": "name",
    "name": "name",
    "comunidad": "community",
    "community": "community",
    "grupo_edad": "age_group",
    "age_group": "age_group",
    "pueblo": "people",
    "people": "people",
    "idioma": "language",
    "language": "language",
    "discapacidad": "disability",
    "disability": "disability",
    "consentimiento_fecha": "consent_date",
    "consent_date": "consent_date",
    "consentimiento_a": "consent_to",
    "consent_to": "consent_to",
}
REQUIRED = ("name", "community", "consent_date", "consent_to")
# Words the office may write for the keys.
_SYNONYMS = {"si": "yes", "sí": "yes", "ninguna": "no", "espanol": "spanish", "español": "spanish"}


@dataclass(frozen=True)
class RowError:
    line: int  # as the office sees it: the header is line 1
    field: str  # a column name of the documented header, or "" for the whole file
    problem: str  # "missing", "invalid", "unknown_column", "too_many_rows", "unreadable"


class ImportRefused(InvalidInput):
    """The register has errors; nothing was imported."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = list(errors)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_table(content: bytes, filename: str) -> list[list[str]]:
    """The file's rows as text cells (XLSX: its first sheet). ImportRefused when unreadable."""
    if len(content) > MAX_BYTES:
        raise ImportRefused([RowError(0, "", "too_big")])
    try:
        if filename.lower().endswith(".xlsx"):
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        text = content.decode("utf-8-sig")
        dialect: Any = csv.excel
        with contextlib.suppress(csv.Error):
            dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    except Exception as exc:  # a bad encoding, or openpyxl's own kinds for a non-XLSX file
        raise ImportRefused([RowError(0, "", "unreadable")]) from exc


def _key(value: str) -> str | None:
    cleaned = value.strip().lower()
    return _SYNONYMS.get(cleaned, cleaned) or None


def _consent_date(value: str) -> date | None:
    for parse in (date.fromisoformat, lambda v: datetime.strptime(v, "%d/%m/%Y").date()):
        try:
            return parse(value)
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class ImportRow:
    details: women.WomanDetails
    consent_at: datetime
    consent_to: str


def check_rows(
    table: Sequence[Sequence[str]],
    *,
    today: date,
    tz: ZoneInfo,
    language_communities: tuple[str, ...] = (),
) -> list[ImportRow]:
    """Every data row checked; ImportRefused with every error when any is wrong."""
    rows = [r for r in table if any(c.strip() for c in r)]
    if not rows:
        raise ImportRefused([RowError(1, "", "empty")])
    header = [h.strip().lower() for h in rows[0]]
    errors = [RowError(1, h, "unknown_column") for h in header if h and h not in COLUMNS]
    fields = [COLUMNS.get(h) for h in header]
    for needed in REQUIRED:
        if needed not in fields:
            errors.append(RowError(1, _column_name(needed), "missing"))
    if errors:
        raise ImportRefused(errors)
    if len(rows) - 1 > MAX_ROWS:
        raise ImportRefused([RowError(0, "", "too_many_rows")])
    found: list[ImportRow] = []
    line = 1
    for row in table[1:]:
        line += 1
        if not any(c.strip() for c in row):
            continue
        values = {f: (row[i] if i < len(row) else "") for i, f in enumerate(fields) if f}
        row_errors = [
            RowError(line, _column_name(f), "missing") for f in REQUIRED if not values.get(f)
        ]
        consent_on = _consent_date(values.get("consent_date", ""))
        if values.get("consent_date") and (consent_on is None or consent_on > today):
            row_errors.append(RowError(line, _column_name("consent_date"), "invalid"))
        details = women.WomanDetails(
            name=values.get("name", ""),
            community=values.get("community", ""),
            age_group=_key(values.get("age_group", "")),
            people=_key(values.get("people", "")),
            language=_language(values.get("language", ""), language_communities),
            disability=_key(values.get("disability", "")),
        )
        for field in ("age_group", "people", "language", "disability", "name", "community"):
            try:
                women.check_details(_only(details, field), language_communities)
            except InvalidInput:
                if values.get(field):
                    row_errors.append(RowError(line, _column_name(field), "invalid"))
        if row_errors:
            errors.extend(row_errors)
            continue
        assert consent_on is not None
        found.append(
            ImportRow(
                details=details,
                consent_at=datetime.combine(consent_on, time(12, 0), tzinfo=tz).astimezone(UTC),
                consent_to=values["consent_to"],
            )
        )
    if errors:
        raise ImportRefused(errors)
    return found


def _language(value: str, communities: tuple[str, ...]) -> str | None:
    for name in communities:
        if name.lower() == value.strip().lower():
            return name
    return _key(value)


def _only(details: women.WomanDetails, field: str) -> women.WomanDetails:
    """Details where only `field` may be wrong (the others are placeholders)."""
    blank = women.WomanDetails(name="x", community="x")
    return women.WomanDetails(
        name=details.name if field == "name" else blank.name,
        community=details.community if field == "community" else blank.community,
        **{field: getattr(details, field)} if field not in ("name", "community") else {},
    )


def _column_name(field: str) -> str:
    """The documented (Spanish) column name of a field."""
    return next(c for c, f in COLUMNS.items() if f == field)


async def import_register(
    session: AsyncSession,
    rows: Iterable[ImportRow],
    *,
    imported_by: int,
    now: datetime,
    language_communities: tuple[str, ...] = (),
) -> int:
    """Record every checked row (staff are their contact until a leader is named)."""
    count = 0
    for row in rows:
        await women.register(
            session,
            row.details,
            consent_at=min(row.consent_at, now),
            consent_to=row.consent_to,
            contact_id=None,
            registered_by=imported_by,
            now=now,
            language_communities=language_communities,
        )
        count += 1
    return count
