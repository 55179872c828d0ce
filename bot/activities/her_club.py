"""The pregnant women's club for her: telling roughly when her baby is due (a month, or
her month of pregnancy), discreet messages, stopping the invitations, removing the
date, and reading a discreet invitation.

Reached from a club session's screen, from "My activities" and from her data screen;
every invitation carries "stop these invitations". Callback data:
bot.activities.callbacks (`pc:`); texts: bot.activities.views_club; the rules:
bot.activities.service_club. A button for something that is not hers is refused and
recorded; an old one (a month that has passed, a session gone) is answered kindly.
"""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.activities import service_club as club
from bot.activities import views_club as views
from bot.activities.callbacks import (
    HER_CLUB,
    ChooseDue,
    ClubHome,
    ClubInvitations,
    Discreet,
    DueMonth,
    OnOff,
    PregnancyMonth,
    PregnancyMonths,
    ReadInvitation,
    RemoveDueDate,
)
from bot.core.authority import record_name, refuse_forged, refuse_undecoded
from bot.core.context import BotContext
from bot.core.errors import InvalidInput, NotFound
from bot.core.routing import Routes
from bot.people.her_welcome import ensure_registered


def _today(context: BotContext) -> date:
    return club.local_day(context.now(), context.settings.timezone)


async def show_home(update: Update, context: BotContext, note: str | None = None) -> None:
    """Her club screen: what she told us and what she can change; or why we ask."""
    assert context.user is not None
    follow = await club.follow_of(context.session, context.user.id)
    if follow is None:
        await show_months(update, context)
        return
    t = context.t
    await context.show(update, views.status_text(t, follow, note), views.status_keyboard(t, follow))


async def show_months(update: Update, context: BotContext, note: str | None = None) -> None:
    t = context.t
    text = views.intro_text(t)
    await context.show(
        update,
        f"{note}\n\n{text}" if note else text,
        views.months_keyboard(t, club.offered_months(_today(context))),
    )


async def save_due(update: Update, context: BotContext, due: date) -> None:
    assert context.user is not None
    t = context.t
    try:
        first = await club.set_due_date(
            context.session, context.user.id, due, context.now(), context.settings.timezone
        )
    except InvalidInput:
        await show_months(update, context, views.month_gone_text(t))
        return
    if first:
        await context.show(update, views.discreet_question(t, due), views.discreet_keyboard(t))
    else:
        await show_home(update, context, t("✅ Saved."))


async def on_due_month(update: Update, context: BotContext, month: str) -> None:
    try:
        due = club.due_in_month(date(int(month[:4]), int(month[4:]), 1), _today(context))
    except InvalidInput:
        await show_months(update, context, views.month_gone_text(context.t))
        return
    await save_due(update, context, due)


async def on_discreet(update: Update, context: BotContext, discreet: bool) -> None:
    assert context.user is not None
    try:
        await club.set_discreet(context.session, context.user.id, discreet, context.now())
    except NotFound:
        await show_months(update, context)
        return
    await show_home(update, context, context.t("✅ Saved."))


async def on_invitations(update: Update, context: BotContext, on: bool) -> None:
    assert context.user is not None
    t = context.t
    followed = await club.set_invitations(context.session, context.user.id, on, context.now())
    if not followed:
        # No date to follow (removed meanwhile): nothing is sent either way.
        await context.show(update, views.stopped_text(t), views.gone_keyboard(t))
        return
    await show_home(update, context, views.stopped_text(t) if not on else t("✅ Saved."))


async def on_remove(update: Update, context: BotContext, confirmed: bool) -> None:
    assert context.user is not None
    t = context.t
    if not confirmed:
        await context.show(update, views.remove_question(t), views.remove_keyboard(t))
        return
    await club.remove_due_date(context.session, context.user.id, context.now())
    await context.show(update, views.removed_text(t), views.gone_keyboard(t))


async def on_read(update: Update, context: BotContext, invitation_id: int) -> None:
    """A discreet invitation, opened: the session and her buttons."""
    assert context.user is not None
    t = context.t
    try:
        invitation = await club.her_invitation(
            context.session,
            invitation_id,
            context.user.id,
            context.now(),
            context.settings.timezone,
        )
    except NotFound:
        await refuse_forged(
            update, context, "not_hers", record=record_name("invitation", invitation_id)
        )
        return
    if invitation is None:
        await context.show(update, views.session_gone_text(t), views.gone_keyboard(t))
        return
    await context.show(
        update,
        views.invitation_text(t, invitation),
        views.invitation_keyboard(t, invitation.occurrence),
    )


async def on_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    press = HER_CLUB.decode(update.callback_query.data if update.callback_query else None)
    t = context.t
    if isinstance(press, ClubHome):
        await show_home(update, context)
    elif isinstance(press, ChooseDue):
        await show_months(update, context)
    elif isinstance(press, DueMonth):
        await on_due_month(update, context, press.month)
    elif isinstance(press, PregnancyMonths):
        await context.show(
            update, views.pregnancy_months_text(t), views.pregnancy_months_keyboard(t)
        )
    elif isinstance(press, PregnancyMonth):
        await save_due(
            update, context, club.due_from_month_of_pregnancy(int(press.month), _today(context))
        )
    elif isinstance(press, Discreet):
        await on_discreet(update, context, press.answer == "y")
    elif isinstance(press, ClubInvitations):
        await on_invitations(update, context, press.state == OnOff.ON)
    elif isinstance(press, RemoveDueDate):
        await on_remove(update, context, press.confirmed == "y")
    elif isinstance(press, ReadInvitation):
        await on_read(update, context, press.invitation_id)
    else:
        await refuse_undecoded(update, context, HER_CLUB)


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=HER_CLUB.pattern()))
