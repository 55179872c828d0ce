"""The women's network: joining and leaving."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import NetworkMember

NETWORK_ROLES = ("leader", "member", "promoter")


async def get_membership(session: AsyncSession, user_id: int) -> NetworkMember | None:
    return await session.get(NetworkMember, user_id)


async def join(
    session: AsyncSession,
    user_id: int,
    *,
    organization: str | None,
    community: str,
    role: str,
    now: datetime,
) -> NetworkMember:
    if role not in NETWORK_ROLES:
        raise ValueError(f"unknown network role {role!r}")
    member = await session.get(NetworkMember, user_id)
    if member is None:
        member = NetworkMember(user_id=user_id, joined_at=now, community=community, role=role)
        session.add(member)
    member.organization = organization.strip()[:128] if organization else None
    member.community = community[:128]
    member.role = role
    return member


async def leave(session: AsyncSession, user_id: int) -> bool:
    result = await session.execute(delete(NetworkMember).where(NetworkMember.user_id == user_id))
    return bool(getattr(result, "rowcount", 0))
