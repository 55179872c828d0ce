"""Cases: a woman's reported need, its history, and staff triage."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.cases import posts as staff_posts
from bot.core.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound
from bot.db.models import Case, CaseEntry, CaseOutcome, CaseStatus, EntryKind, User
from bot.office import AidCategory

# How many messages one report (or one addition) may gather before she presses Send.
MAX_PARTS = 20
MAX_TEXT_LENGTH = 4096
MEDIA_KINDS = ("text", "voice", "photo", "document", "audio", "video", "video_note")
_REFERENCE = re.compile(r"^\s*(?:omm)?[-\s#]*0*(\d{1,9})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Part:
    """One message of hers: text, or a file Telegram keeps (by file_id) with a caption."""

    media: str
    text: str | None = None
    file_id: str | None = None

    def __post_init__(self) -> None:
        if self.media not in MEDIA_KINDS:
            raise InvalidInput(f"unsupported media {self.media!r}")
        if self.media == "text" and not (self.text and self.text.strip()):
            raise InvalidInput("empty text")
        if self.media != "text" and not self.file_id:
            raise InvalidInput("media without a file")
        if self.text is not None and len(self.text) > MAX_TEXT_LENGTH:
            raise InvalidInput("text too long")

    def to_json(self) -> dict[str, Any]:
        return {"media": self.media, "text": self.text, "file_id": self.file_id}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Part:
        return cls(media=data["media"], text=data.get("text"), file_id=data.get("file_id"))


def parse_reference(text: str) -> int | None:
    """Read "OMM-000123", "omm 123" or "123" as case number 123."""
    match = _REFERENCE.match(text or "")
    return int(match.group(1)) if match else None


def _her_entries(
    session: AsyncSession, case: Case, parts: Sequence[Part], now: datetime
) -> list[CaseEntry]:
    entries = [
        CaseEntry(
            case=case,
            kind=EntryKind.HER_MESSAGE,
            media_kind=p.media,
            text=p.text,
            file_id=p.file_id,
            created_at=now,
        )
        for p in parts
    ]
    session.add_all(entries)
    return entries


async def open_case(
    session: AsyncSession,
    *,
    user: User,
    category: AidCategory,
    parts: Sequence[Part],
    now: datetime,
    safe_to_talk: bool | None = None,
) -> Case:
    """Create the case from her report and queue its card for the staff group."""
    if not parts and safe_to_talk is not False:
        raise InvalidInput("a report needs at least one message")
    if len(parts) > MAX_PARTS:
        raise InvalidInput("too many messages in one report")
    case = Case(
        user_id=user.id,
        category=category.key,
        community=user.community,
        age_group=user.age_group,
        sensitive=category.sensitive,
        urgent=category.urgent,
        safe_to_talk=safe_to_talk,
        status=CaseStatus.OPEN,
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    _her_entries(session, case, parts, now)
    await session.flush()
    staff_posts.enqueue(session, kind=staff_posts.NEW_CASE, case_id=case.id, now=now)
    return case


def record_staff_card(
    session: AsyncSession, case: Case, *, chat_id: int, message_id: int, now: datetime
) -> None:
    """Her case's card was posted to the staff group: it is redrawn there from now on,
    and a staff reply to it is about this case."""
    case.staff_card_message_id = message_id
    staff_posts.link(
        session,
        chat_id=chat_id,
        message_id=message_id,
        case_id=case.id,
        purpose=staff_posts.CARD,
        now=now,
    )


async def get_case(session: AsyncSession, case_id: int) -> Case | None:
    return await session.scalar(
        select(Case).where(Case.id == case_id).options(selectinload(Case.entries))
    )


async def case_of_user(session: AsyncSession, user_id: int, case_id: int) -> Case:
    """Her own case; anyone else's is refused exactly like a missing one."""
    case = await get_case(session, case_id)
    if case is None or case.user_id != user_id:
        raise NotFound(f"case {case_id} is not hers")
    return case


async def staff_reply_of_user(
    session: AsyncSession, user_id: int, entry_id: int
) -> tuple[CaseEntry, Case]:
    """A staff reply in one of her cases, with its case; anything else reads as missing."""
    entry = await session.get(CaseEntry, entry_id)
    case = await session.get(Case, entry.case_id) if entry is not None else None
    if (
        entry is None
        or case is None
        or case.user_id != user_id
        or entry.kind != EntryKind.STAFF_REPLY
    ):
        raise NotFound(f"entry {entry_id} is not a reply to her")
    return entry, case


