"""The end of a reminder's claim, shared by appointment and activity reminders.

Both tables have the same lifecycle columns (status, claimed_by, claimed_at,
attempted_at, sent_at, attempts, due_at) and follow the same rules, explained in
bot.appointments.service_reminders: only the claiming process finishes its claim; a failure that
certainly did not deliver is retried a few times; a claim whose process died is put
back if its send never began and marked failed if it did (never sent twice): that is
done at start-up and every half minute by `delivery_claims.release_dead_claims`, as
soon as bot.core.liveness says the process is gone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import delivery_claims
from bot.core.delivery_claims import DeadTokens
from bot.db.models import ActivityReminder, Reminder, ReminderStatus

ReminderTable = type[Reminder] | type[ActivityReminder]

# Telegram refused or the network failed: try again this much later, this many times.
RETRY_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 3

PENDING = ReminderStatus.PENDING
CLAIMED = ReminderStatus.CLAIMED
SENT = ReminderStatus.SENT
FAILED = ReminderStatus.FAILED


def own_claim(table: ReminderTable, reminder_id: int, token: str) -> list[Any]:
    return [table.id == reminder_id, table.status == CLAIMED, table.claimed_by == token]


async def mark_sent(
    session: AsyncSession, table: ReminderTable, reminder_id: int, token: str, now: datetime
) -> bool:
    """Telegram accepted it. False if the claim was not this process's any more."""
    result: Any = await session.execute(
        update(table)
        .where(*own_claim(table, reminder_id, token))
        .values(status=SENT, sent_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


async def mark_failed(
    session: AsyncSession,
    table: ReminderTable,
    reminder_id: int,
    token: str,
    now: datetime,
    *,
    permanent: bool = False,
    retry_after: timedelta = RETRY_AFTER,
    max_attempts: int = MAX_ATTEMPTS,
) -> str | None:
    """Telegram certainly did not deliver it: retry later, or give up.

    `permanent` gives up at once (she blocked the bot). Use it too when the outcome is
    unknown (a time-out after the request left), since reminders are never sent twice.
    Returns the new status, or None if the claim was not this process's any more.
    """
    reminder: Reminder | ActivityReminder | None = await session.scalar(
        select(table)
        .where(*own_claim(table, reminder_id, token))
        .execution_options(populate_existing=True)
    )
    if reminder is None:
        return None
    if reminder.attempted_at is None:  # given back before its send began: count it here
        reminder.attempts += 1
    if permanent or reminder.attempts >= max_attempts:
        reminder.status = FAILED
    else:
        reminder.status = PENDING
        reminder.due_at = now + retry_after
        reminder.claimed_by = None
        reminder.claimed_at = None
        reminder.attempted_at = None
    await session.flush()
    return reminder.status


class ReminderClaims:
    """The end of a claim for one reminder table: what each domain's reminder service
    exposes as its own `mark_sent`, `mark_failed` and `release_dead_claims`."""

    def __init__(self, table: ReminderTable) -> None:
        self.table = table

    async def mark_sent(
        self, session: AsyncSession, reminder_id: int, token: str, now: datetime
    ) -> bool:
        """Telegram accepted it. False if the claim was not this process's any more."""
        return await mark_sent(session, self.table, reminder_id, token, now)

    async def mark_failed(
        self,
        session: AsyncSession,
        reminder_id: int,
        token: str,
        now: datetime,
        *,
        permanent: bool = False,
        retry_after: timedelta = RETRY_AFTER,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> str | None:
        """Retry later, or give up (see the module's `mark_failed`)."""
        return await mark_failed(
            session,
            self.table,
            reminder_id,
            token,
            now,
            permanent=permanent,
            retry_after=retry_after,
            max_attempts=max_attempts,
        )

    async def release_dead_claims(
        self, session: AsyncSession, dead_tokens: DeadTokens
    ) -> tuple[int, int]:
        """Claims of processes that are gone: (released to pending, marked failed)."""
        released = await delivery_claims.release_reminders(session, self.table, dead_tokens)
        return released.pending, released.unknown
