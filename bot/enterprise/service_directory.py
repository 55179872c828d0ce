"""The directory of women's businesses: she joins it with her business (name, what she
sells, community, kind, a contact she chooses to publish), changes it or leaves it;
women browse it by community and kind; staff export it. Nothing here commits."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import InvalidInput, NotFound
from bot.db.models import BusinessKind, BusinessListing, User
from bot.enterprise.service_fairs import clean

MAX_NAME = 80
MAX_PRODUCTS = 400
MAX_CONTACT = 80


async def find(session: AsyncSession, user_id: int) -> BusinessListing | None:
    return await session.get(BusinessListing, user_id)


async def join(
    session: AsyncSession,
    *,
    user_id: int,
    name: str,
    products: str,
    community: str,
    kind: str,
    contact: str,
    now: datetime,
) -> BusinessListing:
    """Her business in the directory (replacing the one she had). InvalidInput for a
    field out of bounds or a kind that is not one."""
    if kind not in BusinessKind.__members__.values():
        raise InvalidInput(f"unknown kind {kind!r}")
    fields = {
        "name": clean(name, MAX_NAME),
        "products": clean(products, MAX_PRODUCTS),
        "community": clean(community, 128),
        "kind": BusinessKind(kind),
        "contact": clean(contact, MAX_CONTACT),
    }
    listing = await find(session, user_id)
    if listing is None:
        listing = BusinessListing(user_id=user_id, joined_at=now, **fields)
        session.add(listing)
    else:
        for key, value in fields.items():
            setattr(listing, key, value)
    listing.updated_at = now
    await session.flush()
    return listing


async def leave(session: AsyncSession, user_id: int) -> None:
    """She leaves the directory; NotFound when she was not in it."""
    listing = await find(session, user_id)
    if listing is None:
        raise NotFound("not in the directory")
    await session.delete(listing)
    await session.flush()


async def communities(session: AsyncSession) -> list[tuple[str, int]]:
    """Communities with businesses listed, and how many each (by name)."""
    rows = await session.execute(
        select(BusinessListing.community, func.count())
        .group_by(BusinessListing.community)
        .order_by(BusinessListing.community)
    )
    return [(community, count) for community, count in rows.all()]


async def kinds_in(session: AsyncSession, community: str) -> Counter[str]:
    """How many businesses of each kind one community has."""
    rows = await session.execute(
        select(BusinessListing.kind, func.count())
        .where(BusinessListing.community == community)
        .group_by(BusinessListing.kind)
    )
    return Counter({str(kind): count for kind, count in rows.all()})


async def browse(
    session: AsyncSession, community: str, kind: str | None = None
) -> list[BusinessListing]:
    """The businesses of a community (of one kind, if given), by name."""
    statement = select(BusinessListing).where(BusinessListing.community == community)
    if kind is not None:
        statement = statement.where(BusinessListing.kind == kind)
    rows = await session.scalars(statement.order_by(BusinessListing.name, BusinessListing.user_id))
    return list(rows.all())


@dataclass(frozen=True)
class Entry:
    """One line of the directory staff export."""

    name: str
    products: str
    kind: str
    community: str
    contact: str
    owner: str
    joined_at: datetime


async def export(session: AsyncSession) -> list[Entry]:
    """Every business, by community and name, with the woman's name for the office."""
    rows = await session.execute(
        select(BusinessListing, User.name)
        .join(User, User.id == BusinessListing.user_id)
        .order_by(BusinessListing.community, BusinessListing.name)
    )
    return [
        Entry(
            name=listing.name,
            products=listing.products,
            kind=str(listing.kind),
            community=listing.community,
            contact=listing.contact,
            owner=owner or "",
            joined_at=listing.joined_at,
        )
        for listing, owner in rows.all()
    ]


async def forget_person(session: AsyncSession, user_id: int) -> None:
    """Delete my data: her business leaves the directory."""
    await session.execute(delete(BusinessListing).where(BusinessListing.user_id == user_id))
