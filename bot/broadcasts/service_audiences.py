"""Who an announcement reaches: audiences as dicts, and the SELECT of their women.

Dicts, so that new segments can be added without a schema change:

    {"kind": "everyone"}
    {"kind": "communities", "communities": ["Xecotz", "Pachitur"]}
    {"kind": "network"}                        # members of the women's network
    {"kind": "network", "communities": [...]}  # network members of those communities
    {"kind": "activity_type", "types": ["fair", "training"]}
        # women who hear about any of those kinds of activity: no subscription rows
        # means every kind, a single "none" row means none (see bot.activities.service_subscriptions)
    {"kind": "activity", "activity_id": 7}
        # women going to (or waiting for a place at) any date of it from now on
    {"kind": "activity", "activity_id": 7, "occurrence_start": "2026-12-01T15:00:00+00:00"}
        # ... to that one date (its original start, as sign-ups name it)
    {"kind": "organization", "organization_id": 3}
        # the accepted members of one organisation of the network (a leader's
        # announcement staff approved: bot.network.service)

Any kind but "network" may also carry "communities" to narrow it to women of those
communities. Every segment is limited to women who registered, consented, are active
(did not block the bot) and did not opt out of announcements.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, exists, select

from bot.activities.service_series import ALL_KINDS
from bot.db.models import (
    ActivitySubscription,
    MembershipStatus,
    NetworkMember,
    OrganizationMember,
    Signup,
    SignupStatus,
    User,
)

AUDIENCE_KINDS = frozenset(
    {"everyone", "communities", "network", "activity_type", "activity", "organization"}
)
_SIGNED_UP = (SignupStatus.GOING, SignupStatus.WAITLIST)


class AudienceError(ValueError):
    """The audience dict does not describe a known segment."""


def _names(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AudienceError(f"{what} must be a list of names")
    return value


def occurrence_of(audience: dict[str, Any]) -> datetime | None:
    """The one date an "activity" audience names (aware UTC), or None for every date."""
    raw = audience.get("occurrence_start")
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise AudienceError("occurrence_start must be an ISO date and time with its offset")
    return moment.astimezone(UTC)


def validate_audience(audience: dict[str, Any]) -> dict[str, Any]:
    kind = audience.get("kind")
    if kind not in AUDIENCE_KINDS:
        raise AudienceError(f"unknown audience kind {kind!r}")
    communities = audience.get("communities")
    if kind == "communities" and not communities:
        raise AudienceError("a communities audience needs at least one community")
    if communities is not None:
        _names(communities, "communities")
    if kind == "activity_type":
        types = _names(audience.get("types"), "types")
        if not types or not set(types) <= ALL_KINDS:
            raise AudienceError(f"types must be some of {sorted(ALL_KINDS)}")
    if kind == "activity":
        activity_id = audience.get("activity_id")
        if not isinstance(activity_id, int) or isinstance(activity_id, bool) or activity_id < 1:
            raise AudienceError("an activity audience needs its activity_id")
        occurrence_of(audience)
    if kind == "organization":
        organization_id = audience.get("organization_id")
        if (
            not isinstance(organization_id, int)
            or isinstance(organization_id, bool)
            or organization_id < 1
        ):
            raise AudienceError("an organization audience needs its organization_id")
    return audience


def audience_query(audience: dict[str, Any], now: datetime | None = None) -> Select[Any]:
    """SELECT users.id of the women the audience reaches (ordered by nothing).

    `now` bounds an "activity" audience without a date to dates from now on (without
    it, every date counts).
    """
    validate_audience(audience)
    query = select(User.id).where(
        User.registered_at.is_not(None),
        User.consent_at.is_not(None),
        User.active.is_(True),
        User.announcements_opt_out_at.is_(None),
    )
    kind = audience["kind"]
    communities: list[str] | None = audience.get("communities")
    if kind == "network":
        query = query.join(NetworkMember, NetworkMember.user_id == User.id)
        if communities:
            query = query.where(NetworkMember.community.in_(communities))
        return query
    if communities:
        query = query.where(User.community.in_(communities))
    if kind == "activity_type":
        query = query.where(_hears_about(audience["types"]))
    elif kind == "activity":
        query = query.where(_signed_up(audience, now))
    elif kind == "organization":
        query = query.where(
            exists().where(
                OrganizationMember.user_id == User.id,
                OrganizationMember.organization_id == audience["organization_id"],
                OrganizationMember.status == MembershipStatus.ACCEPTED,
            )
        )
    return query


def _hears_about(types: list[str]) -> Any:
    chose = exists().where(ActivitySubscription.user_id == User.id)
    chose_one_of_these = exists().where(
        ActivitySubscription.user_id == User.id, ActivitySubscription.kind.in_(types)
    )
    # No rows: every kind. A "none" row is never among `types`, so it matches nothing.
    return ~chose | chose_one_of_these


def _signed_up(audience: dict[str, Any], now: datetime | None) -> Any:
    conditions = [
        Signup.user_id == User.id,
        Signup.activity_id == audience["activity_id"],
        Signup.status.in_(_SIGNED_UP),
    ]
    occurrence = occurrence_of(audience)
    if occurrence is not None:
        conditions.append(Signup.occurrence_start == occurrence)
    elif now is not None:
        conditions.append(Signup.occurrence_start >= now)
    return exists().where(*conditions)
