"""The one list of periodic jobs and how often they run."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import JobQueue

from bot.services.reminders import new_claim_token
from scheduler.activity_reminders import (
    release_stale_activity_reminder_claims,
    send_activity_reminders,
)
from scheduler.broadcasts import send_broadcasts
from scheduler.checkpoint import checkpoint_sqlite
from scheduler.digest import post_daily_digest
from scheduler.housekeeping import housekeeping, send_waiting_answers
from scheduler.reminders import release_stale_reminder_claims, send_due_reminders
from scheduler.staff_posts import deliver_staff_posts

# A sweep still running when the next is due is skipped, and missed runs are not
# piled up: every job works through database rows, so the next run catches up.
ONE_AT_A_TIME = {"max_instances": 1, "coalesce": True}


def register_jobs(
    job_queue: JobQueue[Any],
    *,
    sweep_interval: float,
    claim_token: str | None = None,
    digest_time: time | None = None,
    timezone: ZoneInfo | None = None,
) -> None:
    # Answers that wait after a 429 or a network failure, each chat in order.
    job_queue.run_repeating(
        send_waiting_answers,
        interval=sweep_interval,
        first=0.05,
        name="waiting-answers",
        job_kwargs=ONE_AT_A_TIME,
    )
    job_queue.run_repeating(
        deliver_staff_posts,
        interval=sweep_interval,
        first=0.1,
        name="staff-posts",
        job_kwargs=ONE_AT_A_TIME,
    )
    # One claim token per running bot: its claims are its own, and a dead one's are stale.
    token = claim_token or new_claim_token()
    job_queue.run_repeating(
        send_due_reminders,
        interval=sweep_interval,
        first=0.2,
        name="reminders",
        data=token,
        job_kwargs=ONE_AT_A_TIME,
    )
    # One sender at a time: it starts due broadcasts and works through those sending.
    job_queue.run_repeating(
        send_broadcasts,
        interval=sweep_interval,
        first=0.3,
        name="broadcasts",
        data=token,
        job_kwargs=ONE_AT_A_TIME,
    )
    # Reminders of activities: written when due, claimed and sent like appointments'.
    job_queue.run_repeating(
        send_activity_reminders,
        interval=sweep_interval,
        first=0.4,
        name="activity-reminders",
        data=token,
        job_kwargs=ONE_AT_A_TIME,
    )
    job_queue.run_repeating(
        release_stale_activity_reminder_claims,
        interval=timedelta(minutes=1),
        first=timedelta(seconds=6),
        name="activity-reminder-claims",
        data=token,
        job_kwargs=ONE_AT_A_TIME,
    )
    job_queue.run_repeating(
        release_stale_reminder_claims,
        interval=timedelta(minutes=1),
        first=timedelta(seconds=5),
        name="reminder-claims",
        data=token,
        job_kwargs=ONE_AT_A_TIME,
    )
    if digest_time is not None:
        job_queue.run_daily(
            post_daily_digest,
            time=digest_time.replace(tzinfo=timezone) if timezone else digest_time,
            name="daily-digest",
            job_kwargs=ONE_AT_A_TIME,
        )
    job_queue.run_repeating(
        checkpoint_sqlite,
        interval=timedelta(seconds=30),
        first=timedelta(seconds=30),
        name="sqlite-checkpoint",
        job_kwargs=ONE_AT_A_TIME,
    )
    job_queue.run_repeating(
        housekeeping,
        interval=timedelta(hours=1),
        first=timedelta(seconds=30),
        name="housekeeping",
        job_kwargs=ONE_AT_A_TIME,
    )
