"""The monthly report, posted to the staff group on the first working day of each month.

A sweep over rows: `monthly_reports` has one row per month posted. The row is inserted
(its primary key claims the month: a second replica waits on it, then finds it taken),
the report is sent, and only then committed. A process killed before the commit posts
it again at the next start; once committed, never again. If the bot is down on the first
working day, it posts the report when it is back, later that month.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from sqlalchemy.exc import IntegrityError

from bot.core.context import BotContext, BotData
from bot.db.models import MonthlyReport
from bot.reports import views
from bot.reports.period import Period, month
from bot.reports.render import make_report
from bot.reports.upload import send_report

log = logging.getLogger(__name__)
POST_FROM = time(8, 0)  # office time
EVERY = timedelta(minutes=1)


def first_working_day(year: int, number: int) -> date:
    day = date(year, number, 1)
    while day.weekday() >= 5:  # Saturday, Sunday
        day += timedelta(days=1)
    return day


def due_period(now_local: datetime) -> Period | None:
    """The month whose report is due at `now_local` (the previous month), or None yet."""
    today = now_local.date()
    if today < first_working_day(today.year, today.month) or (
        today == first_working_day(today.year, today.month) and now_local.time() < POST_FROM
    ):
        return None
    previous = date(today.year, today.month, 1) - timedelta(days=1)
    return month(previous.year, previous.month)


async def post_monthly_report(context: BotContext) -> None:
    data: BotData = context.bot_data
    settings = data.settings
    chat_id = data.staff_group.chat_id
    if not (settings.monthly_report and settings.office.monthly_report) or chat_id is None:
        return
    now = data.clock.now()
    period = due_period(now.astimezone(settings.timezone))
    if period is None:
        return
    key = period.start.strftime("%Y-%m")
    async with data.session_factory() as session:
        if await session.get(MonthlyReport, key) is not None:
            return
        session.add(MonthlyReport(month=key, posted_at=now))
        try:
            await session.flush()
        except IntegrityError:
            await session.rollback()
            return
        files = await make_report(
            session,
            data.catalogs,
            settings.default_locale,
            settings.office,
            period,
            settings.timezone,
            now,
        )
        t = data.catalogs.get(settings.default_locale)
        await context.bot.send_message(chat_id, views.summary_text(t, files, monthly=True))
        await send_report(context.bot, chat_id, files)
        await session.commit()
    log.info("monthly report for %s posted", key)
