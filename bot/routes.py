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

from bot.activities import her_activities as activities
from bot.activities import staff_activities
from bot.appointments import her_booking as appointments
from bot.appointments import staff_agenda
from bot.broadcasts import her_optout as announcements
from bot.broadcasts import staff_compose as staff_broadcasts
from bot.cases import her_report as needs
from bot.cases import her_requests as my_cases
from bot.cases import staff_triage as staff_cases
from bot.core import conversation_router as router
from bot.core import draft_router as staff_drafts
from bot.core import error_handler as errors
from bot.core import gate, quick_exit
from bot.core.authority import refuse_forged
from bot.core.context import BotContext
from bot.core.routing import HerRoutes
from bot.people import her_network as network
from bot.people import her_welcome as start
from bot.people import staff_admin
from bot.privacy import her_data as privacy


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
    her = HerRoutes(app)
    quick_exit.register(her)
    # Before start: `/start act_…` (from a poster's QR code) opens that activity.
    activities.register(her)
    start.register(her)
    needs.register(her)
    my_cases.register(her)
    network.register(her)
    privacy.register(her)
    appointments.register(her)
    announcements.register(her)
    router.register(her)
    app.add_handler(CallbackQueryHandler(unknown_button))
    errors.register(app)
