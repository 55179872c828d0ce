"""The pregnant women's club following her pregnancy: her date, the sessions she is
invited to (until the due date, and once after it), invitations written once and sent at
most once, stopping at once, discreet wording, what staff may see, and erasure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_club as club
from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.core import users
from bot.core.errors import InvalidInput, NotFound
from bot.db.models import (
    Activity,
    ActivityKind,
    ClubInvitation,
    DeliveryStatus,
    PregnancyFollow,
    User,
)
from bot.privacy import service as privacy

GT = ZoneInfo("America/Guatemala")
ANA, BEA, CARMEN = 801, 802, 803
TOKEN = "host:1:club"
# The club meets on the 10th of every month at 09:00; the first session is in December.
FIRST = datetime(2030, 12, 10, 9, 0, tzinfo=GT)
GAVE_DATE = datetime(2030, 12, 1, 10, 0, tzinfo=GT).astimezone(UTC)
DUE = date(2031, 2, 15)


def on(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=GT).astimezone(UTC)


def session_of(month: int, year: int = 2031) -> datetime:
    return datetime(year, month, 10, 9, 0, tzinfo=GT).astimezone(UTC)


async def woman(session: AsyncSession, user_id: int, community: str | None = None) -> User:
    user = await users.give_consent(session, user_id, "es", GAVE_DATE - timedelta(days=30))
    user.name, user.community = f"Mujer {user_id}", community
    await session.flush()
    return user


async def monthly_club(session: AsyncSession, community: str | None = None) -> Activity:
    return await activities.create(
        session,
        kind=ActivityKind.PREGNANT_CLUB,
        title="Club de embarazadas",
        place="Centro de salud",
        starts_at=FIRST,
        rrule="FREQ=MONTHLY",
        community=community,
        now=GAVE_DATE - timedelta(days=60),
    )


async def invitations(session: AsyncSession, user_id: int = ANA) -> list[tuple[datetime, bool]]:
    rows = await session.scalars(
        select(ClubInvitation)
        .where(ClubInvitation.user_id == user_id)
        .order_by(ClubInvitation.occurrence_key)
        .execution_options(populate_existing=True)
    )
    return [(r.occurrence_key.astimezone(UTC), r.postpartum) for r in rows]


async def following(session: AsyncSession, due: date = DUE, user_id: int = ANA) -> None:
    await club.set_due_date(session, user_id, due, GAVE_DATE, GT)
    await session.commit()


# ── Her date (pure) ───────────────────────────────────────────────────────────


def test_the_months_she_can_choose_and_the_dates_they_give() -> None:
    today = date(2030, 11, 20)
    months = club.offered_months(today)
    assert months[0] == date(2030, 11, 1) and months[2] == date(2031, 1, 1)
    assert len(months) == club.MONTHS_OFFERED
    assert club.due_in_month(date(2031, 2, 1), today) == date(2031, 2, 15)
    with pytest.raises(InvalidInput):
        club.due_in_month(date(2030, 10, 1), today)  # passed
    with pytest.raises(InvalidInput):
        club.due_in_month(date(2032, 1, 1), today)  # too far
    # In her ninth month: about two weeks left; in her first: about eight and a half months.
    assert club.due_from_month_of_pregnancy(9, today) == date(2030, 12, 5)
    assert club.due_from_month_of_pregnancy(1, today) - today == timedelta(days=258)
    for bad in (0, 10, -1):
        with pytest.raises(InvalidInput):
            club.due_from_month_of_pregnancy(bad, today)


# ── Her date (database) ───────────────────────────────────────────────────────


async def test_the_first_date_asks_for_the_wording_and_is_discreet_until_she_chooses(
    session: AsyncSession,
) -> None:
    await woman(session, ANA)
    assert await club.set_due_date(session, ANA, DUE, GAVE_DATE, GT) is True
    follow = await club.follow_of(session, ANA)
    assert follow is not None and follow.discreet and follow.invitations
    assert await club.set_due_date(session, ANA, date(2031, 3, 15), GAVE_DATE, GT) is False
    await club.set_discreet(session, ANA, False, GAVE_DATE)
    follow = await club.follow_of(session, ANA)
    assert follow is not None and follow.due_date == date(2031, 3, 15) and not follow.discreet
    with pytest.raises(InvalidInput):
        await club.set_due_date(session, ANA, date(2030, 1, 1), GAVE_DATE, GT)
    with pytest.raises(NotFound):
        await club.set_discreet(session, BEA, True, GAVE_DATE)


async def test_removing_the_date_keeps_only_a_discreet_wording(session: AsyncSession) -> None:
    await woman(session, ANA)
    await woman(session, BEA)
    await following(session, user_id=ANA)
    await following(session, user_id=BEA)
    await club.set_discreet(session, BEA, False, GAVE_DATE)
    await club.remove_due_date(session, ANA, GAVE_DATE)
    await club.remove_due_date(session, BEA, GAVE_DATE)
    await session.commit()
    kept = await club.follow_of(session, ANA)
    assert kept is not None and kept.due_date is None and kept.discreet
    assert await club.follow_of(session, BEA) is None


# ── Which sessions ────────────────────────────────────────────────────────────


async def test_invited_to_each_session_until_the_due_date_and_once_after_it(
    session: AsyncSession,
) -> None:
    await woman(session, ANA)
    await monthly_club(session)
    await following(session)
    # A week before each session, its invitation; never twice.
    assert await club.write_due(session, on(date(2030, 12, 2)), GT) == 0
    assert await club.write_due(session, on(date(2030, 12, 4)), GT) == 1
    assert await club.write_due(session, on(date(2030, 12, 5)), GT) == 0
    for month in (1, 2, 3, 4, 5):
        await club.write_due(session, on(date(2031, month, 4)), GT)
    await session.commit()
    # December, January and February before the birth; March after it; then no more.
    assert await invitations(session) == [
        (datetime(2030, 12, 10, 15, 0, tzinfo=UTC), False),
        (session_of(1), False),
        (session_of(2), False),
        (session_of(3), True),
    ]


async def test_only_sessions_she_can_see_and_not_those_she_signed_up_for(
    session: AsyncSession,
) -> None:
    await woman(session, ANA, community="Aldea Norte")
    await woman(session, BEA, community="Aldea Sur")
    north = await monthly_club(session, community="Aldea Norte")
    await following(session, user_id=ANA)
    await following(session, user_id=BEA)
    await signups.sign_up(session, north.id, session_of(1), ANA, on(date(2030, 12, 20)), tz=GT)
    await session.commit()
    await club.write_due(session, on(date(2031, 1, 4)), GT)
    await session.commit()
    assert await invitations(session, ANA) == []  # she is already going
    assert await invitations(session, BEA) == []  # not her community's club


async def test_invitations_stop_at_once_when_she_asks_or_removes_the_date(
    session: AsyncSession,
) -> None:
    await woman(session, ANA)
    await woman(session, BEA)
    await monthly_club(session)
    await following(session, user_id=ANA)
    await following(session, user_id=BEA)
    assert await club.write_due(session, on(date(2030, 12, 4)), GT) == 2
    await session.commit()
    # Written, not yet sent: stopping drops them.
    assert await club.set_invitations(session, ANA, False, on(date(2030, 12, 4), 11))
    await club.remove_due_date(session, BEA, on(date(2030, 12, 4), 11))
    await session.commit()
    assert await invitations(session, ANA) == [] and await invitations(session, BEA) == []
    for month in (1, 2):
        assert await club.write_due(session, on(date(2031, month, 4)), GT) == 0
    # She wants them again: the next session's comes.
    assert await club.set_invitations(session, ANA, True, on(date(2031, 2, 4)))
    assert await club.write_due(session, on(date(2031, 2, 4), 11), GT) == 1
    assert not await club.set_invitations(session, CARMEN, False, GAVE_DATE)


async def test_a_claimed_invitation_is_not_sent_once_she_stopped_them(
    session: AsyncSession,
) -> None:
    await woman(session, ANA)
    await woman(session, BEA)
    await monthly_club(session)
    await following(session, user_id=ANA)
    await following(session, user_id=BEA)
    now = on(date(2030, 12, 4))
    await club.write_due(session, now, GT)
    claimed = await club.claim_batch(session, now, TOKEN, 10)
    await session.commit()
    assert len(claimed) == 2
    assert await club.claim_batch(session, now, "host:2:other", 10) == []
    await club.set_invitations(session, BEA, False, now)
    await session.commit()
    by_user = {row.user_id: row for row in claimed}
    wanted = await club.still_wanted(session, by_user[ANA], now, GT)
    assert wanted is not None and wanted.discreet and not wanted.postpartum
    assert wanted.occurrence.details.title == "Club de embarazadas"
    assert await club.still_wanted(session, by_user[BEA], now, GT) is None
    armed = await club.begin_attempt(session, [by_user[ANA].id], TOKEN, now)
    await club.mark_sent(session, list(armed), TOKEN, now)
    await club.mark_failed(session, [by_user[BEA].id], TOKEN, now, "skipped")
    await session.commit()
    rows = (
        await session.scalars(
            select(ClubInvitation)
            .order_by(ClubInvitation.user_id)
            .execution_options(populate_existing=True)
        )
    ).all()
    assert [r.status for r in rows] == [DeliveryStatus.SENT, DeliveryStatus.FAILED]
    # She reads her (discreet) invitation; another woman cannot.
    mine = await club.her_invitation(session, by_user[ANA].id, ANA, now, GT)
    assert mine is not None and mine.occurrence.key == datetime(2030, 12, 10, 15, tzinfo=UTC)
    with pytest.raises(NotFound):
        await club.her_invitation(session, by_user[ANA].id, BEA, now, GT)
    with pytest.raises(NotFound):
        await club.her_invitation(session, 999_999, ANA, now, GT)
    # Once the session began, there is nothing to read.
    later = datetime(2030, 12, 10, 16, tzinfo=UTC)
    assert await club.her_invitation(session, by_user[ANA].id, ANA, later, GT) is None


async def test_club_messages_are_discreet_only_for_the_club_and_when_she_chose(
    session: AsyncSession,
) -> None:
    await woman(session, ANA)
    await woman(session, BEA)
    meeting = await monthly_club(session)
    training = await activities.create(
        session, kind=ActivityKind.TRAINING, title="Taller", starts_at=FIRST, now=GAVE_DATE
    )
    await following(session, user_id=ANA)
    assert await club.is_discreet(session, ANA, meeting.id)
    assert not await club.is_discreet(session, ANA, training.id)
    assert not await club.is_discreet(session, BEA, meeting.id)
    await club.set_discreet(session, ANA, False, GAVE_DATE)
    assert not await club.is_discreet(session, ANA, meeting.id)


async def test_due_dates_erase_themselves_three_months_after(session: AsyncSession) -> None:
    await woman(session, ANA)
    await following(session, due=date(2030, 12, 20))
    assert await club.expire_dates(session, on(date(2031, 3, 1)), GT) == 0
    assert await club.expire_dates(session, on(date(2031, 3, 21)), GT) == 1
    follow = await club.follow_of(session, ANA)
    assert follow is not None and follow.due_date is None


# ── Staff ─────────────────────────────────────────────────────────────────────


async def test_staff_see_numbers_and_due_dates_only_of_one_session(
    session: AsyncSession,
) -> None:
    for user_id in (ANA, BEA, CARMEN):
        await woman(session, user_id)
    meeting = await monthly_club(session)
    await following(session, user_id=ANA)
    await following(session, due=date(2031, 1, 15), user_id=BEA)
    await club.set_discreet(session, BEA, False, GAVE_DATE)
    now = on(date(2030, 12, 4))
    await club.write_due(session, now, GT)
    ids = [row.id for row in await club.claim_batch(session, now, TOKEN, 10)]
    await club.begin_attempt(session, ids, TOKEN, now)
    await club.mark_sent(session, ids, TOKEN, now)
    first = datetime(2030, 12, 10, 15, tzinfo=UTC)
    for user_id in (ANA, CARMEN):
        await signups.sign_up(session, meeting.id, first, user_id, now, tz=GT)
    await session.commit()
    overview = await club.overview(session, now, GT)
    assert (overview.following, overview.discreet) == (2, 1)
    assert [(s.occurrence.key, s.invited, s.coming) for s in overview.sessions[:2]] == [
        (first, 2, 2),
        (session_of(1), 0, 0),
    ]
    occurrence, women = await club.due_dates_of_coming(session, meeting.id, first, GT)
    assert occurrence.key == first
    assert women == [(f"Mujer {ANA}", DUE)]  # Carmen comes but gave no date
    training = await activities.create(
        session, kind=ActivityKind.TRAINING, title="Taller", starts_at=FIRST, now=GAVE_DATE
    )
    with pytest.raises(NotFound):
        await club.due_dates_of_coming(session, training.id, first, GT)


# ── Erasure ───────────────────────────────────────────────────────────────────


async def test_delete_my_data_leaves_no_date_setting_or_invitation(
    session: AsyncSession,
) -> None:
    await woman(session, ANA)
    await woman(session, BEA)
    await monthly_club(session)
    await following(session, user_id=ANA)
    await following(session, user_id=BEA)
    await club.write_due(session, on(date(2030, 12, 4)), GT)
    await session.commit()
    stored = await privacy.describe_stored_data(session, await session.get(User, ANA))  # type: ignore[arg-type]
    assert stored.pregnancy is not None and stored.pregnancy.due_date == DUE
    await privacy.delete_personal_data(session, ANA, now=on(date(2030, 12, 5)))
    await session.commit()

    def hers(rows: Iterable[int]) -> bool:
        return ANA in rows

    follows = (await session.scalars(select(PregnancyFollow.user_id))).all()
    invited = (await session.scalars(select(ClubInvitation.user_id))).all()
    assert not hers(follows) and not hers(invited)
    assert BEA in follows and BEA in invited  # only hers went
