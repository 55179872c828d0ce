"""The one progress message a broadcast has in the staff group, kept up to date by the sender.

Posted when the broadcast starts (unless the staff action that started it already turned
its confirmation card into it), its id stored on the broadcast, so a restart goes on
editing the same message. Edited at most every PROGRESS_EVERY seconds — Telegram lets a
group receive about 20 messages a minute, edits included — and at the end turned into the
summary.

Nothing here may get in the way of deliveries: every request runs in a background task,
paced by the sender's own rate limiter (it counts towards the overall limit), and any
failure (not modified, 429, network) is logged and forgotten; the next edit catches up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram import Message
from telegram.error import BadRequest, RetryAfter, TelegramError

from bot.broadcasts import service as broadcasts
from bot.broadcasts import service_status as broadcast_status
from bot.broadcasts.views_status import progress_text, remaining, summary_text
from bot.core import forum_topics
from bot.core.context import BotData
from bot.core.i18n import Translator
from bot.core.notify import RecipientGone
from bot.core.telegram_retry import retry_after_seconds

if TYPE_CHECKING:
    from bot.core.pacing import RateLimiter

log = logging.getLogger(__name__)

# Seconds between two edits of a progress message (≤ 12 a minute of the group's ~20).
PROGRESS_EVERY = 5.0
_POSTING, _EDITING = "broadcast-progress-post", "broadcast-progress-edit"


# Telegram has no chat 0.
NO_CHAT = 0


class ProgressReporter:
    """Shows one broadcast's progress in the staff group; see the module docstring."""

    def __init__(
        self,
        data: BotData,
        broadcast_id: int,
        limiter: RateLimiter,
        *,
        chat_id: int | None,
        message_id: int | None,
        started_at: datetime | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.data = data
        self.broadcast_id = broadcast_id
        self.limiter = limiter
        group = chat_id if chat_id is not None else data.staff_group.chat_id
        # No staff group linked yet: nobody to show progress to; requests are skipped.
        self.chat_id: int = group if group is not None else NO_CHAT
        self.message_id = message_id
        self.started_at = started_at
        self.clock = clock
        self.last_shown: str | None = None
        self.next_edit = clock() + PROGRESS_EVERY
        self.task: asyncio.Task[None] | None = None

    @property
    def t(self) -> Translator:
        return self.data.catalogs.get(self.data.settings.default_locale)

    def begin(self) -> None:
        """Post the progress message now if the broadcast has none yet."""
        if self.message_id is None:
            self._spawn(self._post)

    def tick(self) -> None:
        """Called as chunks go out: edit the message if it is time and none is under way."""
        # Every replica sending this broadcast edits its message: each `senders` times less
        # often, so that together they edit it as often as one process alone would.
        later = PROGRESS_EVERY * (self.limiter.senders - 1)
        if self.clock() < self.next_edit + later or self._busy():
            return
        self.next_edit = self.clock() + PROGRESS_EVERY
        self._spawn(self._post if self.message_id is None else self._edit_progress)

    async def close(self) -> None:
        """Stop: an edit under way is dropped (it may be waiting out a 429); a message
        being posted is waited for, so that its id is kept."""
        task, self.task = self.task, None
        if task is None or task.done():
            return
        if task.get_name() != _POSTING:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task

    async def finish(self, counts: dict[str, int], *, cancelled: bool) -> None:
        """Turn the message into the summary (or post the summary if there is no message)."""
        await self.close()
        took = self.data.clock.now() - self.started_at if self.started_at else None
        text = summary_text(self.t, self.broadcast_id, counts, took, cancelled=cancelled)
        if self.message_id is None:
            await self._request(lambda: self._send(text))
        else:
            await self._show(text)

    def _busy(self) -> bool:
        return self.task is not None and not self.task.done()

    def _spawn(self, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        name = _POSTING if work == self._post else _EDITING
        self.task = asyncio.create_task(work(), name=name)

    async def _counts(self) -> dict[str, int]:
        async with self.data.session_factory() as session:
            return await broadcasts.progress(session, self.broadcast_id)

    def _progress(self, counts: dict[str, int]) -> str:
        now = self.data.clock.now()
        left = remaining(counts)
        finish_at = now + timedelta(seconds=left / self.limiter.rate) if left else None
        return progress_text(self.t, self.broadcast_id, counts, now, finish_at)

    async def _post(self) -> None:
        text = self._progress(await self._counts())
        message = await self._request(lambda: self._send(text))
        if not isinstance(message, Message):
            return
        self.message_id, self.last_shown = message.message_id, text
        async with self.data.session_factory() as session, session.begin():
            await broadcast_status.set_progress_message(
                session, self.broadcast_id, self.chat_id, message.message_id
            )

    async def _send(self, text: str) -> Message:
        """A new message in the staff group (its announcements topic, if it has topics)."""
        return await forum_topics.in_fixed(
            self.data,
            forum_topics.Fixed.ANNOUNCEMENTS,
            lambda thread: self.data.notifier.send(self.chat_id, text, thread=thread),
        )

    async def _edit_progress(self) -> None:
        await self._show(self._progress(await self._counts()))

    async def _show(self, text: str) -> None:
        if text == self.last_shown or self.message_id is None:
            return
        message_id = self.message_id
        edited = await self._request(
            lambda: self.data.notifier.bot.edit_message_text(
                text, chat_id=self.chat_id, message_id=message_id
            )
        )
        if edited is not None:
            self.last_shown = text

    async def _request(self, call: Callable[[], Awaitable[Any]]) -> Any:
        """One request to the staff group through the limiter; None when it failed."""
        if self.chat_id == NO_CHAT:
            return None
        await self.limiter.acquire(self.chat_id)
        try:
            return await call()
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True
            log.warning("broadcast %s: progress message refused: %s", self.broadcast_id, exc)
        except RetryAfter as exc:
            # The group's own limit: wait before the next edit, deliveries go on.
            self.next_edit = self.clock() + max(PROGRESS_EVERY, retry_after_seconds(exc))
            log.warning("broadcast %s: progress edit throttled by Telegram", self.broadcast_id)
        except (TelegramError, RecipientGone) as exc:
            log.warning("broadcast %s: progress message failed: %s", self.broadcast_id, exc)
        except Exception:
            log.exception("broadcast %s: progress message", self.broadcast_id)
        finally:
            self.limiter.done(self.chat_id)
        return None
