"""The figures of a report, aggregated in SQL: memory does not grow with the number of rows.

Every query groups in the database and returns one row per group (the time to first
answer too: it is bucketed in SQL), so nothing is loaded per case or per delivery.
Months are taken in the office's time zone: PostgreSQL converts with the zone itself;
SQLite, which has no zones, with the zone's UTC offset at the period's start (Guatemala
and Honduras keep no daylight saving time, so that offset is the zone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, case, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Activity,
    AidDelivery,
    Case,
    CaseEntry,
    EntryKind,
    NetworkMember,
    Signup,
    SignupStatus,
    User,
)
from bot.network import service_consultations as consultations
from bot.network import service_proposals as proposals
from bot.office import OfficeSettings
from bot.plan import service as plan
from bot.reports.period import Period

Row = tuple[Any, ...]
# Time to first answer, in hours: the upper bound of each bucket (None: no answer yet).
ANSWER_BUCKETS = (("under_1h", 1), ("1_24h", 24), ("1_3d", 72), ("over_3d", None))


@dataclass
class ReportData:
    period: Period
    generated_at: datetime
    cases_total: int = 0
    # dimension -> [(key, count)], largest first
    cases_by: dict[str, list[Row]] = field(default_factory=dict)
    cases_by_community_category: list[Row] = field(default_factory=list)
    cases_by_month_category: list[Row] = field(default_factory=list)
    first_answer: list[Row] = field(default_factory=list)  # (bucket, count)
    aid_by_item: list[Row] = field(default_factory=list)  # (item, deliveries, quantity, cents)
    aid_by_community: list[Row] = field(default_factory=list)  # (community, deliveries)
    aid_by_month_item: list[Row] = field(default_factory=list)  # (month, item, deliveries)
    activities: list[Row] = field(default_factory=list)  # (kind, dates, registered, attended)
    network: list[Row] = field(default_factory=list)  # (community, role, members)
    women_by_people_language: list[Row] = field(default_factory=list)  # (people, language, n)
    women_by_disability: list[Row] = field(default_factory=list)  # (disability, n)
    women_served: int = 0
    plan: list[plan.LineProgress] = field(default_factory=list)
    # Consultations to the network open during the period, with their results.
    consultations: list[consultations.ReportLine] = field(default_factory=list)
    # Women's proposals on their way during the period, with their status and supports.
    proposals: list[proposals.ReportLine] = field(default_factory=list)


def _local_month(session: AsyncSession, column: Any, tz: ZoneInfo, at: date) -> ColumnElement[str]:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(tz.key, column), "YYYY-MM")
    offset = datetime(at.year, at.month, at.day, 12, tzinfo=tz).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    return func.strftime("%Y-%m", column, f"{minutes:+d} minutes")


def _date_month(session: AsyncSession, column: Any) -> ColumnElement[str]:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


async def _rows(session: AsyncSession, statement: Any) -> list[Row]:
    return [tuple(r) for r in (await session.execute(statement)).all()]


async def _grouped(
    session: AsyncSession, column: Any, where: Sequence[Any], join_users: bool = False
) -> list[Row]:
    statement = select(column, func.count()).select_from(Case)
    if join_users:
        statement = statement.outerjoin(User, User.id == Case.user_id)
    statement = statement.where(*where).group_by(column).order_by(func.count().desc(), column)
    return await _rows(session, statement)


async def build(
    session: AsyncSession,
    office: OfficeSettings,
    period: Period,
    tz: ZoneInfo,
    now: datetime,
) -> ReportData:
    start, end = period.utc_bounds(tz)
    data = ReportData(period=period, generated_at=now)
    in_period = [Case.created_at >= start, Case.created_at < end]
    data.cases_total = int(
        await session.scalar(select(func.count()).select_from(Case).where(*in_period)) or 0
    )
    data.cases_by = {
        "category": await _grouped(session, Case.category, in_period),
        "community": await _grouped(session, Case.community, in_period),
        "age_group": await _grouped(session, Case.age_group, in_period),
        "people": await _grouped(session, User.people, in_period, join_users=True),
        "language": await _grouped(session, User.language, in_period, join_users=True),
        "disability": await _grouped(session, User.disability, in_period, join_users=True),
        "outcome": await _grouped(
            session, func.coalesce(Case.outcome, cast(literal("open"), String)), in_period
        ),
        "referral": await _grouped(
            session, Case.referred_to, [*in_period, Case.referred_to.is_not(None)]
        ),
    }
    data.cases_by_community_category = await _rows(
        session,
        select(Case.community, Case.category, func.count())
        .where(*in_period)
        .group_by(Case.community, Case.category)
        .order_by(Case.community, Case.category),
    )
    month = _local_month(session, Case.created_at, tz, period.start)
    data.cases_by_month_category = await _rows(
        session,
        select(month, Case.category, func.count())
        .where(*in_period)
        .group_by(month, Case.category)
        .order_by(month, Case.category),
    )
    data.first_answer = await _first_answers(session, start, end)

    aid_where = [
        AidDelivery.delivered_on >= period.start,
        AidDelivery.delivered_on <= period.end,
        AidDelivery.annulled_at.is_(None),
    ]
    data.aid_by_item = await _rows(
        session,
        select(
            AidDelivery.item,
            func.count(),
            func.coalesce(func.sum(AidDelivery.quantity), 0),
            func.coalesce(func.sum(AidDelivery.amount_cents), 0),
        )
        .where(*aid_where)
        .group_by(AidDelivery.item)
        .order_by(func.count().desc(), AidDelivery.item),
    )
    data.aid_by_community = await _rows(
        session,
        select(AidDelivery.community, func.count())
        .where(*aid_where)
        .group_by(AidDelivery.community)
        .order_by(func.count().desc(), AidDelivery.community),
    )
    aid_month = _date_month(session, AidDelivery.delivered_on)
    data.aid_by_month_item = await _rows(
        session,
        select(aid_month, AidDelivery.item, func.count())
        .where(*aid_where)
        .group_by(aid_month, AidDelivery.item)
        .order_by(aid_month, AidDelivery.item),
    )
    data.activities = await _activities(session, start, min(end, max(now, start)), end, tz)
    data.network = await _rows(
        session,
        select(NetworkMember.community, NetworkMember.role, func.count())
        .group_by(NetworkMember.community, NetworkMember.role)
        .order_by(NetworkMember.community, NetworkMember.role),
    )
    served = plan.women_served_query(start, end, period.start, period.end)
    data.women_served = int(await session.scalar(select(func.count()).select_from(served)) or 0)
    data.women_by_people_language = await _rows(
        session,
        select(User.people, User.language, func.count())
        .join(served, served.c.user_id == User.id)
        .group_by(User.people, User.language)
        .order_by(User.people, User.language),
    )
    data.women_by_disability = await _rows(
        session,
        select(User.disability, func.count())
        .join(served, served.c.user_id == User.id)
        .group_by(User.disability)
        .order_by(User.disability),
    )
    data.consultations = await consultations.for_report(session, start, end)
    data.proposals = await proposals.for_report(session, start, end)
    data.plan = await plan.progress(session, office, min(period.end, _local_day(now, tz)), tz, now)
    return data


def _local_day(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


async def _first_answers(session: AsyncSession, start: datetime, end: datetime) -> list[Row]:
    """Cases by time to first answer, bucketed in SQL (one row per bucket)."""
    first_reply = (
        select(CaseEntry.case_id, func.min(CaseEntry.created_at).label("first_at"))
        .join(Case, Case.id == CaseEntry.case_id)
        .where(
            CaseEntry.kind == EntryKind.STAFF_REPLY,
            Case.created_at >= start,
            Case.created_at < end,
        )
        .group_by(CaseEntry.case_id)
        .subquery()
    )
    if session.get_bind().dialect.name == "postgresql":
        hours: Any = func.extract("epoch", first_reply.c.first_at - Case.created_at) / 3600
    else:
        hours = (func.julianday(first_reply.c.first_at) - func.julianday(Case.created_at)) * 24
    whens = [(first_reply.c.first_at.is_(None), "none")]
    whens += [(hours < limit, key) for key, limit in ANSWER_BUCKETS if limit is not None]
    bucket = case(*whens, else_=ANSWER_BUCKETS[-1][0])
    rows = await _rows(
        session,
        select(bucket, func.count())
        .select_from(Case)
        .outerjoin(first_reply, first_reply.c.case_id == Case.id)
        .where(Case.created_at >= start, Case.created_at < end)
        .group_by(bucket),
    )
    found = {str(key): int(n) for key, n in rows}
    return [(key, found.get(key, 0)) for key, _ in ANSWER_BUCKETS] + [("none", found.get("none", 0))]


async def _activities(
    session: AsyncSession, start: datetime, held_until: datetime, end: datetime, tz: ZoneInfo
) -> list[Row]:
    held = await plan.sessions_held(session, (), start, held_until, tz)
    signups = await _rows(
        session,
        select(
            Activity.kind,
            func.count(),
            func.sum(case((Signup.attended_at.is_not(None), 1), else_=0)),
        )
        .select_from(Signup)
        .join(Activity, Activity.id == Signup.activity_id)
        .where(
            Signup.occurrence_start >= start,
            Signup.occurrence_start < end,
            Signup.status == SignupStatus.GOING,
        )
        .group_by(Activity.kind),
    )
    by_kind = {kind: (int(n), int(came or 0)) for kind, n, came in signups}
    kinds = sorted(set(held) | set(by_kind))
    return [(k, held.get(k, 0), *by_kind.get(k, (0, 0))) for k in kinds]
