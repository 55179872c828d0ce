"""The command menus next to the text box, in each person's language."""

from __future__ import annotations

from telegram import BotCommandScopeAllPrivateChats, BotCommandScopeChat

from bot.app import BotRuntime
from tests.conftest import STAFF_CHAT_ID


async def menu(runtime: BotRuntime, scope: object, language: str = "") -> dict[str, str]:
    commands = await runtime.application.bot.get_my_commands(
        scope=scope,  # type: ignore[arg-type]
        language_code=language or None,
    )
    return {c.command: c.description for c in commands}


async def test_women_and_staff_get_their_menu_in_their_language(runtime: BotRuntime) -> None:
    private = BotCommandScopeAllPrivateChats()
    office = await menu(runtime, private)
    english = await menu(runtime, private, "en")
    spanish = await menu(runtime, private, "es")
    assert set(office) == set(english) == {"start", "salir", "baja"}
    # The office's language (Spanish) is the default Telegram falls back to.
    assert office == spanish
    assert english["salir"] == "Quick exit: erase this chat" != spanish["salir"]

    staff = BotCommandScopeChat(STAFF_CHAT_ID)
    assert (await menu(runtime, staff, "en"))["anuncio"] == "Write an announcement to women"
    assert (await menu(runtime, staff))["anuncio"] == (await menu(runtime, staff, "es"))["anuncio"]
    assert (await menu(runtime, staff))["anuncio"] != "Write an announcement to women"
