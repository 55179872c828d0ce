"""Periodic jobs (PTB JobQueue). Every job is a sweep over database rows, so a restart loses nothing."""

from scheduler.registry import register_jobs

__all__ = ["register_jobs"]
