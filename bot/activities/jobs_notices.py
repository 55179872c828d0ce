"""Send the notices telling women that an activity changed or was cancelled, at most once.

Each run: claim a chunk of pending notices and commit; render each in her language as
the activity is now (a changed date that no longer exists shows the next one; none →
not sent); arm the chunk and commit; send within the broadcast rate — the limiter is
shared with announcements, so together they stay within BROADCAST_MESSAGES_PER_SECOND
— and record the outcomes in one transaction, with the announcements' code
(bot.core.mass_send): a 429 gives the notice back and pauses; she blocked the bot →
blocked (and inactive); refused → failed; no answer → unknown, never sent again; a
killed process's armed notices become unknown at the next start (bot.core.claims), its
claimed ones pending.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_club as club
from bot.activities import service_notices as notices
from bot.activities import service_series as activities
from bot.activities import views_club as club_texts
from bot.activities import views_notices as texts
from bot.core import mass_send
from bot.core.context import BotContext, BotData
from bot.core.errors import NotFound
from bot.core.mass_send import Rendered
from bot.db.models import ActivityNotice, NoticeKind, User

log = logging.getLogger(__name__)

# Notices claimed at once: about this many seconds' worth of the rate.
CHUNK_SECONDS = 0.2
MAX_IN_FLIGHT = 32


def _token(context: BotContext) -> str:
    job = context.job
    token = job.data if job is not None else None
    assert isinstance(token, str), "the notices job needs its claim token as job data"
    return token


async def send_activity_notices(context: BotContext) -> None:
    """The job: send pending notices until none is left or the bot stops."""
    data = context.bot_data
    await mass_send.send_pending(
        data,
        notices,
        lambda session, rows: _render(data, session, rows),
        _token(context),
        lambda: context.application.running,
        what="activity notice",
        skipped="skipped: date gone or she left",
        chunk_seconds=CHUNK_SECONDS,
        max_in_flight=MAX_IN_FLIGHT,
    )


async def _render(
    data: BotData, session: AsyncSession, claimed: Sequence[ActivityNotice]
) -> tuple[list[Rendered], list[int]]:
    tz, now = data.settings.timezone, data.clock.now()
    ready, skipped = [], []
    for notice in claimed:
        user = await session.get(User, notice.user_id)
        if user is None or not user.active:
            skipped.append(notice.id)
            continue
        t = data.catalogs.get(user.locale)
        # A club session and she chose discreet messages: neutral, silent.
        discreet = await club.is_discreet(session, notice.user_id, notice.activity_id)
        if notice.kind == NoticeKind.CANCELLED.value:
            text = (
                club_texts.neutral_cancelled(t, notice.occurrence_key)
                if discreet
                else texts.cancelled_for_her(t, notice.title or "", notice.occurrence_key)
            )
            markup = texts.activities_for_her(t)
        else:
            occurrence = await _her_date(session, notice, now, tz)
            if occurrence is None:
                skipped.append(notice.id)
                continue
            text = (
                club_texts.neutral_changed(t) if discreet else texts.changed_for_her(t, occurrence)
            )
            markup = texts.details_for_her(t, notice.activity_id, occurrence.key)
        ready.append(Rendered(notice.id, notice.user_id, text, markup, sensitive=discreet))
    return ready, skipped


async def _her_date(
    session: AsyncSession, notice: ActivityNotice, now: datetime, tz: ZoneInfo
) -> activities.Occurrence | None:
    """Her date as it is now; if it no longer exists (the series moved), the next one."""
    activity_id = notice.activity_id
    try:
        if notice.occurrence_key is not None:
            return await activities.get_occurrence(session, activity_id, notice.occurrence_key, tz)
    except NotFound:
        pass
    try:
        dates = await activities.next_dates(session, activity_id, now, tz)
        return dates[0] if dates else None
    except NotFound:
        return None
