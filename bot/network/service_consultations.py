"""Consultations: a question from the office with two to six answers, answered with buttons.

Staff write it (bot.network.staff_consultations) for the network or some communities
(a broadcast audience, bot.broadcasts.service_audiences); `create` writes one
NetworkNotice per woman asked, sent by bot.network.jobs_consultations. Each woman has
one answer, which she can change until the consultation closes; leaders can also
enter answers on behalf of women without a phone they represent, counted apart
(ConsultationProxyAnswer). A sweep closes consultations whose time came (`close_due`)
and queues the results for those who took part (ConsultationTurnout).

Anonymous consultations: her answer row holds no user id, only `voter_key`, a keyed
hash (HMAC-SHA256) of the consultation and her Telegram id whose key is not stored in
the database (the caller derives it from the bot's secret, `voter_key_secret`). That is
the least that lets her change her answer. When the consultation closes the key is
erased from every answer, so nothing links an answer to a woman any more. Who took part
(not what she answered) is kept in ConsultationTurnout, to send her the results.

Results are by community: the community she gave in the network (or at registration),
copied onto the answer when she answers.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts.service_audiences import audience_query, validate_audience
from bot.core.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound
from bot.db.models import (
    Consultation,
    ConsultationProxyAnswer,
    ConsultationStatus,
    ConsultationTurnout,
    ConsultationVote,
    NetworkMember,
    NetworkNotice,
    NetworkNoticeKind,
    User,
)
from bot.network import service_participation_notices as notices

MIN_OPTIONS, MAX_OPTIONS = 2, 6
MAX_QUESTION = 500
MAX_OPTION = 40
LEADER = "leader"
OPEN, CLOSED = ConsultationStatus.OPEN, ConsultationStatus.CLOSED


class BadQuestion(InvalidInput, ValueError):
    """The question is empty or longer than MAX_QUESTION."""


class BadOptions(InvalidInput, ValueError):
    """Fewer than two or more than six answers, one too long, or two the same.
    `reason` is "count", "long" or "repeated"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ClosesInThePast(InvalidInput, ValueError):
    """The closing date is not in the future."""


class ConsultationClosed(AlreadyDone):
    """The consultation is closed: answers are final."""


class NotAsked(NotAllowed):
    """She was not among the women asked."""


class NotALeader(NotAllowed):
    """Only a network leader can answer on behalf of women without a phone."""


def check_question(text: str) -> str:
    question = text.strip()
    if not question or len(question) > MAX_QUESTION:
        raise BadQuestion(f"the question must be 1-{MAX_QUESTION} characters")
    return question


def parse_options(text: str) -> list[str]:
    """The answers, one per line (bullets and numbering dropped); BadOptions if unusable."""
    options = []
    for line in text.splitlines():
        option = line.strip().lstrip("-•*·").strip()
        if option[:2].rstrip(".)").isdigit() and option[1:3].startswith((".", ")")):
            option = option[2:].strip()
        if option:
            options.append(option)
    return check_options(options)


def check_options(options: Sequence[str]) -> list[str]:
    cleaned = [o.strip() for o in options if o.strip()]
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        raise BadOptions("count")
    if any(len(o) > MAX_OPTION for o in cleaned):
        raise BadOptions("long")
    if len({o.casefold() for o in cleaned}) != len(cleaned):
        raise BadOptions("repeated")
    return cleaned


def voter_key_secret(bot_token: str) -> bytes:
    """The key of the voters' hashes, derived from the bot's token (never stored)."""
    return hashlib.sha256(b"omm-consultation-voter:" + bot_token.encode()).digest()


def voter_key(secret: bytes, consultation_id: int, user_id: int) -> str:
    message = f"{consultation_id}:{user_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


async def create(
    session: AsyncSession,
    *,
    question: str,
    options: Sequence[str],
    audience: dict[str, Any],
    anonymous: bool,
    closes_at: datetime,
    created_by: int | None,
    now: datetime,
) -> tuple[Consultation, int]:
    """An open consultation, and a notice for every woman asked; returns it and how many."""
    if closes_at <= now:
        raise ClosesInThePast("the closing date must be in the future")
    consultation = Consultation(
        question=check_question(question),
        options=check_options(options),
        audience=validate_audience(dict(audience)),
        anonymous=anonymous,
        status=OPEN.value,
        closes_at=closes_at,
        created_by=created_by,
        created_at=now,
        card_dirty=False,
    )
    session.add(consultation)
    await session.flush()
    asked = await notices.enqueue_select(
        session,
        audience_query(consultation.audience, now),
        kind=NetworkNoticeKind.CONSULTATION,
        consultation_id=consultation.id,
        now=now,
    )
    return consultation, asked


