"""Proposals: submitted, supported once each (not her own), moved along their path with
a notice to the proposer and supporters at each step, anonymised when she erases her data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import users
from bot.core.errors import InvalidInput, NotFound
from bot.db.models import NetworkNotice, Proposal, ProposalStatus, ProposalSupport
from bot.network import service_proposals as proposals
from bot.privacy.service import delete_personal_data

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


async def woman(session: AsyncSession, user_id: int) -> None:
    user = await users.give_consent(session, user_id, "es", NOW - timedelta(days=1))
    user.community = "Xecotz"
    users.finish_registration(user, NOW - timedelta(days=1))
    await session.flush()


async def submitted(session: AsyncSession, user_id: int = 1) -> int:
    proposal = await proposals.submit(
        session,
        user_id=user_id,
        title="Agua potable para la escuela",
        description="Un tanque para las niñas y niños de la escuela.",
        community="Xecotz",
        kind="social",
        organization=None,
        now=NOW,
    )
    return proposal.id


async def told(session: AsyncSession, proposal_id: int) -> list[int]:
    rows = await session.scalars(
        select(NetworkNotice.user_id)
        .where(NetworkNotice.proposal_id == proposal_id)
        .order_by(NetworkNotice.id)
    )
    return list(rows.all())


async def test_submitting_checks_the_texts(session: AsyncSession) -> None:
    await woman(session, 1)
    for title, kind in (("", "social"), ("x" * 81, "social"), ("Agua", "sports")):
        with pytest.raises(InvalidInput):
            await proposals.submit(
                session,
                user_id=1,
                title=title,
                description="algo",
                community="Xecotz",
                kind=kind,
                organization=None,
                now=NOW,
            )


async def test_supported_once_each_not_her_own(session: AsyncSession) -> None:
    for user_id in (1, 2, 3):
        await woman(session, user_id)
    pid = await submitted(session)
    assert await proposals.support(session, pid, 2, NOW) is True
    assert await proposals.support(session, pid, 2, NOW) is False
    assert await proposals.support(session, pid, 3, NOW) is True
    with pytest.raises(proposals.OwnProposal):
        await proposals.support(session, pid, 1, NOW)
    with pytest.raises(NotFound):
        await proposals.support(session, 999, 2, NOW)
    listed = await proposals.of_community(session, "Xecotz")
    assert [(x.proposal.id, x.supports) for x in listed] == [(pid, 2)]


async def test_moved_along_its_path_telling_everyone(session: AsyncSession) -> None:
    for user_id in (1, 2):
        await woman(session, user_id)
    pid = await submitted(session)
    await proposals.support(session, pid, 2, NOW)
    with pytest.raises(proposals.WrongStep):
        await proposals.move(session, pid, ProposalStatus.DONE, staff_id=9, now=NOW)
    for status in (ProposalStatus.PRESENTED, ProposalStatus.INCLUDED, ProposalStatus.DONE):
        moved = await proposals.move(session, pid, status, staff_id=9, now=NOW)
        assert moved.status == status
    await session.flush()
    assert sorted(await told(session, pid)) == [1, 1, 1, 2, 2, 2]
    with pytest.raises(proposals.ProposalFinished):
        await proposals.support(session, pid, 3, NOW)


async def test_not_included_needs_a_reason(session: AsyncSession) -> None:
    await woman(session, 1)
    pid = await submitted(session)
    with pytest.raises(proposals.BadText):
        await proposals.move(session, pid, ProposalStatus.NOT_INCLUDED, staff_id=9, now=NOW)
    moved = await proposals.move(
        session, pid, ProposalStatus.NOT_INCLUDED, staff_id=9, now=NOW, reason="Sin presupuesto"
    )
    assert (moved.status, moved.reason) == (ProposalStatus.NOT_INCLUDED, "Sin presupuesto")
    lines = await proposals.for_report(session, NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert [(x.title, x.status, x.reason) for x in lines] == [
        ("Agua potable para la escuela", "not_included", "Sin presupuesto")
    ]


async def test_delete_my_data_keeps_an_anonymous_count(session: AsyncSession) -> None:
    for user_id in (1, 2):
        await woman(session, user_id)
    pid = await submitted(session)
    other = await submitted(session, user_id=2)
    await proposals.support(session, other, 1, NOW)
    await delete_personal_data(session, 1, NOW)
    await session.flush()
    session.expire_all()
    proposal = await session.get(Proposal, pid)
    assert proposal is not None
    assert (proposal.user_id, proposal.title, proposal.description) == (None, None, None)
    assert (proposal.kind, proposal.community) == ("social", "Xecotz")
    assert (await session.scalars(select(ProposalSupport))).all() == []
    lines = await proposals.for_report(session, NOW - timedelta(days=1), NOW + timedelta(days=1))
    assert [(x.id, x.title) for x in lines] == [
        (pid, None),
        (other, "Agua potable para la escuela"),
    ]
