"""Recording, correcting and annulling aid deliveries. No Telegram here; the caller commits.

A delivery is never deleted: a correction rewrites the row and writes the change to the
audit log; annulling marks it and keeps it (annulled rows count nowhere). When she erases
her data the row keeps only the item, amount, date and community (`forget_person`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import audit
from bot.core.errors import AlreadyDone, InvalidInput, NotFound
from bot.db.models import AidDelivery
from bot.office import AidItem

MAX_NAME = 128
MAX_NOTE = 500
MAX_QUANTITY = 1000
MAX_AMOUNT_CENTS = 100_000_000


@dataclass(frozen=True)
class Recipient:
    """Who received it: a registered woman (user_id, maybe through a case) or a walk-in."""

    user_id: int | None = None
    case_id: int | None = None
    name: str | None = None
    community: str | None = None


def clean_name(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:MAX_NAME]


def parse_amount(text: str) -> int | None:
    """An amount typed by staff ("150", "Q150", "150.50", "1,250") in cents; None if not one."""
    cleaned = text.strip().lstrip("QqLl$").replace(",", "").strip()
    match = re.fullmatch(r"(\d{1,7})(?:\.(\d{1,2}))?", cleaned)
    if match is None:
        return None
    cents = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    return cents if 0 < cents <= MAX_AMOUNT_CENTS else None


def _who(recipient: Recipient) -> object:
    if recipient.user_id is not None:
        return AidDelivery.user_id == recipient.user_id
    if recipient.name:
        clause = func.lower(AidDelivery.recipient_name) == clean_name(recipient.name).lower()
        if recipient.community:
            clause = clause & (
                func.lower(AidDelivery.community) == recipient.community.strip().lower()
            )
        return clause
    return None


async def earlier_deliveries(
    session: AsyncSession, item: AidItem, recipient: Recipient, on: date
) -> Sequence[AidDelivery]:
    """Her deliveries of the same item within the item's repeat period before `on`
    (annulled ones left out), newest first: what staff are warned about."""
    who = _who(recipient)
    if who is None or item.repeat_days <= 0:
        return []
    since = on - timedelta(days=item.repeat_days)
    rows = await session.scalars(
        select(AidDelivery)
        .where(
            who,  # type: ignore[arg-type]
            AidDelivery.item == item.key,
            AidDelivery.annulled_at.is_(None),
            AidDelivery.delivered_on > since,
            AidDelivery.delivered_on <= on,
        )
        .order_by(AidDelivery.delivered_on.desc(), AidDelivery.id.desc())
    )
    return rows.all()


async def history(
    session: AsyncSession, recipient: Recipient, *, limit: int = 10
) -> Sequence[AidDelivery]:
    """Her latest deliveries of anything, newest first (annulled ones included, marked)."""
    who = _who(recipient)
    if who is None:
        return []
    rows = await session.scalars(
        select(AidDelivery)
        .where(who)  # type: ignore[arg-type]
        .order_by(AidDelivery.delivered_on.desc(), AidDelivery.id.desc())
        .limit(limit)
    )
    return rows.all()


def _check(item: AidItem, quantity: int, amount_cents: int | None) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidInput("quantity")
    if item.money and (amount_cents is None or not 0 < amount_cents <= MAX_AMOUNT_CENTS):
        raise InvalidInput("amount")


async def record(
    session: AsyncSession,
    *,
    item: AidItem,
    recipient: Recipient,
    delivered_on: date,
    staff_id: int,
    now: datetime,
    quantity: int = 1,
    amount_cents: int | None = None,
    note: str | None = None,
) -> AidDelivery:
    _check(item, quantity, amount_cents)
    name = clean_name(recipient.name) if recipient.name else None
    if recipient.user_id is None and not name:
        raise InvalidInput("recipient")
    delivery = AidDelivery(
        item=item.key,
        plan_line=item.plan_line,
        quantity=quantity,
        amount_cents=amount_cents if item.money else None,
        user_id=recipient.user_id,
        case_id=recipient.case_id,
        recipient_name=name if recipient.user_id is None else None,
        community=(recipient.community or "").strip()[:128] or None,
        delivered_on=delivered_on,
        note=(note or "").strip()[:MAX_NOTE] or None,
        recorded_by=staff_id,
        created_at=now,
        updated_at=now,
    )
    session.add(delivery)
    await session.flush()
    audit.record(
        session,
        actor_id=staff_id,
        action="aid_record",
        now=now,
        case_id=recipient.case_id,
        detail=f"aid:{delivery.id} {item.key} x{quantity}",
    )
    return delivery


async def get(session: AsyncSession, delivery_id: int) -> AidDelivery:
    delivery = await session.get(AidDelivery, delivery_id)
    if delivery is None:
        raise NotFound("aid delivery")
    return delivery


async def correct(
    session: AsyncSession,
    delivery_id: int,
    *,
    item: AidItem,
    staff_id: int,
    now: datetime,
    quantity: int | None = None,
    amount_cents: int | None = None,
    note: str | None = None,
) -> AidDelivery:
    """Change the quantity, amount or note; the audit log keeps what it was."""
    delivery = await get(session, delivery_id)
    if delivery.annulled_at is not None:
        raise AlreadyDone("annulled")
    before = f"x{delivery.quantity} {delivery.amount_cents or ''}".strip()
    new_quantity = delivery.quantity if quantity is None else quantity
    new_amount = delivery.amount_cents if amount_cents is None else amount_cents
    _check(item, new_quantity, new_amount)
    delivery.quantity = new_quantity
    delivery.amount_cents = new_amount if item.money else None
    if note is not None:
        delivery.note = note.strip()[:MAX_NOTE] or None
    delivery.updated_at = now
    after = f"x{delivery.quantity} {delivery.amount_cents or ''}".strip()
    audit.record(
        session,
        actor_id=staff_id,
        action="aid_correct",
        now=now,
        case_id=delivery.case_id,
        detail=f"aid:{delivery.id} {before} -> {after}"[:256],
    )
    return delivery


async def annul(
    session: AsyncSession, delivery_id: int, *, reason: str, staff_id: int, now: datetime
) -> AidDelivery:
    delivery = await get(session, delivery_id)
    if delivery.annulled_at is not None:
        raise AlreadyDone("annulled")
    delivery.annulled_at = now
    delivery.annulled_by = staff_id
    delivery.annul_reason = reason.strip()[:256] or None
    delivery.updated_at = now
    audit.record(
        session,
        actor_id=staff_id,
        action="aid_annul",
        now=now,
        case_id=delivery.case_id,
        detail=f"aid:{delivery.id}",
    )
    return delivery


async def forget_person(session: AsyncSession, user_id: int) -> None:
    """Her erasure: her deliveries stay as anonymous counts (item, amount, date, community)."""
    await session.execute(
        update(AidDelivery)
        .where(AidDelivery.user_id == user_id)
        .values(user_id=None, recipient_name=None, note=None)
        .execution_options(synchronize_session=False)
    )
