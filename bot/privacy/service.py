"""Deleting her data, and telling her what is stored: the one flow that crosses every domain.

Moved out of `bot.core.users`: erasing touches cases, appointments, activities,
broadcast deliveries, the outbox and the staff posts. Like every service, it never
commits; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_club as club
from bot.activities import service_notices as activity_notices
from bot.activities import service_signups as signups
from bot.aid import service as aid_service
from bot.appointments import service as appointments
from bot.cases import posts as staff_posts
from bot.core import outbox_rows
from bot.core.users import increment_count
from bot.db.models import (
    ACTIVE_APPOINTMENT_STATUSES,
    Appointment,
    AuditEvent,
    BroadcastDelivery,
    Case,
    CaseEntry,
    ConversationState,
    DeliveryStatus,
    NetworkMember,
    Organization,
    OrganizationMember,
    PregnancyFollow,
    TrackedMessage,
    User,
)
from bot.enterprise import service_directory as business_directory
from bot.enterprise import service_fairs as fairs
from bot.enterprise import service_school as school
from bot.network import service as organizations
from bot.network import service_consultations as consultations
from bot.network import service_participation_notices as network_notices
from bot.network import service_proposals as proposals
from bot.network import service_women as women

# Why her appointments were cancelled when she deleted her data (staff see it).
DATA_DELETED = "she deleted her data"


@dataclass(frozen=True)
class StoredData:
    user: User
    case_count: int
    open_case_count: int
    network: NetworkMember | None
    # Her organisations of the network, and whether she is a member, a leader or waiting.
    organizations: list[tuple[Organization, OrganizationMember]]
    # Her approximate due date and club wording (bot.activities.service_club).
    pregnancy: PregnancyFollow | None = None


async def describe_stored_data(session: AsyncSession, user: User) -> StoredData:
    cases = (await session.scalars(select(Case).where(Case.user_id == user.id))).all()
    network = await session.get(NetworkMember, user.id)
    return StoredData(
        user=user,
        case_count=len(cases),
        open_case_count=sum(1 for c in cases if c.is_open),
        network=network,
        organizations=await organizations.her_organizations(session, user.id),
        pregnancy=await club.follow_of(session, user.id),
    )


async def delete_personal_data(
    session: AsyncSession, user_id: int, now: datetime, *, keep_audit_actor: bool = False
) -> list[signups.Promotion]:
    """Erase everything personal about her; her cases stay only as anonymous counts.

    Her active appointments are cancelled first (their slots are free again, their
    reminders will not be sent) and staff are told they changed. Her places at coming
    activities go to the women waiting for them: returned, for the caller to tell them.

    Nothing that holds her Telegram id, name, phone or words is left: her row and
    everything hanging from it (conversation, network, organisations' memberships and
    leader roles, sign-ups and their reminders,
    activity subscriptions) is deleted; her cases and appointments lose the link to
    her; her words in the cases' history are blanked; tracked message ids of her chat
    are forgotten; announcement deliveries lose her id (see `_forget_deliveries`);
    audit events she caused (a refused command) keep the event, not her id, unless
    she is staff (`keep_audit_actor`: staff actions stay accountable). For each of her
    cases the staff chats' copies are queued for erasure (bot.cases.jobs).

    The caller also erases the payload of the update that asked for this (bot.core.inbox).
    """
    active = (
        await session.scalars(
            select(Appointment.id).where(
                Appointment.user_id == user_id,
                Appointment.status.in_(ACTIVE_APPOINTMENT_STATUSES),
            )
        )
    ).all()
    for appointment_id in active:
        await appointments.cancel(
            session, appointment_id, now=now, reason=DATA_DELETED, user_id=user_id
        )
        appointments.tell_staff(session, appointment_id, now, new=False)
    promotions = await signups.give_up_coming_signups(session, user_id, now)
    case_ids = (await session.scalars(select(Case.id).where(Case.user_id == user_id))).all()
    if case_ids:
        await session.execute(
            update(CaseEntry)
            .where(CaseEntry.case_id.in_(case_ids))
            .values(text=None, file_id=None)
            .execution_options(synchronize_session=False)
        )
        await session.execute(
            update(Case)
            .where(Case.id.in_(case_ids))
            .values(user_id=None, age_group=None)
            .execution_options(synchronize_session=False)
        )
    for case_id in case_ids:
        # After the posts already queued: a card or copy still on its way is erased too.
        staff_posts.enqueue(session, kind=staff_posts.ERASED, case_id=case_id, now=now)
    await _forget_deliveries(session, user_id)
    await aid_service.forget_person(session, user_id)
    if not keep_audit_actor:
        await session.execute(
            update(AuditEvent).where(AuditEvent.actor_id == user_id).values(actor_id=None)
        )
    await session.execute(delete(ConversationState).where(ConversationState.user_id == user_id))
    await session.execute(delete(NetworkMember).where(NetworkMember.user_id == user_id))
    # Her organisations' memberships and leader roles (the organisations stay); women
    # without a phone she was the contact of stay, without a contact (see
    # `women_left_without_contact`, for staff to find them another).
    await organizations.forget_person(session, user_id)
    await session.execute(delete(TrackedMessage).where(TrackedMessage.chat_id == user_id))
    # Answers to her chat still waiting (after a 429) would carry her id and words.
    await outbox_rows.forget_chat(session, user_id)
    # Sign-ups (and their reminders) and activity subscriptions go with her row (CASCADE).
    await activity_notices.forget(session, user_id)
    # Her answers to consultations (not anonymous ones) and her network notices.
    await consultations.forget_person(session, user_id)
    # Her supports go; her proposals stay as anonymous counts (no id, no words).
    await proposals.forget_person(session, user_id)
    await network_notices.forget(session, user_id)
    # Her due date, her club wording and her invitations to the club.
    await club.forget(session, user_id)
    # Her fair applications, her business in the directory, her enrolments go; the
    # certificates she earned stay as anonymous counts (no id, no name).
    await fairs.forget_person(session, user_id)
    await business_directory.forget_person(session, user_id)
    await school.forget_person(session, user_id)
    await session.execute(delete(User).where(User.id == user_id))
    await increment_count(session, "personal_data_deleted")
    return promotions


# Deliveries whose outcome is recorded; they only count now.
_FINISHED_DELIVERIES = (DeliveryStatus.SENT, DeliveryStatus.BLOCKED, DeliveryStatus.FAILED)


async def _forget_deliveries(session: AsyncSession, user_id: int) -> None:
    """Announcement deliveries lose her Telegram id.

    Finished ones stay, anonymised, so the figures staff saw (sent, failed) do not
    change afterwards: `user_id` becomes minus the row's id, unique per broadcast and
    never a woman's id (those are positive); nothing reads a finished row's user_id.
    Unfinished ones are deleted: she is not to receive the announcement any more, and
    the sender's outcome update for a row it is sending finds nothing and changes nothing.
    """
    await session.execute(
        update(BroadcastDelivery)
        .where(
            BroadcastDelivery.user_id == user_id,
            BroadcastDelivery.status.in_([s.value for s in _FINISHED_DELIVERIES]),
        )
        .values(user_id=-BroadcastDelivery.id, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        delete(BroadcastDelivery)
        .where(BroadcastDelivery.user_id == user_id)
        .execution_options(synchronize_session=False)
    )


async def women_left_without_contact(session: AsyncSession, user_id: int) -> list[int]:
    """Ids of the women without a phone she is the contact of: asked before erasing her,
    so staff can be told they need a new contact."""
    return [w.id for w in await women.represented_by(session, user_id)]
