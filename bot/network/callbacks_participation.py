"""Callback data of consultations and proposals (prefixes registered in bot.core.callbacks).

- `cqd:<action>:<draft id>[:<extra>]`: a step of a consultation being written in the staff
  group (ConsultationDraftButton; DraftAction).
- `cqc:<action>:<consultation id>`: the staff card of a consultation (ConsultationCardButton).
- `cv:<action>:<consultation id>[:<answer>]`: her answer, or a leader's on behalf of a
  woman without a phone (VoteButton; VoteAction).
- `cvl`: her list of open consultations.
"""

from __future__ import annotations

import enum
from typing import ClassVar

from bot.core.callbacks import RecordButton
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
