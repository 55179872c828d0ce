"""Organisations of the women's network, their members and leaders, and leaders' requests
to announce to their members.

An organisation is a record staff create and edit. A woman asks to join one (saying
whether its leaders may see her first name and community: `share`); a leader of it or
staff accept (she becomes a member) or decline (the request goes). Staff name leaders
among its members (a leader named who was not a member becomes one). A leader asks to
send an announcement to her members; approved by staff, it becomes a broadcast whose
audience is the organisation (bot.broadcasts.service_audiences), sent by the
announcements' durable, rate-limited delivery.

Like every service it takes a session and plain values, never commits, and raises
bot.core.errors for what cannot be done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcasts import service as broadcasts
from bot.core.errors import AlreadyDone, InvalidInput, NotAllowed, NotFound
from bot.db.models import (
    LeaderAnnouncement,
    MembershipStatus,
    NetworkWoman,
    Organization,
    OrganizationKind,
    OrganizationLevel,
    OrganizationMember,
    RequestStatus,
    User,
)

MAX_NAME_LENGTH = 128
MAX_COMMUNITY_LENGTH = 128
# The audience kind of a broadcast to one organisation's members.
ORGANIZATION_AUDIENCE = "organization"


def clean_name(text: str | None, limit: int = MAX_NAME_LENGTH) -> str:
    """Spaces collapsed; InvalidInput when empty or longer than `limit`."""
    name = " ".join((text or "").split())
    if not name or len(name) > limit:
        raise InvalidInput(f"a name must be 1-{limit} characters")
    return name


# ── Organisations ─────────────────────────────────────────────────────────────


async def _name_taken(session: AsyncSession, name: str, other_than: int | None = None) -> bool:
    query = select(Organization.id).where(func.lower(Organization.name) == name.lower())
    if other_than is not None:
        query = query.where(Organization.id != other_than)
    return (await session.scalar(query.limit(1))) is not None


async def create_organization(
    session: AsyncSession,
    *,
    name: str,
    community: str | None,
    created_by: int | None,
    now: datetime,
    kind: OrganizationKind = OrganizationKind.OTHER,
    level: OrganizationLevel = OrganizationLevel.COMMUNITY,
) -> Organization:
    """A new organisation; AlreadyDone when one has that name (case-blind)."""
    name = clean_name(name)
    place = clean_name(community, MAX_COMMUNITY_LENGTH) if community else None
    if await _name_taken(session, name):
        raise AlreadyDone(f"an organisation is called {name!r}")
    organization = Organization(
        name=name,
        kind=kind,
        level=level,
        community=place,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    session.add(organization)
    await session.flush()
    return organization


async def get_organization(session: AsyncSession, organization_id: int) -> Organization:
    organization = await session.get(Organization, organization_id)
    if organization is None:
        raise NotFound(f"organisation {organization_id}")
    return organization


async def edit_organization(
    session: AsyncSession,
    organization_id: int,
    now: datetime,
    *,
    name: str | None = None,
    community: str | None = None,
    kind: OrganizationKind | None = None,
    level: OrganizationLevel | None = None,
) -> Organization:
    """Change what is given; a name another organisation has is AlreadyDone."""
    organization = await get_organization(session, organization_id)
    if name is not None:
        cleaned = clean_name(name)
        if await _name_taken(session, cleaned, other_than=organization_id):
            raise AlreadyDone(f"an organisation is called {cleaned!r}")
        organization.name = cleaned
    if community is not None:
        organization.community = clean_name(community, MAX_COMMUNITY_LENGTH)
    if kind is not None:
        organization.kind = OrganizationKind(kind)
    if level is not None:
        organization.level = OrganizationLevel(level)
    organization.updated_at = now
    await session.flush()
    return organization


@dataclass(frozen=True)
class OrganizationSummary:
    organization: Organization
    members: int
    requests: int
    leaders: int


async def list_organizations(session: AsyncSession) -> list[OrganizationSummary]:
    """Every organisation, by name, with its counts of members, requests and leaders."""
    organizations = (await session.scalars(select(Organization).order_by(Organization.name))).all()
    rows = await session.execute(
        select(
            OrganizationMember.organization_id,
            OrganizationMember.status,
            OrganizationMember.is_leader,
            func.count(),
        ).group_by(
            OrganizationMember.organization_id,
            OrganizationMember.status,
            OrganizationMember.is_leader,
        )
    )
    counts: dict[int, list[int]] = {}
    for organization_id, status, leader, count in rows.all():
        numbers = counts.setdefault(organization_id, [0, 0, 0])
        if status == MembershipStatus.ACCEPTED:
            numbers[0] += count
            numbers[2] += count if leader else 0
        else:
            numbers[1] += count
    return [OrganizationSummary(o, *counts.get(o.id, [0, 0, 0])) for o in organizations]


async def organizations_to_join(
    session: AsyncSession, user_id: int, community: str | None
) -> list[Organization]:
    """Organisations she is not in (nor asked to be): her community's first, then by name."""
    mine = select(OrganizationMember.organization_id).where(OrganizationMember.user_id == user_id)
    rows = (
        await session.scalars(
            select(Organization).where(Organization.id.not_in(mine)).order_by(Organization.name)
        )
    ).all()
    return sorted(rows, key=lambda o: (o.community != community or community is None, o.name))


