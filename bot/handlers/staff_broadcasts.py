"""Announcements from the staff group: compose, audience, preview, send or schedule. (stub)"""

from __future__ import annotations

from telegram.ext import Application

from bot.handlers.drafting import DraftStepHandler

DRAFT_KIND = "broadcast"
DRAFT_STEPS: dict[str, DraftStepHandler] = {}


def register(app: Application) -> None:
    pass
