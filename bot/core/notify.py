"""The one place that sends messages on behalf of services and jobs.

It knows what Telegram's refusals mean for the office: a woman who blocked the
bot is marked inactive (and not written to again until she returns), and media
is re-sent by `file_id`, which keeps working after she deletes her own copy.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import ForceReply, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden
from telegram.ext import ExtBot
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.core import tracking, users
from bot.core.clock import Clock
from bot.core.message_options import message_options

log = logging.getLogger(__name__)


class RecipientGone(Exception):
    """The chat cannot receive messages: blocked the bot, deleted account, never started."""


def _is_gone(exc: Exception) -> bool:
    if isinstance(exc, Forbidden):
        return True
    return isinstance(exc, BadRequest) and "chat not found" in str(exc).lower()


class Notifier:
    def __init__(self, bot: ExtBot[None], clock: Clock) -> None:
        self.bot = bot
        self.clock = clock

    async def send(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | ForceReply | None = None,
        *,
        sensitive: bool = False,
        reply_to: int | None = None,
        paid: bool = False,
        thread: int | None = None,
    ) -> Message:
        """Send text; raises RecipientGone when the chat cannot receive it.

        `paid`: Telegram's paid broadcasting (allow_paid_broadcast: up to 1,000 a second,
        0.1 Star each), for announcements when BROADCAST_PAID is on."""
        try:
            return await self.bot.send_message(
                chat_id,
                text,
                reply_markup=markup,
                allow_paid_broadcast=paid or None,
                **message_options(sensitive=sensitive, reply_to=reply_to, thread=thread),
            )
        except (Forbidden, BadRequest) as exc:
            if _is_gone(exc):
                raise RecipientGone(str(exc)) from exc
            raise

    async def post_prepared(
        self, chat_id: int, endpoint: str, params: Mapping[str, str]
    ) -> int | None:
        """Send the same message to many chats: `params` are already encoded for the Bot
        API (see `encode`), so each send skips building and parsing Telegram objects.
        Returns the new message's id; raises RecipientGone like `send`."""
        try:
            result = await self.bot._post(endpoint, {**params, "chat_id": str(chat_id)})
        except (Forbidden, BadRequest) as exc:
            if _is_gone(exc):
                raise RecipientGone(str(exc)) from exc
            raise
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return message_id if isinstance(message_id, int) else None

    async def send_media(
        self,
        chat_id: int,
        media: str,
        file_id: str,
        caption: str | None = None,
        *,
        sensitive: bool = False,
        reply_to: int | None = None,
        markup: InlineKeyboardMarkup | None = None,
        paid: bool = False,
        thread: int | None = None,
    ) -> Message:
        """Send a photo, voice note, document... that Telegram already has, by file_id."""
        common: dict[str, Any] = {
            "allow_paid_broadcast": paid or None,
            "reply_markup": markup,
            **message_options(sensitive=sensitive, reply_to=reply_to, thread=thread),
        }
        if caption and media != "video_note":
            common["caption"] = caption[:1024]
        senders = {
            "photo": lambda: self.bot.send_photo(chat_id, photo=file_id, **common),
            "voice": lambda: self.bot.send_voice(chat_id, voice=file_id, **common),
            "audio": lambda: self.bot.send_audio(chat_id, audio=file_id, **common),
            "video": lambda: self.bot.send_video(chat_id, video=file_id, **common),
            "video_note": lambda: self.bot.send_video_note(chat_id, video_note=file_id, **common),
            "document": lambda: self.bot.send_document(chat_id, document=file_id, **common),
        }
        sender = senders.get(media, senders["document"])
        try:
            return await sender()
        except (Forbidden, BadRequest) as exc:
            if _is_gone(exc):
                raise RecipientGone(str(exc)) from exc
            raise

    async def to_woman(
        self,
        session: AsyncSession,
        user_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        sensitive: bool = False,
    ) -> Message | None:
        """Write to her; None (and she is marked inactive) when she blocked the bot."""
        try:
            message = await self.send(user_id, text, markup, sensitive=sensitive)
        except RecipientGone:
            log.info("a woman blocked the bot; marking her inactive")
            await users.set_active(session, user_id, False)
            return None
        await tracking.track(session, [(user_id, message.message_id)], self.clock.now())
        return message

    async def media_to_woman(
        self,
        session: AsyncSession,
        user_id: int,
        media: str,
        file_id: str,
        caption: str | None,
        markup: InlineKeyboardMarkup | None = None,
        *,
        sensitive: bool = False,
    ) -> Message | None:
        try:
            message = await self.send_media(
                user_id, media, file_id, caption, sensitive=sensitive, markup=markup
            )
        except RecipientGone:
            await users.set_active(session, user_id, False)
            return None
        await tracking.track(session, [(user_id, message.message_id)], self.clock.now())
        return message


def encode(params: Mapping[str, Any]) -> dict[str, str] | None:
    """Bot API parameters as python-telegram-bot sends them (objects as JSON strings);
    None when they upload a new file (its bytes are not kept)."""
    request = RequestData(
        [RequestParameter.from_input(k, v) for k, v in params.items() if v is not None]
    )
    if request.contains_files:
        return None
    return dict(request.json_parameters)
