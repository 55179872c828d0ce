"""Forget what is no longer needed: processed update ids, message ids past 48 hours,
staff drafts abandoned for a week, sent answers; and send the answers that wait."""

from __future__ import annotations

from bot.core import drafts as staff_drafts
from bot.core import inbox, outbox_rows, tracking
from bot.core.context import BotContext


async def housekeeping(context: BotContext) -> None:
    data = context.bot_data
    now = data.clock.now()
    async with data.session_factory() as session, session.begin():
        await inbox.prune(session, now)
        await tracking.prune(session, now)
        await staff_drafts.purge_stale(session, now)
        await outbox_rows.prune(session, now)


async def send_waiting_answers(context: BotContext) -> None:
    """Answers that Telegram made wait (429, network) or a stopped process left."""
    await context.bot_data.outbox.sweep()
