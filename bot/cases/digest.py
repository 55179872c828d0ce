"""The morning digest in the staff group: today's appointments and open cases older than 48 h.

Posted directly (one message a day, well inside the group's limit). The text is
`bot.appointments.views.digest_text`, a pure function.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.appointments import service as appointments
from bot.appointments import views as appointment_cards
from bot.cases import service as cases
from bot.core.context import BotContext, BotData

log = logging.getLogger(__name__)
OLD_CASE_AFTER = timedelta(hours=48)


async def build_digest(data: BotData) -> str:
    settings = data.settings
    now = data.clock.now()
    today = now.astimezone(settings.timezone).date()
    t = data.catalogs.get(settings.default_locale)
    async with data.session_factory() as session:
        day_items = await appointments.agenda(session, today, settings.timezone)
        people = await appointments.people_behind(session, day_items)
        old = [c for c in await cases.open_cases(session) if now - c.created_at > OLD_CASE_AFTER]
        await session.commit()
    return appointment_cards.digest_text(t, today, day_items, people, old, settings.office, now)


async def post_daily_digest(context: BotContext) -> None:
    data = context.bot_data
    chat_id = data.staff_group.chat_id
    if chat_id is None:
        return  # no staff group linked yet: nobody to tell
    text = await build_digest(data)
    await data.notifier.send(chat_id, text)
