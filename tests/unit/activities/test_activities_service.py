"""Activities: recurring series, edited and cancelled dates, places and waitlists, links."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.activities import service_subscriptions as activity_subscriptions
from bot.core import users
from bot.core.errors import AlreadyDone, InvalidInput, NotFound
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Activity, ActivityKind, Signup, SignupStatus, User

GT = ZoneInfo("America/Guatemala")  # UTC-6 all year
NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 22, 18, 0, tzinfo=GT).astimezone(UTC)
ANA, BEA, CARMEN, DORA = 501, 502, 503, 504
FIRST_TUESDAY = "FREQ=MONTHLY;BYDAY=+1TU"


def at(day: date, hour: int, minute: int = 0, tz: ZoneInfo = GT) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=tz).astimezone(UTC)


def local(occurrences: list[activities.Occurrence], tz: ZoneInfo = GT) -> list[str]:
    return [o.starts_at.astimezone(tz).strftime("%Y-%m-%d %a %H:%M") for o in occurrences]


async def women(session: AsyncSession, *ids: int) -> None:
    for user_id in ids:
        await users.give_consent(session, user_id, "es", NOW)


async def club(session: AsyncSession, **extra: object) -> Activity:
    fields: dict = {
        "kind": ActivityKind.PREGNANT_CLUB,
        "title": "Club de embarazadas",
        "starts_at": at(date(2026, 12, 1), 9),
        "rrule": FIRST_TUESDAY,
        "now": NOW,
        **extra,
    }
    return await activities.create(session, **fields)


async def one_off(session: AsyncSession, capacity: int | None = 2, **extra: object) -> Activity:
    fields: dict = {
        "kind": ActivityKind.TRAINING,
        "title": "Taller",
        "starts_at": at(date(2026, 11, 30), 10),
        "capacity": capacity,
        "now": NOW,
        **extra,
    }
    return await activities.create(session, **fields)


async def test_a_monthly_first_tuesday_series_keeps_its_local_time(session: AsyncSession) -> None:
    series = await club(session)
    found = activities.occurrences(series, NOW, NOW + timedelta(days=80), GT)
    assert local(found) == [
        "2026-12-01 Tue 09:00",
        "2027-01-05 Tue 09:00",
        "2027-02-02 Tue 09:00",
    ]
    assert all(o.activity_id == series.id and o.key == o.starts_at for o in found)


async def test_the_local_time_holds_across_daylight_saving(session: AsyncSession) -> None:
    series = await club(session, starts_at=at(date(2026, 2, 3), 9, tz=NY))
    start = datetime(2026, 2, 1, tzinfo=UTC)
    found = activities.occurrences(series, start, start + timedelta(days=70), NY)
    assert local(found, NY) == [
        "2026-02-03 Tue 09:00",
        "2026-03-03 Tue 09:00",
        "2026-04-07 Tue 09:00",
    ]
    assert [o.starts_at.hour for o in found] == [14, 14, 13]  # UTC moves, local does not


async def test_an_edited_and_a_cancelled_date(session: AsyncSession) -> None:
    series = await club(session)
    december, january, february = (
        at(date(2026, 12, 1), 9),
        at(date(2027, 1, 5), 9),
        at(date(2027, 2, 2), 9),
    )
    edited = await activities.edit_occurrence(
        session, series.id, january, NOW, GT, starts_at=at(date(2027, 1, 12), 15), place="Salón"
    )
    assert edited.series_id == series.id and edited.occurrence_start == january
    await activities.cancel_occurrence(session, series.id, february, NOW, GT)

    found = await activities.upcoming(session, NOW, GT, days=80)
    assert local(found) == ["2026-12-01 Tue 09:00", "2027-01-12 Tue 15:00"]
    assert [o.key for o in found] == [december, january]
    assert found[1].edited and found[1].details.place == "Salón"
    assert found[1].details.title == series.title

    # Editing the same date again updates its override; a cancelled date cannot be edited.
    again = await activities.edit_occurrence(session, series.id, january, NOW, GT, title="Especial")
    assert again.id == edited.id
    with pytest.raises(NotFound):
        await activities.edit_occurrence(session, series.id, february, NOW, GT, title="x")
    with pytest.raises(NotFound):  # not a date of the series
        await activities.cancel_occurrence(session, series.id, at(date(2027, 1, 6), 9), NOW, GT)
    with pytest.raises(InvalidInput):
        await activities.edit_occurrence(session, series.id, december, NOW, GT, rrule="FREQ=DAILY")


async def test_upcoming_lists_her_community_first_then_the_municipality(
    session: AsyncSession,
) -> None:
    await one_off(session, title="Feria municipal", kind=ActivityKind.FAIR)
    await one_off(
        session, title="Taller en Xela", starts_at=at(date(2026, 12, 10), 10), community="Xela"
    )
    await one_off(session, title="Taller en Tecpán", community="Tecpán")
    await one_off(session, title="Ya pasó", starts_at=at(date(2026, 11, 1), 10))
    cancelled = await one_off(session, title="Cancelado")
    await activities.cancel_series(session, cancelled.id, NOW)

    mine = await activities.upcoming(session, NOW, GT, community="Xela")
    assert [o.details.title for o in mine] == ["Taller en Xela", "Feria municipal"]
    fairs = await activities.upcoming(session, NOW, GT, kind=ActivityKind.FAIR)
    assert [o.details.title for o in fairs] == ["Feria municipal"]


async def test_the_third_sign_up_for_two_places_waits(session: AsyncSession) -> None:
    await women(session, ANA, BEA, CARMEN)
    activity = await one_off(session, capacity=2)
    start = activity.starts_at
    statuses = [
        await signups.sign_up(session, activity.id, start, who, NOW, tz=GT)
        for who in (ANA, BEA, CARMEN)
    ]
    assert statuses == [SignupStatus.GOING, SignupStatus.GOING, SignupStatus.WAITLIST]
    with pytest.raises(AlreadyDone):
        await signups.sign_up(session, activity.id, start, ANA, NOW, tz=GT)
    with pytest.raises(NotFound):
        await signups.sign_up(session, activity.id, start + timedelta(days=1), ANA, NOW, tz=GT)
    with pytest.raises(InvalidInput):  # it has begun
        await signups.sign_up(session, activity.id, start, ANA, start, tz=GT)


async def test_a_series_date_takes_its_own_sign_ups(session: AsyncSession) -> None:
    await women(session, ANA, BEA)
    series = await club(session, capacity=1)
    december, january = at(date(2026, 12, 1), 9), at(date(2027, 1, 5), 9)
    assert await signups.sign_up(session, series.id, december, ANA, NOW, tz=GT) == "going"
    assert await signups.sign_up(session, series.id, january, BEA, NOW, tz=GT) == "going"
    assert await signups.who_is_coming(session, series.id, december) == [ANA]
    assert await signups.who_is_coming(session, series.id, after=NOW) == [ANA, BEA]


async def test_cancelling_a_going_sign_up_promotes_the_longest_waiting(
    session: AsyncSession,
) -> None:
    await women(session, ANA, BEA, CARMEN, DORA)
    activity = await one_off(session, capacity=2)
    start = activity.starts_at
    for minutes, who in enumerate((ANA, BEA, CARMEN, DORA)):
        await signups.sign_up(
            session, activity.id, start, who, NOW + timedelta(minutes=minutes), tz=GT
        )

    # A waitlisted woman leaving frees no place.
    assert await signups.cancel_signup(session, activity.id, start, DORA, NOW) is None
    await signups.sign_up(session, activity.id, start, DORA, NOW + timedelta(hours=1), tz=GT)
    promoted = await signups.cancel_signup(session, activity.id, start, ANA, NOW)
    assert promoted == CARMEN
    listed = await signups.attendees(session, activity.id, start)
    assert [(s.user_id, s.status) for s in listed] == [
        (BEA, "going"),
        (CARMEN, "going"),
        (DORA, "waitlist"),
    ]
    with pytest.raises(AlreadyDone):
        await signups.cancel_signup(session, activity.id, start, ANA, NOW)


async def test_two_women_taking_the_last_place_at_once_get_one_place(database_url: str) -> None:
    setup = create_engine(database_url)
    async with create_session_factory(setup)() as session:
        await women(session, ANA, BEA, CARMEN)
        activity = await one_off(session, capacity=2)
        await signups.sign_up(session, activity.id, activity.starts_at, ANA, NOW, tz=GT)
        await session.commit()
        activity_id, start = activity.id, activity.starts_at
    await setup.dispose()
    engines = [create_engine(database_url), create_engine(database_url)]
    go = asyncio.Event()

    async def attempt(engine_index: int, user_id: int) -> str:
        async with create_session_factory(engines[engine_index])() as session:
            await go.wait()
            status = await signups.sign_up(session, activity_id, start, user_id, NOW, tz=GT)
            await asyncio.sleep(0.05)  # hold the lock a moment so the other one must wait
            await session.commit()
            return str(status)

    try:
        tasks = [asyncio.create_task(attempt(0, BEA)), asyncio.create_task(attempt(1, CARMEN))]
        await asyncio.sleep(0)
        go.set()
        results = await asyncio.wait_for(asyncio.gather(*tasks), 30)
        assert sorted(results) == ["going", "waitlist"]
        async with create_session_factory(engines[0])() as session:
            going = (
                await session.scalars(
                    select(Signup.user_id).where(
                        Signup.activity_id == activity_id, Signup.status == SignupStatus.GOING
                    )
                )
            ).all()
            assert len(going) == 2
    finally:
        for engine in engines:
            await engine.dispose()


def test_a_deep_link_round_trips_and_forged_ones_are_refused() -> None:
    start = at(date(2027, 1, 5), 9)
    payload = activities.deep_link_payload(123456, start)
    assert payload == "act_123456_202701051500"
    assert len(payload) <= 64
    assert activities.parse_deep_link(payload) == (123456, start)
    # A poster for a whole series names only the activity: it opens the next date.
    assert activities.deep_link_payload(7) == "act_7"
    assert activities.parse_deep_link("act_7") == (7, None)
    forged = [
        "act_",
        "act_07",
        "",
        "act_1_2027010515",
        "act_0_202701051500",
        "act_-1_202701051500",
        "act_1_202713051500",  # month 13
        "act_1_202701051500_x",
        "act_1_20270105150a",
        "ACT_1_202701051500",
        "act_1234567890123_202701051500",
        "appt_1_202701051500",
    ]
    for bad in forged:
        with pytest.raises(InvalidInput):
            activities.parse_deep_link(bad)


async def test_subscriptions_default_to_every_kind(session: AsyncSession) -> None:
    await women(session, ANA)
    every = {k.value for k in ActivityKind}
    assert await activity_subscriptions.subscriptions(session, ANA) == every
    await activity_subscriptions.set_subscriptions(session, ANA, ["fair", "training"])
    assert await activity_subscriptions.subscriptions(session, ANA) == {"fair", "training"}
    await activity_subscriptions.set_subscriptions(session, ANA, [])
    assert await activity_subscriptions.subscriptions(session, ANA) == set()
    await activity_subscriptions.set_subscriptions(session, ANA, every)
    assert await activity_subscriptions.subscriptions(session, ANA) == every
    with pytest.raises(InvalidInput):
        await activity_subscriptions.set_subscriptions(session, ANA, ["gossip"])


async def test_invalid_rules_and_fields_are_refused(session: AsyncSession) -> None:
    with pytest.raises(InvalidInput):
        await club(session, rrule="FREQ=SOMETIMES")
    with pytest.raises(InvalidInput):
        await one_off(session, kind="party")
    with pytest.raises(InvalidInput):
        await one_off(session, starts_at=datetime(2026, 12, 1, 9))  # naive


async def test_staff_mark_who_came_from_the_list(session: AsyncSession) -> None:
    await women(session, ANA, BEA)
    her = await session.get(User, ANA)
    assert her is not None
    her.name = "Ana"
    activity = await one_off(session, capacity=1)
    start = activity.starts_at
    await signups.sign_up(session, activity.id, start, ANA, NOW, tz=GT)
    await signups.sign_up(session, activity.id, start, BEA, NOW + timedelta(minutes=1), tz=GT)
    listed = await signups.attendance(session, activity.id, start)
    assert [(p.user_id, p.name, p.status, p.attended) for p in listed] == [
        (ANA, "Ana", "going", False),
        (BEA, None, "waitlist", False),
    ]
    assert await signups.counts(session, activity.id, start) == (1, 1)
    later = start + timedelta(minutes=5)
    signup = await signups.mark_attended(session, listed[1].signup_id, True, later)
    assert signup.attended_at == later  # a woman waiting for a place may come anyway
    await signups.mark_attended(session, listed[1].signup_id, False, later)
    assert signup.attended_at is None
    await signups.cancel_signup(session, activity.id, start, BEA, NOW)
    with pytest.raises(NotFound):
        await signups.mark_attended(session, listed[1].signup_id, True, later)
    with pytest.raises(NotFound):
        await signups.mark_attended(session, 999999, True, later)


async def test_moving_a_one_off_moves_her_sign_up(session: AsyncSession) -> None:
    await women(session, ANA)
    activity = await one_off(session)
    await signups.sign_up(session, activity.id, activity.starts_at, ANA, NOW, tz=GT)
    moved = at(date(2026, 12, 2), 15)
    await activities.edit_series(session, activity.id, NOW, starts_at=moved)
    assert await signups.who_is_coming(session, activity.id, moved) == [ANA]
    assert (await activities.get_occurrence(session, activity.id, moved, GT)).key == moved


async def test_an_edited_date_follows_the_series_in_what_it_did_not_change(
    session: AsyncSession,
) -> None:
    series = await club(session, place="Centro de salud")
    january = at(date(2027, 1, 5), 9)
    await activities.edit_occurrence(session, series.id, january, NOW, GT, place="Salón")
    await activities.edit_series(session, series.id, NOW, title="Club de mamás", place="Escuela")
    found = await activities.get_occurrence(session, series.id, january, GT)
    assert found.details.title == "Club de mamás"  # it shared the title: it follows
    assert found.details.place == "Salón"  # its own place stays
    december = await activities.get_occurrence(session, series.id, at(date(2026, 12, 1), 9), GT)
    assert december.details.place == "Escuela"


async def test_each_woman_is_named_once_with_her_first_coming_date(session: AsyncSession) -> None:
    await women(session, ANA, BEA)
    series = await club(session)
    december, january = at(date(2026, 12, 1), 9), at(date(2027, 1, 5), 9)
    for key, who in ((december, ANA), (january, ANA), (january, BEA)):
        await signups.sign_up(session, series.id, key, who, NOW, tz=GT)
    assert await signups.next_signups(session, series.id, NOW) == {ANA: december, BEA: january}
    assert await signups.next_signups(session, series.id, december + timedelta(hours=1)) == {
        ANA: january,
        BEA: january,
    }
    dates = await activities.next_dates(session, series.id, NOW, GT, days=50)
    assert [o.key for o in dates] == [december, january]
