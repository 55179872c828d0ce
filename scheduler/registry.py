"""The one list of periodic jobs and how often they run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram.ext import JobQueue

from scheduler.checkpoint import checkpoint_sqlite
from scheduler.housekeeping import housekeeping
from scheduler.staff_posts import deliver_staff_posts


def register_jobs(job_queue: JobQueue[Any], *, sweep_interval: float) -> None:
    job_queue.run_repeating(
        deliver_staff_posts,
        interval=sweep_interval,
        first=0.1,
        name="staff-posts",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
    job_queue.run_repeating(
        checkpoint_sqlite,
        interval=timedelta(seconds=30),
        first=timedelta(seconds=30),
        name="sqlite-checkpoint",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
    job_queue.run_repeating(
        housekeeping,
        interval=timedelta(hours=1),
        first=timedelta(seconds=30),
        name="housekeeping",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
