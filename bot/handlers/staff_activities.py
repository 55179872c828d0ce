"""Activities from the staff group: create step by step, edit, cancel, attendance. (stub)"""

from __future__ import annotations

from telegram.ext import Application

from bot.handlers.drafting import DraftStepHandler

DRAFT_KIND = "activity"
DRAFT_STEPS: dict[str, DraftStepHandler] = {}


def register(app: Application) -> None:
    pass
