"""/informe [period] in the staff group: the spreadsheet, the charts as an album, the council PDF.

The files are uploads, which the outbox makes at once (bot.core.outbox); the summary text
goes with the update's other answers.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.core import audit
from bot.core.authority import require_staff
from bot.core.context import BotContext
from bot.core.drafting import staff_t
from bot.reports import views
from bot.reports.period import parse_period
from bot.reports.render import make_report
from bot.reports.upload import send_report


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
