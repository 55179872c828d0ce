"""Women's proposals for the municipal plan and budget, their supports and their path.

A woman (or an organisation, through her) submits a proposal: title, what and for whom,
community, kind. Other women support it, once each (not her own). Staff move it along

    received ─▶ presented to the council ─▶ included in the plan ─▶ done
        └──────────────┴──▶ not included (with a reason)

and at each step the woman who proposed it and those who supported it get a notice
(NetworkNotice, neutral on the lock screen; bot.network.jobs_consultations sends them).

When she deletes her data, her supports go and her proposals stay as anonymous counts:
no user id, no title, no description (`forget_person`), as cases do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound
from bot.db.models import NetworkNoticeKind, Proposal, ProposalKind, ProposalStatus, ProposalSupport
from bot.network import service_participation_notices as notices

MAX_TITLE = 80
MAX_DESCRIPTION = 1000
MAX_REASON = 500
KINDS = tuple(ProposalKind)
RECEIVED, PRESENTED, INCLUDED, DONE, NOT_INCLUDED = (
    ProposalStatus.RECEIVED,
    ProposalStatus.PRESENTED,
    ProposalStatus.INCLUDED,
    ProposalStatus.DONE,
    ProposalStatus.NOT_INCLUDED,
)
FINISHED = (DONE, NOT_INCLUDED)
# Where each status can go next.
NEXT: dict[ProposalStatus, tuple[ProposalStatus, ...]] = {
    RECEIVED: (PRESENTED, NOT_INCLUDED),
    PRESENTED: (INCLUDED, NOT_INCLUDED),
    INCLUDED: (DONE,),
    DONE: (),
    NOT_INCLUDED: (),
}


class BadText(InvalidInput, ValueError):
    """A title, description or reason that is empty or too long."""


class OwnProposal(NotAllowed):
    """She cannot support her own proposal."""


class ProposalFinished(AlreadyDone):
    """The proposal is done or was not included: it takes no more supports."""


class WrongStep(AlreadyDone):
    """The proposal is not (any more) in a status that can move to the one asked."""


def check_text(text: str, limit: int) -> str:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > limit:
        raise BadText(f"must be 1-{limit} characters")
    return cleaned


async def submit(
    session: AsyncSession,
    *,
    user_id: int,
    title: str,
    description: str,
    community: str,
    kind: str,
    organization: str | None,
    now: datetime,
) -> Proposal:
    if kind not in {k.value for k in KINDS}:
        raise InvalidInput(f"unknown proposal kind {kind!r}")
    proposal = Proposal(
        user_id=user_id,
        title=check_text(title, MAX_TITLE),
        description=check_text(description, MAX_DESCRIPTION),
        community=check_text(community, 128),
        kind=kind,
        organization=organization.strip()[:128] if organization else None,
        status=RECEIVED.value,
        created_at=now,
        updated_at=now,
    )
    session.add(proposal)
    await session.flush()
    return proposal


async def find(session: AsyncSession, proposal_id: int) -> Proposal | None:
    return await session.get(Proposal, proposal_id)


async def supports(session: AsyncSession, proposal_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(ProposalSupport)
            .where(ProposalSupport.proposal_id == proposal_id)
        )
        or 0
    )


async def has_supported(session: AsyncSession, proposal_id: int, user_id: int) -> bool:
    return await session.get(ProposalSupport, (proposal_id, user_id)) is not None


async def support(session: AsyncSession, proposal_id: int, user_id: int, now: datetime) -> bool:
    """She supports it; False when she had already. NotFound, OwnProposal, ProposalFinished."""
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None or proposal.title is None:
        raise NotFound(f"no proposal {proposal_id}")
    if proposal.user_id == user_id:
        raise OwnProposal(f"proposal {proposal_id}")
    if proposal.status in FINISHED:
        raise ProposalFinished(f"proposal {proposal_id}")
    if await has_supported(session, proposal_id, user_id):
        return False
    session.add(ProposalSupport(proposal_id=proposal_id, user_id=user_id, supported_at=now))
    await session.flush()
    return True


@dataclass(frozen=True)
class Listed:
    proposal: Proposal
    supports: int


async def _listed(session: AsyncSession, *where: Any) -> list[Listed]:
    """Newest first, every one (the screens show them a page at a time)."""
    count = (
        select(func.count())
        .select_from(ProposalSupport)
        .where(ProposalSupport.proposal_id == Proposal.id)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Proposal, count)
        .where(Proposal.title.is_not(None), *where)
        .order_by(Proposal.id.desc())
    )
    return [Listed(p, int(n or 0)) for p, n in rows.all()]


async def of_community(session: AsyncSession, community: str) -> list[Listed]:
    return await _listed(session, Proposal.community == community)


async def mine(session: AsyncSession, user_id: int) -> list[Listed]:
    return await _listed(session, Proposal.user_id == user_id)


async def for_staff(session: AsyncSession) -> list[Listed]:
    """The proposals still on their way, newest first, for /propuestas."""
    return await _listed(session, Proposal.status.not_in([s.value for s in FINISHED]))


async def move(
    session: AsyncSession,
    proposal_id: int,
    status: ProposalStatus,
    *,
    staff_id: int | None,
    now: datetime,
    reason: str | None = None,
) -> Proposal:
    """One step along the path; the proposer and supporters are told. NotFound, WrongStep,
    or BadText for a missing reason when it is not included."""
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(f"no proposal {proposal_id}")
    if status not in NEXT[ProposalStatus(proposal.status)]:
        raise WrongStep(f"proposal {proposal_id}: {proposal.status} -> {status}")
    values: dict[str, Any] = {"status": status.value, "updated_at": now, "updated_by": staff_id}
    if status == NOT_INCLUDED:
        values["reason"] = check_text(reason or "", MAX_REASON)
    result: Any = await session.execute(
        update(Proposal)
        .where(Proposal.id == proposal_id, Proposal.status == proposal.status)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        raise WrongStep(f"proposal {proposal_id} moved meanwhile")
    await session.refresh(proposal)
    supporters = (
        await session.scalars(
            select(ProposalSupport.user_id).where(ProposalSupport.proposal_id == proposal_id)
        )
    ).all()
    told = {*supporters, *([proposal.user_id] if proposal.user_id is not None else [])}
    notices.enqueue(
        session, told, kind=NetworkNoticeKind.PROPOSAL, proposal_id=proposal_id, now=now
    )
    return proposal


async def forget_person(session: AsyncSession, user_id: int) -> None:
    """She deleted her data: her supports go; her proposals stay as anonymous counts
    (kind, community, status), without her id or her words."""
    await session.execute(delete(ProposalSupport).where(ProposalSupport.user_id == user_id))
    await session.execute(
        update(Proposal)
        .where(Proposal.user_id == user_id)
        .values(user_id=None, title=None, description=None, organization=None)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class ReportLine:
    id: int
    title: str | None  # None: erased at her request
    community: str
    kind: str
    status: str
    supports: int
    reason: str | None


async def for_report(session: AsyncSession, start: datetime, end: datetime) -> list[ReportLine]:
    """Proposals submitted before the end of the period that were on their way during it
    (not finished before it began)."""
    count = (
        select(func.count())
        .select_from(ProposalSupport)
        .where(ProposalSupport.proposal_id == Proposal.id)
        .scalar_subquery()
    )
    finished_before = Proposal.status.in_([s.value for s in FINISHED]) & (
        Proposal.updated_at < start
    )
    rows = await session.execute(
        select(Proposal, count)
        .where(Proposal.created_at < end, ~finished_before)
        .order_by(Proposal.id)
    )
    return [
        ReportLine(p.id, p.title, p.community, p.kind, p.status, int(n or 0), p.reason)
        for p, n in rows.all()
    ]
