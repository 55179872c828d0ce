"""Her typed messages, voice notes and photos go to the step she is in."""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.cases import her_report as needs
from bot.cases import her_requests as my_cases
from bot.core import conversation
from bot.core.common import StepHandler
from bot.core.context import BotContext
from bot.core.keyboards import main_menu
from bot.core.quick_exit import is_exit_text, quick_exit
from bot.core.routing import Routes
from bot.people import her_network as network
from bot.people import her_welcome as start

STEP_HANDLERS: dict[str, StepHandler] = {
    **start.STEPS,
    **needs.STEPS,
    **my_cases.STEPS,
    **network.STEPS,
}


async def on_private_message(update: Update, context: BotContext) -> None:
    message = update.message
    if message is None:
        return
    if is_exit_text(context, message.text):
        await quick_exit(update, context)
        return
    user = context.user
    if user is None:
        await start.show_welcome(update, context)
        return
    state = await conversation.get_state(context.session, user.id)
    handler = STEP_HANDLERS.get(state.step) if state is not None else None
    if state is not None and handler is not None:
        await handler(update, context, state)
    elif user.registered_at is None:
        await start.ensure_registered(update, context)
    else:
        assert update.effective_chat is not None
        t = context.t
        await context.send(
            update.effective_chat.id,
            t("To talk with the office, choose an option 👇"),
            main_menu(t),
        )


async def on_unknown_command(update: Update, context: BotContext) -> None:
    assert update.effective_chat is not None
    if context.user is None:
        await start.show_welcome(update, context)
        return
    t = context.t
    await context.send(
        update.effective_chat.id, t("I do not know that command. Choose an option 👇"), main_menu(t)
    )


def register(app: Routes) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private & ~filters.COMMAND, on_private_message))
    app.add_handler(MessageHandler(private & filters.COMMAND, on_unknown_command))
