"""An activity's card in the staff group, and telling the women going when it changes.

Shared by the creation/edit wizard (staff_activity_draft) and the card's buttons
(staff_activities). Notices to women are sent in each woman's own language; a handful
are sent while the update is handled, the rest by a background task (each with its own
session), so pressing a button never waits on a long list.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot import activity_cards as cards
from bot import activity_notices as her_texts
from bot.context import BotContext
from bot.db.models import Activity, User
from bot.handlers.drafting import staff_t
from bot.i18n import Translator
from bot.notify import Notifier
from bot.services import activities
from bot.services.activities import Occurrence
from bot.services.errors import NotFound

log = logging.getLogger(__name__)
# Sent before the staff member's button is answered; more go in the background.
INLINE_NOTICES = 25
LATER_DATES_ON_CARD = 3


def activity_link(context: BotContext, activity_id: int) -> str:
    """The deep link of the whole activity: a poster for a series stays valid."""
    payload = activities.deep_link_payload(activity_id)
    return f"https://t.me/{context.bot_data.bot_username}?start={payload}"


async def card_view(
    context: BotContext, activity_id: int, key: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    """The card of one date (NotFound when the activity or date is gone or cancelled)."""
    session, tz, t = context.session, context.settings.timezone, staff_t(context)
    occurrence = await activities.get_occurrence(session, activity_id, key, tz)
    series = await session.get(Activity, activity_id)
    assert series is not None
    going, waiting = await activities.counts(session, activity_id, occurrence.key)
    later: list[datetime] = []
    if series.rrule is not None:
        dates = await activities.next_dates(session, activity_id, context.now(), tz)
        later = [d.starts_at for d in dates if d.key != occurrence.key][:LATER_DATES_ON_CARD]
    text = cards.card_text(
        t,
        occurrence,
        series,
        going=going,
        waiting=waiting,
        link=activity_link(context, activity_id),
        later=later,
    )
    return text, cards.card_keyboard(t, activity_id, occurrence.key)


async def post_card(context: BotContext, activity_id: int, key: datetime) -> Message:
    text, markup = await card_view(context, activity_id, key)
    return await context.send(context.settings.staff_chat_id, text, markup)


async def redraw_card(
    context: BotContext, message_id: int | None, activity_id: int, key: datetime
) -> None:
    """Re-draw a card in place (a new one when it cannot be edited); nothing if it is gone."""
    try:
        text, markup = await card_view(context, activity_id, key)
    except NotFound:
        return
    if message_id is not None:
        with contextlib.suppress(BadRequest):
            await context.bot.edit_message_text(
                text,
                chat_id=context.settings.staff_chat_id,
                message_id=message_id,
                reply_markup=markup,
            )
            return
    await context.send(context.settings.staff_chat_id, text, markup)


async def next_key(context: BotContext, activity_id: int) -> datetime | None:
    dates = await activities.next_dates(
        context.session, activity_id, context.now(), context.settings.timezone
    )
    return dates[0].key if dates else None


# ── Telling the women ──────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Notice:
    user_id: int
    text: str
    markup: InlineKeyboardMarkup


async def _her_translators(context: BotContext, user_ids: Sequence[int]) -> dict[int, Translator]:
    """Her language, for the women who can still be written to."""
    found = {}
    for user_id in user_ids:
        user = await context.session.get(User, user_id)
        if user is not None and user.active:
            found[user_id] = context.bot_data.catalogs.get(user.locale)
    return found


async def changed_notices(
    context: BotContext, activity_id: int, dates: dict[int, datetime]
) -> list[Notice]:
    """For each woman (→ her date's key): the date as it is now, and a button to see it."""
    session, tz = context.session, context.settings.timezone
    fallback = await next_key(context, activity_id)
    found = []
    for user_id, her_t in (await _her_translators(context, list(dates))).items():
        key = dates[user_id]
        occurrence: Occurrence | None
        try:
            occurrence = await activities.get_occurrence(session, activity_id, key, tz)
        except NotFound:
            # Her date no longer exists (the series moved): show the next one.
            occurrence = None
            if fallback is not None:
                occurrence = await activities.get_occurrence(session, activity_id, fallback, tz)
        if occurrence is None:
            continue
        found.append(
            Notice(
                user_id,
                her_texts.changed_for_her(her_t, occurrence),
                her_texts.details_for_her(her_t, activity_id, occurrence.key),
            )
        )
    return found


async def cancelled_notices(
    context: BotContext, user_ids: Sequence[int], title: str, when: datetime | None
) -> list[Notice]:
    return [
        Notice(
            user_id,
            her_texts.cancelled_for_her(her_t, title, when),
            her_texts.activities_for_her(her_t),
        )
        for user_id, her_t in (await _her_translators(context, user_ids)).items()
    ]


async def tell_women(context: BotContext, notices: Sequence[Notice]) -> int:
    """Send the notices: the first INLINE_NOTICES now, the rest in the background.

    Returns how many were sent now or queued."""
    now_batch, later = notices[:INLINE_NOTICES], notices[INLINE_NOTICES:]
    for notice in now_batch:
        await context.notifier.to_woman(context.session, notice.user_id, notice.text, notice.markup)
    if later:
        context.application.create_task(
            _send_later(context.bot_data.session_factory, context.notifier, later),
            name="activity-notices",
        )
    return len(notices)


async def _send_later(
    factory: async_sessionmaker[AsyncSession], notifier: Notifier, notices: Sequence[Notice]
) -> None:
    for notice in notices:
        try:
            async with factory() as session:
                await notifier.to_woman(session, notice.user_id, notice.text, notice.markup)
                await session.commit()
        except Exception:  # one failure must not stop the others
            log.exception("could not send an activity notice")
