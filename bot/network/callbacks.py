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

Consultations, staff side: the wizard `cqd:<action>:<draft id>[:<value>]` — `anon:<y|n>`
anonymous or not · `aud:<choice|menu>` the audience (or its menu again) · `c:<index>` /
`cp:<page>` toggle / page communities · `ok` done choosing · `send` · `x` discard; the
card `cqc:<action>:<consultation id>` — `v` shows it (from /consultas, as a new message) ·
`close` asks · `closey` closes · `keep` keeps it open; `cqc:l:<page>` a page of /consultas.

Consultations, her side: `cv:<action>:<consultation id>[:<answer>]` — `o` the question
(her answer marked) · `a:<answer>` her answer · `b` a leader answers on behalf of a woman
without a phone · `ba:<answer>` that answer · `bu` undo her last one; `cvl` her list of
open consultations.

Proposals, her side: `ppl` the screen, `ppl:<c|m>[:<page>]` her community's or hers;
`ppn:<action>[:<value>]` a new proposal — `go` · `mine` her community · `c:<index>` /
`pg:<page>` a community / a page of them · `k:<kind>` · `send`; `pp:<v|s>:<proposal id>`
see or support one. Staff side: `sp:<action>:<proposal id>[:<status>]` — `v` its card ·
`m:<status>` move it along · `n` not included (asks the reason); `sp:l:<page>` a page of
/propuestas.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Annotated

from bot.core.callbacks import Button, ChoiceButton, Codec, Number, RecordButton, RecordId, one_of
from bot.core.labels import NETWORK_ROLES
from bot.db.models import ProposalKind, ProposalStatus
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


# ── Consultations: the staff wizard ─────────────────────────────────────────────


class AudienceChoice(enum.StrEnum):
    NETWORK = "net"  # the whole network
    NETWORK_IN = "netc"  # network women of some communities
    COMMUNITIES = "com"  # every registered woman of some communities
    MENU = "menu"  # the audience menu again (from the preview)


@dataclass(frozen=True)
class OnConsultationDraft(Button, prefix="cqd", what="draft_id"):
    """A button on one consultation being written (its author continues it)."""

    draft_id: RecordId


@dataclass(frozen=True)
class AnonymousChoice(OnConsultationDraft, action="anon"):
    answer: Annotated[str, one_of("y", "n")]

    @property
    def anonymous(self) -> bool:
        return self.answer == "y"


@dataclass(frozen=True)
class ChooseAudience(OnConsultationDraft, action="aud"):
    choice: AudienceChoice


@dataclass(frozen=True)
class ToggleCommunity(OnConsultationDraft, action="c"):
    index: Number


@dataclass(frozen=True)
class CommunityPage(OnConsultationDraft, action="cp"):
    page: Number


@dataclass(frozen=True)
class DoneChoosing(OnConsultationDraft, action="ok"):
    pass


@dataclass(frozen=True)
class SendConsultation(OnConsultationDraft, action="send"):
    pass


@dataclass(frozen=True)
class DiscardConsultation(OnConsultationDraft, action="x"):
    pass


DRAFT_BUTTONS: tuple[type[OnConsultationDraft], ...] = (
    AnonymousChoice,
    ChooseAudience,
    ToggleCommunity,
    CommunityPage,
    DoneChoosing,
    SendConsultation,
    DiscardConsultation,
)

# ── Consultations: the staff card ───────────────────────────────────────────────


@dataclass(frozen=True)
class OnConsultationCard(Button, prefix="cqc"):
    consultation_id: RecordId


@dataclass(frozen=True)
class ShowCard(OnConsultationCard, action="v"):
    """From /consultas: the card as a new message, kept up to date from then on."""


@dataclass(frozen=True)
class ConsultationsPage(Button, prefix="cqc", action="l"):
    """A page of /consultas."""

    page: Number


@dataclass(frozen=True)
class CloseConsultation(OnConsultationCard, action="close"):
    """Asks to confirm."""


@dataclass(frozen=True)
class ConfirmClose(OnConsultationCard, action="closey"):
    pass


@dataclass(frozen=True)
class KeepOpen(OnConsultationCard, action="keep"):
    pass


CardButton = ShowCard | ConsultationsPage | CloseConsultation | ConfirmClose | KeepOpen

# ── Consultations: her side ─────────────────────────────────────────────────────


@dataclass(frozen=True)
class OnConsultation(Button, prefix="cv"):
    consultation_id: RecordId


@dataclass(frozen=True)
class OpenConsultation(OnConsultation, action="o"):
    """The question, with her answer marked."""


@dataclass(frozen=True)
class AnswerButton(OnConsultation, action="a"):
    option: Number


