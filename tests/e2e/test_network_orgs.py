"""The network's organisations end to end: staff create one, a woman asks to join it and
is accepted, staff name a leader, the leader's announcement is approved and delivered to
her members; she leaves; forged buttons change nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Broadcast,
    BroadcastDelivery,
    LeaderAnnouncement,
    MembershipStatus,
    Organization,
    OrganizationMember,
    RequestStatus,
)
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID
from tests.e2e.conftest import STAFF_ID
from tests.e2e.harness import Person, buttons
from tests.e2e.journeys import register


def data_of(message: dict | None) -> list[str]:
    return [d for _, d in buttons(message)]


async def only(db: AsyncSession, model: type) -> object:
    await db.rollback()
    rows = (await db.scalars(select(model))).all()
    assert len(rows) == 1, rows
    return rows[0]


async def create_organization(admin: Person, db: AsyncSession) -> int:
    card = await admin.say("/organizacion Tejedoras de Xecotz / Aldea Palestina")
    assert card is not None and "Tejedoras de Xecotz" in card["text"]
    organization = await only(db, Organization)
    assert isinstance(organization, Organization)
    number = organization.id
    # Kind and level are buttons on the card.
    edited = await admin.tap(f"so:k:{number}:cooperative")
    assert edited is not None and "Cooperativa" in edited["text"]
    return number


async def test_created_joined_accepted_leader_announces_and_members_receive(
    fake: FakeTelegram, runtime: object, ana: Person, admin_in_group: Person, db: AsyncSession
) -> None:
    number = await create_organization(admin_in_group, db)
    listing = await admin_in_group.say("/organizaciones")
    assert listing is not None and f"#{number}" in listing["text"]

    # Ana asks to join, sharing her first name; staff get the request with buttons.
    await register(ana)
    screen = await ana.tap("net")
    assert screen is not None and "og" in data_of(screen)
    await ana.tap("og")
    await ana.tap(f"og:j:{number}")
    sent = await ana.tap(f"og:y:{number}")
    assert sent is not None and "Tejedoras de Xecotz" in sent["text"]
    request = await fake.wait_for_message(
        STAFF_CHAT_ID, predicate=lambda m: f"so:ok:{number}:{ana.user_id}" in data_of(m)
    )
    assert "Ana" in request["text"]
    await admin_in_group.tap(f"so:ok:{number}:{ana.user_id}")
    await fake.wait_for_message(
        ana.user_id, contains="Tejedoras de Xecotz", after=sent["message_id"]
    )
    member = await only(db, OrganizationMember)
    assert isinstance(member, OrganizationMember)
    assert member.status == MembershipStatus.ACCEPTED and member.share

    # A second woman joins without sharing; Ana is named leader from the members list.
    maria = Person(fake, ana.runtime, STAFF_ID)
    await register(maria)
    await maria.tap("net")
    await maria.tap("og")
    await maria.tap(f"og:j:{number}")
    await maria.tap(f"og:n:{number}")
    await admin_in_group.tap(f"so:ok:{number}:{maria.user_id}")
    await admin_in_group.say(f"/lideresa {number} {ana.user_id}")
    named = await fake.wait_for_message(ana.user_id, predicate=lambda m: "ol" in data_of(m))
    assert "Tejedoras de Xecotz" in named["text"]

    # Her data lists her organisations, and that she leads this one.
    await ana.tap("m")
    mine = await ana.tap("me")
    assert mine is not None and "Tejedoras de Xecotz — lideresa" in mine["text"]
    await ana.tap("m")
    await ana.tap("net")

    # Her leader menu: members show only what each agreed to share.
    await ana.tap("ol")
    await ana.tap(f"ol:m:{number}")
    members = await ana.tap(f"ol:mem:{number}")
    assert members is not None and "Ana" in members["text"] and "María" not in members["text"]

    # She asks to announce; staff approve; every member gets it through the broadcasts.
    await ana.tap(f"ol:m:{number}")
    await ana.tap(f"ol:ann:{number}")
    await ana.say("Reunión el sábado a las 9 en el salón comunal")
    await ana.tap(f"ol:snd:{number}")
    request_message = await fake.wait_for_message(
        STAFF_CHAT_ID, predicate=lambda m: any(d.startswith("sla:ok:") for d in data_of(m))
    )
    assert "Reunión el sábado" in request_message["text"]
    approve = next(d for d in data_of(request_message) if d.startswith("sla:ok:"))
    await admin_in_group.tap(approve)
    for woman in (ana.user_id, maria.user_id):
        delivered = await fake.wait_for_message(
            woman, contains="Reunión el sábado", timeout=10, after=0
        )
        assert "Tejedoras de Xecotz" in delivered["text"]
    await db.rollback()
    request_row = await only(db, LeaderAnnouncement)
    assert isinstance(request_row, LeaderAnnouncement)
    assert request_row.status == RequestStatus.APPROVED
    broadcast = await only(db, Broadcast)
    assert isinstance(broadcast, Broadcast)
    assert broadcast.audience == {"kind": "organization", "organization_id": number}
    deliveries = (await db.scalars(select(BroadcastDelivery))).all()
    assert sorted(d.user_id for d in deliveries) == sorted([ana.user_id, maria.user_id])

    # Approving twice does nothing more.
    await admin_in_group.press_data(request_message["message_id"], approve, check=False)
    await db.rollback()
    assert len((await db.scalars(select(Broadcast))).all()) == 1

    # María leaves from her network screen.
    await maria.tap("m")
    screen = await maria.tap("net")
    assert f"og:l:{number}" in data_of(screen)
    await maria.tap(f"og:l:{number}")
    await maria.tap(f"og:L:{number}")
    await db.rollback()
    left = (await db.scalars(select(OrganizationMember))).all()
    assert [m.user_id for m in left] == [ana.user_id]


async def test_forged_buttons_change_nothing(
    ana: Person, admin_in_group: Person, db: AsyncSession
) -> None:
    number = await create_organization(admin_in_group, db)
    await register(ana)
    menu = ana.last()
    assert menu is not None
    # Not a leader: her menu refuses, and a forged decision button is refused.
    for forged in (
        f"ol:m:{number}",
        f"ol:ok:{number}:{ana.user_id}",
        "og:j:99999999999",
        "og:j:abc",
        "oln:start",
        # Staff buttons from a woman's chat are refused too.
        f"so:lead:{number}:{ana.user_id}",
        "sla:ok:1",
    ):
        await ana.press_data(menu["message_id"], forged, check=False)
        answer = ana.callback_answer()
        assert answer.get("text"), forged
    await db.rollback()
    assert (await db.scalars(select(OrganizationMember))).all() == []
