"""The command menus Telegram shows next to the text box.

Women's menu in private chats and the staff menu in the staff group, each in every
language the bot speaks (Telegram picks the one matching the person's app, and the
office's language otherwise). Set at start-up, and again when a staff group is linked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError

from bot.core.i18n import Catalogs, Translator


def her_commands(t: Translator) -> list[BotCommand]:
    return [
        BotCommand("start", t("Start / main menu")),
        BotCommand("salir", t("Quick exit: erase this chat")),
        BotCommand("baja", t("Stop receiving announcements")),
    ]


def staff_commands(t: Translator) -> list[BotCommand]:
    return [
        BotCommand("pendientes", t("Open cases, oldest first")),
        BotCommand("caso", t("A case's history: /caso OMM-000123")),
        BotCommand("agenda", t("Today's appointments (/agenda manana: tomorrow)")),
        BotCommand("horario", t("Weekly hours of each service")),
        BotCommand("cerrado", t("Close a day: /cerrado 2026-12-24")),
        BotCommand("extra", t("Extra hours: /extra 2026-12-19 14:00-16:00")),
        BotCommand("actividad", t("Create an activity step by step")),
        BotCommand("actividades", t("Upcoming activities: edit, cancel, attendance")),
        BotCommand("club", t("Pregnant women's club: sessions and invitations")),
        BotCommand("anuncio", t("Write an announcement to women")),
        BotCommand("anuncios", t("Scheduled and recent announcements")),
        BotCommand("consulta", t("Ask the women's network a question")),
        BotCommand("consultas", t("Consultations and their results")),
        BotCommand("propuestas", t("Women's proposals on their way")),
        BotCommand("ferias", t("Fairs: exhibitors' applications and export")),
        BotCommand("directorio", t("Directory of women's businesses (Excel)")),
        BotCommand("curso", t("Create a course of the entrepreneurship school")),
        BotCommand("cursos", t("Courses: attendance and certificates")),
        BotCommand("entrega", t("Record an aid delivery")),
        BotCommand("plan", t("Progress of this year's plan")),
        BotCommand("informe", t("Report: /informe octubre, /informe T3, /informe 2026")),
    ]


async def set_command_menus(
    bot: Any, catalogs: Catalogs, office_locale: str, staff_chat_id: int | None
) -> None:
    """Each menu in the office's language (the default Telegram falls back to) and once
    per language the bot speaks (for a person whose app uses that language)."""
    scopes: list[tuple[Any, Callable[[Translator], list[BotCommand]]]] = [
        (BotCommandScopeAllPrivateChats(), her_commands)
    ]
    if staff_chat_id is not None:
        scopes.append((BotCommandScopeChat(staff_chat_id), staff_commands))
    # A menu Telegram refuses is not worth a failed start: the commands work without it.
    with contextlib.suppress(TelegramError):
        for scope, commands in scopes:
            await bot.set_my_commands(commands(catalogs.get(office_locale)), scope=scope)
            for locale in catalogs.offered:
                await bot.set_my_commands(
                    commands(catalogs.get(locale)), scope=scope, language_code=locale
                )
