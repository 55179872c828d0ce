"""The staff group and the administrators in force in this process.

Handlers and jobs read it; it changes when a group is linked with /vincular, when
Telegram moves the group to a supergroup, and when the refresh job sees another
replica did one of those (bot.people.service_workspace keeps them in the database).
`chat_filter` is the one filter every staff handler is registered with, so a change
of group takes effect for all of them at once, without re-registering anything.
"""

from __future__ import annotations

from collections.abc import Collection

from telegram.ext import filters


class StaffGroup:
    def __init__(self, chat_id: int | None, admin_ids: Collection[int]) -> None:
        self.chat_filter = filters.Chat(allow_empty=False)
        self.chat_id: int | None = None
        self.admin_ids: frozenset[int] = frozenset()
        # Telegram names of administrators who have no staff_members row (those listed
        # in ADMIN_USER_IDS): seen when they act, or asked of Telegram at start-up, so
        # cards say "A cargo de: Lucía", not her user id.
        self.admin_names: dict[int, str] = {}
        self.set(chat_id, admin_ids)

    def set(self, chat_id: int | None, admin_ids: Collection[int]) -> bool:
        """Use this group and these administrators; True when the group changed."""
        self.admin_ids = frozenset(admin_ids)
        if chat_id == self.chat_id:
            return False
        self.chat_id = chat_id
        self.chat_filter.chat_ids = () if chat_id is None else (chat_id,)
        return True

    @property
    def linked(self) -> bool:
        return self.chat_id is not None

    @property
    def linked_chat_id(self) -> int:
        """The staff group, for code that runs only once one is linked (staff screens,
        whose handlers filter on it; the staff-post job, which waits for it)."""
        if self.chat_id is None:
            raise RuntimeError("no staff group is linked yet")
        return self.chat_id
