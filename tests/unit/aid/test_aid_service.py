"""Aid deliveries: recorded, warned about when repeated, corrected and annulled with an audit
trail, never deleted, and anonymous after her erasure (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.aid import service
from bot.aid.service import Recipient
from bot.cases import service as cases
from bot.cases.service import Part
from bot.core import users
from bot.core.clock import FrozenClock
from bot.db.models import AidDelivery, AuditEvent
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings
from bot.privacy import service as privacy

OFFICE = load_office_settings(EXAMPLE_OFFICE_FILE)
FOOD = OFFICE.aid_item("food_bag")
MEDICINE = OFFICE.aid_item("medicine")
STAFF = 900
HER = 5_551_234


async def test_repeat_warning_within_the_period_lists_her_earlier_deliveries(
    session: AsyncSession, clock: FrozenClock
) -> None:
    assert FOOD is not None and FOOD.repeat_days == 30
    now = clock.now()
    today = now.date()
    her = await users.give_consent(session, HER, "es", now)
    me = Recipient(user_id=her.id)
    first = await service.record(
        session,
        item=FOOD,
        recipient=me,
        delivered_on=today - timedelta(days=12),
        staff_id=STAFF,
        now=now,
    )
    await service.record(
        session,
        item=FOOD,
        recipient=me,
        delivered_on=today - timedelta(days=40),
        staff_id=STAFF,
        now=now,
    )
    earlier = await service.earlier_deliveries(session, FOOD, me, today)
    assert [d.id for d in earlier] == [first.id]
    # Another item is no repeat; an annulled delivery does not count.
    diapers = OFFICE.aid_item("diapers")
    assert diapers is not None
    assert await service.earlier_deliveries(session, diapers, me, today) == []
    await service.annul(session, first.id, reason="typed twice", staff_id=STAFF, now=now)
    assert await service.earlier_deliveries(session, FOOD, me, today) == []
    assert await session.scalar(select(func.count()).select_from(AidDelivery)) == 2


async def test_walk_in_by_name_and_community(session: AsyncSession, clock: FrozenClock) -> None:
    assert FOOD is not None
    now = clock.now()
    walk_in = Recipient(name="  Juana   Pérez ", community="Aldea Palestina")
    delivery = await service.record(
        session, item=FOOD, recipient=walk_in, delivered_on=now.date(), staff_id=STAFF, now=now
    )
    assert delivery.recipient_name == "Juana Pérez" and delivery.user_id is None
    again = Recipient(name="juana pérez", community="aldea palestina")
    assert len(await service.earlier_deliveries(session, FOOD, again, now.date())) == 1
    other = Recipient(name="Juana Pérez", community="Cantón Central")
    assert await service.earlier_deliveries(session, FOOD, other, now.date()) == []


async def test_correct_and_annul_are_audited_never_deleted(
    session: AsyncSession, clock: FrozenClock
) -> None:
    assert MEDICINE is not None and MEDICINE.money
    assert service.parse_amount("Q150") == 15000
    assert service.parse_amount("1,250.5") == 125050
    assert service.parse_amount("-3") is None
    now = clock.now()
    delivery = await service.record(
        session,
        item=MEDICINE,
        recipient=Recipient(name="Rosa"),
        delivered_on=now.date(),
        staff_id=STAFF,
        now=now,
        amount_cents=15000,
    )
    await service.correct(
        session, delivery.id, item=MEDICINE, staff_id=STAFF, now=now, amount_cents=12000
    )
    await service.annul(session, delivery.id, reason="wrong person", staff_id=STAFF, now=now)
    await session.commit()
    row = await session.get(AidDelivery, delivery.id)
    assert row is not None and row.amount_cents == 12000 and row.annulled_at is not None
    actions = (await session.scalars(select(AuditEvent.action).order_by(AuditEvent.id))).all()
    assert actions == ["aid_record", "aid_correct", "aid_annul"]
    details = (await session.scalars(select(AuditEvent.detail))).all()
    assert f"aid:{delivery.id} x1 15000 -> x1 12000" in details


async def test_erasure_keeps_an_anonymous_count(session: AsyncSession, clock: FrozenClock) -> None:
    assert FOOD is not None
    now = clock.now()
    her = await users.give_consent(session, HER, "es", now)
    users.update_profile(her, name="Ana", community="Cantón Central", age_group="18_29")
    category = OFFICE.category("food")
    assert category is not None
    case = await cases.open_case(
        session, user=her, category=category, parts=[Part("text", "maíz")], now=now
    )
    await service.record(
        session,
        item=FOOD,
        recipient=Recipient(user_id=her.id, case_id=case.id, community="Cantón Central"),
        delivered_on=now.date(),
        staff_id=STAFF,
        now=now,
        note="for her mother",
    )
    await session.commit()
    await privacy.delete_personal_data(session, HER, now=now)
    await session.commit()
    session.expunge_all()
    rows = (await session.scalars(select(AidDelivery))).all()
    assert len(rows) == 1
    assert rows[0].user_id is None and rows[0].note is None and rows[0].item == "food_bag"
    assert rows[0].community == "Cantón Central"