async def cases_of_user(session: AsyncSession, user_id: int, limit: int = 10) -> Sequence[Case]:
    return (
        await session.scalars(
            select(Case).where(Case.user_id == user_id).order_by(Case.id.desc()).limit(limit)
        )
    ).all()


async def add_information(
    session: AsyncSession, *, user_id: int, case_id: int, parts: Sequence[Part], now: datetime
) -> list[CaseEntry]:
    """She adds messages to her open case; staff see them in the case's thread."""
    case = await case_of_user(session, user_id, case_id)
    if not case.is_open:
        raise AlreadyDone("case closed")
    if not parts:
        raise InvalidInput("nothing to add")
    entries = _her_entries(session, case, parts[:MAX_PARTS], now)
    case.updated_at = now
    await session.flush()
    for entry in entries:
        staff_posts.enqueue(
            session, kind=staff_posts.HER_MESSAGE, case_id=case.id, entry_id=entry.id, now=now
        )
    return entries


async def open_cases(session: AsyncSession, limit: int = 50) -> Sequence[Case]:
    """Open cases, oldest first: the order staff should work through them."""
    return (
        await session.scalars(
            select(Case)
            .where(Case.status != CaseStatus.CLOSED)
            .order_by(Case.created_at, Case.id)
            .limit(limit)
        )
    ).all()


def assign(session: AsyncSession, case: Case, staff_id: int, now: datetime) -> CaseEntry:
    if not case.is_open:
        raise AlreadyDone("case closed")
    if case.assignee_id == staff_id:
        raise AlreadyDone("already assigned to this person")
    case.assignee_id = staff_id
    case.status = CaseStatus.IN_PROGRESS
    case.updated_at = now
    return _add(
        session, CaseEntry(case=case, kind=EntryKind.ASSIGNED, author_id=staff_id, created_at=now)
    )


def _add(session: AsyncSession, entry: CaseEntry) -> CaseEntry:
    session.add(entry)
    return entry


def add_staff_reply(
    session: AsyncSession,
    case: Case,
    staff_id: int,
    now: datetime,
    *,
    text: str | None,
    media: str = "text",
    file_id: str | None = None,
) -> CaseEntry:
    if case.user_id is None:
        raise NotAllowed("she deleted her data; there is nobody to answer")
    if media == "text" and not (text and text.strip()):
        raise InvalidInput("empty reply")
    case.updated_at = now
    entry = CaseEntry(
        case=case,
        kind=EntryKind.STAFF_REPLY,
        author_id=staff_id,
        media_kind=media,
        text=text,
        file_id=file_id,
        created_at=now,
    )
    return _add(session, entry)


async def record_staff_reply(
    session: AsyncSession,
    case: Case,
    staff_id: int,
    now: datetime,
    *,
    text: str | None,
    media: str = "text",
    file_id: str | None = None,
) -> CaseEntry:
    """`add_staff_reply`, flushed: the entry has its id before it is relayed to her."""
    entry = add_staff_reply(session, case, staff_id, now, text=text, media=media, file_id=file_id)
    await session.flush()
    return entry


def add_note(
    session: AsyncSession, case: Case, staff_id: int, text: str, now: datetime
) -> CaseEntry:
    if not text.strip():
        raise InvalidInput("empty note")
    return _add(
        session,
        CaseEntry(
            case=case, kind=EntryKind.INTERNAL_NOTE, author_id=staff_id, text=text, created_at=now
        ),
    )


def close(
    session: AsyncSession,
    case: Case,
    staff_id: int,
    outcome: CaseOutcome,
    now: datetime,
    *,
    referred_to: str | None = None,
) -> CaseEntry:
    if not case.is_open:
        raise AlreadyDone("case already closed")
    if outcome == CaseOutcome.REFERRED and not referred_to:
        raise InvalidInput("a referral needs the institution")
    case.status = CaseStatus.CLOSED
    case.outcome = outcome
    case.referred_to = referred_to if outcome == CaseOutcome.REFERRED else None
    case.closed_at = now
    case.updated_at = now
    if case.assignee_id is None:
        case.assignee_id = staff_id
    return _add(
        session,
        CaseEntry(
            case=case,
            kind=EntryKind.CLOSED,
            author_id=staff_id,
            text=outcome.value + (f": {referred_to}" if referred_to else ""),
            created_at=now,
        ),
    )
