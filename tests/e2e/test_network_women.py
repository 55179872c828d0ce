"""Women without a phone end to end: a leader registers one with her oral consent, signs
her up to a workshop, gets her reminder (naming her by first name and initial only);
later the woman joins her own Telegram account with the office's one-time code. The
office's register is imported all or nothing."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.app import BotRuntime
from bot.db.models import ActivityKind, NetworkWoman, Signup, SignupStatus
from bot.network import service as organizations
from bot.standin import FakeTelegram
from tests.conftest import ADMIN_ID, STAFF_CHAT_ID, make_settings
from tests.e2e.conftest import WOMAN_ID
from tests.e2e.harness import OffsetClock, Person, buttons
from tests.e2e.journeys import register, register_from_link
from tests.e2e.test_activity_reminders import MONDAY_EVENING, STARTS, SUNDAY_EVENING, set_clock

NEW_PHONE_ID = 100555
CSV_HEADER = (
    "nombre,comunidad,grupo_edad,pueblo,idioma,discapacidad,consentimiento_fecha,consentimiento_a\n"
)


@pytest.fixture
async def bot(fake: FakeTelegram, db_url: str, e2e_clock: OffsetClock) -> AsyncIterator[BotRuntime]:
    set_clock(e2e_clock, SUNDAY_EVENING)
    runtime = BotRuntime(make_settings(db_url, fake.url), clock=e2e_clock)
    await runtime.start()
    try:
        yield runtime
    finally:
        if runtime.application.running:
            await runtime.stop()


async def leader_with_workshop(runtime: BotRuntime, leader_id: int) -> int:
    """Staff's part, done in the domain: an organisation she leads, and a workshop."""
    data = runtime.application.bot_data
    now = data.clock.now()
    async with data.session_factory() as session:
        organization = await organizations.create_organization(
            session, name="Comité de Xecotz", community="Aldea Palestina", created_by=1, now=now
        )
        await organizations.name_leader(
            session, organization.id, leader_id, named_by=ADMIN_ID, now=now
        )
        activity = await activities.create(
            session,
            kind=ActivityKind.TRAINING,
            title="Taller de costura",
            place="Salón comunal",
            starts_at=STARTS,
            now=now,
        )
        await session.commit()
        return activity.id


