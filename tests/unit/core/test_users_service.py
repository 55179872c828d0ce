"""Consent, profile, deleting her data, conversation state, staff and audit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases import service as cases
from bot.cases.service import Part
from bot.core import audit, conversation, staff, tracking, users
from bot.core.clock import FrozenClock
from bot.db.models import AnonymousCount, Case, CaseEntry, User
from bot.network import service_network as network
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings
from bot.privacy import service as privacy

OFFICE = load_office_settings(EXAMPLE_OFFICE_FILE)


async def test_deleting_her_data_keeps_only_anonymous_counts(
    session: AsyncSession, clock: FrozenClock
) -> None:
    user = await users.give_consent(session, 601, "es", clock.now())
    users.update_profile(
        user, name="Rosa", community="Cantón Central", age_group="60plus", phone="+50255550000"
    )
    food = OFFICE.category("food")
    assert food is not None
    case = await cases.open_case(
        session,
        user=user,
        category=food,
        parts=[Part("text", "Necesito pañales"), Part("voice", None, "V1")],
        now=clock.now(),
    )
    await network.join(
        session,
        601,
        organization="Tejedoras",
        community="Cantón Central",
        role="member",
        now=clock.now(),
    )
    await conversation.set_state(session, 601, "report_describe", {"parts": []}, clock.now())
    await tracking.track(session, [(601, 10), (601, 11)], clock.now())
    await session.commit()

    await privacy.delete_personal_data(session, 601, now=clock.now())
    await session.commit()
    session.expunge_all()

    assert await session.get(User, 601) is None
    assert await network.get_membership(session, 601) is None
    assert await conversation.get_state(session, 601) is None
    assert await tracking.deletable(session, 601, clock.now()) == []
    kept = await session.get(Case, case.id)
    assert kept is not None and kept.user_id is None and kept.category == "food"
    entries = (await session.scalars(select(CaseEntry).where(CaseEntry.case_id == case.id))).all()
    assert entries and all(e.text is None and e.file_id is None for e in entries)
    counter = await session.get(AnonymousCount, "personal_data_deleted")
    assert counter is not None and counter.value == 1


async def test_conversation_state_survives_a_new_session(
    database_url: str, clock: FrozenClock
) -> None:
    from bot.db.engine import create_engine, create_session_factory

    engine = create_engine(database_url)
    factory = create_session_factory(engine)
    async with factory() as first, first.begin():
        await users.give_consent(first, 602, "es", clock.now())
        await conversation.set_state(
            first,
            602,
            "report_describe",
            {"category": "food", "parts": [{"media": "text", "text": "hola", "file_id": None}]},
            clock.now(),
        )
    await engine.dispose()
    engine = create_engine(database_url)
    async with create_session_factory(engine)() as second:
        state = await conversation.get_state(second, 602)
        assert state is not None
        assert state.step == "report_describe"
        assert state.data["parts"][0]["text"] == "hola"
    await engine.dispose()


async def test_message_ids_are_deletable_for_48_hours_only(
    session: AsyncSession, clock: FrozenClock
) -> None:
    await tracking.track(session, [(700, 1), (700, 2)], clock.now())
    clock.advance(timedelta(hours=47))
    await tracking.track(session, [(700, 3), (700, 2)], clock.now())
    await session.commit()
    assert await tracking.deletable(session, 700, clock.now()) == [1, 2, 3]
    clock.advance(timedelta(hours=2))
    assert await tracking.deletable(session, 700, clock.now()) == [3]
    await tracking.prune(session, clock.now())
    await session.commit()
    assert await tracking.deletable(session, 700, clock.now() - timedelta(hours=10)) == [3]


async def test_staff_are_admins_or_listed(session: AsyncSession, clock: FrozenClock) -> None:
    assert await staff.is_staff(session, 1, admin_ids={1})
    assert not await staff.is_staff(session, 2, admin_ids={1})
    await staff.add_staff(session, 2, "María", 1, clock.now())
    await session.flush()
    assert await staff.is_staff(session, 2, admin_ids={1})
    assert await staff.remove_staff(session, 2)
    assert not await staff.is_staff(session, 2, admin_ids={1})


async def test_sensitive_details_only_for_assignee_and_admins(
    session: AsyncSession, clock: FrozenClock
) -> None:
    user = await users.give_consent(session, 603, "es", clock.now())
    violence = OFFICE.category("violence")
    assert violence is not None
    case = await cases.open_case(
        session, user=user, category=violence, parts=[Part("text", "x")], now=clock.now()
    )
    assert not staff.may_see_details(case, 2, admin_ids={1})
    assert staff.may_see_details(case, 1, admin_ids={1})
    case.assignee_id = 2
    assert staff.may_see_details(case, 2, admin_ids={1})
    assert not staff.may_see_details(case, 3, admin_ids={1})


async def test_audit_records_who_did_what(session: AsyncSession, clock: FrozenClock) -> None:
    audit.record(session, actor_id=5, action="view", case_id=9, now=clock.now())
    audit.record(session, actor_id=6, action="refused_button", case_id=9, now=clock.now())
    await session.commit()
    assert [(e.actor_id, e.action) for e in await audit.events(session, case_id=9)] == [
        (5, "view"),
        (6, "refused_button"),
    ]


async def test_network_join_and_leave(session: AsyncSession, clock: FrozenClock) -> None:
    await users.give_consent(session, 604, "es", clock.now())
    member = await network.join(
        session, 604, organization=None, community="Aldea Palestina", role="leader", now=clock.now()
    )
    assert member.role == "leader"
    await session.commit()
    assert await network.leave(session, 604)
    assert not await network.leave(session, 604)
