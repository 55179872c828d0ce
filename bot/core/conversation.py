"""Where a woman is in a multi-step flow, stored so that restarts lose nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ConversationState


async def get_state(session: AsyncSession, user_id: int) -> ConversationState | None:
    return await session.get(ConversationState, user_id)


async def set_state(
    session: AsyncSession, user_id: int, step: str, data: dict[str, Any], now: datetime
) -> ConversationState:
    state = await session.get(ConversationState, user_id)
    if state is None:
        state = ConversationState(user_id=user_id, step=step, data=dict(data), updated_at=now)
        session.add(state)
    else:
        state.step = step
        # Assign a new dict: JSON columns do not notice changes made in place.
        state.data = dict(data)
        state.updated_at = now
    await session.flush()
    return state


async def clear_state(session: AsyncSession, user_id: int) -> None:
    # Through the ORM, so a state already loaded in this session is forgotten too.
    state = await session.get(ConversationState, user_id)
    if state is not None:
        await session.delete(state)
        await session.flush()