async def test_registered_by_a_leader_signed_up_reminded_through_her_and_joined_later(
    fake: FakeTelegram, bot: BotRuntime, e2e_clock: OffsetClock, db: AsyncSession
) -> None:
    leader = Person(fake, bot, WOMAN_ID)
    await register(leader)
    activity_id = await leader_with_workshop(bot, WOMAN_ID)

    # She registers Rosa, who has no phone, with Rosa's oral consent.
    await leader.tap("net")
    await leader.tap("ol")
    await leader.tap("olw")
    await leader.tap("oln:start")
    await leader.say("Rosa Pérez Xuc")
    await leader.tap("oln:pick:4")
    await leader.tap("oln:age:30_59")
    await leader.tap("oln:p:maya")
    await leader.tap("oln:l:spanish")
    card = await leader.tap("oln:ok")
    assert card is not None and "Rosa Pérez Xuc" in card["text"]
    await db.rollback()
    rosa = (await db.scalars(select(NetworkWoman))).one()
    assert (rosa.contact_id, rosa.people, rosa.language, rosa.age_group) == (
        WOMAN_ID,
        "maya",
        "spanish",
        "30_59",
    )
    assert rosa.consent_to == "Ana"
    rosa_id = rosa.id

    # She signs Rosa up to the workshop.
    dates = await leader.tap(f"ol:wa:{rosa_id}")
    sign_up = next(d for _, d in buttons(dates) if d.startswith(f"ol:ws:{rosa_id}:{activity_id}_"))
    done = await leader.tap(sign_up)
    assert done is not None and "Rosa Pérez Xuc" in done["text"]
    await db.rollback()
    signup = (await db.scalars(select(Signup))).one()
    assert (signup.user_id, signup.woman_id) == (None, rosa_id)

    # Her screen lists the date, with a button to cancel it.
    screen = await leader.tap(f"ol:wv:{rosa_id}")
    assert screen is not None and "Taller de costura" in screen["text"]
    assert f"ol:wx:{signup.id}" in [d for _, d in buttons(screen)]
    # She cancels it (Rosa cannot go after all), then signs her up again.
    cancelled = await leader.tap(f"ol:wx:{signup.id}")
    assert cancelled is not None and "ya no está inscrita" in cancelled["text"]
    await db.rollback()
    assert (await db.scalars(select(Signup))).one().status == SignupStatus.CANCELLED
    await leader.tap(f"ol:wa:{rosa_id}")
    again = await leader.tap(sign_up)
    assert again is not None and "Rosa Pérez Xuc" in again["text"]
    await db.rollback()
    assert (await db.scalars(select(Signup))).one().status == SignupStatus.GOING


    # Monday evening: the reminder goes to the leader, naming Rosa by first name and initial.
    before = leader.last()
    set_clock(e2e_clock, MONDAY_EVENING)
    reminder = await fake.wait_for_message(
        WOMAN_ID,
        contains="Taller de costura",
        after=before["message_id"] if before else 0,
        timeout=10,
    )
    assert "Rosa P." in reminder["text"] and "Pérez" not in reminder["text"]

    # Rosa gets a phone: staff give her a code; she consents and registers herself first.
    admin = Person(fake, bot, ADMIN_ID, chat_id=STAFF_CHAT_ID)
    answer = await admin.say(f"/codigo_union {rosa_id}")
    assert answer is not None
    match = re.search(r"join_([A-Z0-9]{8})", answer["text"])
    assert match is not None, answer["text"]
    payload = match.group(0)
    fake.add_user(NEW_PHONE_ID, first_name="Rosa", language_code="es")
    rosa_phone = Person(fake, bot, NEW_PHONE_ID)
    landing = await register_from_link(rosa_phone, payload)
    assert landing is not None and "Rosa Pérez Xuc" in landing["text"]
    joined = await rosa_phone.tap(f"jn:y:{match.group(1)}")
    assert joined is not None
    await db.rollback()
    assert (await db.scalars(select(NetworkWoman))).all() == []
    signup = (await db.scalars(select(Signup))).one()
    assert (signup.user_id, signup.woman_id) == (NEW_PHONE_ID, None)

    # The code works once only.
    used = await rosa_phone.press_data(joined["message_id"], f"jn:y:{match.group(1)}", check=False)
    assert used is not None
    await db.rollback()
    assert (await db.scalars(select(Signup))).one().user_id == NEW_PHONE_ID


async def send_register(fake: FakeTelegram, runtime: BotRuntime, content: str) -> dict:
    before = fake.last_bot_message(STAFF_CHAT_ID)
    fake.user_sends_document(
        ADMIN_ID,
        file_name="registro.csv",
        mime_type="text/csv",
        caption="/importar_red",
        chat_id=STAFF_CHAT_ID,
        data=content.encode(),
    )
    return await fake.wait_for_message(
        STAFF_CHAT_ID, after=before["message_id"] if before else 0, timeout=10
    )


async def test_an_import_with_a_bad_row_imports_nothing_and_a_good_one_imports_all(
    fake: FakeTelegram, bot: BotRuntime, db: AsyncSession
) -> None:
    await asyncio.sleep(0.2)
    bad = (
        CSV_HEADER
        + "Juana López,Aldea Palestina,30_59,maya,spanish,no,2026-10-01,Lucía\n"
        + "Marta Tux,Aldea Palestina,niña,maya,spanish,no,2026-10-01,Lucía\n"
    )
    refused = await send_register(fake, bot, bad)
    assert "línea 3" in refused["text"] and "grupo_edad" in refused["text"]
    await db.rollback()
    assert (await db.scalars(select(NetworkWoman))).all() == []

    good = bad.replace("niña", "18_29")
    imported = await send_register(fake, bot, good)
    assert "2" in imported["text"]
    await db.rollback()
    names = sorted(w.name for w in (await db.scalars(select(NetworkWoman))).all())
    assert names == ["Juana López", "Marta Tux"]
    listing = await Person(fake, bot, ADMIN_ID, chat_id=STAFF_CHAT_ID).say("/sin_telefono")
    assert listing is not None and "Juana López" in listing["text"]
