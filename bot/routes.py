"""Handler registration order, the one place it is decided. `register_all` adds them:

the gate first (group -10: who, which language, is this chat ours), then staff
replies (group -1: a reply to a case message must not reach her flows), then the
staff commands and buttons (each checks, at every step, that the person is staff:
bot.core.authority), then the women's handlers — registered through `HerRoutes`,
so none of them can run outside a private chat (bot.core.routing) — and last a
catch-all for buttons nobody recognises, which refuses and records them.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.activities import her_activities, her_club, staff_activities, staff_club
from bot.aid import staff_aid
from bot.appointments import her_booking, staff_agenda, staff_hours
from bot.broadcasts import her_optout, staff_compose
from bot.cases import her_report, her_requests, staff_triage
from bot.core import conversation_router, draft_router, error_handler, gate, quick_exit
from bot.core.authority import refuse_forged
from bot.core.context import BotContext
from bot.core.routing import HerRoutes
from bot.enterprise import (
    her_directory,
    her_enterprise,
    her_fairs,
    her_school,
    staff_directory,
    staff_fairs,
    staff_school,
)
from bot.network import (
    her_consultations,
    her_leader,
    her_network,
    her_proposals,
    staff_consultations,
    staff_network,
    staff_proposals,
)
from bot.people import her_identity, her_welcome, staff_admin, staff_setup
from bot.people.views import main_menu
from bot.plan import staff_plan
from bot.privacy import her_data
from bot.reports import staff_reports

# The steps of her conversations, by the step she is in (conversation_router).
HER_STEPS = {
    **her_welcome.STEPS,
    **her_report.STEPS,
    **her_requests.STEPS,
    **her_network.STEPS,
    **her_proposals.STEPS,
    **her_leader.STEPS,
    **her_fairs.STEPS,
    **her_directory.STEPS,
}
# The steps of staff's drafts, by the draft's kind (draft_router).
DRAFT_STEPS = {
    staff_activities.DRAFT_KIND: staff_activities.DRAFT_STEPS,
    staff_compose.DRAFT_KIND: staff_compose.DRAFT_STEPS,
    staff_consultations.DRAFT_KIND: staff_consultations.DRAFT_STEPS,
    staff_proposals.DRAFT_KIND: staff_proposals.DRAFT_STEPS,
    staff_fairs.DRAFT_KIND: staff_fairs.DRAFT_STEPS,
    staff_school.DRAFT_KIND: staff_school.DRAFT_STEPS,
}


async def unknown_button(update: Update, context: BotContext) -> None:
    """Callback data no handler here claims (forged, or a woman's button pressed in a
    group): change nothing, say so kindly, and record it."""
    await refuse_forged(update, context, "button_unknown")


def register_all(app: Application) -> None:
    # Before the gate: /vincular comes from a group that is not the staff group yet.
    staff_setup.register(app)
    gate.register(app)
    draft_router.register(app, DRAFT_STEPS)
    staff_triage.register(app)
    staff_agenda.register(app)
    staff_hours.register(app)
    staff_admin.register(app)
    staff_activities.register(app)
    staff_club.register(app)
    staff_compose.register(app)
    staff_aid.register(app)
    staff_plan.register(app)
    staff_reports.register(app)
    staff_consultations.register(app)
    staff_proposals.register(app)
    staff_network.register(app)
    staff_fairs.register(app)
    staff_directory.register(app)
    staff_school.register(app)
    her = HerRoutes(app)
    quick_exit.register(her)
    # Before her_welcome: `/start act_…` (from a poster's QR code) opens that activity.
    her_activities.register(her)
    her_club.register(her)
    her_welcome.register(her)
    her_report.register(her)
    her_requests.register(her)
    her_network.register(her)
    her_consultations.register(her)
    her_proposals.register(her)
    her_leader.register(her)
    her_enterprise.register(her)
    her_fairs.register(her)
    her_directory.register(her)
    her_school.register(her)
    her_data.register(her)
    her_identity.register(her)
    her_booking.register(her)
    her_optout.register(her)
    conversation_router.register(
        her,
        HER_STEPS,
        welcome=her_welcome.show_welcome,
        ensure_registered=her_welcome.ensure_registered,
        menu=main_menu,
    )
    app.add_handler(CallbackQueryHandler(unknown_button))
    error_handler.register(app)
