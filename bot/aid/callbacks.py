"""The aid domain's callback data (prefixes registered in bot.core.callbacks).

From a case card: `ad:c:<case>` choose the item, `ad:i:<case>:<item>` how much,
`ad:q:<case>:<item>:<size>` record (unless she got the same item recently: then a
warning and `ad:F:…` to record anyway), `ad:x:<case>` cancel. A typed delivery that
needs confirming waits in a staff draft: `ad:go:<draft>` / `ad:no:<draft>`. `<item>` is
the item's index in the office file; `<size>` a quantity, or an amount in cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from bot.core.callbacks import Button, Codec, Number, RecordId
from bot.core.ids import parse_record_id

# A quantity or an amount in cents: more than zero, and what the database can hold.
Size = Annotated[int, parse_record_id]


@dataclass(frozen=True)
class _ForCase(Button, prefix="ad"):
    case_id: RecordId


@dataclass(frozen=True)
class ChooseItem(_ForCase, action="c"):
    pass


@dataclass(frozen=True)
class CancelAid(_ForCase, action="x"):
    pass


@dataclass(frozen=True)
class ChooseSize(_ForCase, action="i"):
    item: Number


@dataclass(frozen=True)
class RecordAid(_ForCase, action="q"):
    """Record it; `anyway`: after the warning that she got the same item recently."""

    item: Number
    size: Size


@dataclass(frozen=True)
class RecordAidAnyway(RecordAid, action="F"):
    pass


@dataclass(frozen=True)
class _OnDraft(Button, prefix="ad"):
    draft_id: RecordId


@dataclass(frozen=True)
class ConfirmDraft(_OnDraft, action="go"):
    pass


@dataclass(frozen=True)
class DropDraft(_OnDraft, action="no"):
    pass


CaseAidButton = ChooseItem | CancelAid | ChooseSize | RecordAid
DraftAidButton = ConfirmDraft | DropDraft

AID = Codec[CaseAidButton | DraftAidButton](
    ChooseItem,
    CancelAid,
    ChooseSize,
    RecordAid,
    RecordAidAnyway,
    ConfirmDraft,
    DropDraft,
    what="aid_button",
)
