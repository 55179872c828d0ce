"""The broadcasts domain's callback data (prefixes registered in bot.core.callbacks).

Her side: `bc:stop` stops announcements, `bc:start` receives them again.

Staff side (`sb:…`), composing a draft: `sb:<action>:<draft id>[:<arg>]` — `skip` no photo ·
`aud` the audience menu · `ak:<kind>` an audience kind · `c:<index>` / `cp:<page>` toggle /
page communities · `t:<kind>` toggle a kind of activity · `ok` done choosing ·
`ad:<activity>:<stamp>` a date · `ao:…` only that date · `aa:…` every date from now on ·
`send` · `sch` · `txt` change the text · `x` discard. Also `sb:noop` (the preview's inert
copies of her buttons), `sb:act:<activity>:<stamp>` (on an activity's card: start a draft
about it), and the list of announcements: `sb:ls`, `sb:cl:<id>` cancel, `sb:cly:<id>` sure.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Annotated

from bot.activities.callbacks import Kind, OnDate, Stamp
from bot.core.callbacks import Button, Codec, Number, RecordId, one_of

AUDIENCE_KINDS = ("everyone", "communities", "activity_type", "network", "activity")

# ── Her side ────────────────────────────────────────────────────────────────────


class Announcements(enum.StrEnum):
    STOP = "stop"
    START = "start"


@dataclass(frozen=True)
class AnnouncementsButton(Button, prefix="bc"):
    choice: Announcements


# ── Staff side ──────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class PreviewNoop(Button, prefix="sb", action="noop"):
    """Her buttons' inert copies under a preview in the staff group."""


@dataclass(frozen=True)
class AnnounceActivity(OnDate, prefix="sb", action="act"):
    """On an activity's card: start a draft about that date."""


@dataclass(frozen=True)
class ListBroadcasts(Button, prefix="sb", action="ls"):
    pass


@dataclass(frozen=True)
class _OneBroadcast(Button, what="broadcast_id"):
    broadcast_id: RecordId


@dataclass(frozen=True)
class CancelBroadcast(_OneBroadcast, prefix="sb", action="cl"):
    """Asks whether to cancel it."""


@dataclass(frozen=True)
class ConfirmCancelBroadcast(_OneBroadcast, prefix="sb", action="cly"):
    pass


ListButton = ListBroadcasts | CancelBroadcast | ConfirmCancelBroadcast


@dataclass(frozen=True)
class OnDraft(Button, prefix="sb", what="draft_id"):
    """A button on one announcement draft (its author continues it)."""

    draft_id: RecordId


@dataclass(frozen=True)
class SkipPhoto(OnDraft, action="skip"):
    pass


@dataclass(frozen=True)
class AudienceMenu(OnDraft, action="aud"):
    pass


@dataclass(frozen=True)
class AudienceKind(OnDraft, action="ak"):
    kind: Annotated[str, one_of(*AUDIENCE_KINDS)]


@dataclass(frozen=True)
class ToggleCommunity(OnDraft, action="c"):
    index: Number


@dataclass(frozen=True)
class CommunityPage(OnDraft, action="cp"):
    page: Number


@dataclass(frozen=True)
class ToggleType(OnDraft, action="t"):
    kind: Kind


@dataclass(frozen=True)
class DoneChoosing(OnDraft, action="ok"):
    pass


@dataclass(frozen=True)
class _DraftDate(OnDraft):
    activity_id: RecordId
    stamp: Stamp


@dataclass(frozen=True)
class ActivityDate(_DraftDate, action="ad"):
    """Women signed up to an activity: this date (for a series, asks which dates)."""


@dataclass(frozen=True)
class ActivityDateOnly(_DraftDate, action="ao"):
    pass


@dataclass(frozen=True)
class ActivityEveryDate(_DraftDate, action="aa"):
    pass


@dataclass(frozen=True)
class SendNow(OnDraft, action="send"):
    pass


@dataclass(frozen=True)
class Schedule(OnDraft, action="sch"):
    pass


@dataclass(frozen=True)
class ChangeText(OnDraft, action="txt"):
    pass


@dataclass(frozen=True)
class DiscardDraft(OnDraft, action="x"):
    pass


DRAFT_BUTTONS: tuple[type[OnDraft], ...] = (
    SkipPhoto,
    AudienceMenu,
    AudienceKind,
    ToggleCommunity,
    CommunityPage,
    ToggleType,
    DoneChoosing,
    ActivityDate,
    ActivityDateOnly,
    ActivityEveryDate,
    SendNow,
    Schedule,
    ChangeText,
    DiscardDraft,
)
StaffBroadcastButton = PreviewNoop | AnnounceActivity | ListButton | OnDraft

ANNOUNCEMENTS = Codec(AnnouncementsButton)
STAFF_BROADCASTS = Codec[StaffBroadcastButton](
    PreviewNoop,
    AnnounceActivity,
    ListBroadcasts,
    CancelBroadcast,
    ConfirmCancelBroadcast,
    *DRAFT_BUTTONS,
)
