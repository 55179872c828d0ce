"""The women's handlers are registered so that they cannot run outside a private chat."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, Chat, Message, Update, User
from telegram.ext import CallbackQueryHandler

from bot.app import build_application
from bot.config import Settings
from bot.core.routing import PrivateChatOnly
from bot.routes import unknown_button

# Modules whose handlers answer a woman (her screens edit or delete the pressed message).
HER_MODULES = {
    "her_activities",
    "her_optout",
    "her_booking",
    "her_requests",
    "her_report",
    "her_network",
    "her_leader",
    "her_data",
    "quick_exit",
    "conversation_router",
    "her_welcome",
    "her_identity",
    "her_consultations",
    "her_proposals",
    "her_club",
    "her_enterprise",
    "her_fairs",
    "her_directory",
    "her_school",
}


def _module(handler: Any) -> str:
    inner = handler.inner if isinstance(handler, PrivateChatOnly) else handler
    return str(inner.callback.__module__).rsplit(".", 1)[-1]


async def test_every_handler_of_hers_is_for_private_chats_only(settings: Settings) -> None:
    app, engine, _liveness = build_application(settings)
    try:
        handlers = [h for group in app.handlers.values() for h in group]
        hers = [h for h in handlers if _module(h) in HER_MODULES]
        assert len(hers) >= 20
        assert [h for h in hers if not isinstance(h, PrivateChatOnly)] == []
        assert not any(isinstance(h, PrivateChatOnly) for h in handlers if h not in hers)
    finally:
        await engine.dispose()


def _press(chat: Chat, data: str) -> Update:
    person = User(7, "Ana", is_bot=False)
    message = Message(1, date=None, chat=chat)  # type: ignore[arg-type]
    query = CallbackQuery("1", person, "chat", message=message, data=data)
    return Update(1, callback_query=query)


def test_a_wrapped_handler_matches_only_in_private_chats() -> None:
    wrapped = PrivateChatOnly(CallbackQueryHandler(unknown_button, pattern=r"^m$"))
    assert wrapped.check_update(_press(Chat(7, Chat.PRIVATE), "m"))
    assert not wrapped.check_update(_press(Chat(-100, Chat.SUPERGROUP), "m"))
    assert not wrapped.check_update(_press(Chat(-100, Chat.GROUP), "m"))
    assert not wrapped.check_update(_press(Chat(7, Chat.PRIVATE), "other"))
    assert not wrapped.check_update("not an update")
