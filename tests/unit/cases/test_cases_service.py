"""Cases as the office works them: reported, added to, taken, answered, closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases import posts as staff_posts
from bot.cases import service as cases
from bot.cases.service import Part
from bot.core import users
from bot.core.clock import FrozenClock
from bot.core.errors import AlreadyDone, InvalidInput, NotFound
from bot.db.models import CaseOutcome, CaseStatus, EntryKind, StaffPost
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings

OFFICE = load_office_settings(EXAMPLE_OFFICE_FILE)
FOOD = OFFICE.category("food")
VIOLENCE = OFFICE.category("violence")
assert FOOD is not None and VIOLENCE is not None


async def registered(session: AsyncSession, clock: FrozenClock, user_id: int = 501):
    user = await users.give_consent(session, user_id, "es", clock.now())
    users.update_profile(user, name="Ana", community="Aldea Palestina", age_group="30_59")
    users.finish_registration(user, clock.now())
    await session.flush()
    return user


async def test_report_gets_reference_and_queues_a_staff_card(
    session: AsyncSession, clock: FrozenClock
) -> None:
    user = await registered(session, clock)
    case = await cases.open_case(
        session,
        user=user,
        category=FOOD,
        parts=[Part("text", "No tenemos maíz"), Part("voice", None, "VOICE-1")],
        now=clock.now(),
    )
    await session.commit()
    assert case.reference == f"OMM-{case.id:06d}"
    assert case.community == "Aldea Palestina" and case.age_group == "30_59"
    assert not case.sensitive and not case.urgent
    loaded = await cases.get_case(session, case.id)
    assert loaded is not None
    assert [(e.media_kind, e.text, e.file_id) for e in loaded.entries] == [
        ("text", "No tenemos maíz", None),
        ("voice", None, "VOICE-1"),
    ]
    posts = (await session.scalars(select(StaffPost))).all()
    assert [(p.kind, p.case_id, p.sent_at) for p in posts] == [
        (staff_posts.NEW_CASE, case.id, None)
    ]


async def test_violence_report_is_sensitive_and_urgent(
    session: AsyncSession, clock: FrozenClock
) -> None:
    user = await registered(session, clock)
    case = await cases.open_case(
        session, user=user, category=VIOLENCE, parts=[], safe_to_talk=False, now=clock.now()
    )
    assert case.sensitive and case.urgent and case.safe_to_talk is False


async def test_empty_report_is_refused_unless_she_cannot_talk(
    session: AsyncSession, clock: FrozenClock
) -> None:
    user = await registered(session, clock)
    with pytest.raises(InvalidInput):
        await cases.open_case(session, user=user, category=FOOD, parts=[], now=clock.now())


@pytest.mark.parametrize(
    ("media", "text", "file_id"),
    [
        ("text", "   ", None),
        ("text", "x" * 4097, None),
        ("sticker", None, "S"),
        ("photo", "hola", None),
    ],
)
def test_unusable_parts_are_rejected(media: str, text: str | None, file_id: str | None) -> None:
    with pytest.raises(InvalidInput):
        Part(media, text, file_id)


async def test_she_can_add_only_to_her_own_open_case(
    session: AsyncSession, clock: FrozenClock
) -> None:
    ana = await registered(session, clock, 501)
    other = await registered(session, clock, 502)
    case = await cases.open_case(
        session, user=ana, category=FOOD, parts=[Part("text", "hola")], now=clock.now()
    )
    with pytest.raises(NotFound):
        await cases.add_information(
            session, user_id=other.id, case_id=case.id, parts=[Part("text", "x")], now=clock.now()
        )
    added = await cases.add_information(
        session,
        user_id=ana.id,
        case_id=case.id,
        parts=[Part("photo", "receta", "PHOTO-1")],
        now=clock.now(),
    )
    assert [e.file_id for e in added] == ["PHOTO-1"]
    queued = await session.scalar(
        select(func.count()).select_from(StaffPost).where(StaffPost.kind == staff_posts.HER_MESSAGE)
    )
    assert queued == 1
    case = await cases.get_case(session, case.id)
    assert case is not None
    cases.close(session, case, 77, CaseOutcome.ATTENDED, clock.now())
    with pytest.raises(AlreadyDone):
        await cases.add_information(
            session, user_id=ana.id, case_id=case.id, parts=[Part("text", "más")], now=clock.now()
        )


async def test_take_reply_note_close(session: AsyncSession, clock: FrozenClock) -> None:
    user = await registered(session, clock)
    case = await cases.open_case(
        session, user=user, category=FOOD, parts=[Part("text", "hola")], now=clock.now()
    )
    await session.commit()
    case = await cases.get_case(session, case.id)
    assert case is not None
    cases.assign(session, case, 77, clock.now())
    assert case.status == CaseStatus.IN_PROGRESS and case.assignee_id == 77
    with pytest.raises(AlreadyDone):
        cases.assign(session, case, 77, clock.now())
    cases.add_staff_reply(session, case, 77, clock.now(), text="Venga el lunes")
    cases.add_note(session, case, 77, "Llamar a la trabajadora social", clock.now())
    with pytest.raises(InvalidInput):
        cases.close(session, case, 77, CaseOutcome.REFERRED, clock.now())
    cases.close(session, case, 77, CaseOutcome.REFERRED, clock.now(), referred_to="Centro de Salud")
    await session.commit()
    assert case.status == CaseStatus.CLOSED and case.referred_to == "Centro de Salud"
    with pytest.raises(AlreadyDone):
        cases.close(session, case, 77, CaseOutcome.ATTENDED, clock.now())
    reloaded = await cases.get_case(session, case.id)
    assert reloaded is not None
    assert [e.kind for e in reloaded.entries] == [
        EntryKind.HER_MESSAGE,
        EntryKind.ASSIGNED,
        EntryKind.STAFF_REPLY,
        EntryKind.INTERNAL_NOTE,
        EntryKind.CLOSED,
    ]


async def test_pending_lists_open_cases_oldest_first(
    session: AsyncSession, clock: FrozenClock
) -> None:
    user = await registered(session, clock)
    first = await cases.open_case(
        session, user=user, category=FOOD, parts=[Part("text", "1")], now=clock.now()
    )
    clock.advance(timedelta(hours=1))
    second = await cases.open_case(
        session, user=user, category=FOOD, parts=[Part("text", "2")], now=clock.now()
    )
    clock.advance(timedelta(hours=1))
    third = await cases.open_case(
        session, user=user, category=FOOD, parts=[Part("text", "3")], now=clock.now()
    )
    await session.commit()
    closing = await cases.get_case(session, second.id)
    assert closing is not None
    cases.close(session, closing, 77, CaseOutcome.UNREACHABLE, clock.now())
    await session.commit()
    assert [c.id for c in await cases.open_cases(session)] == [first.id, third.id]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("OMM-000123", 123), ("omm 123", 123), ("#45", 45), ("7", 7), ("", None), ("OMM-abc", None)],
)
def test_references_are_read_the_way_staff_type_them(text: str, expected: int | None) -> None:
    assert cases.parse_reference(text) == expected
