"""The one list of periodic jobs and how often they run."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import JobQueue

from bot.activities.jobs import send_activity_reminders
from bot.activities.jobs_notices import send_activity_notices
from bot.appointments.jobs import send_due_reminders
from bot.broadcasts.jobs import send_broadcasts
from bot.cases.digest import post_daily_digest
from bot.cases.jobs import deliver_staff_posts
from bot.core.checkpoint import checkpoint_sqlite
from bot.core.claims import release_dead_claims
from bot.core.housekeeping import housekeeping, send_waiting_answers
from bot.core.liveness import ProcessLiveness
from bot.network.jobs_consultations import sweep_consultations
from bot.people.jobs import REFRESH_EVERY as STAFF_GROUP_REFRESH_EVERY
from bot.people.jobs import refresh_staff_group
from bot.reports.jobs import EVERY as MONTHLY_REPORT_EVERY
from bot.reports.jobs import post_monthly_report

# A sweep still running when the next is due is skipped, and missed runs are not
# piled up: every job works through database rows, so the next run catches up.
ONE_AT_A_TIME = {"max_instances": 1, "coalesce": True}
# How often claims of processes that are gone are looked for (start-up does it first).
DEAD_CLAIMS_EVERY = timedelta(seconds=30)


def register_jobs(
    job_queue: JobQueue[Any],
    *,
    sweep_interval: float,
    liveness: ProcessLiveness,
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
    # One claim token per running bot: its claims are its own; bot.core.liveness tells when
    # another one's process is gone, and its claims are released (bot.core.claims).
    token = liveness.token
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
    # Notices to the women going when an activity changes: rows, sent within the
    # broadcast rate (the same limiter as announcements).
    job_queue.run_repeating(
        send_activity_notices,
        interval=sweep_interval,
        first=0.5,
        name="activity-notices",
        data=token,
        job_kwargs=ONE_AT_A_TIME,
    )
    # Consultations: close those due, refresh the staff cards, send the network's notices
    # (questions, results, proposal news) within the broadcast rate.
    job_queue.run_repeating(
        sweep_consultations,
        interval=sweep_interval,
        first=0.6,
        name="network-consultations",
        data=token,
        job_kwargs=ONE_AT_A_TIME,
    )
    job_queue.run_repeating(
        release_dead_claims,
        interval=DEAD_CLAIMS_EVERY,
        first=DEAD_CLAIMS_EVERY,
        name="dead-claims",
        data=liveness,
        job_kwargs=ONE_AT_A_TIME,
    )
    if digest_time is not None:
        job_queue.run_daily(
            post_daily_digest,
            time=digest_time.replace(tzinfo=timezone) if timezone else digest_time,
            name="daily-digest",
            job_kwargs=ONE_AT_A_TIME,
        )
    # The monthly report (bot.reports.jobs): a row per month posted, so once across restarts.
    job_queue.run_repeating(
        post_monthly_report,
        interval=MONTHLY_REPORT_EVERY,
        first=1.5,
        name="monthly-report",
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
    # A staff group linked (or followed to a supergroup) through another replica.
    job_queue.run_repeating(
        refresh_staff_group,
        interval=STAFF_GROUP_REFRESH_EVERY,
        first=STAFF_GROUP_REFRESH_EVERY,
        name="staff-group",
        job_kwargs=ONE_AT_A_TIME,
    )