async def count_asked(session: AsyncSession, audience: dict[str, Any], now: datetime) -> int:
    subquery = audience_query(audience, now).subquery()
    return int(await session.scalar(select(func.count()).select_from(subquery)) or 0)


async def find(session: AsyncSession, consultation_id: int) -> Consultation | None:
    return await session.get(Consultation, consultation_id)


async def _get(session: AsyncSession, consultation_id: int) -> Consultation:
    consultation = await session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound(f"no consultation {consultation_id}")
    return consultation


def is_open(consultation: Consultation, now: datetime) -> bool:
    return consultation.status == OPEN and consultation.closes_at > now


async def was_asked(session: AsyncSession, consultation_id: int, user_id: int) -> bool:
    asked = exists().where(
        NetworkNotice.consultation_id == consultation_id,
        NetworkNotice.kind == NetworkNoticeKind.CONSULTATION.value,
        NetworkNotice.user_id == user_id,
    )
    return bool(await session.scalar(select(asked)))


async def _her_community(session: AsyncSession, user_id: int) -> str | None:
    member = await session.get(NetworkMember, user_id)
    if member is not None and member.community:
        return member.community
    user = await session.get(User, user_id)
    return user.community if user is not None else None


def _check_option(consultation: Consultation, option: int) -> None:
    if not 0 <= option < len(consultation.options):
        raise InvalidInput(f"no answer {option}")


@dataclass(frozen=True)
class Answered:
    option: int
    previous: int | None  # her answer before, if she changed it


async def answer(
    session: AsyncSession,
    consultation_id: int,
    user_id: int,
    option: int,
    *,
    secret: bytes,
    now: datetime,
) -> Answered:
    """Her answer (a new one, or a change). NotFound, ConsultationClosed, NotAsked, or
    InvalidInput for an answer that does not exist."""
    consultation = await _get(session, consultation_id)
    if not is_open(consultation, now):
        raise ConsultationClosed(f"consultation {consultation_id} is closed")
    _check_option(consultation, option)
    if not await was_asked(session, consultation_id, user_id):
        raise NotAsked(f"consultation {consultation_id}")
    key = voter_key(secret, consultation_id, user_id)
    vote = await session.scalar(
        select(ConsultationVote).where(
            ConsultationVote.consultation_id == consultation_id,
            ConsultationVote.voter_key == key,
        )
    )
    previous = vote.option if vote is not None else None
    if vote is None:
        vote = ConsultationVote(consultation_id=consultation_id, voter_key=key)
        session.add(vote)
        session.add(ConsultationTurnout(consultation_id=consultation_id, user_id=user_id))
    vote.option = option
    vote.community = await _her_community(session, user_id)
    if not consultation.anonymous:
        vote.user_id = user_id
        vote.answered_at = now
    consultation.card_dirty = True
    return Answered(option=option, previous=previous)


async def her_answer(
    session: AsyncSession, consultation_id: int, user_id: int, secret: bytes
) -> int | None:
    key = voter_key(secret, consultation_id, user_id)
    return await session.scalar(
        select(ConsultationVote.option).where(
            ConsultationVote.consultation_id == consultation_id,
            ConsultationVote.voter_key == key,
        )
    )


async def is_leader(session: AsyncSession, user_id: int) -> bool:
    member = await session.get(NetworkMember, user_id)
    return member is not None and member.role == LEADER


async def answer_on_behalf(
    session: AsyncSession, consultation_id: int, leader_id: int, option: int, now: datetime
) -> int:
    """One answer for a woman without a phone, entered by a leader; returns how many
    she has entered for this consultation."""
    consultation = await _get(session, consultation_id)
    if not is_open(consultation, now):
        raise ConsultationClosed(f"consultation {consultation_id} is closed")
    _check_option(consultation, option)
    member = await session.get(NetworkMember, leader_id)
    if member is None or member.role != LEADER:
        raise NotALeader(f"user is not a leader (consultation {consultation_id})")
    if not await was_asked(session, consultation_id, leader_id):
        raise NotAsked(f"consultation {consultation_id}")
    session.add(
        ConsultationProxyAnswer(
            consultation_id=consultation_id,
            option=option,
            community=member.community,
            entered_by=leader_id,
            entered_at=now,
        )
    )
    consultation.card_dirty = True
    await session.flush()
    return await entered_on_behalf(session, consultation_id, leader_id)


