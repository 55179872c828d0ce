"""The network domain's callback data (prefixes registered in bot.core.callbacks).

Her network screen: `net…` and `nc:…` (the yes/no membership of the network), `og`
(bare: the organisations she may join) and `og:<action>:<organisation>` (OrgButton). A
leader's menu: `ol` (bare: her menu), `ol:<action>:<record>[:<extra>]` (LeaderButton:
the record is an organisation, a woman without a phone, or a sign-up, as the action
says), `olw` (the women she represents) and `oln:…` (registering one: her community from
the office's list, then the same age, people and language answers as a woman's own).
Joining her record with a code: `jn:<y|n>:<code>`. Staff:
`so:<action>:<organisation>[:<extra>]` (StaffOrgButton) and `sla:<ok|no>:<request>`
(AnnouncementDecision).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Annotated

from bot.core.callbacks import Button, ChoiceButton, Codec, RecordButton, RecordId, one_of
from bot.core.labels import NETWORK_ROLES
from bot.people.callbacks import AgeGroupButton, LanguageButton, PeopleButton

# ── The network (yes/no membership) ─────────────────────────────────────────────


@dataclass(frozen=True)
class ShowNetwork(Button, prefix="net"):
    pass


@dataclass(frozen=True)
class JoinNetwork(Button, prefix="net", action="join"):
    pass


@dataclass(frozen=True)
class NoOrganization(Button, prefix="net", action="org"):
    none: Annotated[str, one_of("none")] = "none"


@dataclass(frozen=True)
class NetworkRole(Button, prefix="net", action="role"):
    role: Annotated[str, one_of(*NETWORK_ROLES)]


@dataclass(frozen=True)
class LeaveNetwork(Button, prefix="net", action="leave"):
    """`net:leave` asks; `net:leave:y` (confirmed) leaves."""

    confirmed: Annotated[str, one_of("y")] | None = None


NetworkButton = ShowNetwork | JoinNetwork | NoOrganization | NetworkRole | LeaveNetwork


@dataclass(frozen=True)
class NetworkCommunity(ChoiceButton, prefix="nc"):
    """The community she represents in the network, from the office's list (or typed)."""


@dataclass(frozen=True)
class MyCommunity(Button, prefix="nc", action="mine"):
    """The community she gave at registration."""


# ── Her organisations ───────────────────────────────────────────────────────────


class OrgAction(enum.StrEnum):
    JOIN = "j"  # she asks: share or not?
    JOIN_SHARING = "y"
    JOIN_NOT_SHARING = "n"
    LEAVE = "l"  # are you sure?
    LEAVE_CONFIRMED = "L"


@dataclass(frozen=True)
class OrganizationsToJoin(Button, prefix="og"):
    """`og`: the organisations she may ask to join."""


class OrgButton(RecordButton, prefix="og"):
    """Her button on one organisation (`record_id` is the organisation's id)."""


# ── A leader's menu ─────────────────────────────────────────────────────────────


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
    CANCEL = "wx"  # sign-up: the leader cancels a sign-up she made
    CONTACT = "wc"  # woman, extra: visit | call


@dataclass(frozen=True)
class LeaderHome(Button, prefix="ol"):
    """`ol`: her organisations and the women she represents."""


class LeaderButton(RecordButton, prefix="ol"):
    """A leader's button (`record_id`: an organisation, a woman, or a sign-up)."""


@dataclass(frozen=True)
class LeaderWomen(Button, prefix="olw"):
    """`olw`: the women without a phone she represents."""


# Registering a woman without a phone: the steps' answers, shaped like a woman's own.


@dataclass(frozen=True)
class NewWoman(Button, prefix="oln", action="start"):
    pass


@dataclass(frozen=True)
class NewWomanCommunity(ChoiceButton, prefix="oln"):
    """The community she lives in, from the office's list (or typed)."""


class NewWomanAge(AgeGroupButton, prefix="oln", action="age"):
    pass


class NewWomanPeople(PeopleButton, prefix="oln", action="p"):
    pass


class NewWomanLanguage(LanguageButton, prefix="oln", action="l"):
    pass


@dataclass(frozen=True)
class NewWomanAgreed(Button, prefix="oln", action="ok"):
    """She agreed by word of mouth: register her."""


NewWomanButton = (
    NewWoman | NewWomanCommunity | NewWomanAge | NewWomanPeople | NewWomanLanguage | NewWomanAgreed
)

# ── Joining the record the office kept of her ──────────────────────────────────


@dataclass(frozen=True)
class JoinRecord(Button, prefix="jn"):
    """`jn:<y|n>:<code>`: she joins (or not) the record the office kept of her."""

    answer: Annotated[str, one_of("y", "n")]
    code: str

    @property
    def yes(self) -> bool:
        return self.answer == "y"


# ── Staff ───────────────────────────────────────────────────────────────────────


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


class StaffOrgButton(RecordButton, prefix="so"):
    """A staff button on one organisation's card."""


@dataclass(frozen=True)
class AnnouncementDecision(Button, prefix="sla"):
    """Staff approve (`ok`) or decline (`no`) a leader's announcement request."""

    verdict: Annotated[str, one_of("ok", "no")]
    request_id: RecordId

    @property
    def approve(self) -> bool:
        return self.verdict == "ok"


NETWORK = Codec[NetworkButton](ShowNetwork, JoinNetwork, NoOrganization, NetworkRole, LeaveNetwork)
NETWORK_COMMUNITY = Codec[NetworkCommunity | MyCommunity](NetworkCommunity, MyCommunity)
ORGANIZATIONS = Codec[OrganizationsToJoin | OrgButton](
    OrganizationsToJoin, OrgButton, what="network_button"
)
LEADER = Codec[LeaderHome | LeaderButton](LeaderHome, LeaderButton, what="leader_button")
LEADER_WOMEN = Codec(LeaderWomen)
NEW_WOMAN = Codec[NewWomanButton](
    NewWoman,
    NewWomanCommunity,
    NewWomanAge,
    NewWomanPeople,
    NewWomanLanguage,
    NewWomanAgreed,
    what="leader_button",
)
JOIN_RECORD = Codec(JoinRecord, what="join_button")
STAFF_ORGANIZATIONS = Codec(StaffOrgButton, what="network_button")
ANNOUNCEMENTS = Codec(AnnouncementDecision, what="network_button")
