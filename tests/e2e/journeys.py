"""Steps that many journeys share: registering, reporting a need."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.db.models import Case
from tests.e2e.harness import Person


async def register(woman: Person, *, community_index: int = 4, age: str = "30_59") -> None:
    await woman.say("/start")
    await woman.tap("c:y:es")
    await woman.tap("r:name")
    await woman.tap(f"rc:pick:{community_index}")
    await woman.tap(f"r:age:{age}")
    await woman.tap("id:p:undisclosed")
    await woman.tap("id:l:undisclosed")
    await woman.tap("id:d:undisclosed")
    await woman.say("Omitir")


async def report(woman: Person, category: str, *messages: str) -> None:
    await woman.tap("n:new")
    await woman.tap(f"n:cat:{category}")
    if category == "violence":
        await woman.tap("n:safe:y")
    for text in messages:
        await woman.say(text)
    await woman.tap("n:send")


async def only_case(db: AsyncSession) -> Case:
    await db.rollback()
    rows = (await db.scalars(select(Case).options(selectinload(Case.entries)))).all()
    assert len(rows) == 1, rows
    return rows[0]


async def register_from_link(
    woman: Person, payload: str, *, community_index: int = 4, age: str = "30_59"
) -> dict | None:
    """She scans a poster's QR code (`/start <payload>`) before ever using the bot, agrees
    and registers; returns the last message (where the link led her)."""
    await woman.say(f"/start {payload}")
    await woman.tap(f"c:y:es:{payload}")
    await woman.tap("r:name")
    await woman.tap(f"rc:pick:{community_index}")
    await woman.tap(f"r:age:{age}")
    await woman.tap("id:p:undisclosed")
    await woman.tap("id:l:undisclosed")
    await woman.tap("id:d:undisclosed")
    return await woman.say("Omitir")
