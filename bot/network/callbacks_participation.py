"""Callback data of consultations and proposals (prefixes registered in bot.core.callbacks).

- `cqd:<action>:<draft id>[:<extra>]`: a step of a consultation being written in the staff
  group (ConsultationDraftButton; DraftAction).
- `cqc:<action>:<consultation id>`: the staff card of a consultation (ConsultationCardButton).
- `cv:<action>:<consultation id>[:<answer>]`: her answer, or a leader's on behalf of a
  woman without a phone (VoteButton; VoteAction).
- `cvl`: her list of open consultations.
- `ppl[:<list>]`: her proposals screen (`c` her community's, `m` hers).
- `ppn[:<action>[:<arg>]]`: her new proposal (ProposalDraftButton; NewAction).
- `pp:<action>:<proposal id>`: a proposal she sees (ProposalButton: view, support).
- `sp:<action>:<proposal id>[:<status>]`: staff on a proposal's card (StaffProposalButton).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar, Self

from bot.core.callbacks import RecordButton, encode, split
from bot.core.ids import parse_small_number

CONSULTATION_LIST = "cvl"


class DraftAction(enum.StrEnum):
    ANONYMOUS = "anon"  # extra: y / n
    AUDIENCE = "aud"  # extra: an AudienceChoice
    COMMUNITY = "c"  # extra: the community's index (toggle)
    PAGE = "cp"  # extra: a page of communities
    CHOSEN = "ok"  # communities chosen
    SEND = "send"
    DISCARD = "x"


class AudienceChoice(enum.StrEnum):
    NETWORK = "net"  # the whole network
    NETWORK_IN = "netc"  # network women of some communities
    COMMUNITIES = "com"  # every registered woman of some communities


class CardAction(enum.StrEnum):
    CLOSE = "close"  # asks to confirm
    CLOSE_NOW = "closey"
    KEEP = "keep"


class VoteAction(enum.StrEnum):
    OPEN = "o"  # show the question (with her answer marked)
    ANSWER = "a"  # extra: the answer's index
    ON_BEHALF = "b"  # a leader: choose an answer for a woman without a phone
    ON_BEHALF_ANSWER = "ba"  # extra: the answer's index


class ConsultationDraftButton(RecordButton):
    PREFIX: ClassVar[str] = "cqd"


class ConsultationCardButton(RecordButton):
    PREFIX: ClassVar[str] = "cqc"


class VoteButton(RecordButton):
    PREFIX: ClassVar[str] = "cv"


def small_number(extra: str | None) -> int | None:
    """An index or page carried in a button's extra (None when it is not one)."""
    return parse_small_number(extra)


PROPOSALS = "ppl"


class ProposalList(enum.StrEnum):
    COMMUNITY = "c"
    MINE = "m"


class NewAction(enum.StrEnum):
    START = "go"
    MY_COMMUNITY = "mine"
    COMMUNITY = "c"  # arg: the community's index
    PAGE = "pg"  # arg: a page of communities
    KIND = "k"  # arg: a ProposalKind
    SEND = "send"


@dataclass(frozen=True)
class ProposalDraftButton:
    """`ppn:<action>[:<arg>]`: a step of her new proposal."""

    PREFIX: ClassVar[str] = "ppn"

    action: str
    arg: str | None = None

    def encode(self) -> str:
        tail = () if self.arg is None else (self.arg,)
        return encode(self.PREFIX, self.action, *tail)

    @classmethod
    def decode(cls, data: str | None) -> Self | None:
        parts = split(cls.PREFIX, data)
        if parts is None or len(parts) > 2 or not parts[0]:
            return None
        return cls(parts[0], parts[1] if len(parts) > 1 else None)


class ProposalAction(enum.StrEnum):
    VIEW = "v"
    SUPPORT = "s"


class ProposalButton(RecordButton):
    PREFIX: ClassVar[str] = "pp"


class StaffProposalAction(enum.StrEnum):
    VIEW = "v"
    MOVE = "m"  # extra: the status it moves to
    NOT_INCLUDED = "n"  # asks the reason


class StaffProposalButton(RecordButton):
    PREFIX: ClassVar[str] = "sp"
