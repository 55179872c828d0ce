"""After "delete my data", no table holds her Telegram id; counts that staff saw stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import JSON, BigInteger, Integer, String, Text, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cases import posts as staff_posts
from bot.cases import service as cases
from bot.cases.service import Part
from bot.core import audit, inbox, users
from bot.core.clock import FrozenClock
from bot.db.models import (
    Activity,
    ActivityReminder,
    ActivitySubscription,
    AuditEvent,
    Base,
    Broadcast,
    BroadcastDelivery,
    InboxUpdate,
    Signup,
    StaffPost,
)
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings
from bot.privacy import service as privacy

OFFICE = load_office_settings(EXAMPLE_OFFICE_FILE)
HER = 7_312_845_166
OTHER = 602
STAFF = 900


async def tables_referencing(session: AsyncSession, user_id: int) -> list[str]:
    """Every table.column whose value is her id (as a number, or written as text)."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, BigInteger) or (
                isinstance(column.type, Integer) and user_id < 2**31
            ):
                condition = column == user_id
            elif isinstance(column.type, String | Text | JSON):
                condition = cast(column, Text).contains(str(user_id))
            else:
                continue
            count = await session.scalar(select(func.count()).select_from(table).where(condition))
            if count:
                found.append(f"{table.name}.{column.name}")
    return found


async def test_no_table_keeps_her_id_and_deliveries_keep_their_counts(
    session: AsyncSession, clock: FrozenClock
) -> None:
    now = clock.now()
    her = await users.give_consent(session, HER, "es", now)
    users.update_profile(her, name="Xiomara", phone="+50255519876", age_group="18_29")
    await users.give_consent(session, OTHER, "es", now)
    food = OFFICE.category("food")
    assert food is not None
    case = await cases.open_case(
        session, user=her, category=food, parts=[Part("text", "Necesito maíz")], now=now
    )
    activity = Activity(
        kind="training",
        title="Taller",
        starts_at=now + timedelta(days=3),
        created_at=now,
        updated_at=now,
    )
    session.add(activity)
    await session.flush()
    signup = Signup(
        activity_id=activity.id,
        occurrence_start=activity.starts_at,
        user_id=HER,
        created_at=now,
        updated_at=now,
    )
    session.add_all([signup, ActivitySubscription(user_id=HER, kind="training")])
    await session.flush()
    session.add(
        ActivityReminder(
            signup_id=signup.id,
            slot="day_before",
            occurrence_day=activity.starts_at.date(),
            due_at=now + timedelta(days=2),
        )
    )
    done = Broadcast(text="Feria el sábado", status="done", created_at=now)
    sending = Broadcast(text="Taller el lunes", status="sending", created_at=now)
    session.add_all([done, sending])
    await session.flush()
    session.add_all(
        [
            BroadcastDelivery(broadcast_id=done.id, user_id=HER, status="sent"),
            BroadcastDelivery(broadcast_id=done.id, user_id=OTHER, status="sent"),
            BroadcastDelivery(broadcast_id=sending.id, user_id=HER, status="pending"),
        ]
    )
    # She typed a staff command in her chat: refused, and audited.
    audit.record(session, actor_id=HER, action="refused_pending", now=now)
    audit.record(session, actor_id=STAFF, action="assign", case_id=case.id, now=now)
    await inbox.store_new(session, [(77, f'{{"from": {{"id": {HER}}}}}')], now)
    await session.commit()
    assert await tables_referencing(session, HER)

    await privacy.delete_personal_data(session, HER, now=now)
    await inbox.forget_payload(session, 77)
    await session.commit()
    session.expunge_all()

    assert await tables_referencing(session, HER) == []
    # The finished announcement still counts two sent; the unsent one is not for her any more.
    sent = (
        await session.scalars(
            select(BroadcastDelivery.user_id).where(BroadcastDelivery.broadcast_id == done.id)
        )
    ).all()
    assert len(sent) == 2 and OTHER in sent and HER not in sent and min(sent) < 0
    pending = await session.scalar(
        select(func.count())
        .select_from(BroadcastDelivery)
        .where(BroadcastDelivery.broadcast_id == sending.id)
    )
    assert pending == 0
    # The refusal stays as an event without her; staff actions keep their author.
    actors = (await session.execute(select(AuditEvent.actor_id, AuditEvent.action))).all()
    assert sorted(actors, key=str) == sorted(
        [(None, "refused_pending"), (STAFF, "assign")], key=str
    )
    # Her case's staff messages are queued for erasure.
    kinds = (
        await session.scalars(select(StaffPost.kind).where(StaffPost.case_id == case.id))
    ).all()
    assert staff_posts.ERASED in kinds
    assert (await session.get(InboxUpdate, 77)).payload is None  # type: ignore[union-attr]


async def test_a_staff_member_who_deletes_her_data_stays_the_author_of_her_actions(
    session: AsyncSession, clock: FrozenClock
) -> None:
    await users.give_consent(session, STAFF, "es", clock.now())
    audit.record(session, actor_id=STAFF, action="close", case_id=1, now=clock.now())
    await session.commit()
    await privacy.delete_personal_data(session, STAFF, now=clock.now(), keep_audit_actor=True)
    await session.commit()
    assert (await session.scalars(select(AuditEvent.actor_id))).all() == [STAFF]
