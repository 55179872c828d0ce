"""Women of the network without a phone (or without Telegram).

A leader (from her menu) or staff register her with her oral consent: her name,
community, age group, people and language (the keys of the accountability fields on
User), and to whom and when she agreed. Her leader is her contact: she signs her up to
activities (bot.activities.service_signups.sign_up_woman: the same places and waiting list),
records that she came, and gets her reminders (naming her by first name and initial).
Nothing sensitive goes through a leader: she can only ask the office to visit or call
her, with no topic.

Why a table of their own and a nullable `signups.woman_id`, not User rows without a
Telegram id: users.id *is* the Telegram chat id, and every sender, audience, reminder
and erasure relies on that; a woman here has no chat, so she must never be a
recipient. Keeping her apart makes every existing query right by construction; only
sign-ups (and their reminders) had to learn that a woman may be named without a chat.

When she gets a phone, staff give her a one-time code (`/start join_<code>`); after her
own consent and registration her record is joined to her account: what she had not
told the bot yet is copied, her sign-ups become hers, and the record goes.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.core.errors import InvalidInput, NotAllowed, NotFound
from bot.core.labels import AGE_GROUPS
from bot.db.models import NetworkWoman, Signup, SignupStatus, User
from bot.people import identity

MAX_NAME_LENGTH = 128
MAX_COMMUNITY_LENGTH = 128
JOIN_CODE_LENGTH = 8
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_CODE_VALID = timedelta(days=30)
# The deep link's payload: `/start join_<code>`.
JOIN_LINK_PREFIX = "join_"
# What a leader may ask the office for on her behalf: nothing else, and no topic.
CONTACT_KINDS = ("visit", "call")


@dataclass(frozen=True)
class WomanDetails:
    """What is recorded of her; keys as on User (bot.core.labels, bot.people.identity)."""

    name: str
    community: str
    age_group: str | None = None
    people: str | None = None
    language: str | None = None
    disability: str | None = None


def _text(value: str | None, limit: int, what: str) -> str:
    cleaned = " ".join((value or "").split())
    if not cleaned:
        raise InvalidInput(f"{what} is missing")
    if len(cleaned) > limit:
        raise InvalidInput(f"{what} is longer than {limit} characters")
    return cleaned


def check_details(
    details: WomanDetails, language_communities: tuple[str, ...] = ()
) -> WomanDetails:
    """The details cleaned; InvalidInput (its message names the field) when one is wrong."""
    if details.age_group is not None and details.age_group not in AGE_GROUPS:
        raise InvalidInput("age_group")
    if details.people is not None and details.people not in identity.PEOPLES:
        raise InvalidInput("people")
    if (
        details.language is not None
        and details.language not in identity.FIXED_LANGUAGES
        and details.language not in language_communities
    ):
        raise InvalidInput("language")
    if details.disability is not None and details.disability not in identity.DISABILITY:
        raise InvalidInput("disability")
    return WomanDetails(
        name=_text(details.name, MAX_NAME_LENGTH, "name"),
        community=_text(details.community, MAX_COMMUNITY_LENGTH, "community"),
        age_group=details.age_group,
        people=details.people,
        language=details.language,
        disability=details.disability,
    )


async def register(
    session: AsyncSession,
    details: WomanDetails,
    *,
    consent_at: datetime,
    consent_to: str,
    contact_id: int | None,
    registered_by: int | None,
    now: datetime,
    language_communities: tuple[str, ...] = (),
) -> NetworkWoman:
    """Record her (InvalidInput when a detail is wrong). `contact_id`: her leader."""
    checked = check_details(details, language_communities)
    if consent_at > now:
        raise InvalidInput("consent_at")
    woman = NetworkWoman(
        name=checked.name,
        community=checked.community,
        age_group=checked.age_group,
        people=checked.people,
        language=checked.language,
        disability=checked.disability,
        consent_at=consent_at,
        consent_to=_text(consent_to, 128, "consent_to"),
        contact_id=contact_id,
        registered_by=registered_by,
        created_at=now,
    )
    session.add(woman)
    await session.flush()
    return woman


async def get(session: AsyncSession, woman_id: int) -> NetworkWoman:
    woman = await session.get(NetworkWoman, woman_id)
    if woman is None:
        raise NotFound(f"woman {woman_id}")
    return woman


async def of_contact(session: AsyncSession, contact_id: int, woman_id: int) -> NetworkWoman:
    """Her record, when `contact_id` is her contact (NotAllowed otherwise)."""
    woman = await get(session, woman_id)
    if woman.contact_id != contact_id:
        raise NotAllowed("not her contact")
    return woman


async def represented_by(session: AsyncSession, contact_id: int) -> list[NetworkWoman]:
    rows = await session.scalars(
        select(NetworkWoman)
        .where(NetworkWoman.contact_id == contact_id)
        .order_by(NetworkWoman.name, NetworkWoman.id)
    )
    return list(rows.all())


async def listing(session: AsyncSession, *, limit: int = 50) -> list[NetworkWoman]:
    """For staff: those without a contact first (they need one), then by name."""
    rows = await session.scalars(
        select(NetworkWoman)
        .order_by(NetworkWoman.contact_id.is_not(None), NetworkWoman.name, NetworkWoman.id)
        .limit(limit)
    )
    return list(rows.all())


async def set_contact(session: AsyncSession, woman_id: int, contact_id: int | None) -> NetworkWoman:
    woman = await get(session, woman_id)
    if contact_id is not None:
        user = await session.get(User, contact_id)
        if user is None or user.registered_at is None:
            raise NotFound(f"no registered woman {contact_id}")
    woman.contact_id = contact_id
    await session.flush()
    return woman


async def delete_record(session: AsyncSession, woman_id: int) -> bool:
    """Staff delete her record on her request: her sign-ups (and reminders) go with it."""
    result = await session.execute(delete(NetworkWoman).where(NetworkWoman.id == woman_id))
    return bool(getattr(result, "rowcount", 0))


async def signups_of(session: AsyncSession, woman_id: int) -> list[Signup]:
    """Her sign-ups that are not cancelled, by date."""
    rows = await session.scalars(
        select(Signup)
        .where(
            Signup.woman_id == woman_id,
            Signup.status.in_((SignupStatus.GOING, SignupStatus.WAITLIST)),
        )
        .order_by(Signup.occurrence_start, Signup.id)
    )
    return list(rows.all())


async def signup_of(session: AsyncSession, contact_id: int, signup_id: int) -> Signup:
    """One of her sign-ups, when `contact_id` is her contact (NotAllowed otherwise)."""
    signup = await session.get(Signup, signup_id)
    if signup is None or signup.woman_id is None:
        raise NotFound(f"sign-up {signup_id}")
    await of_contact(session, contact_id, signup.woman_id)
    return signup


# ── Joining her own Telegram account ──────────────────────────────────────────


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


async def issue_join_code(session: AsyncSession, woman_id: int, now: datetime) -> str:
    """A new one-time code (the previous one stops working); only its hash is kept."""
    woman = await get(session, woman_id)
    code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
    woman.join_code_hash = _hash(code)
    woman.join_code_expires_at = now + JOIN_CODE_VALID
    await session.flush()
    return code


def code_of_link(payload: str) -> str | None:
    """The code in a `join_<code>` payload, if it has the shape of one."""
    if not payload.startswith(JOIN_LINK_PREFIX):
        return None
    code = payload[len(JOIN_LINK_PREFIX) :].upper()
    if len(code) != JOIN_CODE_LENGTH or any(c not in JOIN_CODE_ALPHABET for c in code):
        return None
    return code


async def find_by_code(session: AsyncSession, code: str, now: datetime) -> NetworkWoman | None:
    woman = await session.scalar(
        select(NetworkWoman).where(NetworkWoman.join_code_hash == _hash(code)).limit(1)
    )
    if woman is None or woman.join_code_expires_at is None or woman.join_code_expires_at <= now:
        return None
    return woman


async def join_account(session: AsyncSession, code: str, user_id: int, now: datetime) -> str:
    """She (registered, having consented herself) joins her record to her account with
    the code: what she has not told the bot is copied, her sign-ups become hers (one
    she already has for the same date stays hers alone), and the record goes. Returns
    her name as recorded. NotFound when the code is unknown, used or expired."""
    woman = await find_by_code(session, code, now)
    user = await session.get(User, user_id)
    if woman is None or user is None:
        raise NotFound("no such code")
    user.community = user.community or woman.community
    user.age_group = user.age_group or woman.age_group
    user.people = user.people or woman.people
    user.language = user.language or woman.language
    user.disability = user.disability or woman.disability
    hers = aliased(Signup)
    already = exists().where(
        hers.user_id == user_id,
        hers.activity_id == Signup.activity_id,
        hers.occurrence_start == Signup.occurrence_start,
    )
    await session.execute(
        update(Signup)
        .where(and_(Signup.woman_id == woman.id, ~already))
        .values(user_id=user_id, woman_id=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    name = woman.name
    # Her remaining sign-ups (dates she had already) go with the record (CASCADE).
    await session.execute(delete(NetworkWoman).where(NetworkWoman.id == woman.id))
    return name