def _entered_by(consultation_id: int, leader_id: int) -> Any:
    return (
        ConsultationProxyAnswer.consultation_id == consultation_id,
        ConsultationProxyAnswer.entered_by == leader_id,
    )


async def entered_on_behalf(session: AsyncSession, consultation_id: int, leader_id: int) -> int:
    """How many answers she has entered on behalf of others in this consultation."""
    count = await session.scalar(
        select(func.count())
        .select_from(ConsultationProxyAnswer)
        .where(*_entered_by(consultation_id, leader_id))
    )
    return int(count or 0)


@dataclass(frozen=True)
class Undone:
    option: int  # the answer taken back
    entered: int  # how many she has entered on behalf now


async def undo_on_behalf(
    session: AsyncSession, consultation_id: int, leader_id: int, now: datetime
) -> Undone | None:
    """Take back the last answer a leader entered on behalf of a woman (a mistaken press),
    while the consultation is open; None when she has entered none."""
    consultation = await _get(session, consultation_id)
    if not is_open(consultation, now):
        raise ConsultationClosed(f"consultation {consultation_id} is closed")
    last = await session.scalar(
        select(ConsultationProxyAnswer)
        .where(*_entered_by(consultation_id, leader_id))
        .order_by(ConsultationProxyAnswer.id.desc())
        .limit(1)
    )
    if last is None:
        return None
    option = last.option
    await session.delete(last)
    consultation.card_dirty = True
    await session.flush()
    return Undone(option, await entered_on_behalf(session, consultation_id, leader_id))


@dataclass
class Results:
    options: list[str]
    # community -> answers per option (the women's own), and those entered on behalf
    by_community: dict[str, list[int]] = field(default_factory=dict)
    on_behalf_by_community: dict[str, list[int]] = field(default_factory=dict)

    @property
    def own(self) -> list[int]:
        return _sum(self.by_community.values(), len(self.options))

    @property
    def on_behalf(self) -> list[int]:
        return _sum(self.on_behalf_by_community.values(), len(self.options))

    @property
    def total(self) -> list[int]:
        return [a + b for a, b in zip(self.own, self.on_behalf, strict=True)]

    @property
    def communities(self) -> list[str]:
        return sorted(set(self.by_community) | set(self.on_behalf_by_community))


def _sum(rows: Any, width: int) -> list[int]:
    totals = [0] * width
    for row in rows:
        for index, count in enumerate(row):
            totals[index] += count
    return totals


NO_COMMUNITY = ""


async def results(session: AsyncSession, consultation: Consultation) -> Results:
    width = len(consultation.options)
    found = Results(options=list(consultation.options))
    for table, into in (
        (ConsultationVote, found.by_community),
        (ConsultationProxyAnswer, found.on_behalf_by_community),
    ):
        rows = await session.execute(
            select(table.community, table.option, func.count())
            .where(table.consultation_id == consultation.id)
            .group_by(table.community, table.option)
        )
        grid: dict[str, list[int]] = defaultdict(lambda: [0] * width)
        for community, option, count in rows.all():
            if 0 <= option < width:
                grid[community or NO_COMMUNITY][option] += int(count)
        into.update(grid)
    return found


async def open_for(session: AsyncSession, user_id: int, now: datetime) -> list[Consultation]:
    """The open consultations she was asked, closing soonest first."""
    asked = exists().where(
        NetworkNotice.consultation_id == Consultation.id,
        NetworkNotice.kind == NetworkNoticeKind.CONSULTATION.value,
        NetworkNotice.user_id == user_id,
    )
    rows = await session.scalars(
        select(Consultation)
        .where(Consultation.status == OPEN.value, Consultation.closes_at > now, asked)
        .order_by(Consultation.closes_at, Consultation.id)
    )
    return list(rows.all())


async def recent(session: AsyncSession) -> list[Consultation]:
    """Every consultation, newest first (/consultas pages them)."""
    rows = await session.scalars(select(Consultation).order_by(Consultation.id.desc()))
    return list(rows.all())


