"""Issue 11 end to end: her people and language at registration, a delivery from a case card
with the repeat warning, /plan, /informe with the three kinds of file, and the monthly
report posted once across a restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import BotRuntime
from bot.db.models import AidDelivery, MonthlyReport, User
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID, make_settings
from tests.e2e.conftest import WOMAN_ID
from tests.e2e.harness import OffsetClock, Person
from tests.e2e.journeys import only_case, report


async def test_registration_asks_her_people_language_and_disability(
    ana: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await ana.say("/start")
    await ana.tap("c:y:es")
    await ana.tap("r:name")
    await ana.tap("rc:pick:4")
    question = await ana.tap("r:age:30_59")
    assert question is not None and "pueblo" in question["text"]
    languages = await ana.tap("id:p:maya")
    assert languages is not None and "Tz'utujil" in str(languages["reply_markup"])
    await ana.tap("id:l:0")
    await ana.tap("id:d:no")
    await ana.say("Omitir")
    await db.rollback()
    user = await db.get(User, WOMAN_ID)
    assert user is not None
    assert (user.people, user.language, user.disability) == ("maya", "Tz'utujil", "no")
    # "My data" shows them, and she can delete them.
    data = await ana.tap("me")
    assert data is not None and "Pueblo: Maya" in data["text"]
    assert "Comunidad lingüística: Tz'utujil" in data["text"]
    await ana.tap("id:del")
    await db.rollback()
    user = await db.get(User, WOMAN_ID)
    assert user is not None and user.people is None and user.language is None


async def test_delivery_from_the_case_card_warns_of_a_repeat(
    ana: Person, admin_in_group: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    from tests.e2e.journeys import register

    await register(ana)
    await report(ana, "food", "No tenemos maíz")
    card = await fake.wait_for_message(STAFF_CHAT_ID, contains="OMM-000001", after=0)
    case_id = (await only_case(db)).id
    await admin_in_group.press_data(card["message_id"], f"ad:c:{case_id}")
    await admin_in_group.tap(f"ad:i:{case_id}:0")
    done = await admin_in_group.tap(f"ad:q:{case_id}:0:1")
    assert done is not None and "Entrega registrada" in done["text"]
    # The same food bag again: staff are warned and see the earlier delivery.
    await admin_in_group.press_data(card["message_id"], f"ad:c:{case_id}")
    await admin_in_group.tap(f"ad:i:{case_id}:0")
    warning = await admin_in_group.tap(f"ad:q:{case_id}:0:2")
    assert warning is not None and "Ya recibió Bolsa de alimentos" in warning["text"]
    assert "#1" in warning["text"]
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(AidDelivery)) == 1
    recorded = await admin_in_group.tap(f"ad:F:{case_id}:0:2")
    assert recorded is not None and "Entrega registrada" in recorded["text"]
    await db.rollback()
    quantities = (await db.scalars(select(AidDelivery.quantity).order_by(AidDelivery.id))).all()
    assert quantities == [1, 2]
    # A walk-in by name and community, then annulled (kept).
    answer = await admin_in_group.say("/entrega food_bag 1 Juana Pérez / Aldea Palestina")
    assert answer is not None and "Entrega registrada" in answer["text"]
    answer = await admin_in_group.say("/anular_entrega 3 escrita dos veces")
    assert answer is not None and "anulada" in answer["text"]
    await db.rollback()
    assert await db.scalar(select(func.count()).select_from(AidDelivery)) == 3
    # Handed over yesterday, written today: the day is the one she got it.
    answer = await admin_in_group.say("/entrega hygiene_kit 1 ayer Rosa Ixcoy / Aldea Palestina")
    assert answer is not None and "Entrega registrada" in answer["text"]
    await db.rollback()
    latest = (await db.scalars(select(AidDelivery).order_by(AidDelivery.id.desc()))).first()
    assert latest is not None and latest.recipient_name == "Rosa Ixcoy"
    office_today = latest.created_at.astimezone(ZoneInfo("America/Guatemala")).date()
    assert latest.delivered_on == office_today - timedelta(days=1)


async def test_plan_and_report_of_a_month(
    admin_in_group: Person, fake: FakeTelegram
) -> None:
    plan = await admin_in_group.say("/plan")
    assert plan is not None and "Entregas de alimentos: 0 / 150 entregas" in plan["text"]
    await admin_in_group.say("/informe octubre")
    summary = await fake.wait_for_message(STAFF_CHAT_ID, contains="Informe:", after=0)
    assert "octubre" in summary["text"]
    for _ in range(50):
        if len(fake.calls_to("sendDocument")) >= 2:
            break
        await asyncio.sleep(0.1)
    names = [c.params["document"].filename for c in fake.calls_to("sendDocument")]
    assert names[0].endswith(".xlsx") and names[1].endswith(".pdf")
    album = fake.calls_to("sendMediaGroup")
    assert len(album) == 1 and len(album[0].params["media"]) == 4


async def test_the_monthly_report_is_posted_once_across_a_restart(
    fake: FakeTelegram, db_url: str, db: AsyncSession
) -> None:
    clock = OffsetClock()
    # Tuesday 1 December 2026, 09:00 in Guatemala: the first working day of the month.
    target = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("America/Guatemala")).astimezone(UTC)
    clock.advance(target - datetime.now(UTC))
    first = BotRuntime(make_settings(db_url, fake.url, MONTHLY_REPORT="true"), clock=clock)
    await first.start()
    try:
        await fake.wait_for_message(STAFF_CHAT_ID, contains="Informe mensual", after=0, timeout=15)
        for _ in range(100):
            if len(fake.calls_to("sendDocument")) >= 2:
                break
            await asyncio.sleep(0.1)
    finally:
        await first.stop()
    second = BotRuntime(make_settings(db_url, fake.url, MONTHLY_REPORT="true"), clock=clock)
    await second.start()
    try:
        await asyncio.sleep(3)  # its sweep runs 1.5 s after the start
    finally:
        await second.stop()
    monthly = [m for m in fake.bot_messages(STAFF_CHAT_ID) if "Informe mensual" in (m.get("text") or "")]
    assert len(monthly) == 1 and "noviembre 2026" in monthly[0]["text"]
    assert len(fake.calls_to("sendMediaGroup")) == 1
    await db.rollback()
    assert (await db.scalars(select(MonthlyReport.month))).all() == ["2026-11"]


async def test_a_woman_registered_before_is_asked_once_below_her_menu(
    ana: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    from tests.e2e.journeys import register

    await register(ana)
    await db.rollback()
    user = await db.get(User, WOMAN_ID)
    assert user is not None
    user.identity_asked_at = None  # as if she registered before these questions existed
    await db.commit()
    await ana.say("/menu")
    asked = ana.last()
    assert asked is not None and "no le hicimos antes" in asked["text"]
    await ana.tap("id:skip")
    await ana.say("/menu")
    last = ana.last()
    assert last is not None and "no le hicimos antes" not in last["text"]
