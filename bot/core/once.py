"""Jobs that must not run on two replicas at once, or more than once a day.

Every replica runs every sweep (bot/jobs.py). Most sweeps are safe as they are: their
rows are claimed with FOR UPDATE SKIP LOCKED and a claim token (reminders, activity
notices, announcements: bot.core.delivery_claims, bot.core.reminder_claims), or
conditional updates (the outbox), or a row per month (the monthly report). Two are not:

- `alone`: the staff posts are counted against the group's 20 a minute and marked sent
  after the post, so two replicas could post one twice: only one replica at a time runs
  such a sweep, under a transaction-scoped advisory lock (another replica skips its turn;
  a replica that dies frees it with its connection).
- `once_a_day`: the daily digest fires at the same time on every replica; the first to
  insert the day's `job_runs` row runs it, in the transaction that inserted it (like
  the monthly report): the others wait on the row, then find it taken. A replica killed
  before its commit leaves nothing, and the next one (or its next start) posts it.

SQLite runs one process: `alone` only runs the job.
"""

from __future__ import annotations

import functools
import logging
import zlib
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.core.context import BotContext
from bot.db.models import JobRun

log = logging.getLogger(__name__)

Job = Callable[[BotContext], Coroutine[Any, Any, None]]
# First half of the two-int advisory lock key ("omj": jobs).
LOCK_NAMESPACE = 0x6F6D6A
_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(:ns, :key)")


def alone(name: str, job: Job) -> Job:
    """`job`, run by one replica at a time (the others skip their turn)."""
    key = zlib.crc32(name.encode()) - 2**31

    @functools.wraps(job)
    async def run(context: BotContext) -> None:
        async with context.bot_data.session_factory() as session:
            if session.get_bind().dialect.name == "postgresql":
                params = {"ns": LOCK_NAMESPACE, "key": key}
                if not await session.scalar(_TRY_LOCK, params):
                    return  # another replica is on it
            await job(context)
            await session.rollback()  # lets go of the lock

    return run


def once_a_day(name: str, job: Job) -> Job:
    """`job`, run once a day (the office's day) across replicas and restarts."""

    @functools.wraps(job)
    async def run(context: BotContext) -> None:
        data = context.bot_data
        now = data.clock.now()
        day = now.astimezone(data.settings.timezone).date().isoformat()
        async with data.session_factory() as session:
            if await session.get(JobRun, (name, day)) is not None:
                return
            session.add(JobRun(job=name, key=day, ran_at=now))
            try:
                await session.flush()
            except IntegrityError:
                await session.rollback()
                return
            await job(context)
            await session.commit()
        log.info("%s for %s done", name, day)

    return run