# ── Membership ────────────────────────────────────────────────────────────────


async def membership(
    session: AsyncSession, organization_id: int, user_id: int
) -> OrganizationMember | None:
    return await session.get(OrganizationMember, (organization_id, user_id))


async def request_membership(
    session: AsyncSession, organization_id: int, user_id: int, *, share: bool, now: datetime
) -> OrganizationMember:
    """She asks to join; AlreadyDone when she is a member or asked already."""
    await get_organization(session, organization_id)
    if await membership(session, organization_id, user_id) is not None:
        raise AlreadyDone("already a member or asked")
    member = OrganizationMember(
        organization_id=organization_id,
        user_id=user_id,
        status=MembershipStatus.REQUESTED,
        share=share,
        is_leader=False,
        requested_at=now,
    )
    session.add(member)
    await session.flush()
    return member


async def decide_membership(
    session: AsyncSession,
    organization_id: int,
    user_id: int,
    *,
    accept: bool,
    decided_by: int,
    now: datetime,
) -> OrganizationMember | None:
    """A leader or staff accept her request (returns the membership) or decline it (the
    request goes; returns None). NotFound when there is no request; AlreadyDone when she
    is a member already."""
    member = await membership(session, organization_id, user_id)
    if member is None:
        raise NotFound("no such request")
    if member.status == MembershipStatus.ACCEPTED:
        raise AlreadyDone("already a member")
    if not accept:
        await session.delete(member)
        await session.flush()
        return None
    member.status = MembershipStatus.ACCEPTED
    member.decided_at = now
    member.decided_by = decided_by
    await session.flush()
    return member