@dataclass(frozen=True)
class OnBehalf(OnConsultation, action="b"):
    """A leader: choose an answer for a woman without a phone."""


@dataclass(frozen=True)
class AnswerOnBehalf(OnConsultation, action="ba"):
    option: Number


@dataclass(frozen=True)
class UndoOnBehalf(OnConsultation, action="bu"):
    """A leader takes back the last answer she entered on behalf of a woman."""


VoteButton = OpenConsultation | AnswerButton | OnBehalf | AnswerOnBehalf | UndoOnBehalf


@dataclass(frozen=True)
class ConsultationList(Button, prefix="cvl"):
    """Her open consultations."""


# ── Proposals: her side ─────────────────────────────────────────────────────────


class ProposalList(enum.StrEnum):
    COMMUNITY = "c"
    MINE = "m"


@dataclass(frozen=True)
class ProposalsHome(Button, prefix="ppl"):
    pass


@dataclass(frozen=True)
class ProposalsListed(Button, prefix="ppl"):
    """Her community's proposals, or hers (a page of them)."""

    which: ProposalList
    page: Number | None = None


@dataclass(frozen=True)
class StartProposal(Button, prefix="ppn", action="go"):
    pass


@dataclass(frozen=True)
class ProposalForMyCommunity(Button, prefix="ppn", action="mine"):
    pass


@dataclass(frozen=True)
class ProposalCommunity(Button, prefix="ppn", action="c"):
    index: Number


@dataclass(frozen=True)
class ProposalCommunityPage(Button, prefix="ppn", action="pg"):
    page: Number


@dataclass(frozen=True)
class ProposalKindChoice(Button, prefix="ppn", action="k"):
    kind: ProposalKind


@dataclass(frozen=True)
class SendProposal(Button, prefix="ppn", action="send"):
    pass


NewProposalButton = (
    StartProposal
    | ProposalForMyCommunity
    | ProposalCommunity
    | ProposalCommunityPage
    | ProposalKindChoice
    | SendProposal
)


@dataclass(frozen=True)
class OnProposal(Button, prefix="pp"):
    proposal_id: RecordId


@dataclass(frozen=True)
class ViewProposal(OnProposal, action="v"):
    pass


@dataclass(frozen=True)
class SupportProposal(OnProposal, action="s"):
    pass


# ── Proposals: staff side ───────────────────────────────────────────────────────

# The steps a button moves a proposal to (not included asks the reason first).
MOVES = (ProposalStatus.PRESENTED, ProposalStatus.INCLUDED, ProposalStatus.DONE)


@dataclass(frozen=True)
class OnStaffProposal(Button, prefix="sp"):
    proposal_id: RecordId


@dataclass(frozen=True)
class StaffViewProposal(OnStaffProposal, action="v"):
    pass


@dataclass(frozen=True)
class MoveProposal(OnStaffProposal, action="m"):
    status: Annotated[str, one_of(*MOVES)]


@dataclass(frozen=True)
class NotIncluded(OnStaffProposal, action="n"):
    """Asks the reason, as a reply."""


@dataclass(frozen=True)
class StaffProposalsPage(Button, prefix="sp", action="l"):
    """A page of /propuestas."""

    page: Number


StaffProposalButton = StaffViewProposal | MoveProposal | NotIncluded | StaffProposalsPage

CONSULTATION_DRAFTS = Codec[OnConsultationDraft](*DRAFT_BUTTONS, what="consultation_button")
CONSULTATION_CARDS = Codec[CardButton](
    ShowCard,
    ConsultationsPage,
    CloseConsultation,
    ConfirmClose,
    KeepOpen,
    what="consultation_card",
)
VOTES = Codec[VoteButton](
    OpenConsultation,
    AnswerButton,
    OnBehalf,
    AnswerOnBehalf,
    UndoOnBehalf,
    what="consultation_vote",
)
CONSULTATION_LIST = Codec(ConsultationList)
PROPOSALS = Codec[ProposalsHome | ProposalsListed](
    ProposalsHome, ProposalsListed, what="proposal_button"
)
NEW_PROPOSAL = Codec[NewProposalButton](
    StartProposal,
    ProposalForMyCommunity,
    ProposalCommunity,
    ProposalCommunityPage,
    ProposalKindChoice,
    SendProposal,
    what="proposal_new",
)
HER_PROPOSALS = Codec[ViewProposal | SupportProposal](
    ViewProposal, SupportProposal, what="proposal_button"
)
STAFF_PROPOSALS = Codec[StaffProposalButton](
    StaffViewProposal, MoveProposal, NotIncluded, StaffProposalsPage, what="proposal_button"
)
