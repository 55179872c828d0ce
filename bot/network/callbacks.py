"""The network domain's callback data (prefixes registered in bot.core.callbacks).

Her network screen: `net` and `nc` (the yes/no membership, unchanged), `og` (bare: the
organisations she may join) and `og:<action>:<organisation>` (OrgButton). A leader's
menu: `ol` (bare: her menu), `ol:<action>:<record>[:<extra>]` (LeaderButton: the record
is an organisation, a woman without a phone, or a sign-up, as the action says), `olw`
(the women she represents) and `oln:…` (registering one: NewWomanButton). Joining her
record with a code: `jn:<y|n>:<code>`. Staff: `so:<action>:<organisation>[:<extra>]`
(StaffOrgButton) and `sla:<ok|no>:<request>` (AnnouncementButton).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar, Self

from bot.core.callbacks import RecordButton, encode, split


class OrgAction(enum.StrEnum):
    JOIN = "j"  # she asks: share or not?
    JOIN_SHARING = "y"
    JOIN_NOT_SHARING = "n"
    LEAVE = "l"  # are you sure?
    LEAVE_CONFIRMED = "L"


class OrgButton(RecordButton):
    """Her button on one organisation (`record_id` is the organisation's id)."""

    PREFIX: ClassVar[str] = "og"


class LeaderAction(enum.StrEnum):
    MENU = "m"  # organisation
    MEMBERS = "mem"  # organisation
    REQUESTS = "req"  # organisation
    ACCEPT = "ok"  # organisation, extra: her user id
    DECLINE = "no"  # organisation, extra: her user id
    ACTIVITIES = "act"  # organisation
    ANNOUNCE = "ann"  # organisation
    SEND = "snd"  # organisation
    WOMAN = "wv"  # woman
    DATES = "wa"  # woman
    SIGN_UP = "ws"  # woman, extra: <activity>_<stamp>
    ATTENDANCE = "wt"  # woman
    ATTENDED = "wk"  # sign-up
    CONTACT = "wc"  # woman, extra: visit | call


class LeaderButton(RecordButton):
    """A leader's button (`record_id`: an organisation, a woman, or a sign-up)."""

    PREFIX: ClassVar[str] = "ol"


class StaffOrgAction(enum.StrEnum):
    CARD = "v"
    KIND = "k"  # extra: the kind
    LEVEL = "lv"  # extra: the level
    MEMBERS = "mem"
    REQUESTS = "req"
    ACCEPT = "ok"  # extra: her user id
    DECLINE = "no"  # extra: her user id
    LEADER = "lead"  # extra: her user id
    NOT_LEADER = "unl"  # extra: her user id


class StaffOrgButton(RecordButton):
    """A staff button on one organisation's card."""

    PREFIX: ClassVar[str] = "so"


class AnnouncementButton(RecordButton):
    """Staff approve (`ok`) or decline (`no`) a leader's announcement request."""

    PREFIX: ClassVar[str] = "sla"


@dataclass(frozen=True)
class NewWomanButton:
    """`oln:<action>[:<value>]`: a step of registering a woman without a phone."""

    PREFIX: ClassVar[str] = "oln"

    action: str
    value: str | None = None

    def encode(self) -> str:
        tail = () if self.value is None else (self.value,)
        return encode(self.PREFIX, self.action, *tail)

    @classmethod
    def decode(cls, data: str | None) -> Self | None:
        parts = split(cls.PREFIX, data)
        if parts is None or len(parts) > 2 or not parts[0]:
            return None
        return cls(parts[0], parts[1] if len(parts) > 1 else None)


@dataclass(frozen=True)
class JoinButton:
    """`jn:<y|n>:<code>`: she joins (or not) the record the office kept of her."""

    PREFIX: ClassVar[str] = "jn"

    yes: bool
    code: str

    def encode(self) -> str:
        return encode(self.PREFIX, "y" if self.yes else "n", self.code)

    @classmethod
    def decode(cls, data: str | None) -> Self | None:
        parts = split(cls.PREFIX, data)
        if parts is None or len(parts) != 2 or parts[0] not in ("y", "n") or not parts[1]:
            return None
        return cls(parts[0] == "y", parts[1])
