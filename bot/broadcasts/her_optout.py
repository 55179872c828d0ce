"""Announcements: she stops (`bc:stop`, /baja) or resumes (`bc:start`) receiving broadcasts."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.broadcasts import service as broadcasts
from bot.broadcasts.callbacks import ANNOUNCEMENTS, Announcements, AnnouncementsButton
from bot.core.common import stale_button
from bot.core.context import BotContext
from bot.core.keyboards import button, for_her
from bot.core.routing import Routes
from bot.people.her_welcome import ensure_registered


async def stop(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    assert context.user is not None
    t = context.t
    await broadcasts.opt_out(context.session, context.user.id, context.now())
    await context.show(
        update,
        t(
            "🔕 You will not receive announcements from the office any more. "
            "Your requests and appointments are not affected."
        ),
        for_her(t, [[button(t("🔔 Receive announcements again"), AnnouncementsButton(Announcements.START))]], menu=True),
    )


async def resume(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    assert context.user is not None
    t = context.t
    await broadcasts.opt_in(context.session, context.user.id)
    await context.show(
        update,
        t("🔔 You will receive announcements from the office again."),
        for_her(t, menu=True),
    )


async def on_button(update: Update, context: BotContext) -> None:
    press = ANNOUNCEMENTS.decode(update.callback_query.data if update.callback_query else None)
    if press is None:
        await stale_button(update, context)
    elif press.choice == Announcements.STOP:
        await stop(update, context)
    else:
        await resume(update, context)


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=ANNOUNCEMENTS.pattern()))
    app.add_handler(CommandHandler("baja", stop, filters=filters.ChatType.PRIVATE))
