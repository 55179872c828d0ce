"""Drafts staff compose step by step (a new activity, an announcement).

A draft lives in the database, so a restart in the middle of composing loses
nothing. The bot's latest question is remembered (`prompt_message_id`): a reply to
it is the answer to the current step. Only the author continues her own draft.
Services take the session and never commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import DraftKind, StaffDraft

# Drafts untouched for this long are forgotten by housekeeping.
DRAFT_LIFETIME = timedelta(days=7)


async def start(
    session: AsyncSession,
    *,
    kind: DraftKind,
    chat_id: int,
    author_id: int,
    now: datetime,
    step: str = "",
    data: dict[str, Any] | None = None,
) -> StaffDraft:
    draft = StaffDraft(
        kind=kind,
        chat_id=chat_id,
        author_id=author_id,
        step=step,
        data=dict(data or {}),
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    await session.flush()
    return draft


async def get(
    session: AsyncSession, draft_id: int, kind: DraftKind | None = None
) -> StaffDraft | None:
    draft = await session.get(StaffDraft, draft_id)
    if draft is None or (kind is not None and draft.kind != kind):
        return None
    return draft


async def for_prompt(session: AsyncSession, chat_id: int, message_id: int) -> StaffDraft | None:
    """The draft whose current question is this message, if any."""
    return await session.scalar(
        select(StaffDraft).where(
            StaffDraft.chat_id == chat_id, StaffDraft.prompt_message_id == message_id
        )
    )


def update(
    draft: StaffDraft,
    now: datetime,
    *,
    step: str | None = None,
    prompt_message_id: int | None = None,
    **data: Any,
) -> StaffDraft:
    """Move the draft to `step` and/or merge `data` into it (a new dict, so JSON notices)."""
    if step is not None:
        draft.step = step
    if prompt_message_id is not None:
        draft.prompt_message_id = prompt_message_id
    if data:
        merged = dict(draft.data or {})
        merged.update(data)
        draft.data = merged
    draft.updated_at = now
    return draft


async def discard(session: AsyncSession, draft: StaffDraft) -> None:
    await session.delete(draft)
    await session.flush()


async def purge_stale(session: AsyncSession, now: datetime) -> int:
    result: Any = await session.execute(
        delete(StaffDraft)
        .where(StaffDraft.updated_at < now - DRAFT_LIFETIME)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
