"""Telling women about the network's decisions, and staff about what women and leaders
ask (shared by her and staff screens)."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup

from bot.core import users
from bot.core.context import BotContext
from bot.core.keyboards import for_her
from bot.db.models import Organization

log = logging.getLogger(__name__)


async def tell_staff(
    context: BotContext, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """A network notice to the staff group, from a woman's or leader's screen. Before a
    group is linked there is no one to tell: the request stays recorded (join requests
    show on the organisation's card), and nothing fails for her."""
    if not context.bot_data.staff_group.linked:
        log.warning("network notice not sent to staff: no staff group is linked yet")
        return
    await context.send(context.staff_chat_id, text, markup)


async def tell_decision(
    context: BotContext, organization: Organization, user_id: int, accept: bool
) -> None:
    """Tell her, in her language, that her request was accepted or not."""
    her = await users.get_user(context.session, user_id)
    if her is None or not her.active:
        return
    her_t = context.bot_data.catalogs.get(her.locale)
    text = (
        her_t("✅ You are now a member of {name}.")
        if accept
        else her_t("Your request to join {name} was not accepted this time.")
    ).format(name=organization.name)
    await context.send(user_id, text, for_her(her_t, menu=True))
