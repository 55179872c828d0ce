"""The cases domain's callback data (prefixes registered in bot.core.callbacks).

`s:<action>:<case id>[:<extra>]`: a staff button on a case's card. The extra is the
outcome for "out" and an institution's index for "ref".
"""

from __future__ import annotations

import enum
from typing import ClassVar

from bot.core.callbacks import RecordButton


class CaseAction(enum.StrEnum):
    TAKE = "take"
    REPLY = "reply"
    NOTE = "note"
    DETAILS = "det"
    CLOSE = "close"
    BACK = "back"
    OUTCOME = "out"
    REFERRED_TO = "ref"


class CaseButton(RecordButton):
    """A staff button on one case (`record_id` is the case's id)."""

    PREFIX: ClassVar[str] = "s"
