"""A new office starts the bot with its token alone and links its staff group from
Telegram with /vincular (the README's set-up steps, end to end)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import BotCommandScopeChat

from bot.app import BotRuntime
from bot.config import Settings
from bot.db.models import AuditEvent, StaffMember
from bot.standin import FakeTelegram
from tests.conftest import make_settings
from tests.e2e.conftest import OUTSIDER_ID, STAFF_ID
from tests.e2e.harness import OffsetClock, Person
from tests.e2e.journeys import only_case, register, report

OFFICE_GROUP = -1002000000001
OTHER_GROUP = -1002000000002
DIRECTOR = 400004
CODE = re.compile(r"/vincular ([A-Z2-7]{8})")


def token_only(db_url: str, api_url: str) -> Settings:
    return make_settings(db_url, api_url, STAFF_CHAT_ID="", ADMIN_USER_IDS="")


@pytest.fixture
async def fresh_office(
    fake: FakeTelegram, db_url: str, e2e_clock: OffsetClock, capsys: pytest.CaptureFixture[str]
) -> AsyncIterator[tuple[BotRuntime, str]]:
    """A bot started with its token alone, and the set-up code it printed."""
    fake.add_group(OFFICE_GROUP, "Equipo OMM")
    fake.add_group(OTHER_GROUP, "Vecinas")
    fake.add_user(DIRECTOR, first_name="Rosa", language_code="es")
    bot = BotRuntime(token_only(db_url, fake.url), clock=e2e_clock)
    await bot.start()
    try:
        yield bot, printed_code(capsys)
    finally:
        await bot.stop()


def printed_code(capsys: pytest.CaptureFixture[str]) -> str:
    found = CODE.findall(capsys.readouterr().err)
    assert found, "the set-up code was not printed on the console"
    return found[-1]


async def test_a_token_alone_then_vincular_links_the_group_and_its_first_admin(
    fresh_office: tuple[BotRuntime, str], fake: FakeTelegram, db: AsyncSession
) -> None:
    runtime, code = fresh_office
    director = Person(fake, runtime, DIRECTOR, chat_id=OFFICE_GROUP)
    neighbour = Person(fake, runtime, OUTSIDER_ID, chat_id=OTHER_GROUP)

    # Women can use the bot at once; her case waits for a staff group.
    ana = Person(fake, runtime, 100001)
    await register(ana)
    await report(ana, "food", "No tenemos comida")
    assert (await only_case(db)).reference == "OMM-000001"

    # /chatid works in a group that is not the staff group yet.
    answer = await director.say("/chatid")
    assert answer is not None and str(OFFICE_GROUP) in answer["text"]

    # A wrong code links nothing, and says so.
    answer = await director.say("/vincular ABCDEFGH")
    assert answer is not None and "no es correcto" in answer["text"]
    assert runtime.application.bot_data.staff_group.chat_id is None

    # The printed code, as typed by a person (lower case, with a space), links it.
    await director.say(f"/vincular {code[:4].lower()} {code[4:]}")
    assert await fake.wait_for_message(OFFICE_GROUP, contains="es ahora el grupo del equipo")
    assert runtime.application.bot_data.staff_group.chat_id == OFFICE_GROUP
    await db.rollback()
    rosa = await db.get(StaffMember, DIRECTOR)
    assert rosa is not None and rosa.is_admin and rosa.display_name == "Rosa"

    staff_menu = await runtime.application.bot.get_my_commands(
        scope=BotCommandScopeChat(OFFICE_GROUP)
    )
    assert "pendientes" in {c.command for c in staff_menu}

    # The waiting case arrives, and the new admin can act on it and add colleagues.
    card = await fake.wait_for_message(OFFICE_GROUP, contains="OMM-000001", after=0)
    case_id = (await only_case(db)).id
    await director.press_data(card["message_id"], f"s:take:{case_id}")
    card = next(m for m in fake.messages(OFFICE_GROUP) if m["message_id"] == card["message_id"])
    assert "A cargo de: Rosa" in card["text"]
    answer = await director.say(f"/alta_staff {STAFF_ID} María")
    assert answer is not None and "María" in answer["text"]

    # The code worked once: another group cannot take over.
    answer = await neighbour.say(f"/vincular {code}")
    assert answer is not None and "ya tiene un grupo" in answer["text"]
    assert runtime.application.bot_data.staff_group.chat_id == OFFICE_GROUP
    await db.rollback()
    actions = [e.action for e in (await db.scalars(select(AuditEvent))).all()]
    assert "link_staff_group" in actions and "refused_link_wrong_code" in actions


async def test_the_linked_group_survives_a_restart_and_env_still_wins(
    fake: FakeTelegram, db_url: str, e2e_clock: OffsetClock, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.add_group(OFFICE_GROUP, "Equipo OMM")
    fake.add_user(DIRECTOR, first_name="Rosa", language_code="es")
    first = BotRuntime(token_only(db_url, fake.url), clock=e2e_clock)
    await first.start()
    try:
        await Person(fake, first, DIRECTOR, chat_id=OFFICE_GROUP).say(
            f"/vincular {printed_code(capsys)}"
        )
    finally:
        await first.stop()

    again = BotRuntime(token_only(db_url, fake.url), clock=e2e_clock)
    await again.start()
    try:
        assert again.application.bot_data.staff_group.chat_id == OFFICE_GROUP
        assert DIRECTOR in again.application.bot_data.staff_group.admin_ids
        assert "/vincular" not in capsys.readouterr().err  # linked: no code printed
    finally:
        await again.stop()

    configured = BotRuntime(
        make_settings(db_url, fake.url, STAFF_CHAT_ID=str(OTHER_GROUP)), clock=e2e_clock
    )
    await configured.start()
    try:
        assert configured.application.bot_data.staff_group.chat_id == OTHER_GROUP
    finally:
        await configured.stop()
