"""The send parameters every message to a chat shares, written once for the one sender
(bot.core.notify) and for handlers' answers (BotContext.send)."""

from __future__ import annotations

from typing import Any

from telegram import ReplyParameters


def message_options(
    *, sensitive: bool = False, reply_to: int | None = None, thread: int | None = None
) -> dict[str, Any]:
    """Sensitive messages cannot be forwarded or saved and arrive silently; `reply_to`
    quotes a message, and the send still goes through if that message is gone; `thread`
    is the forum topic of the staff group it goes to (bot.core.forum_topics)."""
    return {
        "message_thread_id": thread,
        "protect_content": sensitive or None,
        "disable_notification": sensitive or None,
        "reply_parameters": None
        if reply_to is None
        else ReplyParameters(message_id=reply_to, allow_sending_without_reply=True),
    }
