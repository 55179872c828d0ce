"""A known history for report tests: October 2026 in San Juan La Laguna (the example office)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Activity,
    AidDelivery,
    Case,
    CaseEntry,
    NetworkMember,
    Signup,
    User,
)

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
OCT = datetime(2026, 10, 10, 16, 0, tzinfo=UTC)
SMALL = "Caserío Tzanjuyup"
CENTRAL = "Cantón Central"

# (user id, people, language, disability, community)
WOMEN = [
    (101, "maya", "Tz'utujil", "no", CENTRAL),
    (102, "maya", "Tz'utujil", "yes", CENTRAL),
    (103, "maya", "K'iche'", "no", CENTRAL),
    (104, "ladina", "spanish", "undisclosed", CENTRAL),
    (105, "maya", "Tz'utujil", "no", CENTRAL),
    (106, "maya", "Tz'utujil", "no", SMALL),
    (107, "maya", "Tz'utujil", "no", SMALL),
]


def _case(user: int | None, category: str, community: str, at: datetime, **extra: object) -> Case:
    return Case(
        user_id=user,
        category=category,
        community=community,
        age_group="18_29",
        sensitive=category in ("violence", "legal"),
        status=extra.pop("status", "open"),
        created_at=at,
        updated_at=at,
        **extra,
    )


async def seed(session: AsyncSession) -> None:
    for uid, people, language, disability, community in WOMEN:
        session.add(
            User(
                id=uid,
                locale="es",
                consent_at=OCT,
                name=f"Mujer {uid}",
                community=community,
                age_group="18_29",
                registered_at=OCT,
                created_at=OCT,
                people=people,
                language=language,
                disability=disability,
                identity_asked_at=OCT,
            )
        )
    await session.flush()
    # October: 5 food cases in Cantón Central (one referred to the health centre),
    # 2 violence cases in the small community, 1 legal; one September case (outside).
    cases = [
        _case(101, "food", CENTRAL, OCT),
        _case(102, "food", CENTRAL, OCT + timedelta(days=1)),
        _case(103, "food", CENTRAL, OCT + timedelta(days=2)),
        _case(104, "food", CENTRAL, OCT + timedelta(days=3)),
        _case(
            105,
            "food",
            CENTRAL,
            OCT + timedelta(days=4),
            status="closed",
            outcome="referred",
            referred_to="Centro de Salud",
        ),
        _case(106, "violence", SMALL, OCT + timedelta(days=5)),
        _case(107, "violence", SMALL, OCT + timedelta(days=6)),
        _case(101, "legal", CENTRAL, OCT + timedelta(days=7)),
        _case(101, "food", CENTRAL, OCT - timedelta(days=30)),
    ]
    session.add_all(cases)
    await session.flush()
    # First answers: 30 minutes, 5 hours, 2 days; the others unanswered.
    for case, after in zip(
        cases, (timedelta(minutes=30), timedelta(hours=5), timedelta(days=2)), strict=False
    ):
        session.add(
            CaseEntry(
                case_id=case.id,
                kind="staff_reply",
                author_id=900,
                text="hola",
                created_at=case.created_at + after,
            )
        )

    # Aid: 3 food bags (one of them 2 bags), 1 money for medicine Q150, 1 annulled.
    def aid(item: str, on: date, **extra: object) -> AidDelivery:
        return AidDelivery(
            item=item,
            plan_line={"food_bag": "food_aid", "medicine": "elderly_aid"}.get(item),
            quantity=extra.pop("quantity", 1),
            delivered_on=on,
            created_at=OCT,
            updated_at=OCT,
            recorded_by=900,
            **extra,
        )

    session.add_all(
        [
            aid("food_bag", date(2026, 10, 5), user_id=101, community=CENTRAL),
            aid("food_bag", date(2026, 10, 6), user_id=102, community=CENTRAL, quantity=2),
            aid(
                "food_bag",
                date(2026, 10, 7),
                recipient_name="Juana Pérez",
                community="Aldea Palestina",
            ),
            aid("medicine", date(2026, 10, 8), user_id=103, community=CENTRAL, amount_cents=15000),
            aid("food_bag", date(2026, 10, 9), user_id=104, community=CENTRAL, annulled_at=OCT),
        ]
    )
    training = Activity(
        kind="training",
        title="Taller",
        starts_at=OCT + timedelta(days=1),
        created_at=OCT,
        updated_at=OCT,
    )
    club = Activity(
        kind="pregnant_club",
        title="Club",
        starts_at=datetime(2026, 10, 1, 15, tzinfo=UTC),
        rrule="FREQ=WEEKLY;COUNT=10",
        created_at=OCT,
        updated_at=OCT,
    )
    session.add_all([training, club])
    await session.flush()
    session.add_all(
        [
            Signup(
                activity_id=training.id,
                occurrence_start=training.starts_at,
                user_id=101,
                created_at=OCT,
                updated_at=OCT,
                attended_at=training.starts_at,
            ),
            Signup(
                activity_id=training.id,
                occurrence_start=training.starts_at,
                user_id=105,
                created_at=OCT,
                updated_at=OCT,
            ),
            NetworkMember(user_id=101, community=CENTRAL, role="leader", joined_at=OCT),
            NetworkMember(user_id=102, community=CENTRAL, role="member", joined_at=OCT),
        ]
    )
    await session.commit()
