"""The appointments domain's callback data (prefixes registered in bot.core.callbacks).

Her side (`ap:…`): `ap` the services, `ap:s:<service>` its days, `ap:d:<service>:<YYYYMMDD>`
a day's times, `ap:t:<service>:<YYYYMMDDHHMM>` confirm, `ap:ok:<service>:<YYYYMMDDHHMM>`
book, `ap:cb|vi:<service>` call me back / visit me, `ap:my` her list, `ap:v:<id>` one,
`ap:rs|rd|rt|rok:<id>[:…]` move it (the same steps, by appointment), `ap:x|xy:<id>` cancel
it (asked, then confirmed); `apr:yes|chg:<id>` under a reminder. Dates and times are the
office's local ones.

Staff side: `sa:<action>:<appointment id>[:<extra>]`, a button on an appointment card or
the day's agenda. The extra is a slot key for "to" and a reason's index for "why".
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from bot.core.callbacks import Button, Codec, RecordButton, RecordId

DAY_FORMAT = "%Y%m%d"
TIME_FORMAT = "%Y%m%d%H%M"


def _moment(shape: re.Pattern[str], form: str) -> object:
    def parse(text: str) -> str | None:
        if not shape.fullmatch(text):
            return None
        try:
            datetime.strptime(text, form)
        except ValueError:
            return None
        return text

    return parse


# A local day (`YYYYMMDD`) and a local time (`YYYYMMDDHHMM`) of the office.
DayCode = Annotated[str, _moment(re.compile(r"[0-9]{8}"), DAY_FORMAT)]
TimeCode = Annotated[str, _moment(re.compile(r"[0-9]{12}"), TIME_FORMAT)]


def day_code(local: datetime) -> str:
    return local.strftime(DAY_FORMAT)


def time_code(local: datetime) -> str:
    return local.strftime(TIME_FORMAT)


class _OnDay:
    day: str

    @property
    def local_day(self) -> date:
        return datetime.strptime(self.day, DAY_FORMAT).date()


class _AtTime:
    time: str

    @property
    def local_time(self) -> datetime:
        """The office-local time, without its zone (the handler knows the office's)."""
        return datetime.strptime(self.time, TIME_FORMAT)


# ── Her side ────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class BookingServices(Button, prefix="ap"):
    pass


@dataclass(frozen=True)
class MyAppointments(Button, prefix="ap", action="my"):
    pass


@dataclass(frozen=True)
class _OfHers(Button, what="appointment_id"):
    """A button naming one of her appointments."""

    appointment_id: RecordId


@dataclass(frozen=True)
class ViewAppointment(_OfHers, prefix="ap", action="v"):
    pass


@dataclass(frozen=True)
class CancelAppointment(_OfHers, prefix="ap", action="x"):
    """Asks whether to cancel it."""


@dataclass(frozen=True)
class ConfirmCancel(_OfHers, prefix="ap", action="xy"):
    pass


@dataclass(frozen=True)
class CallMeBack(Button, prefix="ap", action="cb"):
    service: str


@dataclass(frozen=True)
class VisitMe(Button, prefix="ap", action="vi"):
    service: str


# Booking a new appointment with a service: its days, a day's times, confirm, book.


@dataclass(frozen=True)
class ServiceDays(Button, prefix="ap", action="s"):
    service: str


@dataclass(frozen=True)
class ServiceDay(_OnDay, Button, prefix="ap", action="d"):
    service: str
    day: DayCode


@dataclass(frozen=True)
class ServiceTime(_AtTime, Button, prefix="ap", action="t"):
    service: str
    time: TimeCode


@dataclass(frozen=True)
class ServiceBook(_AtTime, Button, prefix="ap", action="ok"):
    service: str
    time: TimeCode


# Moving one of her appointments: the same steps, naming the appointment.


@dataclass(frozen=True)
class MoveDays(_OfHers, prefix="ap", action="rs"):
    pass


@dataclass(frozen=True)
class MoveDay(_OnDay, _OfHers, prefix="ap", action="rd"):
    day: DayCode


@dataclass(frozen=True)
class MoveTime(_AtTime, _OfHers, prefix="ap", action="rt"):
    time: TimeCode


@dataclass(frozen=True)
class MoveBook(_AtTime, _OfHers, prefix="ap", action="rok"):
    time: TimeCode


DaysButton = ServiceDays | MoveDays
DayButton = ServiceDay | MoveDay
TimeButton = ServiceTime | MoveTime
BookButton = ServiceBook | MoveBook
BookingButton = (
    BookingServices
    | MyAppointments
    | ViewAppointment
    | CancelAppointment
    | ConfirmCancel
    | CallMeBack
    | VisitMe
    | DaysButton
    | DayButton
    | TimeButton
    | BookButton
)


class ReminderAction(enum.StrEnum):
    COMING = "yes"
    CHANGE = "chg"


@dataclass(frozen=True)
class ReminderButton(Button, prefix="apr"):
    """Under a reminder: she will come, or she needs to change it."""

    action: ReminderAction
    appointment_id: RecordId


# ── Staff side ──────────────────────────────────────────────────────────────────


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
class AgendaButton(RecordButton, prefix="sa"):
    """A staff button on one appointment (`record_id` is the appointment's id)."""


BOOKING = Codec[BookingButton](
    BookingServices,
    MyAppointments,
    ViewAppointment,
    CancelAppointment,
    ConfirmCancel,
    CallMeBack,
    VisitMe,
    ServiceDays,
    ServiceDay,
    ServiceTime,
    ServiceBook,
    MoveDays,
    MoveDay,
    MoveTime,
    MoveBook,
)
REMINDER = Codec(ReminderButton, what="appointment_id")
AGENDA = Codec(AgendaButton, what="appointment_id")
