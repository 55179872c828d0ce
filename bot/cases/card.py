"""What staff are shown of a case: its card in the staff group, and copies of her messages.

The one place that posts the card, redraws it and copies her messages to a staff chat.
The staff-post sweep (jobs.py) posts the card and the copies when her report or her
addition arrives; staff triage (staff_triage.py) redraws the card as the case is taken,
answered and closed, and sends a sensitive case's media to the assigned person. The
card's message id is kept by the cases service; each copy is linked to the case, so a
staff reply to it answers her.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.cases import posts as staff_posts
from bot.cases import service as cases
from bot.cases.views import card_keyboard, card_text
from bot.core.context import BotData
from bot.core.context import staff_names as names_of_staff
from bot.core.i18n import Translator
from bot.db.models import Case, CaseEntry, EntryKind, format_reference


async def staff_names(data: BotData, session: AsyncSession, case: Case) -> dict[int, str]:
    """The names of the staff who wrote in the case or are assigned to it."""
    ids = {e.author_id for e in case.entries if e.author_id is not None}
    if case.assignee_id is not None:
        ids.add(case.assignee_id)
    return await names_of_staff(data, session, ids)


async def post(
    data: BotData, session: AsyncSession, t: Translator, case: Case, now: datetime
) -> Message:
    """Post a new case's card to the staff group and remember it."""
    group = data.staff_group.linked_chat_id
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
    names = await staff_names(data, session, case)
    with contextlib.suppress(BadRequest):
        await data.notifier.bot.edit_message_text(
            card_text(t, case, data.settings.office, now, names),
            chat_id=data.staff_group.linked_chat_id,
            message_id=case.staff_card_message_id,
            reply_markup=markup if markup is not None else card_keyboard(t, case),
        )


async def copy_her_message(
    data: BotData,
    session: AsyncSession,
    t: Translator,
    chat_id: int,
    entry: CaseEntry,
    *,
    reply_to: int | None,
    sensitive: bool,
    now: datetime,
    headed: bool = True,
) -> None:
    """Copy one message of hers to a staff chat (a file by its file_id), under a header
    naming her case unless `headed` is off (under the case's details, which name it)."""
    header = t("📩 {reference} · from her:").format(reference=format_reference(entry.case_id))
    if entry.media_kind == "text" or not entry.file_id:
        text = f"{header}\n{entry.text or ''}" if headed else entry.text or ""
        message = await data.notifier.send(
            chat_id, text[:4096], sensitive=sensitive, reply_to=reply_to
        )
    else:
        message = await data.notifier.send_media(
            chat_id,
            entry.media_kind,
            entry.file_id,
            f"{header}\n{entry.text or ''}".strip() if headed else entry.text,
            sensitive=sensitive,
            reply_to=reply_to,
        )
    staff_posts.link(
        session,
        chat_id=chat_id,
        message_id=message.message_id,
        case_id=entry.case_id,
        purpose=staff_posts.HER_COPY,
        now=now,
    )


async def copy_her_media(
    data: BotData,
    session: AsyncSession,
    t: Translator,
    chat_id: int,
    case: Case,
    *,
    reply_to: int | None,
    sensitive: bool,
    now: datetime,
    headed: bool = True,
) -> int:
    """Copy the photos, voice notes and files of her report to a staff chat; how many."""
    copied = 0
    for entry in case.entries:
        if entry.kind == EntryKind.HER_MESSAGE and entry.file_id:
            await copy_her_message(
                data,
                session,
                t,
                chat_id,
                entry,
                reply_to=reply_to,
                sensitive=sensitive,
                now=now,
                headed=headed,
            )
            copied += 1
    return copied
