"""/plan in the staff group: each plan line's progress this year, counted from the records."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.core.authority import require_staff
from bot.core.context import BotContext
from bot.core.drafting import staff_t
from bot.plan import service, views


async def plan_command(update: Update, context: BotContext) -> None:
    if not await require_staff(update, context, "plan"):
        return
    chat = update.effective_chat
    assert chat is not None
    now = context.now()
    today = now.astimezone(context.settings.timezone).date()
    lines = await service.progress(
        context.session, context.settings.office, today, context.settings.timezone, now
    )
    await context.send(
        chat.id, views.plan_text(staff_t(context), lines, today, service.year_elapsed(today))
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("plan", plan_command))
