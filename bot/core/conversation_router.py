"""Her typed messages, voice notes and photos go to the step she is in.

The steps are the domains' (registration, report a need, her requests, the network):
bot/routes.py hands their table to `register`, with the welcome, the registration
check and the main menu of bot/people, so this module knows no domain.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import MessageHandler, filters

from bot.core import conversation
from bot.core.common import Handler, StepHandler
from bot.core.context import BotContext
from bot.core.i18n import Translator
from bot.core.quick_exit import is_exit_text, quick_exit
from bot.core.routing import Routes

RegistrationCheck = Callable[[Update, BotContext], Awaitable[bool]]
Menu = Callable[[Translator], InlineKeyboardMarkup]


class HerMessages:
    """What she types, routed by the step she is in."""

    def __init__(
        self,
        steps: Mapping[str, StepHandler],
        *,
        welcome: Handler,
        ensure_registered: RegistrationCheck,
        menu: Menu,
    ) -> None:
        self.steps = dict(steps)
        self.welcome = welcome
        self.ensure_registered = ensure_registered
        self.menu = menu

    async def on_private_message(self, update: Update, context: BotContext) -> None:
        message = update.message
        if message is None:
            return
        if is_exit_text(context, message.text):
            await quick_exit(update, context)
            return
        user = context.user
        if user is None:
            await self.welcome(update, context)
            return
        state = await conversation.get_state(context.session, user.id)
        handler = self.steps.get(state.step) if state is not None else None
        if state is not None and handler is not None:
            await handler(update, context, state)
        elif user.registered_at is None:
            await self.ensure_registered(update, context)
        else:
            assert update.effective_chat is not None
            t = context.t
            await context.send(
                update.effective_chat.id,
                t("To talk with the office, choose an option 👇"),
                self.menu(t),
            )

    async def on_unknown_command(self, update: Update, context: BotContext) -> None:
        assert update.effective_chat is not None
        if context.user is None:
            await self.welcome(update, context)
            return
        t = context.t
        await context.send(
            update.effective_chat.id,
            t("I do not know that command. Choose an option 👇"),
            self.menu(t),
        )


def register(
    app: Routes,
    steps: Mapping[str, StepHandler],
    *,
    welcome: Handler,
    ensure_registered: RegistrationCheck,
    menu: Menu,
) -> None:
    messages = HerMessages(
        steps, welcome=welcome, ensure_registered=ensure_registered, menu=menu
    )
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & ~filters.COMMAND, messages.on_private_message))
    app.add_handler(MessageHandler(private & filters.COMMAND, messages.on_unknown_command))
