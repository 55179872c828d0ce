"""The Bot API methods about the bot itself and what it asks of chats: getMe, the webhook,
the command menus, the chat menu button, getChat and getChatMember."""

from __future__ import annotations

import json
from typing import Any

from .chats import MEMBER_TYPES, ChatStore
from .common import Ctx, Handler, JsonDict, bad
from .spec import ApiSpec
from .updates import UpdateQueue


def _commands_key(p: dict[str, Any]) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), p.get("language_code") or ""


class BotInfo:
    def __init__(self, spec: ApiSpec, chats: ChatStore, updates: UpdateQueue) -> None:
        self._spec = spec
        self._chats = chats
        self._updates = updates
        self.webhook: dict[str, Any] = {"url": ""}
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.menu_buttons: dict[int | None, JsonDict] = {}

    def routes(self) -> dict[str, Handler]:
        return {
            "getMe": self.get_me,
            "logOut": self.true,
            "close": self.true,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "getMyCommands": self.get_my_commands,
            "setChatMenuButton": self.set_chat_menu_button,
            "getChatMenuButton": self.get_chat_menu_button,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
        }

    def true(self, p: dict[str, Any], ctx: Ctx) -> bool:
        return True

    def get_me(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        return {
            **ctx.bot,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # ------------------------------------------------------------------ webhook

    def set_webhook(self, p: dict[str, Any], ctx: Ctx) -> bool:
        self.webhook = dict(p)
        if p.get("drop_pending_updates"):
            self._updates.queue.clear()
        # Updates queued before now go by webhook too (bot.standin.webhook).
        for listener in self._updates.listeners:
            listener()
        return True

    def delete_webhook(self, p: dict[str, Any], ctx: Ctx) -> bool:
        self.webhook = {"url": ""}
        if p.get("drop_pending_updates"):
            self._updates.queue.clear()
        return True

    def get_webhook_info(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates.queue),
        }
        if self.webhook.get("allowed_updates"):
            info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    # ------------------------------------------------------------------ menus

    def set_my_commands(self, p: dict[str, Any], ctx: Ctx) -> bool:
        self.commands[_commands_key(p)] = list(p["commands"])
        return True

    def delete_my_commands(self, p: dict[str, Any], ctx: Ctx) -> bool:
        self.commands.pop(_commands_key(p), None)
        return True

    def get_my_commands(self, p: dict[str, Any], ctx: Ctx) -> list[JsonDict]:
        return self.commands.get(_commands_key(p), [])

    def set_chat_menu_button(self, p: dict[str, Any], ctx: Ctx) -> bool:
        chat_id = None
        if "chat_id" in p:
            chat_id = self._chats.resolve(p["chat_id"]).id
        self.menu_buttons[chat_id] = p.get("menu_button") or {"type": "default"}
        return True

    def get_chat_menu_button(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        chat_id = self._chats.resolve(p["chat_id"]).id if "chat_id" in p else None
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "commands"}

    # ------------------------------------------------------------------ chats

    def get_chat(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        chat = self._chats.resolve(p["chat_id"])
        info = self._spec.example("ChatFullInfo", **chat.obj)
        info["max_reaction_count"] = 11
        return info

    def get_chat_member(self, p: dict[str, Any], ctx: Ctx) -> JsonDict:
        chat = self._chats.resolve(p["chat_id"])
        user_id = p["user_id"]
        if user_id == ctx.bot["id"]:
            user = ctx.bot
            default = "administrator" if chat.bot_is_admin else "member"
        else:
            known = self._chats.users.get(user_id)
            if known is None:
                raise bad("user not found")
            user = known
            default = "member"
        status = self._chats.member_status.get((chat.id, user_id), default)
        member = self._spec.example(MEMBER_TYPES[status], user=user)
        if status == "administrator" and user is ctx.bot:
            member["can_delete_messages"] = True
        return member
