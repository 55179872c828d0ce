"""Post queued case cards and her new messages to staff, within the group's rate limit.

Telegram allows about 20 messages a minute into one group; the budget is counted
from the database, so it holds across restarts.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.error import BadRequest, RetryAfter, TelegramError

from bot.appointments import card as appointment_card
from bot.cases import card as staff_card
from bot.cases import posts as staff_posts
from bot.cases import service as cases
from bot.core.context import BotContext, BotData
from bot.core.notify import RecipientGone
from bot.db.models import CaseEntry, StaffPost

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


async def deliver_staff_posts(context: BotContext) -> None:
    data = context.bot_data
    if data.staff_group.chat_id is None:
        return  # cases wait in the queue until a staff group is linked (/vincular)
    now = data.clock.now()
    async with data.session_factory() as session:
        budget = data.settings.staff_messages_per_minute - await staff_posts.group_messages_since(
            session, now - timedelta(minutes=1)
        )
        posts = await staff_posts.pending(session, limit=max(budget, 0))
        post_ids = [p.id for p in posts]
        await session.commit()
    for post_id in post_ids:
        if budget <= 0:
            return
        try:
            budget -= await _deliver(data, post_id)
        except RetryAfter:
            # Telegram wants us to slow down: the rest waits for the next sweep.
            return


async def _deliver(data: BotData, post_id: int) -> int:
    """Send one post; returns how many group messages it used."""
    async with data.session_factory() as session:
        post = await session.get(StaffPost, post_id)
        if post is None or post.sent_at is not None:
            return 0
        try:
            used = await _send(data, session, post)
        except RetryAfter:
            await session.rollback()
            raise
        except (TelegramError, RecipientGone):
            log.exception("could not post to staff (post %s); is STAFF_CHAT_ID right?", post_id)
            await session.rollback()
            post = await session.get(StaffPost, post_id)
            assert post is not None
            post.attempts += 1
            if post.attempts >= MAX_ATTEMPTS:
                post.sent_at = data.clock.now()
            await session.commit()
            return 1
        post.sent_at = data.clock.now()
        post.group_messages = used
        await session.commit()
        return used


async def _send(data: BotData, session: AsyncSession, post: StaffPost) -> int:
    settings, notifier = data.settings, data.notifier
    t = data.catalogs.get(settings.default_locale)
    now = data.clock.now()
    group = data.staff_group.linked_chat_id
    if post.kind in (staff_posts.NEW_APPOINTMENT, staff_posts.APPOINTMENT_CHANGED):
        return await appointment_card.deliver_staff_post(data, session, post)
    case = await cases.get_case(session, post.case_id) if post.case_id is not None else None
    if case is None:
        return 0
    if post.kind == staff_posts.ERASED:
        return await _erase(data, session, post, case.reference)
    if case.user_id is None:
        # She deleted her data before this went out: there is nothing of hers to show.
        return 0
    entry = await session.get(CaseEntry, post.entry_id) if post.entry_id is not None else None
    # Everything is loaded: end the read so Telegram's latency never holds the database.
    await session.commit()
    if post.kind == staff_posts.NEW_CASE:
        card = await staff_card.post(data, session, t, case, now)
        if case.sensitive:
            return 1
        return 1 + await staff_card.copy_her_media(
            data, session, t, group, case, reply_to=card.message_id, sensitive=False, now=now
        )
    if entry is None:
        return 0
    if not case.sensitive:
        await staff_card.copy_her_message(
            data,
            session,
            t,
            group,
            entry,
            reply_to=case.staff_card_message_id,
            sensitive=False,
            now=now,
        )
        return 1
    await notifier.send(
        group,
        t("🔒 {reference}: she added information (only for the assigned person).").format(
            reference=case.reference
        ),
        reply_to=case.staff_card_message_id,
    )
    if case.assignee_id is not None:
        try:
            await staff_card.copy_her_message(
                data, session, t, case.assignee_id, entry, reply_to=None, sensitive=True, now=now
            )
        except RecipientGone:
            log.warning("assigned staff member has no private chat with the bot")
    return 1


# What a staff message about an erased case becomes when it can no longer be deleted.
_REMOVABLE = (staff_posts.HER_COPY, staff_posts.DETAILS)


async def _erase(data: BotData, session: AsyncSession, post: StaffPost, reference: str) -> int:
    """She deleted her data: the card becomes one neutral line without buttons; copies of
    her messages and the details sent to staff are deleted.

    Telegram lets a bot delete its messages for 48 hours only; an older copy is edited
    to the neutral line instead (a photo or voice note keeps its media, its caption is
    replaced). Staff members' own messages in the group are theirs and stay. Safe to
    repeat: a message already deleted or already neutral is left as it is.
    """
    assert post.case_id is not None
    t = data.catalogs.get(data.settings.default_locale)
    neutral = t("🗑️ {reference} — deleted at her request").format(reference=reference)
    links = [
        (link.chat_id, link.message_id, link.purpose)
        for link in await staff_posts.links_of_case(session, post.case_id)
    ]
    await session.commit()
    bot = data.notifier.bot
    used = 0
    for chat_id, message_id, purpose in links:
        if purpose == staff_posts.CARD:
            with contextlib.suppress(BadRequest):
                await bot.edit_message_text(neutral, chat_id=chat_id, message_id=message_id)
        elif purpose in _REMOVABLE:
            await _delete_or_neutralise(bot, chat_id, message_id, neutral)
        else:
            continue  # prompts name only the reference
        if chat_id == data.staff_group.chat_id:
            used += 1
    await staff_posts.forget_links(session, post.case_id, _REMOVABLE)
    return used


async def _delete_or_neutralise(bot: Any, chat_id: int, message_id: int, neutral: str) -> None:
    try:
        await bot.delete_message(chat_id, message_id)
        return
    except BadRequest as exc:
        if "not found" in str(exc).lower():
            return
        log.info("could not delete an erased case's message (%s); editing it", exc)
    try:
        await bot.edit_message_text(neutral, chat_id=chat_id, message_id=message_id)
        return
    except BadRequest as exc:
        if "no text" not in str(exc).lower():
            return  # not modified (already neutral), or gone
    with contextlib.suppress(BadRequest):
        await bot.edit_message_caption(chat_id=chat_id, message_id=message_id, caption=neutral)
