"""The audit log: every staff view or change of a case, and refused attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEvent


def record(
    session: AsyncSession,
    *,
    actor_id: int | None,
    action: str,
    now: datetime,
    case_id: int | None = None,
    detail: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=now, actor_id=actor_id, action=action, case_id=case_id, detail=(detail or None)
    )
    session.add(event)
    return event


async def events(
    session: AsyncSession, *, case_id: int | None = None, actor_id: int | None = None
) -> Sequence[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if case_id is not None:
        query = query.where(AuditEvent.case_id == case_id)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    return (await session.scalars(query)).all()
