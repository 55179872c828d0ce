"""Uploading a report's files to a chat: by /informe and by the monthly report job."""

from __future__ import annotations

from telegram import Bot, InputFile, InputMediaPhoto

from bot.reports.render import ReportFiles

XLSX_STEM = "informe"
PDF_STEM = "informe-concejo"


async def send_report(bot: Bot, chat_id: int, files: ReportFiles) -> None:
    """Upload the three kinds of file (each a new file: sent at once)."""
    await bot.send_document(chat_id, InputFile(files.xlsx, filename=files.name(XLSX_STEM, "xlsx")))
    await bot.send_media_group(
        chat_id,
        [
            InputMediaPhoto(png, caption=title, filename=f"chart{index}.png")
            for index, (title, png) in enumerate(files.charts, start=1)
        ],
    )
    await bot.send_document(chat_id, InputFile(files.pdf, filename=files.name(PDF_STEM, "pdf")))
