"""Consultations: one changeable answer per woman, answers on behalf counted apart,
closing (anonymous keys erased, results queued for those who took part), erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import users
from bot.core.errors import InvalidInput
from bot.db.models import (
    ConsultationProxyAnswer,
    ConsultationTurnout,
    ConsultationVote,
    NetworkMember,
    NetworkNotice,
)
from bot.network import service_consultations as consultations
from bot.privacy.service import delete_personal_data

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
SECRET = consultations.voter_key_secret("123:abc")
OPTIONS = ["Sí", "No", "No sé"]


async def member(session: AsyncSession, user_id: int, community: str, role: str = "member") -> None:
    user = await users.give_consent(session, user_id, "es", NOW - timedelta(days=1))
    user.community = community
    users.finish_registration(user, NOW - timedelta(days=1))
    session.add(
        NetworkMember(
            user_id=user_id, community=community, role=role, joined_at=NOW, organization=None
        )
    )
    await session.flush()


async def new(
    session: AsyncSession, *, anonymous: bool = False, audience: dict | None = None
) -> int:
    consultation, _asked = await consultations.create(
        session,
        question="¿Hacemos la feria en marzo?",
        options=OPTIONS,
        audience=audience or {"kind": "network"},
        anonymous=anonymous,
        closes_at=NOW + timedelta(days=3),
        created_by=1,
        now=NOW,
    )
    return consultation.id


async def count(session: AsyncSession, table: type, *where: object) -> int:
    return int(await session.scalar(select(func.count()).select_from(table).where(*where)) or 0)


def test_options_are_read_one_per_line() -> None:
    assert consultations.parse_options("- Sí\n\n2. No\n• No sé") == ["Sí", "No", "No sé"]
    for text, reason in (
        ("Sí", "count"),
        ("\n".join("abcdefg"), "count"),
        ("Sí\n" + "x" * 41, "long"),
        ("Sí\nsí", "repeated"),
    ):
        with pytest.raises(consultations.BadOptions) as caught:
            consultations.parse_options(text)
        assert caught.value.reason == reason
    with pytest.raises(consultations.BadQuestion):
        consultations.check_question("   ")


async def test_the_network_or_some_communities_are_asked(session: AsyncSession) -> None:
    await member(session, 1, "Xecotz")
    await member(session, 2, "Pachitur")
    user = await users.give_consent(session, 3, "es", NOW)  # not in the network
    user.community = "Xecotz"
    users.finish_registration(user, NOW)
    everyone = await new(session)
    some = await new(session, audience={"kind": "network", "communities": ["Pachitur"]})
    community = await new(session, audience={"kind": "communities", "communities": ["Xecotz"]})
    asked = {
        cid: set(
            (
                await session.scalars(
                    select(NetworkNotice.user_id).where(NetworkNotice.consultation_id == cid)
                )
            ).all()
        )
        for cid in (everyone, some, community)
    }
    assert asked == {everyone: {1, 2}, some: {2}, community: {1, 3}}
    with pytest.raises(consultations.ClosesInThePast):
        await consultations.create(
            session,
            question="?",
            options=OPTIONS,
            audience={"kind": "network"},
            anonymous=False,
            closes_at=NOW,
            created_by=1,
            now=NOW,
        )


async def test_one_answer_per_woman_changeable_until_it_closes(session: AsyncSession) -> None:
    await member(session, 1, "Xecotz")
    await member(session, 2, "Pachitur")
    cid = await new(session)
    first = await consultations.answer(session, cid, 1, 0, secret=SECRET, now=NOW)
    assert first.previous is None
    changed = await consultations.answer(session, cid, 1, 2, secret=SECRET, now=NOW)
    assert changed.previous == 0
    await consultations.answer(session, cid, 2, 1, secret=SECRET, now=NOW)
    assert await consultations.her_answer(session, cid, 1, SECRET) == 2
    assert await count(session, ConsultationVote) == 2
    consultation = await consultations.find(session, cid)
    assert consultation is not None
    found = await consultations.results(session, consultation)
    assert found.by_community == {"Xecotz": [0, 0, 1], "Pachitur": [0, 1, 0]}
    assert found.total == [0, 1, 1]
    with pytest.raises(InvalidInput):
        await consultations.answer(session, cid, 1, 3, secret=SECRET, now=NOW)
    with pytest.raises(consultations.NotAsked):
        await consultations.answer(session, cid, 99, 0, secret=SECRET, now=NOW)
    with pytest.raises(consultations.ConsultationClosed):
        await consultations.answer(session, cid, 1, 0, secret=SECRET, now=NOW + timedelta(days=4))


async def test_leaders_answer_on_behalf_counted_apart(session: AsyncSession) -> None:
    await member(session, 1, "Xecotz", role="leader")
    await member(session, 2, "Xecotz")
    cid = await new(session)
    await consultations.answer(session, cid, 1, 0, secret=SECRET, now=NOW)
    assert await consultations.answer_on_behalf(session, cid, 1, 1, NOW) == 1
    assert await consultations.answer_on_behalf(session, cid, 1, 1, NOW) == 2
    with pytest.raises(consultations.NotALeader):
        await consultations.answer_on_behalf(session, cid, 2, 1, NOW)
    consultation = await consultations.find(session, cid)
    assert consultation is not None
    found = await consultations.results(session, consultation)
    assert (found.own, found.on_behalf, found.total) == ([1, 0, 0], [0, 2, 0], [1, 2, 0])


async def test_a_leader_takes_back_her_last_answer_on_behalf(session: AsyncSession) -> None:
    await member(session, 1, "Xecotz", role="leader")
    await member(session, 2, "Pachitur", role="leader")
    cid = await new(session)
    await consultations.answer_on_behalf(session, cid, 1, 0, NOW)
    await consultations.answer_on_behalf(session, cid, 1, 2, NOW)
    await consultations.answer_on_behalf(session, cid, 2, 1, NOW)
    # Her own last one goes, not another leader's.
    assert await consultations.undo_on_behalf(session, cid, 1, NOW) == consultations.Undone(2, 1)
    assert await consultations.entered_on_behalf(session, cid, 2) == 1
    assert await consultations.undo_on_behalf(session, cid, 1, NOW) == consultations.Undone(0, 0)
    assert await consultations.undo_on_behalf(session, cid, 1, NOW) is None
    consultation = await consultations.find(session, cid)
    assert consultation is not None and consultation.card_dirty
    found = await consultations.results(session, consultation)
    assert found.on_behalf == [0, 1, 0]
    with pytest.raises(consultations.ConsultationClosed):
        await consultations.undo_on_behalf(session, cid, 2, NOW + timedelta(days=4))


async def test_staff_list_every_consultation_newest_first(session: AsyncSession) -> None:
    first, second = await new(session), await new(session)
    assert [c.id for c in await consultations.recent(session)] == [second, first]


async def test_closing_erases_anonymous_keys_and_queues_results(session: AsyncSession) -> None:
    await member(session, 1, "Xecotz")
    await member(session, 2, "Pachitur")
    cid = await new(session, anonymous=True)
    await consultations.answer(session, cid, 1, 0, secret=SECRET, now=NOW)
    votes = (await session.scalars(select(ConsultationVote))).all()
    assert [v.user_id for v in votes] == [None] and votes[0].answered_at is None
    assert await consultations.close_due(session, NOW + timedelta(days=1)) == []
    assert await consultations.close_due(session, NOW + timedelta(days=3)) == [cid]
    assert await consultations.close(session, cid, NOW + timedelta(days=3)) is False
    await session.flush()
    session.expire_all()
    assert (await session.scalars(select(ConsultationVote.voter_key))).all() == [None]
    results = (
        await session.scalars(select(NetworkNotice.user_id).where(NetworkNotice.kind == "results"))
    ).all()
    assert results == [1]


async def test_delete_my_data_removes_her_answers(session: AsyncSession) -> None:
    await member(session, 1, "Xecotz", role="leader")
    await member(session, 2, "Xecotz")
    cid = await new(session)
    await consultations.answer(session, cid, 1, 0, secret=SECRET, now=NOW)
    await consultations.answer(session, cid, 2, 1, secret=SECRET, now=NOW)
    await consultations.answer_on_behalf(session, cid, 1, 2, NOW)
    await delete_personal_data(session, 1, NOW)
    await session.flush()
    assert await count(session, ConsultationVote, ConsultationVote.user_id == 1) == 0
    assert await count(session, ConsultationVote) == 1
    assert await count(session, ConsultationTurnout, ConsultationTurnout.user_id == 1) == 0
    assert await count(session, NetworkNotice, NetworkNotice.user_id == 1) == 0
    proxies = (await session.scalars(select(ConsultationProxyAnswer))).all()
    assert [(p.option, p.entered_by) for p in proxies] == [(2, None)]
