"""Claims of processes that are gone, for every table sent at most once.

Broadcast deliveries and activity notices share one lifecycle (DeliveryStatus):
pending → claimed (a process took it) → attempting (its send began) → sent, blocked,
failed or unknown. Appointment and activity reminders have theirs (ReminderStatus:
claimed, with `attempted_at` set once the send began). Which tokens are dead is for
bot.core.liveness to say; here the rows of dead tokens are handed back:

- claimed, send never begun → pending again (she certainly did not get it);
- send begun, outcome never recorded → unknown for deliveries and notices, failed for
  reminders (she may have got it): never sent again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    ActivityNotice,
    ActivityReminder,
    BroadcastDelivery,
    DeliveryStatus,
    Reminder,
    ReminderStatus,
)

DeliveryTable = type[BroadcastDelivery] | type[ActivityNotice]
ReminderTable = type[Reminder] | type[ActivityReminder]
# Given the tokens holding claims, which of them belong to processes that are gone.
DeadTokens = Callable[[AsyncSession, Iterable[str]], Awaitable[set[str]]]

CLAIMED, ATTEMPTING = DeliveryStatus.CLAIMED.value, DeliveryStatus.ATTEMPTING.value
PENDING, UNKNOWN = DeliveryStatus.PENDING.value, DeliveryStatus.UNKNOWN.value
LOST_PROCESS = "outcome unknown: the sending process stopped"


@dataclass(frozen=True)
class Released:
    """Rows of dead processes handed back in one table."""

    table: str
    pending: int  # never begun: will be sent
    unknown: int  # begun: maybe delivered, never sent again (failed, for reminders)


async def _tokens(session: AsyncSession, column: Any, *where: Any) -> set[str]:
    rows = await session.scalars(select(column).where(*where).distinct())
    return {token for token in rows.all() if token}


async def release_deliveries(
    session: AsyncSession, table: DeliveryTable, dead_tokens: DeadTokens
) -> Released:
    tokens = await _tokens(session, table.claimed_by, table.status.in_([CLAIMED, ATTEMPTING]))
    dead = await dead_tokens(session, tokens) if tokens else set()
    if not dead:
        return Released(table.__tablename__, 0, 0)
    of_dead = table.claimed_by.in_(sorted(dead))
    released: Any = await session.execute(
        update(table)
        .where(of_dead, table.status == CLAIMED)
        .values(status=PENDING, claimed_by=None, claimed_at=None, attempted_at=None)
        .execution_options(synchronize_session=False)
    )
    unknown: Any = await session.execute(
        update(table)
        .where(of_dead, table.status == ATTEMPTING)
        .values(status=UNKNOWN, error=LOST_PROCESS)
        .execution_options(synchronize_session=False)
    )
    return Released(table.__tablename__, int(released.rowcount or 0), int(unknown.rowcount or 0))


async def release_reminders(
    session: AsyncSession, table: ReminderTable, dead_tokens: DeadTokens
) -> Released:
    claimed = table.status == ReminderStatus.CLAIMED.value
    tokens = await _tokens(session, table.claimed_by, claimed)
    dead = await dead_tokens(session, tokens) if tokens else set()
    if not dead:
        return Released(table.__tablename__, 0, 0)
    of_dead = [claimed, table.claimed_by.in_(sorted(dead))]
    released: Any = await session.execute(
        update(table)
        .where(*of_dead, table.attempted_at.is_(None))
        .values(status=ReminderStatus.PENDING.value, claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    failed: Any = await session.execute(
        update(table)
        .where(*of_dead, table.attempted_at.is_not(None))
        .values(status=ReminderStatus.FAILED.value)
        .execution_options(synchronize_session=False)
    )
    return Released(table.__tablename__, int(released.rowcount or 0), int(failed.rowcount or 0))


async def release_dead_claims(session: AsyncSession, dead_tokens: DeadTokens) -> list[Released]:
    """Hand back every claim of a dead process, in every claim table. The caller commits."""
    return [
        await release_deliveries(session, BroadcastDelivery, dead_tokens),
        await release_deliveries(session, ActivityNotice, dead_tokens),
        await release_reminders(session, Reminder, dead_tokens),
        await release_reminders(session, ActivityReminder, dead_tokens),
    ]
