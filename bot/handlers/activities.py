"""Activities for her: the list, one activity, I will come / I can't, what to hear about. (stub)"""

from __future__ import annotations

from telegram.ext import Application


def register(app: Application) -> None:
    pass
