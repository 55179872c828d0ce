"""Send due appointment reminders to women, at most once each.

The order follows `bot.services.reminders` exactly: claim the due rows and commit;
then for each one begin the attempt and commit, send, record sent or failed and commit.
A process killed between `begin_attempt` and the record leaves a claim that
`release_stale_claims` (a separate job, once a minute) marks failed, never re-sends:
a possibly missing reminder is preferred to a duplicate on her phone.

The reminder names the service only when it is not sensitive, uses her language, and
is sent protected and silently for sensitive services.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import appointment_cards
from bot.context import BotContext, BotData
from bot.db.models import User
from bot.keyboards import appointment_reminder
from bot.services import reminders
from bot.telegram_retry import retry_after_seconds

log = logging.getLogger(__name__)


def _token(context: BotContext) -> str:
    job = context.job
    token = job.data if job is not None else None
    assert isinstance(token, str), "the reminder jobs need their claim token as job data"
    return token


async def send_due_reminders(context: BotContext) -> None:
    data, token = context.bot_data, _token(context)
    async with data.session_factory() as session, session.begin():
        due = await reminders.claim_due(session, data.clock.now(), token)
    for index, item in enumerate(due):
        retry = await _send_one(data, token, item)
        if retry is not None:
            # Telegram asks us to slow down: give back what this sweep still holds.
            await _give_back(data, token, due[index + 1 :], retry)
            return


async def _give_back(
    data: BotData, token: str, rest: list[reminders.DueReminder], retry: timedelta
) -> None:
    async with data.session_factory() as session, session.begin():
        for item in rest:
            await reminders.mark_failed(
                session, item.id, token, data.clock.now(), retry_after=retry
            )


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
        sensitive = reminders.is_sensitive(item.service, settings.office.services)
        text = appointment_cards.reminder_for_her(
            her_t, item.starts_at, None if sensitive else service, data.clock.now()
        )
        markup = appointment_reminder(her_t, item.appointment_id)
        retry: timedelta | None = None
        try:
            message = await data.notifier.to_woman(
                session, user.id, text, markup, sensitive=sensitive
            )
        except RetryAfter as exc:
            retry = timedelta(seconds=retry_after_seconds(exc))
            await session.rollback()
            async with session.begin():
                await reminders.mark_failed(
                    session, item.id, token, data.clock.now(), retry_after=retry
                )
            return retry
        except (BadRequest, Forbidden) as exc:
            # Certainly refused, certainly not delivered: retry later (bounded).
            log.warning("reminder %s refused by Telegram: %s", item.id, exc)
            await session.rollback()
            async with session.begin():
                await reminders.mark_failed(session, item.id, token, data.clock.now())
            return None
        except (NetworkError, TelegramError):
            # Maybe delivered (the request may have left): never risk sending it twice.
            log.warning("reminder %s: outcome unknown, not retried", item.id, exc_info=True)
            await session.rollback()
            async with session.begin():
                await reminders.mark_failed(
                    session, item.id, token, data.clock.now(), permanent=True
                )
            return None
        if message is None:
            # She blocked the bot: the notifier marked her inactive.
            await reminders.mark_failed(session, item.id, token, data.clock.now(), permanent=True)
        else:
            await reminders.mark_sent(session, item.id, token, data.clock.now())
        await session.commit()
        return None


async def release_stale_reminder_claims(context: BotContext) -> None:
    data = context.bot_data
    async with data.session_factory() as session, session.begin():
        released, failed = await reminders.release_stale_claims(session, data.clock.now())
    if released or failed:
        log.warning(
            "reminders of a stopped process: %s released, %s marked failed (maybe sent)",
            released,
            failed,
        )
