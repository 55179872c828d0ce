"""Claims of processes that are gone, for every table sent at most once.

Broadcast deliveries, activity notices, network notices and club invitations share one lifecycle (DeliveryStatus):
pending → claimed (a process took it) → attempting (its send began) → sent, blocked,
failed or unknown. Appointment and activity reminders have theirs (ReminderStatus:
claimed, with `attempted_at` set once the send began). Which tokens are dead is for
bot.core.liveness to say; here the rows of dead tokens are handed back:

- claimed, send never begun → pending again (she certainly did not get it);
- send begun, outcome never recorded → unknown for deliveries and notices, failed for
  reminders (she may have got it): never sent again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import literal_column, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    ActivityNotice,
    ActivityReminder,
    BroadcastDelivery,
    ClubInvitation,
    DeliveryStatus,
    NetworkNotice,
    Reminder,
    ReminderStatus,
    User,
)

DeliveryTable = (
    type[BroadcastDelivery] | type[ActivityNotice] | type[NetworkNotice] | type[ClubInvitation]
)
ReminderTable = type[Reminder] | type[ActivityReminder]
# Given the tokens holding claims, which of them belong to processes that are gone.
DeadTokens = Callable[[AsyncSession, Iterable[str]], Awaitable[set[str]]]

CLAIMED, ATTEMPTING = DeliveryStatus.CLAIMED.value, DeliveryStatus.ATTEMPTING.value
PENDING, UNKNOWN = DeliveryStatus.PENDING.value, DeliveryStatus.UNKNOWN.value
SENT, BLOCKED, FAILED = (
    DeliveryStatus.SENT.value,
    DeliveryStatus.BLOCKED.value,
    DeliveryStatus.FAILED.value,
)
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
        await release_deliveries(session, NetworkNotice, dead_tokens),
        await release_deliveries(session, ClubInvitation, dead_tokens),
        await release_reminders(session, Reminder, dead_tokens),
        await release_reminders(session, ActivityReminder, dead_tokens),
    ]


class DeliveryOutcomes:
    """What a sending process records about its claimed rows, for either table with the
    DeliveryStatus lifecycle (announcement deliveries, activity notices).

    Every change is limited to this process's own claims in the statuses it may leave,
    so a claim released meanwhile (its process judged dead) is never overwritten.
    """

    def __init__(self, table: DeliveryTable) -> None:
        self.table = table

    async def claim(
        self, session: AsyncSession, now: datetime, token: str, limit: int, *where: Any
    ) -> list[tuple[int, int]]:
        """Atomically take up to `limit` pending rows matching `where` (lowest id first);
        returns (id, user_id) pairs, by id. The caller commits right after.

        Two statements, not UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED):
        PostgreSQL may run that subquery as the inner side of a nested-loop semi-join and
        rescan it for every row, each rescan skipping the rows the previous ones locked, so
        the one statement claimed every pending row, not `limit` (a whole 10,000-woman
        broadcast armed at once: after a kill, all of its unsent women were lost). The
        SELECT locks the candidates until our commit, so other claimers skip them.
        """
        table: Any = self.table.__table__
        candidates = (
            await session.scalars(
                select(table.c.id)
                .where(table.c.status == PENDING, *where)
                .order_by(table.c.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        if not candidates:
            return []
        # Re-checked on the latest row version by PostgreSQL; unindexable on purpose (as in
        # bot.appointments.service_reminders) so SQLite fetches the candidates by id.
        unindexable_status = table.c.status.concat(literal_column("''"))
        rows = await session.execute(
            update(table)
            .where(table.c.id.in_(list(candidates)), unindexable_status == PENDING)
            .values(status=CLAIMED, claimed_by=token, claimed_at=now, attempted_at=None)
            .returning(table.c.id, table.c.user_id)
        )
        return sorted((int(r[0]), int(r[1])) for r in rows.all())

    async def claim_rows(
        self, session: AsyncSession, now: datetime, token: str, limit: int
    ) -> list[Any]:
        """`claim`, then the claimed rows themselves (fresh), lowest id first."""
        ids = [row_id for row_id, _ in await self.claim(session, now, token, limit)]
        if not ids:
            return []
        found = await session.scalars(
            select(self.table)
            .where(self.table.id.in_(ids))
            .order_by(self.table.id)
            .execution_options(populate_existing=True)
        )
        return list(found.all())

    async def arm(
        self, session: AsyncSession, ids: Sequence[int], token: str, now: datetime
    ) -> set[int]:
        """`begin_attempt`; returns the ids still this process's (only those may be sent)."""
        await self.begin_attempt(session, ids, token, now)
        return await self.attempting_ids(session, ids, token)

    def own(self, ids: Sequence[int], token: str, statuses: Sequence[str]) -> list[Any]:
        return [
            self.table.id.in_(list(ids)),
            self.table.claimed_by == token,
            self.table.status.in_(list(statuses)),
        ]

    async def update_own(
        self,
        session: AsyncSession,
        ids: Sequence[int],
        token: str,
        statuses: Sequence[str],
        **values: Any,
    ) -> int:
        if not ids:
            return 0
        result: Any = await session.execute(
            update(self.table)
            .where(*self.own(ids, token, statuses))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)

    async def begin_attempt(
        self, session: AsyncSession, ids: Sequence[int], token: str, now: datetime
    ) -> int:
        """Record that these claimed rows are about to be sent; commit before sending.
        Returns how many were still this process's claims (only those may be sent)."""
        return await self.update_own(
            session, ids, token, [CLAIMED], status=ATTEMPTING, attempted_at=now
        )

    async def attempting_ids(
        self, session: AsyncSession, ids: Sequence[int], token: str
    ) -> set[int]:
        """Which of `ids` this process has armed (after `begin_attempt`)."""
        if not ids:
            return set()
        rows = await session.scalars(
            select(self.table.id).where(*self.own(ids, token, [ATTEMPTING]))
        )
        return set(rows.all())

    async def mark_sent(
        self, session: AsyncSession, ids: Sequence[int], token: str, now: datetime
    ) -> int:
        return await self.update_own(session, ids, token, [ATTEMPTING], status=SENT, sent_at=now)

    async def mark_blocked(
        self, session: AsyncSession, ids: Sequence[int], token: str, now: datetime
    ) -> int:
        """She blocked the bot (or the chat is gone): never retried; she is marked inactive."""
        if not ids:
            return 0
        users = select(self.table.user_id).where(*self.own(ids, token, [CLAIMED, ATTEMPTING]))
        await session.execute(
            update(User)
            .where(User.id.in_(users))
            .values(active=False)
            .execution_options(synchronize_session=False)
        )
        return await self.update_own(
            session, ids, token, [CLAIMED, ATTEMPTING], status=BLOCKED, error="blocked"
        )

    async def mark_failed(
        self, session: AsyncSession, ids: Sequence[int], token: str, now: datetime, error: str
    ) -> int:
        """Refused or skipped: certainly not delivered, and never sent again."""
        return await self.update_own(
            session, ids, token, [CLAIMED, ATTEMPTING], status=FAILED, error=error[:256]
        )

    async def mark_unknown(
        self, session: AsyncSession, ids: Sequence[int], token: str, now: datetime, error: str
    ) -> int:
        """The request left but no answer came: it may have arrived; never sent again."""
        return await self.update_own(
            session, ids, token, [ATTEMPTING], status=UNKNOWN, error=error[:256]
        )

    async def release(self, session: AsyncSession, ids: Sequence[int], token: str) -> int:
        """Give back rows this process certainly did not send (a 429, a stop)."""
        return await self.update_own(
            session,
            ids,
            token,
            [CLAIMED, ATTEMPTING],
            status=PENDING,
            claimed_by=None,
            claimed_at=None,
            attempted_at=None,
        )
