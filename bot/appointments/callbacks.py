"""The appointments domain's callback data (prefixes registered in bot.core.callbacks).

`sa:<action>:<appointment id>[:<extra>]`: a staff button on an appointment card or
the day's agenda. The extra is a slot key for "to" and a reason's index for "why".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from bot.core import callbacks
from bot.core.ids import parse_record_id


class AgendaAction(enum.StrEnum):
    CONFIRM = "ok"
    PROPOSE = "mv"
    MOVE_TO = "to"
    CANCEL = "no"
    CANCEL_WHY = "why"
    BACK = "back"
    ATTENDED = "att"
    NO_SHOW = "ns"


@dataclass(frozen=True)
class AgendaButton:
    """A staff button on one appointment. `action` stays a plain string when decoded, so
    an action this version does not know is answered "no longer active", not forged."""

    PREFIX: ClassVar[str] = "sa"

    action: str
    appointment_id: int
    extra: str | None = None

    def encode(self) -> str:
        tail = () if self.extra is None else (self.extra,)
        return callbacks.encode(self.PREFIX, self.action, self.appointment_id, *tail)

    @classmethod
    def decode(cls, data: str | None) -> AgendaButton | None:
        parts = callbacks.split(cls.PREFIX, data)
        if parts is None:
            return None
        appointment_id = parse_record_id(parts[1] if len(parts) > 1 else None)
        if appointment_id is None:
            return None
        return cls(parts[0], appointment_id, parts[2] if len(parts) > 2 else None)