async def leave(session: AsyncSession, organization_id: int, user_id: int) -> bool:
    """She leaves (or withdraws her request); a leader who leaves is no longer one."""
    result = await session.execute(
        delete(OrganizationMember).where(
            OrganizationMember.organization_id == organization_id,
            OrganizationMember.user_id == user_id,
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def her_organizations(
    session: AsyncSession, user_id: int
) -> list[tuple[Organization, OrganizationMember]]:
    rows = await session.execute(
        select(Organization, OrganizationMember)
        .join(OrganizationMember, OrganizationMember.organization_id == Organization.id)
        .where(OrganizationMember.user_id == user_id)
        .order_by(Organization.name)
    )
    return [(o, m) for o, m in rows.all()]


@dataclass(frozen=True)
class MemberLine:
    """A member as staff (everything) or a leader (what she agreed to share) see her."""

    user_id: int
    name: str | None
    community: str | None
    status: MembershipStatus
    is_leader: bool
    share: bool


async def members(
    session: AsyncSession, organization_id: int, *, requests: bool = False
) -> list[MemberLine]:
    """Accepted members (leaders first, then by name), or with `requests` the requests."""
    wanted = MembershipStatus.REQUESTED if requests else MembershipStatus.ACCEPTED
    rows = await session.execute(
        select(OrganizationMember, User)
        .join(User, User.id == OrganizationMember.user_id)
        .where(
            OrganizationMember.organization_id == organization_id,
            OrganizationMember.status == wanted,
        )
        .order_by(OrganizationMember.is_leader.desc(), User.name, User.id)
    )
    return [
        MemberLine(u.id, u.name, u.community, m.status, m.is_leader, m.share) for m, u in rows.all()
    ]


@dataclass(frozen=True)
class SharedMembers:
    """What a leader sees: the first name and community of members who agreed to share,
    and how many others there are."""

    shared: list[tuple[str, str | None]]
    others: int


async def members_for_leader(session: AsyncSession, organization_id: int) -> SharedMembers:
    lines = await members(session, organization_id)
    shared = [
        ((line.name or "—").split()[0] if (line.name or "").strip() else "—", line.community)
        for line in lines
        if line.share
    ]
    return SharedMembers(shared, sum(1 for line in lines if not line.share))


# ── Leaders ───────────────────────────────────────────────────────────────────


async def name_leader(
    session: AsyncSession, organization_id: int, user_id: int, *, named_by: int, now: datetime
) -> OrganizationMember:
    """Staff name her a leader (a member if she was not one: staff asked her)."""
    await get_organization(session, organization_id)
    user = await session.get(User, user_id)
    if user is None or user.registered_at is None:
        raise NotFound(f"no registered woman {user_id}")
    member = await membership(session, organization_id, user_id)
    if member is None:
        member = OrganizationMember(
            organization_id=organization_id,
            user_id=user_id,
            share=True,
            requested_at=now,
        )
        session.add(member)
    elif member.is_leader and member.status == MembershipStatus.ACCEPTED:
        raise AlreadyDone("already a leader")
    member.status = MembershipStatus.ACCEPTED
    member.is_leader = True
    member.decided_at = now
    member.decided_by = named_by
    await session.flush()
    return member


async def remove_leader(session: AsyncSession, organization_id: int, user_id: int) -> bool:
    result = await session.execute(
        update(OrganizationMember)
        .where(
            OrganizationMember.organization_id == organization_id,
            OrganizationMember.user_id == user_id,
            OrganizationMember.is_leader.is_(True),
        )
        .values(is_leader=False)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def led_organizations(session: AsyncSession, user_id: int) -> list[Organization]:
    rows = await session.scalars(
        select(Organization)
        .join(OrganizationMember, OrganizationMember.organization_id == Organization.id)
        .where(
            OrganizationMember.user_id == user_id,
            OrganizationMember.is_leader.is_(True),
            OrganizationMember.status == MembershipStatus.ACCEPTED,
        )
        .order_by(Organization.name)
    )
    return list(rows.all())


async def is_leader(
    session: AsyncSession, user_id: int, organization_id: int | None = None
) -> bool:
    query = select(OrganizationMember.user_id).where(
        OrganizationMember.user_id == user_id,
        OrganizationMember.is_leader.is_(True),
        OrganizationMember.status == MembershipStatus.ACCEPTED,
    )
    if organization_id is not None:
        query = query.where(OrganizationMember.organization_id == organization_id)
    return (await session.scalar(query.limit(1))) is not None


async def leaders_of(session: AsyncSession, organization_id: int) -> list[int]:
    rows = await session.scalars(
        select(OrganizationMember.user_id).where(
            OrganizationMember.organization_id == organization_id,
            OrganizationMember.is_leader.is_(True),
            OrganizationMember.status == MembershipStatus.ACCEPTED,
        )
    )
    return sorted(rows.all())


# ── Leaders' announcements ────────────────────────────────────────────────────


def announcement_text(organization: Organization, text: str) -> str:
    """What her members receive: the organisation's name, then her words."""
    return f"📣 {organization.name}\n\n{text.strip()}"


async def request_announcement(
    session: AsyncSession, organization_id: int, leader_id: int, text: str, now: datetime
) -> LeaderAnnouncement:
    """A leader asks staff to announce `text` to her members. NotAllowed when she does not
    lead it; InvalidInput when the text is empty or too long for one message."""
    organization = await get_organization(session, organization_id)
    if not await is_leader(session, leader_id, organization_id):
        raise NotAllowed("not a leader of this organisation")
    body = text.strip()
    if not body or broadcasts.telegram_length(announcement_text(organization, body)) > (
        broadcasts.MAX_TEXT
    ):
        raise InvalidInput("empty or too long")
    request = LeaderAnnouncement(
        organization_id=organization_id,
        leader_id=leader_id,
        text=body,
        status=RequestStatus.PENDING,
        created_at=now,
    )
    session.add(request)
    await session.flush()
    return request


async def get_announcement(session: AsyncSession, request_id: int) -> LeaderAnnouncement:
    request = await session.get(LeaderAnnouncement, request_id)
    if request is None:
        raise NotFound(f"announcement request {request_id}")
    return request


async def decide_announcement(
    session: AsyncSession, request_id: int, *, approve: bool, decided_by: int, now: datetime
) -> tuple[LeaderAnnouncement, int]:
    """Staff approve (the broadcast starts at once: returns how many it goes to) or
    decline (0). AlreadyDone when it was decided before."""
    request = await get_announcement(session, request_id)
    if request.status != RequestStatus.PENDING:
        raise AlreadyDone("already decided")
    request.decided_at = now
    request.decided_by = decided_by
    if not approve:
        request.status = RequestStatus.DECLINED
        await session.flush()
        return request, 0
    organization = await get_organization(session, request.organization_id)
    broadcast = await broadcasts.create(
        session,
        text=announcement_text(organization, request.text),
        audience={"kind": ORGANIZATION_AUDIENCE, "organization_id": organization.id},
        created_by=decided_by,
        now=now,
    )
    request.status = RequestStatus.APPROVED
    request.broadcast_id = broadcast.id
    count = await broadcasts.start(session, broadcast.id, now)
    await session.flush()
    return request, count


# ── Her data ──────────────────────────────────────────────────────────────────


async def forget_person(session: AsyncSession, user_id: int) -> list[int]:
    """She deleted her data: her memberships and leader roles go (the organisations
    stay); her announcement requests lose her id; the women without a phone she was the
    contact of stay (they are other women) without a contact. Returns their ids, for
    staff to find them a new contact."""
    await session.execute(delete(OrganizationMember).where(OrganizationMember.user_id == user_id))
    await session.execute(
        update(LeaderAnnouncement)
        .where(LeaderAnnouncement.leader_id == user_id)
        .values(leader_id=None)
        .execution_options(synchronize_session=False)
    )
    orphans: Sequence[int] = (
        await session.scalars(select(NetworkWoman.id).where(NetworkWoman.contact_id == user_id))
    ).all()
    if orphans:
        await session.execute(
            update(NetworkWoman)
            .where(NetworkWoman.id.in_(orphans))
            .values(contact_id=None)
            .execution_options(synchronize_session=False)
        )
    return sorted(orphans)
