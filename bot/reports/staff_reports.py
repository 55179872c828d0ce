"""/informe [period] in the staff group: the spreadsheet, the charts as an album, the council PDF.

The files are uploads, which the outbox makes at once (bot.outbox); the summary text
goes with the update's other answers.
"""

from __future__ import annotations

from telegram import InputFile, InputMediaPhoto, Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.handlers.authority import require_staff
from bot.handlers.drafting import staff_t
from bot.reports import views
from bot.reports.period import parse_period
from bot.reports.render import ReportFiles, make_report
from bot.services import audit

XLSX_STEM = "informe"
PDF_STEM = "informe-concejo"


async def send_report(bot: object, chat_id: int, files: ReportFiles) -> None:
    """Upload the three kinds of file (each a new file: sent at once)."""
    from telegram import Bot

    assert isinstance(bot, Bot)
    await bot.send_document(
        chat_id, InputFile(files.xlsx, filename=files.name(XLSX_STEM, "xlsx"))
    )
    await bot.send_media_group(
        chat_id,
        [
            InputMediaPhoto(png, caption=title, filename=f"chart{index}.png")
            for index, (title, png) in enumerate(files.charts, start=1)
        ],
    )
    await bot.send_document(chat_id, InputFile(files.pdf, filename=files.name(PDF_STEM, "pdf")))


async def report_command(update: Update, context: BotContext) -> None:
    if not await require_staff(update, context, "report"):
        return
    chat, person = update.effective_chat, update.effective_user
    assert chat is not None and person is not None
    t, settings = staff_t(context), context.settings
    now = context.now()
    period = parse_period(" ".join(context.args or []), now.astimezone(settings.timezone).date())
    if period is None:
        await context.send(chat.id, views.help_text(t))
        return
    files = await make_report(
        context.session,
        context.bot_data.catalogs,
        settings.default_locale,
        settings.office,
        period,
        settings.timezone,
        now,
    )
    audit.record(
        context.session,
        actor_id=person.id,
        action="report",
        now=now,
        detail=f"{period.start.isoformat()}..{period.end.isoformat()}",
    )
    await context.send(chat.id, views.summary_text(t, files))
    await send_report(context.bot, chat.id, files)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("informe", report_command))
