"""Women who consented: profile, language, activity, and deleting their data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    AnonymousCount,
    ConversationState,
    User,
)

AGE_GROUPS = ("under18", "18_29", "30_59", "60plus")
MAX_NAME_LENGTH = 64
MAX_COMMUNITY_LENGTH = 64


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def load_user(session: AsyncSession, user_id: int) -> User | None:
    """Her row, with her conversation state loaded into the session too (one query).

    Nearly every update needs both; later `session.get` calls then cost no query.
    """
    row = (
        await session.execute(
            select(User, ConversationState)
            .outerjoin(ConversationState, ConversationState.user_id == User.id)
            .where(User.id == user_id)
        )
    ).first()
    return row[0] if row is not None else None


async def give_consent(session: AsyncSession, user_id: int, locale: str, now: datetime) -> User:
    """Record her consent; from now on the office may keep her data."""
    user = await session.get(User, user_id)
    if user is None:
        user = User(id=user_id, locale=locale, consent_at=now, created_at=now, active=True)
        session.add(user)
        await session.flush()
    return user


def update_profile(
    user: User,
    *,
    name: str | None = None,
    community: str | None = None,
    age_group: str | None = None,
    phone: str | None = None,
) -> None:
    if name is not None:
        user.name = name.strip()[:MAX_NAME_LENGTH]
    if community is not None:
        user.community = community.strip()[:MAX_COMMUNITY_LENGTH]
    if age_group is not None:
        if age_group not in AGE_GROUPS:
            raise ValueError(f"unknown age group {age_group!r}")
        user.age_group = age_group
    if phone is not None:
        user.phone = phone.strip()[:32]


def finish_registration(user: User, now: datetime) -> None:
    if user.registered_at is None:
        user.registered_at = now
    # Registration asks her people, language and disability before this (bot.people.
    # her_identity): only women registered before that are asked later, once.
    if user.identity_asked_at is None:
        user.identity_asked_at = now


async def set_active(session: AsyncSession, user_id: int, active: bool) -> None:
    """Mark her inactive when she blocked the bot, active again when she writes."""
    await session.execute(update(User).where(User.id == user_id).values(active=active))


async def increment_count(session: AsyncSession, key: str) -> None:
    counter = await session.get(AnonymousCount, key)
    if counter is None:
        session.add(AnonymousCount(key=key, value=1))
    else:
        counter.value += 1
