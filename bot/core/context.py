"""The typed context every handler receives, and the per-update unit of work.

The update pipeline opens one database session per update and puts it in an
`UpdateScope`; handlers reach it through `context.session`. What handlers send is
recorded in the update's outbox and sent once the update's transaction commits
(bot/core/outbox.py), so the database write lock is never held while waiting on Telegram,
and no answer is sent for effects that were not saved.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import (
    CallbackQuery,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.core import staff
from bot.core.clock import Clock
from bot.core.i18n import Catalogs, Translator
from bot.core.message_options import message_options
from bot.core.office_group import StaffGroup
from bot.core.outbox import OutboxRecorder, OutboxSender
from bot.core.pacing import RateLimiter
from bot.db.models import User

if TYPE_CHECKING:
    from bot.core.notify import Notifier

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply


class BotData:
    """Long-lived services, set once when the application is built."""

    settings: Settings
    session_factory: async_sessionmaker[AsyncSession]
    catalogs: Catalogs
    clock: Clock
    notifier: Notifier
    outbox: OutboxSender
    # One pace for everything sent to many women (announcements, activity notices), kept
    # across job runs (pauses carry over), so that together they stay within the rate.
    broadcast_pace: RateLimiter
    # The staff group and administrators in force (may change while running).
    staff_group: StaffGroup
    bot_username: str = ""


async def staff_names(
    data: BotData, session: AsyncSession, user_ids: Collection[int]
) -> dict[int, str]:
    """Staff members' names as cards show them (administrators from .env included)."""
    known = data.staff_group.admin_names
    names = {i: known[i] for i in user_ids if i in known}
    names.update(await staff.display_names(session, user_ids))
    return names


@dataclass
class UpdateScope:
    """What belongs to the one update being handled."""

    session: AsyncSession
    outbox: OutboxRecorder
    user: User | None = None
    locale: str = "es"
    # (chat_id, message_id) of messages in women's chats, for quick exit.
    tracked: list[tuple[int, int]] = field(default_factory=list)
    failed: bool = False
    # A pressed button shows a spinner until answered; the pipeline answers it at
    # the end unless a handler already did, with a note.
    answered: bool = False
    callback_query: CallbackQuery | None = None


current_scope: ContextVar[UpdateScope | None] = ContextVar("current_scope", default=None)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """`CallbackContext` with the office's settings, the clock, the session and translations."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    @property
    def scope(self) -> UpdateScope:
        scope = current_scope.get()
        if scope is None:
            raise RuntimeError("no update scope: handlers run only inside the update pipeline")
        return scope

    @property
    def session(self) -> AsyncSession:
        return self.scope.session

    @property
    def user(self) -> User | None:
        return self.scope.user

    @property
    def t(self) -> Translator:
        return self.bot_data.catalogs.get(self.scope.locale)

    @property
    def staff_t(self) -> Translator:
        """Staff texts: in the office's language, whoever's update this is."""
        return self.bot_data.catalogs.get(self.settings.default_locale)

    @property
    def notifier(self) -> Notifier:
        return self.bot_data.notifier

    def now(self) -> datetime:
        return self.bot_data.clock.now()

    @property
    def staff_chat_id(self) -> int:
        """The staff group, for staff screens: they run only once a group is linked (their
        handlers filter on it), so asking before is a programming error."""
        return self.bot_data.staff_group.linked_chat_id

    @property
    def admin_ids(self) -> frozenset[int]:
        return self.bot_data.staff_group.admin_ids

    async def staff_names(self, user_ids: Collection[int]) -> dict[int, str]:
        """Staff members' names as cards show them (administrators from .env included)."""
        return await staff_names(self.bot_data, self.session, user_ids)

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.bot_data.staff_group.admin_ids

    async def answer(self, note: str | None = None, *, alert: bool = False) -> None:
        """Answer the pressed button now, with a short note (a pop-up when `alert`)."""
        query = self.scope.callback_query
        if query is None or self.scope.answered:
            return
        self.scope.answered = True
        await query.answer(note[:200] if note else None, show_alert=alert)

    def track(self, chat_id: int, message_id: int) -> None:
        """Remember a message in a private chat so quick exit can delete it.

        Messages the bot sends are tracked when they are sent (their ids are known only
        then), so only her own messages need this."""
        if chat_id > 0 and message_id > 0:
            self.scope.tracked.append((chat_id, message_id))

    async def send(
        self,
        chat_id: int,
        text: str,
        markup: Markup | None = None,
        *,
        sensitive: bool = False,
        reply_to: int | None = None,
    ) -> Message:
        """Send a message; sensitive ones cannot be forwarded or saved and arrive silently."""
        return await self.bot.send_message(
            chat_id,
            text,
            reply_markup=markup,
            **message_options(sensitive=sensitive, reply_to=reply_to),
        )

    @contextmanager
    def immediately(self) -> Iterator[None]:
        """Make the calls inside now, before the update's effects are saved.

        Only for the few staff actions that must say at once whether a message got
        through (a private chat the staff member never opened, a woman who blocked
        the bot). A kill between such a call and the commit can repeat it at replay.
        """
        recorder = self.scope.outbox
        recorder.bypass = True
        try:
            yield
        finally:
            recorder.bypass = False

    async def send_or(
        self, primary: Callable[[], Awaitable[Any]], fallback: Callable[[], Awaitable[Any]]
    ) -> None:
        """Send `primary`; if Telegram refuses it (a message too old to edit, a photo it
        no longer has), what `fallback` sends goes instead."""
        recorder = self.scope.outbox
        before = len(recorder.intents)
        await primary()
        if len(recorder.intents) == before:  # made at once (an upload): nothing to fall back
            return
        chosen = recorder.intents[-1]
        start = len(recorder.intents)
        await fallback()
        chosen.fallback = recorder.split_off(start)

    async def show(
        self,
        update: Update,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        sensitive: bool = False,
    ) -> Message | None:
        """Answer in place: edit the message whose button was pressed, or send a new one.

        Editing keeps her chat short, and an edit never makes a notification.
        """
        query = update.callback_query
        chat = update.effective_chat
        assert chat is not None
        if query is not None and isinstance(query.message, Message) and not sensitive:
            pressed = query.message
            await self.send_or(
                lambda: pressed.edit_text(text, reply_markup=markup),
                lambda: self.send(chat.id, text, markup),
            )
            return None
        return await self.send(chat.id, text, markup, sensitive=sensitive)
