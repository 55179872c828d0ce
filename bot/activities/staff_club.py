"""The pregnant women's club for staff: /club shows how many women follow their
pregnancy and, for each coming session, how many were invited and are coming (numbers
only). Due dates are sensitive: they are shown only for one session at a time, on a
button, and each view is recorded in the audit log with who looked at which session.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.activities import service_club as club
from bot.activities import views_club as views
from bot.activities.callbacks import STAFF_CLUB, ClubDueDates
from bot.core import audit
from bot.core.authority import record_name, refuse_undecoded, require_staff
from bot.core.context import BotContext
from bot.core.errors import NotFound


async def club_command(update: Update, context: BotContext) -> None:
    """/club: the followers and the coming sessions, without a date or a name."""
    if not await require_staff(update, context, "club_overview"):
        return
    chat = update.effective_chat
    assert chat is not None
    t = context.staff_t
    overview = await club.overview(context.session, context.now(), context.settings.timezone)
    await context.send(
        chat.id, views.overview_text(t, overview), views.overview_keyboard(t, overview)
    )


async def on_button(update: Update, context: BotContext) -> None:
    query, person = update.callback_query, update.effective_user
    assert query is not None and person is not None
    press = STAFF_CLUB.decode(query.data)
    record = record_name("activity", press.activity_id) if press is not None else None
    if not await require_staff(update, context, "club_button", record=record):
        return
    if not isinstance(press, ClubDueDates):
        await refuse_undecoded(update, context, STAFF_CLUB)
        return
    t = context.staff_t
    try:
        occurrence, women = await club.due_dates_of_coming(
            context.session, press.activity_id, press.key, context.settings.timezone
        )
    except NotFound:
        await context.answer(t("This session no longer exists, or it was cancelled."), alert=True)
        return
    # Sensitive: who looked at whose due dates, for which session.
    audit.record(
        context.session,
        actor_id=person.id,
        action="view_due_dates",
        detail=f"activity:{press.activity_id}:{press.stamp} ({len(women)})",
        now=context.now(),
    )
    chat = update.effective_chat
    assert chat is not None
    await context.answer()
    await context.send(chat.id, views.due_dates_text(t, occurrence, women))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("club", club_command))
    app.add_handler(CallbackQueryHandler(on_button, pattern=STAFF_CLUB.pattern()))
