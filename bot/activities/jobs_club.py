"""Invite the women following their pregnancy to the club's sessions, at most once each.

Each run: in one transaction, erase due dates long past and write the invitations that
became due (bot.activities.service_club.write_due); then, like activity notices
(bot.activities.jobs_notices): claim a chunk and commit; render each in her language as
things are now (she stopped them, removed her date, signed up meanwhile, or the session
is gone → not sent); arm and commit; send within the broadcast rate (the limiter shared
with announcements); record the outcomes together (bot.core.mass_send). A killed
process's armed invitations become unknown at the next start (bot.core.claims): never
sent twice.

A discreet invitation says only "you have a new message" and is sent silently and
protected; its "read" button shows the session in the chat.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_club as club
from bot.activities import views_club as views
from bot.core import mass_send
from bot.core.context import BotContext, BotData
from bot.core.mass_send import Rendered
from bot.core.reminder_delivery import job_token
from bot.db.models import ClubInvitation


async def send_club_invitations(context: BotContext) -> None:
    """The job: write the invitations due, then send them until none is left."""
    data, token = context.bot_data, job_token(context)
    tz = data.settings.timezone
    async with data.session_factory() as session, session.begin():
        await club.expire_dates(session, data.clock.now(), tz)
        await club.write_due(session, data.clock.now(), tz)
    await mass_send.send_pending(
        data,
        club,
        lambda session, rows: _render(data, session, rows),
        token,
        lambda: context.application.running,
        what="club invitation",
        skipped="skipped: no longer wanted",
    )


async def _render(
    data: BotData, session: AsyncSession, claimed: Sequence[ClubInvitation]
) -> tuple[list[Rendered], list[int]]:
    ready, skipped = [], []
    for row in claimed:
        invitation = await club.still_wanted(session, row, data.clock.now(), data.settings.timezone)
        if invitation is None:
            skipped.append(row.id)
            continue
        t = data.catalogs.get(invitation.locale)
        if invitation.discreet:
            ready.append(
                Rendered(
                    row.id,
                    row.user_id,
                    views.neutral_text(t),
                    views.read_keyboard(t, row.id),
                    sensitive=True,
                )
            )
        else:
            ready.append(
                Rendered(
                    row.id,
                    row.user_id,
                    views.invitation_text(t, invitation),
                    views.invitation_keyboard(t, invitation.occurrence),
                )
            )
    return ready, skipped
