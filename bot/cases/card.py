"""A case's card in the staff group: the one place that posts it and redraws it.

The staff-post sweep (jobs.py) posts the card when her report arrives; staff triage
(staff_triage.py) redraws it as the case is taken, answered and closed. Both write
in the office's staff group through the one notifier; the card's message id is kept
by the cases service.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.cases import service as cases
from bot.cases.views import card_keyboard, card_text
from bot.core import staff
from bot.core.context import BotData
from bot.core.i18n import Translator
from bot.db.models import Case


async def staff_names(session: AsyncSession, case: Case) -> dict[int, str]:
    """The names of the staff who wrote in the case or are assigned to it."""
    ids = {e.author_id for e in case.entries if e.author_id is not None}
    if case.assignee_id is not None:
        ids.add(case.assignee_id)
    return await staff.display_names(session, ids)


async def post(
    data: BotData, session: AsyncSession, t: Translator, case: Case, now: datetime
) -> Message:
    """Post a new case's card to the staff group and remember it."""
    group = data.settings.staff_chat_id
    card = await data.notifier.send(
        group, card_text(t, case, data.settings.office, now, {}), card_keyboard(t, case)
    )
    cases.record_staff_card(session, case, chat_id=group, message_id=card.message_id, now=now)
    return card


async def redraw(
    data: BotData,
    session: AsyncSession,
    t: Translator,
    case: Case,
    now: datetime,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Re-draw the case's card in the staff group (status, assignee, age); `markup`
    replaces its buttons for a step (choosing how to close it)."""
    if case.staff_card_message_id is None:
        return
    names = await staff_names(session, case)
    with contextlib.suppress(BadRequest):
        await data.notifier.bot.edit_message_text(
            card_text(t, case, data.settings.office, now, names),
            chat_id=data.settings.staff_chat_id,
            message_id=case.staff_card_message_id,
            reply_markup=markup if markup is not None else card_keyboard(t, case),
        )
