"""Announcements: she stops (`bc:stop`, /baja) or resumes (`bc:start`) receiving broadcasts."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.broadcasts import service as broadcasts
from bot.core import callbacks
from bot.core.common import arg, stale_button
from bot.core.context import BotContext
from bot.core.keyboards import button, for_her, parse_cb
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
        for_her(t, [[button(t("🔔 Receive announcements again"), "bc", "start")]], menu=True),
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
    action = arg(parse_cb(update.callback_query.data if update.callback_query else None), 1)
    if action == "stop":
        await stop(update, context)
    elif action == "start":
        await resume(update, context)
    else:
        await stale_button(update, context)


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=callbacks.pattern("bc")))
    app.add_handler(CommandHandler("baja", stop, filters=filters.ChatType.PRIVATE))
