"""Telling a woman that a place opened up and she got it (from the waiting list).

Used by her screens (someone else said she cannot come) and by the erase flow (a woman
who deleted her data freed her places).
"""

from __future__ import annotations

from bot.activities import service_club as club
from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.activities import views, views_club
from bot.core import users
from bot.core.context import BotContext
from bot.core.errors import NotFound


async def tell_promoted(context: BotContext, promotion: signups.Promotion) -> None:
    """A place opened up and she got it: tell her, in her language."""
    her = await users.get_user(context.session, promotion.user_id)
    if her is None:
        return
    try:
        occurrence = await activities.get_occurrence(
            context.session,
            promotion.activity_id,
            promotion.occurrence_start,
            context.settings.timezone,
        )
    except NotFound:
        return
    t = context.bot_data.catalogs.get(her.locale)
    # A club session and she chose discreet messages: nothing about it on her lock screen.
    discreet = await club.is_discreet(context.session, promotion.user_id, promotion.activity_id)
    await context.notifier.to_woman(
        context.session,
        promotion.user_id,
        views_club.neutral_promoted(t, occurrence)
        if discreet
        else views.promoted_text(t, occurrence),
        views.promoted_keyboard(t, occurrence),
        sensitive=discreet,
    )
