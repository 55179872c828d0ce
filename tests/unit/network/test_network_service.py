"""The network's services: organisations, membership with consent to share, leaders,
announcement requests, women without a phone (sign-ups, join code), the register
import, and what "delete my data" leaves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.broadcasts import service as broadcasts
from bot.core import users
from bot.core.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound
from bot.db.models import (
    ActivityKind,
    BroadcastDelivery,
    NetworkWoman,
    Organization,
    OrganizationMember,
    RequestStatus,
    Signup,
    SignupStatus,
)
from bot.network import service as network
from bot.network import service_import as importing
from bot.network import service_women as women
from bot.privacy import service as privacy

GT = ZoneInfo("America/Guatemala")
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
ANA, BETY, CARMEN = 501, 502, 503
HEADER = [
    "nombre",
    "comunidad",
    "grupo_edad",
    "pueblo",
    "idioma",
    "discapacidad",
    "consentimiento_fecha",
    "consentimiento_a",
]


async def woman(session: AsyncSession, user_id: int, name: str) -> None:
    user = await users.give_consent(session, user_id, "es", NOW - timedelta(days=1))
    users.update_profile(user, name=name, community="Xecotz")
    users.finish_registration(user, NOW - timedelta(days=1))
    await session.flush()


async def organization(session: AsyncSession) -> Organization:
    return await network.create_organization(
        session, name="Tejedoras", community="Xecotz", created_by=1, now=NOW
    )


async def test_organisations_are_unique_by_name_and_editable(session: AsyncSession) -> None:
    first = await organization(session)
    with pytest.raises(AlreadyDone):
        await network.create_organization(
            session, name="  tejedoras ", community=None, created_by=1, now=NOW
        )
    with pytest.raises(InvalidInput):
        await network.create_organization(session, name=" ", community=None, created_by=1, now=NOW)
    edited = await network.edit_organization(session, first.id, NOW, kind="cooperative")
    assert edited.kind == "cooperative"
    with pytest.raises(NotFound):
        await network.get_organization(session, 999_999)


async def test_join_accept_share_leave_and_leaders_see_only_what_was_shared(
    session: AsyncSession,
) -> None:
    org = await organization(session)
    for user_id, name in ((ANA, "Ana Xol"), (BETY, "Bety Cux"), (CARMEN, "Carmen Tay")):
        await woman(session, user_id, name)
    await network.request_membership(session, org.id, ANA, share=True, now=NOW)
    await network.request_membership(session, org.id, BETY, share=False, now=NOW)
    await network.request_membership(session, org.id, CARMEN, share=True, now=NOW)
    with pytest.raises(AlreadyDone):
        await network.request_membership(session, org.id, ANA, share=True, now=NOW)
    await network.decide_membership(session, org.id, ANA, accept=True, decided_by=1, now=NOW)
    await network.decide_membership(session, org.id, BETY, accept=True, decided_by=1, now=NOW)
    assert (
        await network.decide_membership(
            session, org.id, CARMEN, accept=False, decided_by=1, now=NOW
        )
        is None
    )
    with pytest.raises(NotFound):
        await network.decide_membership(session, org.id, CARMEN, accept=True, decided_by=1, now=NOW)
    seen = await network.members_for_leader(session, org.id)
    assert seen.shared == [("Ana", "Xecotz")] and seen.others == 1
    await network.name_leader(session, org.id, ANA, named_by=1, now=NOW)
    assert await network.is_leader(session, ANA, org.id)
    assert [o.id for o in await network.led_organizations(session, ANA)] == [org.id]
    assert await network.leave(session, org.id, BETY)
    assert [m.user_id for m in await network.members(session, org.id)] == [ANA]


async def test_an_approved_announcement_goes_to_the_members_only(session: AsyncSession) -> None:
    org = await organization(session)
    for user_id, name in ((ANA, "Ana Xol"), (BETY, "Bety Cux"), (CARMEN, "Carmen Tay")):
        await woman(session, user_id, name)
    await network.name_leader(session, org.id, ANA, named_by=1, now=NOW)
    await network.request_membership(session, org.id, BETY, share=False, now=NOW)
    await network.decide_membership(session, org.id, BETY, accept=True, decided_by=1, now=NOW)
    # Carmen only asked: she is not a member yet.
    await network.request_membership(session, org.id, CARMEN, share=False, now=NOW)
    with pytest.raises(NotAllowed):
        await network.request_announcement(session, org.id, BETY, "Hola", NOW)
    with pytest.raises(InvalidInput):
        await network.request_announcement(session, org.id, ANA, "   ", NOW)
    request = await network.request_announcement(session, org.id, ANA, "Reunión el sábado", NOW)
    decided, count = await network.decide_announcement(
        session, request.id, approve=True, decided_by=1, now=NOW
    )
    assert decided.status == RequestStatus.APPROVED and count == 2
    deliveries = (await session.scalars(select(BroadcastDelivery.user_id))).all()
    assert sorted(deliveries) == [ANA, BETY]
    with pytest.raises(AlreadyDone):
        await network.decide_announcement(session, request.id, approve=False, decided_by=1, now=NOW)
    audience = {"kind": "organization", "organization_id": org.id}
    assert await broadcasts.count_recipients(session, audience) == 2
    with pytest.raises(broadcasts.AudienceError):
        broadcasts.validate_audience({"kind": "organization", "organization_id": "x"})


async def register_rosa(session: AsyncSession, contact: int | None = ANA) -> NetworkWoman:
    return await women.register(
        session,
        women.WomanDetails(name="Rosa Pérez", community="Xecotz", age_group="30_59", people="maya"),
        consent_at=NOW,
        consent_to="Ana",
        contact_id=contact,
        registered_by=ANA,
        now=NOW,
    )


async def test_her_leader_cancels_her_place_and_the_next_woman_gets_it(
    session: AsyncSession,
) -> None:
    await woman(session, ANA, "Ana Xol")
    await woman(session, BETY, "Bety Cux")
    rosa = await register_rosa(session)
    starts = NOW + timedelta(days=3)
    activity = await activities.create(
        session,
        kind=ActivityKind.TRAINING,
        title="Taller",
        place="Salón",
        starts_at=starts,
        capacity=1,
        now=NOW,
    )
    await signups.sign_up_woman(session, activity.id, starts, rosa.id, NOW, tz=GT)
    await signups.sign_up(session, activity.id, starts, BETY, NOW, tz=GT)
    later = NOW + timedelta(hours=1)
    assert await signups.cancel_woman_signup(session, activity.id, starts, rosa.id, later) == BETY
    assert [
        (a.user_id, a.status) for a in await signups.attendance(session, activity.id, starts)
    ] == [(BETY, SignupStatus.GOING)]
    with pytest.raises(AlreadyDone):
        await signups.cancel_woman_signup(session, activity.id, starts, rosa.id, later)
    assert await women.signups_of(session, rosa.id) == []


async def test_a_woman_without_a_phone_takes_a_place_and_joins_her_account(
    session: AsyncSession,
) -> None:
    await woman(session, ANA, "Ana Xol")
    rosa = await register_rosa(session)
    with pytest.raises(InvalidInput):
        await women.register(
            session,
            women.WomanDetails(name="X", community="Y", age_group="child"),
            consent_at=NOW,
            consent_to="Ana",
            contact_id=ANA,
            registered_by=ANA,
            now=NOW,
        )
    starts = NOW + timedelta(days=3)
    activity = await activities.create(
        session,
        kind=ActivityKind.TRAINING,
        title="Taller",
        place="Salón",
        starts_at=starts,
        capacity=1,
        now=NOW,
    )
    status = await signups.sign_up_woman(session, activity.id, starts, rosa.id, NOW, tz=GT)
    assert status == SignupStatus.GOING
    with pytest.raises(AlreadyDone):
        await signups.sign_up_woman(session, activity.id, starts, rosa.id, NOW, tz=GT)
    # Her place counts: the next woman waits.
    await woman(session, BETY, "Bety Cux")
    assert (
        await signups.sign_up(session, activity.id, starts, BETY, NOW, tz=GT)
        == SignupStatus.WAITLIST
    )
    names = [a.name for a in await signups.attendance(session, activity.id, starts)]
    assert names == ["Rosa Pérez", "Bety Cux"]
    with pytest.raises(NotAllowed):
        await women.of_contact(session, BETY, rosa.id)

    code = await women.issue_join_code(session, rosa.id, NOW)
    assert women.code_of_link(f"join_{code}") == code
    assert women.code_of_link("join_short") is None
    await woman(session, CARMEN, "Rosa")
    assert await women.join_account(session, code, CARMEN, NOW) == "Rosa Pérez"
    signup = (await session.scalars(select(Signup).where(Signup.activity_id == activity.id))).all()
    assert sorted((s.user_id, s.woman_id) for s in signup) == [(BETY, None), (CARMEN, None)]
    assert (await session.scalars(select(NetworkWoman))).all() == []
    with pytest.raises(NotFound):
        await women.join_account(session, code, CARMEN, NOW)


async def test_an_expired_code_does_not_join(session: AsyncSession) -> None:
    await woman(session, ANA, "Ana Xol")
    rosa = await register_rosa(session)
    code = await women.issue_join_code(session, rosa.id, NOW)
    with pytest.raises(NotFound):
        await women.join_account(session, code, ANA, NOW + women.JOIN_CODE_VALID)


async def test_deleting_a_leaders_data_keeps_the_organisation_and_her_women(
    session: AsyncSession,
) -> None:
    org = await organization(session)
    await woman(session, ANA, "Ana Xol")
    await network.name_leader(session, org.id, ANA, named_by=1, now=NOW)
    await network.request_announcement(session, org.id, ANA, "Hola", NOW)
    rosa = await register_rosa(session)
    assert await privacy.women_left_without_contact(session, ANA) == [rosa.id]
    await privacy.delete_personal_data(session, ANA, NOW)
    assert (await session.scalars(select(OrganizationMember))).all() == []
    assert [o.id for o in await network.list_organizations(session) for o in [o.organization]] == [
        org.id
    ]
    kept = await women.get(session, rosa.id)
    await session.refresh(kept)
    assert kept.contact_id is None


async def test_the_register_is_imported_whole_or_not_at_all(session: AsyncSession) -> None:
    today = date(2026, 11, 23)
    good = ["Juana López", "Xecotz", "30_59", "maya", "Spanish", "sí", "2026-10-01", "Lucía"]
    bad = ["", "Xecotz", "niña", "maya", "k'iche'", "no", "2030-01-01", "Lucía"]
    with pytest.raises(importing.ImportRefused) as refused:
        importing.check_rows([HEADER, good, bad], today=today, tz=GT)
    errors = {(e.line, e.field, e.problem) for e in refused.value.errors}
    assert errors == {
        (3, "nombre", "missing"),
        (3, "grupo_edad", "invalid"),
        (3, "idioma", "invalid"),
        (3, "consentimiento_fecha", "invalid"),
    }
    with pytest.raises(importing.ImportRefused) as unknown:
        importing.check_rows([["nombre", "telefono"]], today=today, tz=GT)
    assert {e.problem for e in unknown.value.errors} == {"unknown_column", "missing"}
    rows = importing.check_rows(
        [HEADER, good, good[:2] + [""] * 4 + ["01/10/2026", "Lucía"]], today=today, tz=GT
    )
    assert await importing.import_register(session, rows, imported_by=1, now=NOW) == 2
    stored = (await session.scalars(select(NetworkWoman))).all()
    assert {(w.language, w.disability) for w in stored} == {("spanish", "yes"), (None, None)}
    table = importing.read_table(
        ("\ufeff" + ";".join(HEADER) + "\n" + ";".join(good) + "\n").encode(), "r.csv"
    )
    assert table[1][0] == "Juana López"
    with pytest.raises(importing.ImportRefused):
        importing.read_table(b"not a workbook", "r.xlsx")
