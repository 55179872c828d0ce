"""The network's sweep: close those whose time came, keep the staff cards up to
date, and send the network's notices (questions, results, proposal news).

- Closing (bot.network.service_consultations.close) queues the results for those who
  took part, in the same transaction.
- A card is edited at most every CARD_EVERY seconds, when an answer came since it was
  last shown (the consultation's `card_dirty`): the staff group takes about 20 messages
  a minute, edits included. A failed edit is logged and tried again at the next change.
- Notices follow the announcements' lifecycle (bot.core.mass_send): claim a chunk and
  commit; render each in her language as things are now (a question whose consultation
  closed meanwhile is not sent); arm and commit; send within the broadcast rate (the
  limiter shared with announcements); record the outcomes together. A killed process's
  armed notices become unknown at the next start (bot.core.claims), never sent twice.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.error import BadRequest, TelegramError

from bot.core import mass_send
from bot.core.context import BotContext, BotData
from bot.core.mass_send import Rendered
from bot.db.models import Consultation, NetworkNotice, NetworkNoticeKind, User
from bot.network import service_consultations as consultations
from bot.network import service_participation_notices as notices
from bot.network import views_consultations as views
from bot.network import views_proposals as proposal_views

log = logging.getLogger(__name__)

CARD_EVERY = timedelta(seconds=5)
CHUNK_SECONDS = 0.2
MAX_IN_FLIGHT = 32


def _token(context: BotContext) -> str:
    job = context.job
    token = job.data if job is not None else None
    assert isinstance(token, str), "the network job needs its claim token as job data"
    return token


async def sweep_consultations(context: BotContext) -> None:
    """The job: close due consultations, refresh the cards, send pending notices."""
    data = context.bot_data
    async with data.session_factory() as session, session.begin():
        closed = await consultations.close_due(session, data.clock.now())
    if closed:
        log.info("consultations closed: %s", closed)
    await _refresh_cards(data)
    await _send_notices(context, data, _token(context))


async def _refresh_cards(data: BotData) -> None:
    t = data.catalogs.get(data.settings.default_locale)
    async with data.session_factory() as session:
        due = await consultations.cards_due(session, data.clock.now(), CARD_EVERY)
        cards = [
            (
                c.id,
                c.card_chat_id,
                c.card_message_id,
                views.card_text(t, c, await consultations.results(session, c)),
                views.card_keyboard(t, c),
            )
            for c in due
        ]
    for consultation_id, chat_id, message_id, text, markup in cards:
        assert chat_id is not None and message_id is not None
        try:
            await data.notifier.bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                log.warning("consultation %s: card refused: %s", consultation_id, exc)
        except TelegramError as exc:
            log.warning("consultation %s: card not edited: %s", consultation_id, exc)
            continue
        async with data.session_factory() as session, session.begin():
            await consultations.card_shown(session, consultation_id, data.clock.now())


async def _send_notices(context: BotContext, data: BotData, token: str) -> None:
    limiter = data.broadcast_pace
    chunk = max(1, math.ceil(data.settings.broadcast_messages_per_second * CHUNK_SECONDS))
    while context.application.running:
        async with data.session_factory() as session, session.begin():
            claimed = await notices.claim_batch(session, data.clock.now(), token, chunk)
            if not claimed:
                return
            ready, skipped = await _render(data, session, claimed)
            await notices.mark_failed(
                session, skipped, token, data.clock.now(), "skipped: closed or she left"
            )
        async with data.session_factory() as session, session.begin():
            await notices.begin_attempt(session, [r.row_id for r in ready], token, data.clock.now())
            armed = await notices.attempting_ids(session, [r.row_id for r in ready], token)
        outcomes = await mass_send.send_rendered(
            data.notifier,
            [r for r in ready if r.row_id in armed],
            limiter,
            lambda: context.application.running,
            paid=data.settings.broadcast_paid,
            what="network notice",
            max_in_flight=MAX_IN_FLIGHT,
        )
        async with data.session_factory() as session, session.begin():
            await mass_send.record(session, notices, token, data.clock.now(), outcomes)


async def _render(
    data: BotData, session: AsyncSession, claimed: list[NetworkNotice]
) -> tuple[list[Rendered], list[int]]:
    now = data.clock.now()
    ready, skipped = [], []
    for notice in claimed:
        user = await session.get(User, notice.user_id)
        if notice.kind == NetworkNoticeKind.PROPOSAL.value and user is not None and user.active:
            t = data.catalogs.get(user.locale)
            assert notice.proposal_id is not None
            ready.append(
                Rendered(
                    notice.id,
                    notice.user_id,
                    proposal_views.notice_text(t),
                    proposal_views.notice_keyboard(t, notice.proposal_id),
                )
            )
            continue
        consultation = (
            await session.get(Consultation, notice.consultation_id)
            if notice.consultation_id is not None
            else None
        )
        if user is None or not user.active or consultation is None:
            skipped.append(notice.id)
            continue
        t = data.catalogs.get(user.locale)
        if notice.kind == NetworkNoticeKind.CONSULTATION.value:
            if not consultations.is_open(consultation, now):
                skipped.append(notice.id)
                continue
            leader = await consultations.is_leader(session, user.id)
            text = views.question_text(t, consultation, None)
            markup = views.question_keyboard(t, consultation, None, leader=leader)
        elif notice.kind == NetworkNoticeKind.RESULTS.value:
            text = views.results_for_her(
                t, consultation, await consultations.results(session, consultation)
            )
            markup = views.after_results_keyboard(t)
        else:
            skipped.append(notice.id)
            continue
        ready.append(Rendered(notice.id, notice.user_id, text, markup))
    return ready, skipped
