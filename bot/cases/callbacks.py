"""The cases domain's callback data (prefixes registered in bot.core.callbacks).

Her side: `n:new`, `n:cat:<category>`, `n:safe:<y|n>`, `n:alert`, `n:send|cancel` report
a need; `mc` her requests, `mc:v:<case id>` one of them, `mc:add:<case id>` adding to it
and `mca:send|cancel` sending that; `rd:<entry id>` reads an office reply sent as a
neutral notice.

Staff side: `s:<action>:<case id>[:<extra>]`, a button on a case's card. The extra is the
outcome for "out" and an institution's index for "ref".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Annotated

from bot.core.callbacks import Button, Codec, RecordButton, RecordId, one_of

# ── Report a need ───────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class NewReport(Button, prefix="n", action="new"):
    pass


@dataclass(frozen=True)
class CategoryButton(Button, prefix="n", action="cat"):
    """A category of the office settings (its key; the handler checks it still exists)."""

    key: str


@dataclass(frozen=True)
class SafeToTalk(Button, prefix="n", action="safe"):
    """Whether she can write safely now (urgent categories)."""

    answer: Annotated[str, one_of("y", "n")]

    @property
    def safe(self) -> bool:
        return self.answer == "y"


@dataclass(frozen=True)
class AlertOffice(Button, prefix="n", action="alert"):
    """Let the office know she needs support, without details."""


class ComposeAction(enum.StrEnum):
    SEND = "send"
    CANCEL = "cancel"


@dataclass(frozen=True)
class ComposeButton(Button):
    """`<PREFIX>:send|cancel` under what she is writing (bot.cases.composer)."""

    action: ComposeAction


@dataclass(frozen=True)
class ReportCompose(ComposeButton, prefix="n"):
    pass


ReportButton = NewReport | CategoryButton | SafeToTalk | AlertOffice | ReportCompose

# ── Her requests ────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class MyCases(Button, prefix="mc"):
    pass


@dataclass(frozen=True)
class ViewCase(Button, prefix="mc", action="v", what="case_id"):
    case_id: RecordId


@dataclass(frozen=True)
class AddToCase(Button, prefix="mc", action="add", what="case_id"):
    case_id: RecordId


@dataclass(frozen=True)
class AdditionCompose(ComposeButton, prefix="mca"):
    pass


@dataclass(frozen=True)
class ReadReply(Button, prefix="rd"):
    entry_id: RecordId


# ── Staff ───────────────────────────────────────────────────────────────────────


class CaseAction(enum.StrEnum):
    TAKE = "take"
    REPLY = "reply"
    NOTE = "note"
    DETAILS = "det"
    CLOSE = "close"
    BACK = "back"
    OUTCOME = "out"
    REFERRED_TO = "ref"


@dataclass(frozen=True)
class CaseButton(RecordButton, prefix="s"):
    """A staff button on one case (`record_id` is the case's id)."""


REPORT = Codec[ReportButton](NewReport, CategoryButton, SafeToTalk, AlertOffice, ReportCompose)
MY_CASES = Codec[MyCases | ViewCase | AddToCase](MyCases, ViewCase, AddToCase)
ADDITION = Codec(AdditionCompose)
READ_REPLY = Codec(ReadReply, what="entry_id")
CASES = Codec(CaseButton, what="case_button")
