"""The staff workspace as set up from Telegram: which group is the staff group, and who
administers it, when .env does not say.

A new office starts the bot with its token alone. Until a staff group is linked, the
bot prints a set-up code to its console (only someone with access to the server sees
it); `/vincular <code>` sent in a group makes that group the staff group and its sender
the first administrator. The code is derived from the bot's token and a random salt
kept in the database, so every replica prints the same code, and linking deletes the
salt: the code works once.

STAFF_CHAT_ID and ADMIN_USER_IDS in .env still work and win over what is stored here,
except after Telegram moved the configured group to a supergroup (its id changes): the
bot follows the move and keeps following it at each start until .env is updated.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import staff
from bot.db.models import StaffMember, WorkspaceSetting
from bot.db.upsert import insert_or_ignore, insert_or_update

STAFF_CHAT_KEY = "staff_chat_id"
# The configured (.env) group Telegram moved away from, and where it went.
MIGRATED_FROM_KEY = "staff_chat_migrated_from"
SETUP_SALT_KEY = "setup_code_salt"
CODE_LENGTH = 8


@dataclass(frozen=True)
class Workspace:
    """The staff group and the administrators in force, .env and database together."""

    chat_id: int | None
    admin_ids: frozenset[int]
    # The configured group was moved to a supergroup: STAFF_CHAT_ID in .env is stale.
    env_chat_is_stale: bool = False


async def _values(session: AsyncSession) -> dict[str, str]:
    rows = await session.execute(select(WorkspaceSetting.key, WorkspaceSetting.value))
    return {key: value for key, value in rows.all()}


async def _put(session: AsyncSession, key: str, value: str, now: datetime) -> None:
    statement = insert_or_update(session, WorkspaceSetting, ["key"], ["value", "updated_at"])
    await session.execute(statement, {"key": key, "value": value, "updated_at": now})


async def load(
    session: AsyncSession, env_chat_id: int | None, env_admin_ids: Collection[int]
) -> Workspace:
    stored = await _values(session)
    stored_chat = _as_int(stored.get(STAFF_CHAT_KEY))
    stale = False
    if env_chat_id is None:
        chat_id = stored_chat
    elif stored_chat is not None and _as_int(stored.get(MIGRATED_FROM_KEY)) == env_chat_id:
        chat_id, stale = stored_chat, True
    else:
        chat_id = env_chat_id
    named_admins = await session.scalars(
        select(StaffMember.user_id).where(StaffMember.is_admin.is_(True))
    )
    return Workspace(chat_id, frozenset(env_admin_ids) | frozenset(named_admins), stale)


def _as_int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


async def setup_code(session: AsyncSession, bot_token: str, now: datetime) -> str:
    """The code `/vincular` expects while no staff group is linked (made on first need)."""
    # Another replica may have written its salt first: the stored one makes the code.
    await session.execute(
        insert_or_ignore(session, WorkspaceSetting, ["key"]),
        {"key": SETUP_SALT_KEY, "value": secrets.token_hex(16), "updated_at": now},
    )
    return _code(bot_token, (await _values(session))[SETUP_SALT_KEY])


def _code(bot_token: str, salt: str) -> str:
    digest = hmac.new(bot_token.encode(), salt.encode(), hashlib.sha256).digest()
    # Base32 without the letters people confuse on a console (it has no 0, 1, 8, 9).
    return base64.b32encode(digest).decode()[:CODE_LENGTH]


def normalize_code(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch.isalnum())


class LinkRefused(Exception):
    """/vincular could not link this group; `reason` is ALREADY_LINKED or WRONG_CODE."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


ALREADY_LINKED = "already_linked"
WRONG_CODE = "wrong_code"


async def link_group(
    session: AsyncSession,
    *,
    bot_token: str,
    typed_code: str,
    chat_id: int,
    user_id: int,
    display_name: str,
    current_chat_id: int | None,
    now: datetime,
) -> None:
    """Make `chat_id` the staff group and its sender an administrator, or raise LinkRefused."""
    if current_chat_id is not None:
        raise LinkRefused(ALREADY_LINKED)
    salt = (await _values(session)).get(SETUP_SALT_KEY)
    if salt is None or not hmac.compare_digest(normalize_code(typed_code), _code(bot_token, salt)):
        raise LinkRefused(WRONG_CODE)
    await _put(session, STAFF_CHAT_KEY, str(chat_id), now)
    await session.execute(delete(WorkspaceSetting).where(WorkspaceSetting.key == SETUP_SALT_KEY))
    member = await staff.add_staff(session, user_id, display_name, user_id, now)
    member.is_admin = True


async def follow_migration(
    session: AsyncSession,
    *,
    old_chat_id: int,
    new_chat_id: int,
    env_chat_id: int | None,
    now: datetime,
) -> None:
    """Telegram moved the staff group to a supergroup with a new id: use the new one."""
    await _put(session, STAFF_CHAT_KEY, str(new_chat_id), now)
    if env_chat_id is not None and env_chat_id == old_chat_id:
        await _put(session, MIGRATED_FROM_KEY, str(old_chat_id), now)
