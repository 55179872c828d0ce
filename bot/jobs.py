"""The one list of periodic jobs and how often they run."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from telegram.ext import JobQueue

from bot.activities.jobs import send_activity_reminders
from bot.activities.jobs_club import send_club_invitations
from bot.activities.jobs_notices import send_activity_notices
from bot.appointments.jobs import send_due_reminders
from bot.broadcasts.jobs import send_broadcasts
from bot.cases.digest import post_daily_digest
from bot.cases.jobs import deliver_staff_posts
from bot.core.checkpoint import checkpoint_sqlite
from bot.core.claims import release_dead_claims
from bot.core.housekeeping import housekeeping, send_waiting_answers
from bot.core.liveness import ProcessLiveness
from bot.core.once import alone, once_a_day
from bot.enterprise.jobs_certificates import send_certificates
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


class Sweep(NamedTuple):
    """One periodic job: what runs, its name, when first and how often, and its data."""

    callback: Callable[[Any], Coroutine[Any, Any, None]]
    name: str
    first: float | timedelta
    every: float | timedelta
    data: object = None


def register_jobs(
    job_queue: JobQueue[Any],
    *,
    sweep_interval: float,
    liveness: ProcessLiveness,
    digest_time: time | None = None,
    timezone: ZoneInfo | None = None,
) -> None:
    # One claim token per running bot: its claims are its own; bot.core.liveness tells when
    # another one's process is gone, and its claims are released (bot.core.claims).
    token = liveness.token
    sweeps = (
        # Answers that wait after a 429 or a network failure, each chat in order.
        Sweep(send_waiting_answers, "waiting-answers", 0.05, sweep_interval),
        # One replica at a time: counted against the group's 20 a minute (bot.core.once).
        Sweep(alone("staff-posts", deliver_staff_posts), "staff-posts", 0.1, sweep_interval),
        Sweep(send_due_reminders, "reminders", 0.2, sweep_interval, token),
        # One sender at a time: it starts due broadcasts and works through those sending.
        Sweep(send_broadcasts, "broadcasts", 0.3, sweep_interval, token),
        # Reminders of activities: written when due, claimed and sent like appointments'.
        Sweep(send_activity_reminders, "activity-reminders", 0.4, sweep_interval, token),
        # Notices to the women going when an activity changes: rows, sent within the
        # broadcast rate (the same limiter as announcements).
        Sweep(send_activity_notices, "activity-notices", 0.5, sweep_interval, token),
        # The pregnant women's club: invitations to each session while she follows her
        # pregnancy, written when due and sent within the broadcast rate.
        Sweep(send_club_invitations, "club-invitations", 0.55, sweep_interval, token),
        # Consultations: close those due, refresh the staff cards, send the network's notices
        # (questions, results, proposal news) within the broadcast rate.
        Sweep(sweep_consultations, "network-consultations", 0.6, sweep_interval, token),
        # Certificates of the entrepreneurship school, drawn and uploaded one replica at a time.
        Sweep(
            alone("certificates", send_certificates),
            "certificates",
            0.7,
            sweep_interval,
        ),
        Sweep(release_dead_claims, "dead-claims", DEAD_CLAIMS_EVERY, DEAD_CLAIMS_EVERY, liveness),
        # The monthly report (bot.reports.jobs): a row per month posted, so once across restarts.
        Sweep(post_monthly_report, "monthly-report", 1.5, MONTHLY_REPORT_EVERY),
        Sweep(checkpoint_sqlite, "sqlite-checkpoint", timedelta(seconds=30), timedelta(seconds=30)),
        Sweep(
            alone("housekeeping", housekeeping),
            "housekeeping",
            timedelta(seconds=30),
            timedelta(hours=1),
        ),
        # A staff group linked (or followed to a supergroup) through another replica.
        Sweep(
            refresh_staff_group,
            "staff-group",
            STAFF_GROUP_REFRESH_EVERY,
            STAFF_GROUP_REFRESH_EVERY,
        ),
    )
    for sweep in sweeps:
        job_queue.run_repeating(
            sweep.callback,
            interval=sweep.every,
            first=sweep.first,
            name=sweep.name,
            data=sweep.data,
            job_kwargs=ONE_AT_A_TIME,
        )
    if digest_time is not None:
        # Fires on every replica; one posts it (bot.core.once).
        job_queue.run_daily(
            once_a_day("daily-digest", post_daily_digest),
            time=digest_time.replace(tzinfo=timezone) if timezone else digest_time,
            name="daily-digest",
            job_kwargs=ONE_AT_A_TIME,
        )
