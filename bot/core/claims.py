"""Hand back the claims of processes that are gone: at start-up, then every half minute.

A process knows its own claim token; bot.core.liveness says which other tokens belong to
processes that are gone (on SQLite: every other one, one process per database). Their
rows in every claim table are released (bot.core.delivery_claims): never-begun sends go
back to pending, begun ones become "unknown" (reminders: failed), never sent twice.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import delivery_claims
from bot.core.context import BotContext
from bot.core.liveness import ProcessLiveness

log = logging.getLogger(__name__)


async def release_dead_claims_now(
    factory: async_sessionmaker[AsyncSession], liveness: ProcessLiveness
) -> list[delivery_claims.Released]:
    async with factory() as session, session.begin():
        released = await delivery_claims.release_dead_claims(session, liveness.dead_tokens)
    for item in released:
        if item.pending or item.unknown:
            log.warning(
                "%s of a stopped process: %s back to pending, %s of unknown outcome "
                "(maybe delivered, not sent again)",
                item.table,
                item.pending,
                item.unknown,
            )
    return released


async def release_dead_claims(context: BotContext) -> None:
    """The job; its data is this process's ProcessLiveness."""
    job = context.job
    liveness = job.data if job is not None else None
    assert isinstance(liveness, ProcessLiveness), "the claims job needs the liveness as data"
    await release_dead_claims_now(context.bot_data.session_factory, liveness)
    # Answers a replica that died left unsent: this one sends them (bot.core.outbox).
    if await context.bot_data.outbox.recover(liveness.dead_tokens):
        await context.bot_data.outbox.sweep()
