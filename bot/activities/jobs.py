"""Remind the women going to an activity, the day before and the morning of, at most once.

Each sweep, in one transaction, writes the rows that became due and claims them; then
for each one: begin the attempt and commit, send, record sent or failed and commit
(the order and reasoning of `bot.appointments.service_reminders`). A process killed between the
attempt and its record leaves a claim that `bot.core.claims` (at the next start-up,
or within half a minute) marks failed: never sent twice.

The reminder is in her language, names the activity, when and where, and carries the
buttons of the women's activities flow. Activities are public, so it is sent normally
(not silenced or protected, unlike reminders of sensitive appointments) — except a
session of the pregnant women's club for a woman who chose discreet messages: then it
says only that she has an activity, silently (bot.activities.service_club).
"""

from __future__ import annotations

from datetime import timedelta

from bot.activities import service_club as club
from bot.activities import service_reminders as activity_reminders
from bot.activities import views_club as club_texts
from bot.activities import views_reminders as activity_reminder_texts
from bot.core.context import BotContext, BotData
from bot.core.keyboards import for_her
from bot.core.reminder_delivery import deliver, give_back, job_token
from bot.db.models import ActivityReminder


async def send_activity_reminders(context: BotContext) -> None:
    data, token = context.bot_data, job_token(context)
    scheduling = data.settings.office.scheduling
    day_before = scheduling.activity_reminder_day_before
    morning_of = scheduling.activity_reminder_morning_of
    if day_before is None and morning_of is None:
        return
    now = data.clock.now()
    async with data.session_factory() as session, session.begin():
        await activity_reminders.write_due(
            session, now, data.settings.timezone, day_before=day_before, morning_of=morning_of
        )
        due = await activity_reminders.claim_due(session, now, token)
    for index, item in enumerate(due):
        retry = await _send_one(data, token, item.id)
        if retry is not None:
            rest = [r.id for r in due[index + 1 :]]
            await give_back(data, ActivityReminder, token, rest, retry)
            return


async def _send_one(data: BotData, token: str, reminder_id: int) -> timedelta | None:
    """Send one claimed reminder; returns a wait when Telegram said to slow down."""
    async with data.session_factory() as session:
        async with session.begin():
            item = await activity_reminders.begin_attempt(
                session, reminder_id, token, data.clock.now(), data.settings.timezone
            )
        if item is None:
            return None
        her_t, now = data.catalogs.get(item.locale), data.clock.now()
        # A club session and she chose discreet messages: nothing about it on her lock screen.
        discreet = await club.is_discreet(session, item.user_id, item.activity_id)
        if item.on_behalf_of is not None:
            # To her leader, for a woman without a phone: her buttons would act on the
            # leader's own place, so only the menu.
            text = activity_reminder_texts.reminder_for_text(
                her_t, item.on_behalf_of, item.title, item.place, item.starts_at, now
            )
            markup = for_her(her_t, menu=True)
        else:
            text = (
                club_texts.neutral_reminder(her_t, item.starts_at, now)
                if discreet
                else activity_reminder_texts.reminder_text(
                    her_t, item.title, item.place, item.starts_at, now
                )
            )
            markup = activity_reminder_texts.reminder_keyboard(her_t, item.activity_id, item.key)
        return await deliver(
            data,
            session,
            ActivityReminder,
            item.id,
            token,
            user_id=item.user_id,
            text=text,
            markup=markup,
            sensitive=discreet,
        )
