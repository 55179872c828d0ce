"""Remind the women going to an activity, the day before and the morning of, at most once.

Each sweep, in one transaction, writes the rows that became due and claims them; then
for each one: begin the attempt and commit, send, record sent or failed and commit
(the order and reasoning of `bot.services.reminders`). A process killed between the
attempt and its record leaves a claim that `release_stale_activity_reminder_claims`
(once a minute) marks failed: never sent twice.

The reminder is in her language, names the activity, when and where, and carries the
buttons of the women's activities flow. Activities are public, so it is sent normally
(not silenced or protected, unlike reminders of sensitive appointments).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import activity_reminder_texts
from bot.context import BotContext, BotData
from bot.services import activity_reminders
from bot.telegram_retry import retry_after_seconds

log = logging.getLogger(__name__)


def _token(context: BotContext) -> str:
    job = context.job
    token = job.data if job is not None else None
    assert isinstance(token, str), "the activity reminder jobs need their claim token as job data"
    return token


async def send_activity_reminders(context: BotContext) -> None:
    data, token = context.bot_data, _token(context)
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
            # Telegram asks us to slow down: give back what this sweep still holds.
            await _give_back(data, token, due[index + 1 :], retry)
            return


async def _give_back(
    data: BotData,
    token: str,
    rest: list[activity_reminders.ClaimedReminder],
    retry: timedelta,
) -> None:
    async with data.session_factory() as session, session.begin():
        for item in rest:
            await activity_reminders.mark_failed(
                session, item.id, token, data.clock.now(), retry_after=retry
            )


async def _send_one(data: BotData, token: str, reminder_id: int) -> timedelta | None:
    """Send one claimed reminder; returns a wait when Telegram said to slow down."""
    async with data.session_factory() as session:
        async with session.begin():
            item = await activity_reminders.begin_attempt(
                session, reminder_id, token, data.clock.now(), data.settings.timezone
            )
        if item is None:
            return None
        her_t = data.catalogs.get(item.locale)
        text = activity_reminder_texts.reminder_text(
            her_t, item.title, item.place, item.starts_at, data.clock.now()
        )
        markup = activity_reminder_texts.reminder_keyboard(her_t, item.activity_id, item.key)
        try:
            message = await data.notifier.to_woman(session, item.user_id, text, markup)
        except RetryAfter as exc:
            retry = timedelta(seconds=retry_after_seconds(exc))
            await session.rollback()
            async with session.begin():
                await activity_reminders.mark_failed(
                    session, item.id, token, data.clock.now(), retry_after=retry
                )
            return retry
        except (BadRequest, Forbidden) as exc:
            # Certainly refused, certainly not delivered: retry later (bounded).
            log.warning("activity reminder %s refused by Telegram: %s", item.id, exc)
            await session.rollback()
            async with session.begin():
                await activity_reminders.mark_failed(session, item.id, token, data.clock.now())
            return None
        except (NetworkError, TelegramError):
            # Maybe delivered (the request may have left): never risk sending it twice.
            log.warning(
                "activity reminder %s: outcome unknown, not retried", item.id, exc_info=True
            )
            await session.rollback()
            async with session.begin():
                await activity_reminders.mark_failed(
                    session, item.id, token, data.clock.now(), permanent=True
                )
            return None
        if message is None:
            # She blocked the bot: the notifier marked her inactive; never retried.
            await activity_reminders.mark_failed(
                session, item.id, token, data.clock.now(), permanent=True
            )
        else:
            await activity_reminders.mark_sent(session, item.id, token, data.clock.now())
        await session.commit()
        return None


async def release_stale_activity_reminder_claims(context: BotContext) -> None:
    data = context.bot_data
    async with data.session_factory() as session, session.begin():
        released, failed = await activity_reminders.release_stale_claims(session, data.clock.now())
    if released or failed:
        log.warning(
            "activity reminders of a stopped process: %s released, %s marked failed (maybe sent)",
            released,
            failed,
        )
