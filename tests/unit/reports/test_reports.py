"""A known October: exact numbers in every sheet, valid charts, the council PDF's figures,
and the small-cell rule with a small community (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import struct
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import Catalogs
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings
from bot.reports import charts, disclosure, pdf, service, xlsx
from bot.reports.period import month, parse_period
from tests.unit.reports.seed import NOW, seed

OFFICE = load_office_settings(EXAMPLE_OFFICE_FILE)
CATALOGS = Catalogs(__import__("zoneinfo").ZoneInfo("America/Guatemala"))
TZ = CATALOGS.get("es").timezone


def sheet_rows(book: object, name: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in book[name].iter_rows(min_row=2, values_only=True)]  # type: ignore[index]


async def build(session: AsyncSession) -> service.ReportData:
    await seed(session)
    return await service.build(session, OFFICE, month(2026, 10), TZ, NOW)


async def test_every_sheet_holds_the_exact_numbers(session: AsyncSession) -> None:
    data = await build(session)
    t = CATALOGS.get("es")
    book = load_workbook(io.BytesIO(xlsx.build_xlsx(t, OFFICE, data)))
    assert sheet_rows(book, "Casos por categoría") == [
        ("Alimentos", 5),
        ("Violencia o riesgo", 2),
        ("Asesoría legal", 1),
        ("Total", 8),
    ]
    assert sheet_rows(book, "Casos por comunidad") == [
        ("Cantón Central", 6),
        ("Caserío Tzanjuyup", 2),
        ("Total", 8),
    ]
    assert sheet_rows(book, "Casos por grupo de edad") == [("18 a 29", 8), ("Total", 8)]
    assert sheet_rows(book, "Casos por pueblo") == [
        ("Maya", 7),
        ("Ladina / Mestiza", 1),
        ("Total", 8),
    ]
    assert sheet_rows(book, "Casos por idioma") == [
        ("Tz'utujil", 6),
        ("K'iche'", 1),
        ("Español", 1),
        ("Total", 8),
    ]
    assert sheet_rows(book, "Casos por discapacidad") == [
        ("Sin discapacidad", 6),
        ("Prefiere no decirlo", 1),
        ("Sí, vive con una discapacidad", 1),
        ("Total", 8),
    ]
    assert sheet_rows(book, "Casos por resultado") == [
        ("Sigue abierto", 7),
        ("Referido a otra institución", 1),
        ("Total", 8),
    ]
    assert sheet_rows(book, "Casos por referencia") == [("Centro de Salud", 1), ("Total", 1)]
    assert sheet_rows(book, "Primera respuesta") == [
        ("Menos de 1 hora", 1),
        ("De 1 a 24 horas", 1),
        ("De 1 a 3 días", 1),
        ("Más de 3 días", 0),
        ("Sin respuesta todavía", 5),
    ]
    assert sheet_rows(book, "Casos por mes") == [
        ("2026-10", "Alimentos", 5),
        ("2026-10", "Asesoría legal", 1),
        ("2026-10", "Violencia o riesgo", 2),
    ]
    assert sheet_rows(book, "Ayudas por artículo") == [
        ("Bolsa de alimentos", 3, 4, 0),
        ("Apoyo económico para medicina", 1, 1, 150),
    ]
    assert sheet_rows(book, "Ayudas por comunidad") == [
        ("Cantón Central", 3),
        ("Aldea Palestina", 1),
    ]
    assert sheet_rows(book, "Ayudas por mes") == [
        ("2026-10", "Bolsa de alimentos", 3),
        ("2026-10", "Apoyo económico para medicina", 1),
    ]
    assert sheet_rows(book, "Actividades") == [
        ("🤰 Club de embarazadas", 5, 0, 0),
        ("📚 Capacitación", 1, 2, 1),
    ]
    assert sheet_rows(book, "Red de mujeres") == [
        ("Cantón Central", "Lideresa", 1),
        ("Cantón Central", "Integrante", 1),
    ]
    plan = {r[1]: r[3:] for r in sheet_rows(book, "Plan")}
    assert plan["Sesiones del club de embarazadas"] == (12, 5, 41.7)
    assert plan["Mujeres capacitadas"] == (300, 1, 0.3)
    assert plan["Entregas de alimentos"] == (150, 3, 2.0)
    assert plan["Apoyo a adultas mayores"] == (100, 1, 1.0)
    assert plan["Casos atendidos"] == (200, 9, 4.5)
    assert sheet_rows(book, "Sociolingüístico") == [
        ("Ladina / Mestiza", "Español", 1),
        ("Maya", "K'iche'", 1),
        ("Maya", "Tz'utujil", 5),
    ]
    assert len(sheet_rows(book, "Definiciones")) >= 10
    assert data.women_served == 7


async def test_charts_are_pngs_of_the_expected_size(session: AsyncSession) -> None:
    data = await build(session)
    images = charts.all_charts(CATALOGS.get("es"), OFFICE, data)
    assert len(images) == 4
    for _, png in images:
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])
        assert (width, height) == (charts.WIDTH_PX, charts.HEIGHT_PX)


async def test_the_council_pdf_holds_the_figures_and_hides_small_cells(
    session: AsyncSession,
) -> None:
    data = await build(session)
    t = CATALOGS.get("es")
    document = pdf.build_pdf(t, OFFICE, data, charts.all_charts(t, OFFICE, data))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)
    assert "Informe al Concejo Municipal" in text
    assert "octubre 2026" in text
    flat = " ".join(text.split())
    assert "Sesiones del club de embarazadas (sesiones) 12 5 42 %" in flat
    assert "Bolsa de alimentos 3 4" in flat and "150,00" in text
    assert "Casos abiertos: 8 · Entregas de ayuda: 4 · Mujeres atendidas: 7" in text
    assert "Informe de pertenencia sociolingüística" in text
    small = next(line for line in text.splitlines() if line.startswith("Caserío Tzanjuyup"))
    assert "< 5" in small and "2" not in small


def test_small_cell_rule_with_a_small_community() -> None:
    grid = disclosure.protect(
        ["Cantón Central", "Caserío Tzanjuyup"], ["food", "violence"], [[12, 7], [0, 2]]
    )
    # The small community's 2 violence cases (and its total) show as "< 5"; the central
    # violence cell and everything that would give it back are hidden too.
    assert grid.cells[1] == ["0", "< 5", "< 5"]
    assert grid.cells[0][1] == "*"
    assert grid.cells[2][0] == "12" and grid.cells[2][2] == "21"
    hidden_violence = [row[1] for row in grid.cells[:2]]
    assert hidden_violence.count("< 5") + hidden_violence.count("*") == 2
    for line in [*grid.cells, *zip(*grid.cells, strict=True)]:
        marks = sum(1 for cell in line if cell in (disclosure.SMALL, disclosure.HIDDEN))
        assert marks != 1


def test_periods() -> None:
    today = date(2026, 11, 5)
    assert parse_period("octubre", today) == month(2026, 10)
    assert parse_period("2026-10", today) == month(2026, 10)
    assert parse_period("T3", today) is not None and parse_period("T3", today).start == date(
        2026, 7, 1
    )  # type: ignore[union-attr]
    assert parse_period("2026-01-15 2026-02-15", today) is not None
    assert parse_period("nunca", today) is None
