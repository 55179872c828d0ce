"""Handlers, one module per feature. `register_all` adds them in a deliberate order:

the gate first (group -10: who, which language, is this chat ours), then staff
replies (group -1: a reply to a case message must not reach her flows), then
everything else, with a catch-all for buttons nobody recognises last.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.handlers import (
    activities,
    announcements,
    appointments,
    errors,
    gate,
    my_cases,
    needs,
    network,
    privacy,
    quick_exit,
    router,
    staff_activities,
    staff_admin,
    staff_agenda,
    staff_broadcasts,
    staff_cases,
    staff_drafts,
    start,
)
from bot.handlers.common import stale_button


async def unknown_button(update: Update, context: BotContext) -> None:
    """Forged or outdated callback data: change nothing, say so kindly."""
    await stale_button(update, context)


def register_all(app: Application) -> None:
    gate.register(app)
    staff_drafts.register(app)
    staff_cases.register(app)
    staff_agenda.register(app)
    quick_exit.register(app)
    # Before start: `/start act_…` (from a poster's QR code) opens that activity.
    activities.register(app)
    start.register(app)
    needs.register(app)
    my_cases.register(app)
    network.register(app)
    privacy.register(app)
    staff_admin.register(app)
    appointments.register(app)
    announcements.register(app)
    staff_activities.register(app)
    staff_broadcasts.register(app)
    router.register(app)
    app.add_handler(CallbackQueryHandler(unknown_button))
    errors.register(app)
