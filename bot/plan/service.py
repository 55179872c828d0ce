"""Progress of the annual plan's lines, counted from the records (never typed).

Counts run in SQL (activities are few and their series are expanded in Python: a
series' dates are not rows). No Telegram here; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.db.models import Activity, AidDelivery, Case, Signup
from bot.office import OfficeSettings, PlanLine


@dataclass(frozen=True)
class LineProgress:
    line: PlanLine
    done: int

    @property
    def share(self) -> float:
        return self.done / self.line.target if self.line.target else 0.0


def _bounds(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(first, time(0), tz).astimezone(UTC),
        datetime.combine(last + timedelta(days=1), time(0), tz).astimezone(UTC),
    )


async def sessions_held(
    session: AsyncSession, kinds: tuple[str, ...], start: datetime, end: datetime, tz: ZoneInfo
) -> dict[str, int]:
    """Dates of activities (one-offs and each date of a series) in [start, end), by kind."""
    statement = select(Activity).where(Activity.series_id.is_(None), Activity.starts_at < end)
    if kinds:
        statement = statement.where(Activity.kind.in_(kinds))
    found: dict[str, int] = {}
    series = (await session.scalars(statement)).all()
    overrides: dict[int, list[Activity]] = {}
    series_ids = [a.id for a in series if a.rrule is not None]
    if series_ids:
        for row in await session.scalars(
            select(Activity).where(Activity.series_id.in_(series_ids))
        ):
            assert row.series_id is not None
            overrides.setdefault(row.series_id, []).append(row)
    for activity in series:
        dates = activities.occurrences(activity, start, end, tz, overrides.get(activity.id, ()))
        if dates:
            found[activity.kind] = found.get(activity.kind, 0) + len(dates)
    return found


def women_served_query(start: datetime, end: datetime, first: date, last: date):  # type: ignore[no-untyped-def]
    """Different women with a case, an aid delivery or an attendance in the period."""
    return union(
        select(Case.user_id.label("user_id")).where(
            Case.created_at >= start, Case.created_at < end, Case.user_id.is_not(None)
        ),
        select(AidDelivery.user_id).where(
            AidDelivery.delivered_on >= first,
            AidDelivery.delivered_on <= last,
            AidDelivery.annulled_at.is_(None),
            AidDelivery.user_id.is_not(None),
        ),
        select(Signup.user_id).where(
            Signup.occurrence_start >= start,
            Signup.occurrence_start < end,
            Signup.attended_at.is_not(None),
        ),
    ).subquery()


async def count_line(
    session: AsyncSession,
    office: OfficeSettings,
    line: PlanLine,
    first: date,
    last: date,
    tz: ZoneInfo,
    now: datetime,
) -> int:
    start, end = _bounds(first, last, tz)
    if line.measure == "activities":
        held = await sessions_held(session, line.kinds, start, min(end, now), tz)
        return sum(held.values())
    if line.measure == "attendance":
        statement = (
            select(func.count())
            .select_from(Signup)
            .join(Activity, Activity.id == Signup.activity_id)
            .where(
                Signup.attended_at.is_not(None),
                Signup.occurrence_start >= start,
                Signup.occurrence_start < end,
            )
        )
        if line.kinds:
            statement = statement.where(Activity.kind.in_(line.kinds))
        return int(await session.scalar(statement) or 0)
    if line.measure == "aid":
        items = {i.key for i in office.aid_items if i.plan_line == line.key} | set(line.kinds)
        return int(
            await session.scalar(
                select(func.count())
                .select_from(AidDelivery)
                .where(
                    AidDelivery.annulled_at.is_(None),
                    AidDelivery.delivered_on >= first,
                    AidDelivery.delivered_on <= last,
                    (AidDelivery.plan_line == line.key) | AidDelivery.item.in_(items),
                )
            )
            or 0
        )
    if line.measure == "cases":
        statement = (
            select(func.count())
            .select_from(Case)
            .where(Case.created_at >= start, Case.created_at < end)
        )
        if line.kinds:
            statement = statement.where(Case.category.in_(line.kinds))
        return int(await session.scalar(statement) or 0)
    served = women_served_query(start, end, first, last)
    return int(await session.scalar(select(func.count()).select_from(served)) or 0)


async def progress(
    session: AsyncSession, office: OfficeSettings, until: date, tz: ZoneInfo, now: datetime
) -> list[LineProgress]:
    """Each line's count from 1 January of `until`'s year to `until` (included)."""
    first = date(until.year, 1, 1)
    return [
        LineProgress(line, await count_line(session, office, line, first, until, tz, now))
        for line in office.plan
    ]


def year_elapsed(until: date) -> float:
    """The share of the year gone by `until` (what the progress is compared with)."""
    first = date(until.year, 1, 1)
    days = (date(until.year + 1, 1, 1) - first).days
    return min(1.0, ((until - first).days + 1) / days)
