"""An activity's card in the staff group, and telling the women going when it changes.

Shared by the creation/edit wizard (staff_draft.py) and the card's buttons
(staff_activities.py). Notices to women are rows written in the staff member's own
transaction (bot.activities.service_notices), sent by a sweep in each woman's language
within the broadcast rate (bot.activities.jobs_notices): pressing a button never waits
on a long list, and a restart loses none.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.activities import service_notices as activity_notices
from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.activities import views_staff as cards
from bot.core.context import BotContext
from bot.core.drafting import staff_t
from bot.core.errors import NotFound

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
    series = await activities.find_activity(session, activity_id)
    assert series is not None
    going, waiting = await signups.counts(session, activity_id, occurrence.key)
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
    return await context.send(context.staff_chat_id, text, markup)


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
                chat_id=context.staff_chat_id,
                message_id=message_id,
                reply_markup=markup,
            )
            return
    await context.send(context.staff_chat_id, text, markup)


async def next_key(context: BotContext, activity_id: int) -> datetime | None:
    dates = await activities.next_dates(
        context.session, activity_id, context.now(), context.settings.timezone
    )
    return dates[0].key if dates else None


# ── Telling the women ──────────────────────────────────────────────────────────


async def queue_changed(
    context: BotContext, activity_id: int, dates: dict[int, datetime], change: str
) -> int:
    """A notice for each woman going (→ her date's key), sent by a sweep; how many."""
    return await activity_notices.queue_changed(
        context.session, activity_id, dates, change, context.now()
    )


async def queue_cancelled(
    context: BotContext,
    activity_id: int,
    user_ids: Sequence[int],
    title: str,
    when: datetime | None,
) -> int:
    """A notice for each woman going that her date (None: every date) was cancelled."""
    return await activity_notices.queue_cancelled(
        context.session, activity_id, user_ids, title, when, context.now()
    )
