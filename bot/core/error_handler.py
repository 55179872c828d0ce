"""The last resort: log, apologise to her, tell staff (without personal data)."""

from __future__ import annotations

import contextlib
import logging
import time
import traceback

from telegram import Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application

from bot.core.context import BotContext, current_scope
from bot.core.i18n import N_

log = logging.getLogger(__name__)

APOLOGY = N_("😔 Something went wrong on our side. We told the team. Please try again.")
# One staff report per kind of error per this many seconds, so a storm is one message.
REPORT_EVERY = 60.0
_last_report: dict[str, float] = {}


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    scope = current_scope.get()
    if scope is not None:
        scope.failed = True
    if isinstance(error, Forbidden):
        log.info("a chat refused a message: %s", error)
        return
    log.error("unexpected error while handling an update", exc_info=error)
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is not None and chat.type == ChatType.PRIVATE:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(
                chat.id, context.bot_data.catalogs.get(scope.locale if scope else None)(APOLOGY)
            )
    await _report_to_staff(context, error, update)


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/bot/" in f.filename or "/scheduler/" in f.filename]
    candidates = ours or list(frames)
    if not candidates:
        return "?"
    frame = candidates[-1]
    path = frame.filename.split("/bot/")[-1] if "/bot/" in frame.filename else frame.filename
    return f"{path}:{frame.lineno}"


async def _report_to_staff(
    context: BotContext, error: BaseException | None, update: object
) -> None:
    group = context.bot_data.staff_group.chat_id
    if error is None or group is None:
        return
    key = f"{type(error).__name__}@{_where(error)}"
    now = time.monotonic()
    if now - _last_report.get(key, -REPORT_EVERY) < REPORT_EVERY:
        return
    _last_report[key] = now
    update_id = update.update_id if isinstance(update, Update) else "-"
    # The exception's own message may quote what she wrote, so only its type and place.
    text = context.staff_t("⚠️ Error: {kind} at {place} (update {update}). See the bot's log.").format(
        kind=type(error).__name__, place=_where(error), update=update_id
    )
    with contextlib.suppress(TelegramError):
        await context.bot.send_message(group, text)


def register(app: Application) -> None:
    app.add_error_handler(on_error)
