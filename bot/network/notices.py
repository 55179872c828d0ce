"""Telling women about the network's decisions (shared by her and staff screens)."""

from __future__ import annotations

from bot.core import users
from bot.core.context import BotContext
from bot.core.keyboards import for_her
from bot.db.models import Organization


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
