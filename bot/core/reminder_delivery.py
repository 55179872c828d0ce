"""Sending one claimed reminder and recording its outcome: shared by appointment and
activity reminders (the rules are those of `bot.appointments.service_reminders`).

The caller has begun the attempt and committed; here the message is handed to Telegram
and the outcome recorded and committed:

- sent → sent; she blocked the bot → failed for good (the notifier marked her inactive);
- 429 → given back for later, and the wait returned so the sweep gives back the rest;
- refused (400/403) → certainly not delivered: retried later, a bounded number of times;
- network error or time-out → maybe delivered: failed for good, never sent twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.core import reminder_claims
from bot.core.context import BotContext, BotData
from bot.core.reminder_claims import ReminderTable
from bot.core.telegram_retry import retry_after_seconds

log = logging.getLogger(__name__)


def job_token(context: BotContext) -> str:
    job = context.job
    token = job.data if job is not None else None
    assert isinstance(token, str), "the reminder jobs need their claim token as job data"
    return token


async def deliver(
    data: BotData,
    session: AsyncSession,
    table: ReminderTable,
    reminder_id: int,
    token: str,
    *,
    user_id: int,
    text: str,
    markup: InlineKeyboardMarkup,
    sensitive: bool = False,
) -> timedelta | None:
    """Send it and record the outcome; returns a wait when Telegram said to slow down."""
    name = table.__tablename__
    try:
        message = await data.notifier.to_woman(session, user_id, text, markup, sensitive=sensitive)
    except RetryAfter as exc:
        retry = timedelta(seconds=retry_after_seconds(exc))
        await _fail(data, session, table, reminder_id, token, retry_after=retry)
        return retry
    except (BadRequest, Forbidden) as exc:
        log.warning("%s %s refused by Telegram: %s", name, reminder_id, exc)
        await _fail(data, session, table, reminder_id, token)
        return None
    except (NetworkError, TelegramError):
        log.warning("%s %s: outcome unknown, not retried", name, reminder_id, exc_info=True)
        await _fail(data, session, table, reminder_id, token, permanent=True)
        return None
    now = data.clock.now()
    if message is None:
        await reminder_claims.mark_failed(session, table, reminder_id, token, now, permanent=True)
    else:
        await reminder_claims.mark_sent(session, table, reminder_id, token, now)
    await session.commit()
    return None


async def _fail(
    data: BotData,
    session: AsyncSession,
    table: ReminderTable,
    reminder_id: int,
    token: str,
    *,
    permanent: bool = False,
    retry_after: timedelta = reminder_claims.RETRY_AFTER,
) -> None:
    # Whatever the notifier began is abandoned; the outcome is its own transaction.
    await session.rollback()
    async with session.begin():
        await reminder_claims.mark_failed(
            session,
            table,
            reminder_id,
            token,
            data.clock.now(),
            permanent=permanent,
            retry_after=retry_after,
        )


async def give_back(
    data: BotData, table: ReminderTable, token: str, ids: Sequence[int], retry: timedelta
) -> None:
    """Telegram asked to slow down: give back what the sweep still holds, for later."""
    async with data.session_factory() as session, session.begin():
        for reminder_id in ids:
            await reminder_claims.mark_failed(
                session, table, reminder_id, token, data.clock.now(), retry_after=retry
            )
