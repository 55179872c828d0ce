"""Which kinds of activity she hears about (announcements of new activities).

Services take the session and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities.service_series import ALL_KINDS
from bot.core.errors import InvalidInput
from bot.db.models import ActivitySubscription

# Stored as her only subscription row when she wants to hear about no kind at all
# (no rows at all means every kind).
NO_KINDS = "none"


async def subscriptions(session: AsyncSession, user_id: int) -> frozenset[str]:
    """The kinds she hears about: every kind unless she chose."""
    kinds = set(
        (
            await session.scalars(
                select(ActivitySubscription.kind).where(ActivitySubscription.user_id == user_id)
            )
        ).all()
    )
    if not kinds:
        return ALL_KINDS
    return frozenset(kinds & ALL_KINDS)


async def set_subscriptions(
    session: AsyncSession, user_id: int, kinds: Iterable[str]
) -> frozenset[str]:
    chosen = frozenset(kinds)
    unknown = chosen - ALL_KINDS
    if unknown:
        raise InvalidInput(f"unknown activity kinds {sorted(unknown)}")
    await session.execute(
        delete(ActivitySubscription).where(ActivitySubscription.user_id == user_id)
    )
    if chosen != ALL_KINDS:
        rows = sorted(chosen) or [NO_KINDS]
        session.add_all(ActivitySubscription(user_id=user_id, kind=k) for k in rows)
    await session.flush()
    return chosen
