"""Which claim tokens belong to a running process: claims of a dead one are released at once.

Every table whose rows are claimed by a process (broadcast deliveries, appointment and
activity reminders, activity notices, and any later outbox) stamps its claims with the
claiming process's token. When a process dies its claims must be handed back — the
ones whose send never began go back to pending, the ones whose send began get an
"unknown" (or failed) outcome and are never sent again — and that must happen when
the next process starts, not minutes later.

- PostgreSQL: each process holds, for its whole life, a session advisory lock whose
  key comes from its token, on a dedicated connection. A killed process's connection
  closes and PostgreSQL frees the lock at once; so a token is dead exactly when
  `pg_try_advisory_lock` on its key succeeds (we unlock at once). This works with any
  number of processes, and needs no clock and no heartbeat writes. It needs a direct
  connection (or a pgbouncer in *session* mode): in transaction mode the lock would
  not stay with our connection.
- SQLite: one bot process per database (documented in the README), so every token that
  is not ours is dead.

Every state change of a claimed row is conditional on the claim token and the status,
so wrongly judging a live process dead (its lock connection dropped) can only turn its
rows' outcome into "unknown"; nothing is ever sent twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

log = logging.getLogger(__name__)

# First half of the two-int advisory lock key: "omm" claim tokens (any other use of
# advisory locks in the database uses another namespace).
LOCK_NAMESPACE = 0x6F6D6D  # "omm"


def new_token() -> str:
    return uuid.uuid4().hex


def lock_key(token: str) -> int:
    """The second half of the advisory lock key: 32 bits of the token, as a signed int4."""
    try:
        value = int(token[:8], 16)
    except ValueError:  # a token of an older version (host:pid:random): hash it
        value = uuid.uuid5(uuid.NAMESPACE_OID, token).int & 0xFFFFFFFF
    return value - 2**31


class ProcessLiveness:
    """This process's claim token, and which other tokens belong to processes that are gone."""

    def __init__(self, engine: AsyncEngine, token: str | None = None) -> None:
        self.engine = engine
        self.token = token or new_token()
        self.postgres = engine.dialect.name == "postgresql"
        self._connection: AsyncConnection | None = None

    async def start(self) -> None:
        """PostgreSQL: take our lock on a dedicated connection, held until `stop`."""
        if not self.postgres or self._connection is not None:
            return
        connection = await self.engine.connect()
        try:
            await connection.execute(
                text("SELECT pg_advisory_lock(:ns, :key)"),
                {"ns": LOCK_NAMESPACE, "key": lock_key(self.token)},
            )
            await connection.commit()
        except Exception:
            await connection.close()
            raise
        self._connection = connection

    async def stop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            await connection.execute(
                text("SELECT pg_advisory_unlock(:ns, :key)"),
                {"ns": LOCK_NAMESPACE, "key": lock_key(self.token)},
            )
            await connection.commit()
        except Exception:  # closing the connection frees the lock anyway
            log.debug("liveness: unlock failed", exc_info=True)
        finally:
            await connection.close()

    async def dead_tokens(self, session: AsyncSession, tokens: Iterable[str]) -> set[str]:
        """Tokens (other than ours) whose process is gone."""
        others = {t for t in tokens if t and t != self.token}
        if not others or not self.postgres:
            return others
        await self._keep_our_lock()
        dead = set()
        for token in sorted(others):
            params = {"ns": LOCK_NAMESPACE, "key": lock_key(token)}
            free = await session.scalar(text("SELECT pg_try_advisory_lock(:ns, :key)"), params)
            if free:
                await session.scalar(text("SELECT pg_advisory_unlock(:ns, :key)"), params)
                dead.add(token)
        return dead

    async def _keep_our_lock(self) -> None:
        """If our lock connection was lost (a database restart), take the lock again.

        Meanwhile another process may have judged us dead: our claims then got an
        "unknown" outcome or went back to pending, which our own updates respect.
        """
        connection = self._connection
        if connection is None:
            return
        try:
            await connection.execute(text("SELECT 1"))
            await connection.commit()
        except Exception:
            log.warning("liveness: lock connection lost; taking the lock again")
            self._connection = None
            try:
                await connection.invalidate()
            except Exception:
                log.debug("liveness: invalidate failed", exc_info=True)
            await self.start()
