"""Who counts as staff, and who may see a sensitive case's details."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Case, StaffMember


async def is_staff(session: AsyncSession, user_id: int, admin_ids: Collection[int]) -> bool:
    """Asked of the database each time (a query, not the session's identity map), so a
    removal made since, even by another transaction, counts at once."""
    if user_id in admin_ids:
        return True
    found = await session.scalar(select(StaffMember.user_id).where(StaffMember.user_id == user_id))
    return found is not None


def may_see_details(case: Case, user_id: int, admin_ids: Collection[int]) -> bool:
    """Sensitive cases: only the assigned staff member and admins see details."""
    if not case.sensitive:
        return True
    return user_id in admin_ids or (case.assignee_id is not None and case.assignee_id == user_id)


async def add_staff(
    session: AsyncSession, user_id: int, display_name: str, added_by: int, now: datetime
) -> StaffMember:
    member = await session.get(StaffMember, user_id)
    if member is None:
        member = StaffMember(
            user_id=user_id, display_name=display_name[:128], added_by=added_by, added_at=now
        )
        session.add(member)
    else:
        member.display_name = display_name[:128]
    return member


async def remove_staff(session: AsyncSession, user_id: int) -> bool:
    result = await session.execute(delete(StaffMember).where(StaffMember.user_id == user_id))
    return bool(getattr(result, "rowcount", 0))


async def list_staff(session: AsyncSession) -> Sequence[StaffMember]:
    return (await session.scalars(select(StaffMember).order_by(StaffMember.display_name))).all()


async def display_names(session: AsyncSession, user_ids: Collection[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = await session.scalars(select(StaffMember).where(StaffMember.user_id.in_(user_ids)))
    return {m.user_id: m.display_name for m in rows}
