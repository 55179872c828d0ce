"""The activities domain's callback data (prefixes registered in bot.core.callbacks).

`<st>` names one date of an activity: its original start in UTC, `%Y%m%d%H%M`, as in
deep links (bot.activities.service_series.occurrence_stamp).

Her side: `ac` the list, `ac:k:<kind|all>[:<page>]` filtered, `ac:v:<id>:<st>` one date,
`ac:go:…` she will come, `ac:no:…` she can't (also under reminders), `ac:mine` her dates,
`ac:subs` and `ac:sub:<kind>` the kinds she hears about.

Staff side (`sx:…`): the creation/edit wizard `sx:d:<draft id>:<action>[:<value>]`; a date's
card: `sx:card:<id>:<st>` open it (new message) · `sx:bk:<id>:<st>` back to it (in place) ·
`sx:qr:<id>` the QR code · `sx:att:<id>:<st>[:<page>]` the attendance list ·
`sx:at:<signup id>:<page>` toggle "came" · `sx:ed:<id>:<st>` edit: choose a field ·
`sx:ef:<id>:<st>:<field>` the field · `sx:es:<id>:<st>:<field>:<one|all>` which dates ·
`sx:cx:<id>:<st>` cancel: which dates · `sx:cq:<id>:<st>:<one|all>` are you sure ·
`sx:cy:<id>:<st>:<one|all>` cancel them.

The pregnant women's club (bot.activities.her_club, staff_club): her side `pc:h` her
club screen, `pc:due` choosing her due month, `pc:m:<yyyymm>` that month, `pc:pm` and `pc:p:<1-9>` her month of
pregnancy instead, `pc:dis:<y|n>` discreet wording, `pc:inv:<on|off>` invitations on or
off (`pc:inv:off` is on every invitation), `pc:rm[:y]` remove her date (asked, then
confirmed), `pc:rd:<invitation id>` read a discreet invitation. Staff: `scl:due:<id>:<st>`
who is coming to a session, with their due dates (audited).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from bot.activities.service_series import parse_occurrence_stamp
from bot.core.callbacks import Button, Codec, Number, RecordId, one_of
from bot.core.labels import ACTIVITY_KINDS

ALL = "all"


def _stamp(text: str) -> str | None:
    return text if parse_occurrence_stamp(text) is not None else None


Stamp = Annotated[str, _stamp]
Kind = Annotated[str, one_of(*ACTIVITY_KINDS)]


@dataclass(frozen=True)
class NamesDate(Button):
    """A button naming one date of an activity: its id and original start (the
    enterprise domain's fair buttons name dates the same way)."""

    activity_id: RecordId
    stamp: Stamp

    @property
    def key(self) -> datetime:
        """The date's original start (UTC)."""
        key = parse_occurrence_stamp(self.stamp)
        assert key is not None  # decode checked it
        return key


@dataclass(frozen=True)
class OnDate(NamesDate, what="activity_id"):
    """A button naming one date of an activity."""


# ── Her side ────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ActivityList(Button, prefix="ac"):
    pass


@dataclass(frozen=True)
class KindFilter(Button, prefix="ac", action="k"):
    """The list of one kind (or all), at a page."""

    kind: Annotated[str, one_of(ALL, *ACTIVITY_KINDS)]
    page: Number | None = None


@dataclass(frozen=True)
class ViewDate(OnDate, prefix="ac", action="v"):
    pass


@dataclass(frozen=True)
class WillCome(OnDate, prefix="ac", action="go"):
    pass


@dataclass(frozen=True)
class CannotCome(OnDate, prefix="ac", action="no"):
    pass


@dataclass(frozen=True)
class MyActivities(Button, prefix="ac", action="mine"):
    pass


@dataclass(frozen=True)
class Subscriptions(Button, prefix="ac", action="subs"):
    pass


@dataclass(frozen=True)
class ToggleSubscription(Button, prefix="ac", action="sub"):
    kind: Kind


HerActivityButton = (
    ActivityList
    | KindFilter
    | ViewDate
    | WillCome
    | CannotCome
    | MyActivities
    | Subscriptions
    | ToggleSubscription
)

# ── Staff side ──────────────────────────────────────────────────────────────────


class DraftStep(enum.StrEnum):
    """What a wizard button answers (its value, if any, is checked by the wizard)."""

    KIND = "kind"
    DURATION = "dur"
    COMMUNITY = "com"
    COMMUNITY_PAGE = "cpg"
    CAPACITY = "cap"
    REPEAT = "rep"
    OPEN = "opt"  # open a setting of the summary (its value: the step)
    BACK = "back"  # back to the summary, nothing changed
    CLEAR = "clear"  # remove the description or the photo
    CREATE = "ok"
    DISCARD = "no"


@dataclass(frozen=True)
class DraftButton(Button, prefix="sx", action="d", what="draft_id"):
    draft_id: RecordId
    step: DraftStep
    value: str | None = None


class Scope(enum.StrEnum):
    ONE = "one"
    ALL = "all"


class EditField(enum.StrEnum):
    TITLE = "title"
    DESCRIPTION = "desc"
    WHEN = "when"
    PLACE = "place"
    CAPACITY = "cap"
    PHOTO = "photo"


@dataclass(frozen=True)
class PosterQr(Button, prefix="sx", action="qr", what="activity_id"):
    activity_id: RecordId


@dataclass(frozen=True)
class ToggleAttended(Button, prefix="sx", action="at", what="signup_id"):
    signup_id: RecordId
    page: Number


@dataclass(frozen=True)
class OpenCard(OnDate, prefix="sx", action="card"):
    pass


@dataclass(frozen=True)
class BackToCard(OnDate, prefix="sx", action="bk"):
    pass


@dataclass(frozen=True)
class Attendance(OnDate, prefix="sx", action="att"):
    """The attendance list; with a page, turned in place."""

    page: Number | None = None


@dataclass(frozen=True)
class EditMenu(OnDate, prefix="sx", action="ed"):
    pass


@dataclass(frozen=True)
class EditFieldButton(OnDate, prefix="sx", action="ef"):
    field: EditField


@dataclass(frozen=True)
class StartEdit(OnDate, prefix="sx", action="es"):
    field: EditField
    scope: Scope


@dataclass(frozen=True)
class CancelMenu(OnDate, prefix="sx", action="cx"):
    pass


@dataclass(frozen=True)
class CancelQuestion(OnDate, prefix="sx", action="cq"):
    scope: Scope


@dataclass(frozen=True)
class CancelDates(OnDate, prefix="sx", action="cy"):
    scope: Scope


CardButton = (
    OpenCard
    | BackToCard
    | Attendance
    | EditMenu
    | EditFieldButton
    | StartEdit
    | CancelMenu
    | CancelQuestion
    | CancelDates
)
StaffActivityButton = DraftButton | PosterQr | ToggleAttended | CardButton

HER_ACTIVITIES = Codec[HerActivityButton](
    ActivityList,
    KindFilter,
    ViewDate,
    WillCome,
    CannotCome,
    MyActivities,
    Subscriptions,
    ToggleSubscription,
)
STAFF_ACTIVITIES = Codec[StaffActivityButton](
    DraftButton,
    PosterQr,
    ToggleAttended,
    OpenCard,
    BackToCard,
    Attendance,
    EditMenu,
    EditFieldButton,
    StartEdit,
    CancelMenu,
    CancelQuestion,
    CancelDates,
    what="activity_button",
)


# ── The pregnant women's club ───────────────────────────────────────────────────


def _month(text: str) -> str | None:
    """`yyyymm`, a real month (whether she may choose it is the handler's to say)."""
    if len(text) != 6 or not text.isdigit():
        return None
    return text if 2000 <= int(text[:4]) <= 2100 and 1 <= int(text[4:]) <= 12 else None


class OnOff(enum.StrEnum):
    ON = "on"
    OFF = "off"


@dataclass(frozen=True)
class ClubHome(Button, prefix="pc", action="h"):
    pass


@dataclass(frozen=True)
class ChooseDue(Button, prefix="pc", action="due"):
    pass


@dataclass(frozen=True)
class DueMonth(Button, prefix="pc", action="m"):
    month: Annotated[str, _month]


@dataclass(frozen=True)
class PregnancyMonths(Button, prefix="pc", action="pm"):
    pass


@dataclass(frozen=True)
class PregnancyMonth(Button, prefix="pc", action="p"):
    month: Annotated[str, one_of(*(str(n) for n in range(1, 10)))]


@dataclass(frozen=True)
class Discreet(Button, prefix="pc", action="dis"):
    answer: Annotated[str, one_of("y", "n")]


@dataclass(frozen=True)
class ClubInvitations(Button, prefix="pc", action="inv"):
    state: OnOff


@dataclass(frozen=True)
class RemoveDueDate(Button, prefix="pc", action="rm"):
    """`pc:rm` asks; `pc:rm:y` (confirmed) removes."""

    confirmed: Annotated[str, one_of("y")] | None = None


@dataclass(frozen=True)
class ReadInvitation(Button, prefix="pc", action="rd", what="invitation_id"):
    invitation_id: RecordId


@dataclass(frozen=True)
class ClubDueDates(OnDate, prefix="scl", action="due"):
    pass


HerClubButton = (
    ClubHome
    | ChooseDue
    | DueMonth
    | PregnancyMonths
    | PregnancyMonth
    | Discreet
    | ClubInvitations
    | RemoveDueDate
    | ReadInvitation
)
HER_CLUB = Codec[HerClubButton](
    ClubHome,
    ChooseDue,
    DueMonth,
    PregnancyMonths,
    PregnancyMonth,
    Discreet,
    ClubInvitations,
    RemoveDueDate,
    ReadInvitation,
    what="club_button",
)
STAFF_CLUB = Codec[ClubDueDates](ClubDueDates, what="club_button")
