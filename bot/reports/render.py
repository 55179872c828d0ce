"""Everything a report is made of, as files: built from the figures (no Telegram)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import Catalogs, Translator
from bot.office import OfficeSettings
from bot.reports import service
from bot.reports.period import Period

# matplotlib's pyplot is not thread-safe: one report is drawn at a time.
_DRAWING = asyncio.Lock()


@dataclass(frozen=True)
class ReportFiles:
    period: Period
    xlsx: bytes
    charts: list[tuple[str, bytes]]
    pdf: bytes
    summary: service.ReportData

    def name(self, stem: str, extension: str) -> str:
        return f"{stem}-{self.period.start.isoformat()}_{self.period.end.isoformat()}.{extension}"


def _draw(
    staff: Translator, council: Translator, office: OfficeSettings, data: service.ReportData
) -> tuple[bytes, list[tuple[str, bytes]], bytes]:
    # Imported here: matplotlib, openpyxl and fpdf2 add some 60 MB to a process that
    # may never make a report (the announcements' sender measured 104 MB before them).
    from bot.reports import charts, pdf, xlsx

    sheet = xlsx.build_xlsx(staff, office, data)
    images = charts.all_charts(staff, office, data)
    council_images = (
        images if council.locale == staff.locale else charts.all_charts(council, office, data)
    )
    return sheet, images, pdf.build_pdf(council, office, data, council_images)


async def make_report(
    session: AsyncSession,
    catalogs: Catalogs,
    staff_locale: str,
    office: OfficeSettings,
    period: Period,
    tz: ZoneInfo,
    now: datetime,
) -> ReportFiles:
    """The figures (in SQL), then the spreadsheet and charts in the office's language and
    the council PDF in Spanish, drawn off the event loop."""
    data = await service.build(session, office, period, tz, now)
    async with _DRAWING:
        sheet, images, document = await asyncio.to_thread(
            _draw, catalogs.get(staff_locale), catalogs.get("es"), office, data
        )
    return ReportFiles(period, sheet, images, document, data)
