"""Bring this process's staff group (bot.core.office_group) in line with the database:
at start-up, after /vincular or a migration, and periodically, so a group linked
through one replica reaches every other."""

from __future__ import annotations

import contextlib
import logging
import sys

from telegram.error import TelegramError

from bot.core import staff
from bot.core.context import BotData
from bot.people import service_workspace

log = logging.getLogger(__name__)


async def refresh(data: BotData) -> bool:
    """Load the staff group and administrators in force; True when the group changed."""
    settings = data.settings
    async with data.session_factory() as session:
        workspace = await service_workspace.load(
            session, settings.staff_chat_id, settings.admin_user_ids
        )
        await session.commit()
    changed = data.staff_group.set(workspace.chat_id, workspace.admin_ids)
    if changed and workspace.env_chat_is_stale:
        log.warning(
            "Telegram moved the staff group to a supergroup: put STAFF_CHAT_ID=%s in .env "
            "(the bot follows the move meanwhile)",
            workspace.chat_id,
        )
    return changed


async def learn_admin_names(data: BotData) -> None:
    """Ask Telegram the names of administrators the database has no name for (those in
    ADMIN_USER_IDS), so cards name them before they first act."""
    group = data.staff_group
    if group.chat_id is None:
        return
    async with data.session_factory() as session:
        stored = await staff.display_names(session, group.admin_ids)
    for user_id in group.admin_ids - stored.keys() - group.admin_names.keys():
        # Not a member of the group yet, or Telegram is unreachable: the id is shown.
        with contextlib.suppress(TelegramError):
            member = await data.notifier.bot.get_chat_member(group.chat_id, user_id)
            group.admin_names[user_id] = member.user.full_name[:128]


async def announce_setup_code(data: BotData) -> None:
    """No staff group yet: print the set-up code where only the server's people see it."""
    async with data.session_factory() as session:
        code = await service_workspace.setup_code(
            session, data.settings.bot_token, data.clock.now()
        )
        await session.commit()
    # On the console, not in the log: the log may travel to other systems, and the code
    # makes whoever sends it an administrator.
    print(
        f"\nNo staff group is linked yet. Add the bot to the office's Telegram group and "
        f"send there:\n\n    /vincular {code}\n",
        file=sys.stderr,
        flush=True,
    )
    log.info("no staff group linked yet: the set-up code is on the console")

