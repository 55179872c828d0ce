"""Send due appointment reminders to women, at most once each.

The order follows `bot.appointments.service_reminders` exactly: claim the due rows and commit;
then for each one begin the attempt and commit, send, record sent or failed and commit.
A process killed between `begin_attempt` and the record leaves a claim that
`bot.core.claims` (at the next start-up, or within half a minute when another process
is still running) marks failed, never re-sends:
a possibly missing reminder is preferred to a duplicate on her phone.

The reminder names the service only when it is not sensitive, uses her language, and
is sent protected and silently for sensitive services.
"""

from __future__ import annotations

from datetime import timedelta

from bot.appointments import service_reminders as reminders
from bot.appointments import views as appointment_cards
from bot.core.context import BotContext, BotData
from bot.core.reminder_delivery import deliver, give_back, job_token
from bot.db.models import Reminder, User


async def send_due_reminders(context: BotContext) -> None:
    data, token = context.bot_data, job_token(context)
    async with data.session_factory() as session, session.begin():
        due = await reminders.claim_due(session, data.clock.now(), token)
    for index, item in enumerate(due):
        retry = await _send_one(data, token, item)
        if retry is not None:
            await give_back(data, Reminder, token, [r.id for r in due[index + 1 :]], retry)
            return


async def _send_one(data: BotData, token: str, item: reminders.DueReminder) -> timedelta | None:
    """Send one claimed reminder; returns a wait when Telegram said to slow down."""
    settings = data.settings
    async with data.session_factory() as session:
        async with session.begin():
            if not await reminders.begin_attempt(session, item.id, token, data.clock.now()):
                return None
            user = await session.get(User, item.user_id) if item.user_id is not None else None
        if user is None or not user.active:
            async with session.begin():
                await reminders.mark_failed(
                    session, item.id, token, data.clock.now(), permanent=True
                )
            return None
        her_t = data.catalogs.get(user.locale)
        service = settings.office.service(item.service)
        sensitive = reminders.service_is_sensitive(item.service, settings.office.services)
        text = appointment_cards.reminder_for_her(
            her_t, item.starts_at, None if sensitive else service, data.clock.now()
        )
        return await deliver(
            data,
            session,
            Reminder,
            item.id,
            token,
            user_id=user.id,
            text=text,
            markup=appointment_cards.appointment_reminder(her_t, item.appointment_id),
            sensitive=sensitive,
        )
