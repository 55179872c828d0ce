"""The people domain's periodic job (listed by bot/jobs.py)."""

from __future__ import annotations

from datetime import timedelta

from bot.core.context import BotContext
from bot.people.workspace import refresh

# How soon a group linked, or followed to a supergroup, through another replica is seen.
REFRESH_EVERY = timedelta(seconds=30)


async def refresh_staff_group(context: BotContext) -> None:
    await refresh(context.bot_data)