async def close(session: AsyncSession, consultation_id: int, now: datetime) -> bool:
    """Open → closed (once): anonymous answers lose their key, and those who took part
    get the results. False when it was closed already."""
    result: Any = await session.execute(
        update(Consultation)
        .where(Consultation.id == consultation_id, Consultation.status == OPEN.value)
        .values(status=CLOSED.value, closed_at=now, card_dirty=True)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:
        return False
    consultation = await session.get(Consultation, consultation_id, populate_existing=True)
    assert consultation is not None
    if consultation.anonymous:
        await session.execute(
            update(ConsultationVote)
            .where(ConsultationVote.consultation_id == consultation_id)
            .values(voter_key=None)
            .execution_options(synchronize_session=False)
        )
    took_part = select(ConsultationTurnout.user_id).where(
        ConsultationTurnout.consultation_id == consultation_id
    )
    await notices.enqueue_select(
        session,
        took_part,
        kind=NetworkNoticeKind.RESULTS,
        consultation_id=consultation_id,
        now=now,
    )
    return True


async def close_due(session: AsyncSession, now: datetime) -> list[int]:
    """Close every open consultation whose closing time came; returns their ids."""
    due = (
        await session.scalars(
            select(Consultation.id)
            .where(Consultation.status == OPEN.value, Consultation.closes_at <= now)
            .order_by(Consultation.id)
        )
    ).all()
    return [cid for cid in due if await close(session, cid, now)]


async def set_card(
    session: AsyncSession, consultation_id: int, chat_id: int, message_id: int, now: datetime
) -> None:
    """Where the live card is. Set on the row itself (not a bulk update): a card just sent
    has a placeholder id, which bot.core.outbox replaces in the rows holding it."""
    consultation = await _get(session, consultation_id)
    consultation.card_chat_id = chat_id
    consultation.card_message_id = message_id
    consultation.card_shown_at = now
    await session.flush()


async def cards_due(session: AsyncSession, now: datetime, every: timedelta) -> list[Consultation]:
    """Cards to edit: an answer came (or it closed) and the last edit is old enough."""
    rows = await session.scalars(
        select(Consultation)
        .where(
            Consultation.card_dirty.is_(True),
            Consultation.card_message_id.is_not(None),
            or_(Consultation.card_shown_at.is_(None), Consultation.card_shown_at <= now - every),
        )
        .order_by(Consultation.id)
    )
    return list(rows.all())


async def card_shown(session: AsyncSession, consultation_id: int, now: datetime) -> None:
    await session.execute(
        update(Consultation)
        .where(Consultation.id == consultation_id)
        .values(card_dirty=False, card_shown_at=now)
        .execution_options(synchronize_session=False)
    )


async def forget_person(session: AsyncSession, user_id: int) -> None:
    """She deleted her data. Her answers to consultations that were not anonymous are
    deleted, and so is the record that she took part; answers she entered as a leader
    for other women stay as counts, without her id. (Anonymous answers name nobody; the
    key of an open one is a hash only the bot's secret and her Telegram id recompute, and
    is erased when the consultation closes.)"""
    await session.execute(delete(ConsultationVote).where(ConsultationVote.user_id == user_id))
    await session.execute(delete(ConsultationTurnout).where(ConsultationTurnout.user_id == user_id))
    await session.execute(
        update(ConsultationProxyAnswer)
        .where(ConsultationProxyAnswer.entered_by == user_id)
        .values(entered_by=None)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class ReportLine:
    """A consultation as the office's reports show it."""

    id: int
    question: str
    options: list[str]
    own: list[int]  # answered by the women themselves, per option
    on_behalf: list[int]  # entered by leaders for women without a phone
    total: list[int]
    closed: bool
    anonymous: bool
    closes_at: datetime


async def for_report(session: AsyncSession, start: datetime, end: datetime) -> list[ReportLine]:
    """Consultations open at some moment of [start, end), with their results."""
    rows = await session.scalars(
        select(Consultation)
        .where(Consultation.created_at < end, Consultation.closes_at >= start)
        .order_by(Consultation.created_at, Consultation.id)
    )
    lines = []
    for consultation in rows.all():
        found = await results(session, consultation)
        lines.append(
            ReportLine(
                id=consultation.id,
                question=consultation.question,
                options=list(consultation.options),
                own=found.own,
                on_behalf=found.on_behalf,
                total=found.total,
                closed=consultation.status == CLOSED,
                anonymous=consultation.anonymous,
                closes_at=consultation.closes_at,
            )
        )
    return lines
