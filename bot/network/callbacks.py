"""The network's callback data for consultations and proposals (prefixes registered in
bot.core.callbacks).

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

from bot.core.callbacks import Button, Codec, Number, RecordId, one_of
from bot.db.models import ProposalKind, ProposalStatus

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
