"""Messages queued for staff chats, and which case each staff message belongs to.

Posting to the staff group goes through this queue because Telegram allows about
20 messages a minute into one group: a burst of reports must wait its turn in the
database, not in memory and not in the woman's conversation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Case, LinkPurpose, StaffMessageLink, StaffPost, StaffPostKind

NEW_CASE = StaffPostKind.NEW_CASE
HER_MESSAGE = StaffPostKind.HER_MESSAGE
NEW_APPOINTMENT = StaffPostKind.NEW_APPOINTMENT
APPOINTMENT_CHANGED = StaffPostKind.APPOINTMENT_CHANGED
ERASED = StaffPostKind.ERASED

# Purposes of a linked staff message: what a staff reply to it means.
CARD = LinkPurpose.CARD
REPLY_PROMPT = LinkPurpose.REPLY_PROMPT
NOTE_PROMPT = LinkPurpose.NOTE_PROMPT
HER_COPY = LinkPurpose.HER_COPY
DETAILS = LinkPurpose.DETAILS
RELAYING_PURPOSES = frozenset({CARD, REPLY_PROMPT, HER_COPY, DETAILS})


def enqueue(
    session: AsyncSession,
    *,
    kind: StaffPostKind,
    now: datetime,
    case_id: int | None = None,
    entry_id: int | None = None,
    appointment_id: int | None = None,
) -> StaffPost:
    post = StaffPost(
        kind=kind,
        case_id=case_id,
        entry_id=entry_id,
        appointment_id=appointment_id,
        created_at=now,
    )
    session.add(post)
    return post


async def pending(session: AsyncSession, limit: int) -> Sequence[StaffPost]:
    """What waits to be posted, urgent cases first (a case of an urgent category goes
    before everything else in the queue), then in the order it came."""
    urgent = func.coalesce(Case.urgent, False)
    return (
        await session.scalars(
            select(StaffPost)
            .outerjoin(Case, Case.id == StaffPost.case_id)
            .where(StaffPost.sent_at.is_(None))
            .order_by(urgent.desc(), StaffPost.id)
            .limit(limit)
        )
    ).all()


async def waiting(session: AsyncSession) -> int:
    """How many posts wait in the queue."""
    count = await session.scalar(
        select(func.count()).select_from(StaffPost).where(StaffPost.sent_at.is_(None))
    )
    return int(count or 0)


async def group_messages_since(session: AsyncSession, since: datetime) -> int:
    count = await session.scalar(
        select(func.coalesce(func.sum(StaffPost.group_messages), 0)).where(
            StaffPost.sent_at >= since
        )
    )
    return int(count or 0)


def link(
    session: AsyncSession,
    *,
    chat_id: int,
    message_id: int,
    case_id: int,
    purpose: LinkPurpose,
    now: datetime,
) -> None:
    session.add(
        StaffMessageLink(
            chat_id=chat_id, message_id=message_id, case_id=case_id, purpose=purpose, created_at=now
        )
    )


async def links_of_case(session: AsyncSession, case_id: int) -> Sequence[StaffMessageLink]:
    return (
        await session.scalars(
            select(StaffMessageLink)
            .where(StaffMessageLink.case_id == case_id)
            .order_by(StaffMessageLink.chat_id, StaffMessageLink.message_id)
        )
    ).all()


async def forget_links(session: AsyncSession, case_id: int, purposes: Sequence[str]) -> None:
    await session.execute(
        delete(StaffMessageLink).where(
            StaffMessageLink.case_id == case_id, StaffMessageLink.purpose.in_(list(purposes))
        )
    )


async def find_link(
    session: AsyncSession, chat_id: int, message_id: int
) -> StaffMessageLink | None:
    return await session.get(StaffMessageLink, (chat_id, message_id))
