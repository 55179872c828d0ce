"""The appointments domain's callback data (prefixes registered in bot.core.callbacks).

`sa:<action>:<appointment id>[:<extra>]`: a staff button on an appointment card or
the day's agenda. The extra is a slot key for "to" and a reason's index for "why".
"""

from __future__ import annotations

import enum
from typing import ClassVar

from bot.core.callbacks import RecordButton


class AgendaAction(enum.StrEnum):
    CONFIRM = "ok"
    PROPOSE = "mv"
    MOVE_TO = "to"
    CANCEL = "no"
    CANCEL_WHY = "why"
    BACK = "back"
    ATTENDED = "att"
    NO_SHOW = "ns"


class AgendaButton(RecordButton):
    """A staff button on one appointment (`record_id` is the appointment's id)."""

    PREFIX: ClassVar[str] = "sa"
