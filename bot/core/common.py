"""Small helpers shared by the handlers: reading her input, answering buttons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Message, Update

from bot.core.context import BotContext
from bot.core.i18n import Translator
from bot.core.ids import parse_record_id, parse_small_number
from bot.core.keyboards import for_her
from bot.db.models import ConversationState

StepHandler = Callable[[Update, BotContext, ConversationState], Awaitable[None]]
Handler = Callable[[Update, BotContext], Awaitable[None]]


def plain_text(message: Message, max_length: int) -> str | None:
    """Typed text, stripped, if it is usable as a short answer (a name, a community)."""
    if message.text is None:
        return None
    text = " ".join(message.text.split())
    if not text or len(text) > max_length or text.startswith("/"):
        return None
    return text


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an old message, or one that was never ours: change nothing, say so."""
    await context.answer(context.t("This button is no longer active. Use the menu 🏠."), alert=True)


async def unusable_input(
    update: Update, context: BotContext, hint: str, *, sensitive: bool = False
) -> None:
    assert update.effective_chat is not None
    await context.send(
        update.effective_chat.id, hint, for_her(context.t, menu=True), sensitive=sensitive
    )


def kinds_hint(t: Translator) -> str:
    return t("I can only use text, voice notes 🎤, photos 📷 or documents here. Please try again.")


def int_arg(parts: list[str], index: int) -> int | None:
    """A page or a position in a list (0 or more, bounded), or None when it is not one.

    Record ids are read with `id_arg` (or bot.core.authority.id_in, which also refuses)."""
    return parse_small_number(arg(parts, index))


def id_arg(parts: list[str], index: int) -> int | None:
    """A record id the database could hold, or None (see bot.core.ids)."""
    return parse_record_id(arg(parts, index))


def arg(parts: list[str], index: int) -> str | None:
    return parts[index] if index < len(parts) else None


def state_data(state: ConversationState | None) -> dict[str, Any]:
    return dict(state.data) if state is not None and state.data else {}
