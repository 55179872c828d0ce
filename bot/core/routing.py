"""Where each kind of handler may run: the women's handlers only in private chats.

A woman's screens (menu, her requests, quick exit, language…) edit or delete the
message whose button was pressed. In the staff group that message is a case card:
a group member who forges her button data there (`m`, `off`, `lang:pick`, `x`)
must not be able to rewrite or delete it. Rather than every handler remembering
to check, the women's modules register through `HerRoutes`, which wraps each of
their handlers so that it never even matches an update from outside a private
chat; such a button falls through to the catch-all, which refuses and records it.
"""

from __future__ import annotations

from typing import Any, Protocol

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, BaseHandler

DEFAULT_GROUP = 0


class Routes(Protocol):
    """What a feature's `register` needs: somewhere to add its handlers."""

    def add_handler(
        self, handler: BaseHandler[Any, Any, Any], group: int = DEFAULT_GROUP
    ) -> None: ...


class PrivateChatOnly(BaseHandler[Update, Any, Any]):
    """`inner`, but only for updates that come from a private chat."""

    __slots__ = ("inner",)

    def __init__(self, inner: BaseHandler[Update, Any, Any]) -> None:
        super().__init__(inner.callback, block=inner.block)
        self.inner = inner

    def check_update(self, update: object) -> Any:
        if not isinstance(update, Update):
            return None
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            return None
        return self.inner.check_update(update)

    async def handle_update(
        self,
        update: Update,
        application: Application[Any, Any, Any, Any, Any, Any],
        check_result: object,
        context: Any,
    ) -> Any:
        return await self.inner.handle_update(update, application, check_result, context)


class HerRoutes:
    """Registers the women's handlers, each one for private chats only."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.app = app

    def add_handler(self, handler: BaseHandler[Any, Any, Any], group: int = DEFAULT_GROUP) -> None:
        self.app.add_handler(PrivateChatOnly(handler), group)
