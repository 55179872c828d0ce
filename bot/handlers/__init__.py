"""Handlers, one module per feature. `register_all` adds them in a deliberate order:

the gate first (group -10: who, which language, is this chat ours), then staff
replies (group -1: a reply to a case message must not reach her flows), then the
staff commands and buttons (each checks, at every step, that the person is staff:
handlers.authority), then the women's handlers — registered through `HerRoutes`,
so none of them can run outside a private chat (handlers.routing) — and last a
catch-all for buttons nobody recognises, which refuses and records them.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.aid import staff_aid
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
from bot.handlers.authority import refuse_forged
from bot.handlers.routing import HerRoutes
from bot.plan import staff_plan
from bot.reports import her_identity, staff_reports


async def unknown_button(update: Update, context: BotContext) -> None:
    """Callback data no handler here claims (forged, or a woman's button pressed in a
    group): change nothing, say so kindly, and record it."""
    await refuse_forged(update, context, "button_unknown")


def register_all(app: Application) -> None:
    gate.register(app)
    staff_drafts.register(app)
    staff_cases.register(app)
    staff_agenda.register(app)
    staff_admin.register(app)
    staff_activities.register(app)
    staff_broadcasts.register(app)
    staff_aid.register(app)
    staff_plan.register(app)
    staff_reports.register(app)
    her = HerRoutes(app)
    quick_exit.register(her)
    # Before start: `/start act_…` (from a poster's QR code) opens that activity.
    activities.register(her)
    start.register(her)
    needs.register(her)
    my_cases.register(her)
    network.register(her)
    privacy.register(her)
    her_identity.register(her)
    appointments.register(her)
    announcements.register(her)
    router.register(her)
    app.add_handler(CallbackQueryHandler(unknown_button))
    errors.register(app)
