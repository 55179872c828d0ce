"""Routes a staff member's reply to a draft's question to the flow that asked it."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, MessageHandler, filters

from bot.activities import staff_activities
from bot.broadcasts import staff_compose as staff_broadcasts
from bot.core import drafts as staff_drafts
from bot.core.authority import record_name, require_staff
from bot.core.context import BotContext
from bot.core.drafting import DraftStepHandler, is_author

# Before staff_cases' replies (-1): a reply to a draft's question is never a case reply.
DRAFT_REPLY_GROUP = -2

STEPS: dict[str, dict[str, DraftStepHandler]] = {
    staff_activities.DRAFT_KIND: staff_activities.DRAFT_STEPS,
    staff_broadcasts.DRAFT_KIND: staff_broadcasts.DRAFT_STEPS,
}


async def on_draft_reply(update: Update, context: BotContext) -> None:
    message, person, chat = update.message, update.effective_user, update.effective_chat
    if message is None or person is None or chat is None or message.reply_to_message is None:
        return
    draft = await staff_drafts.for_prompt(
        context.session, chat.id, message.reply_to_message.message_id
    )
    if draft is None:
        return
    # Staff rights are asked again at every step: someone removed with /baja_staff
    # since she started the draft cannot finish it.
    if not await require_staff(
        update, context, f"{draft.kind}_draft", record=record_name("draft", draft.id)
    ) or not await is_author(update, context, draft):
        raise ApplicationHandlerStop
    handler = STEPS.get(draft.kind, {}).get(draft.step)
    if handler is not None:
        await handler(update, context, draft, message)
    raise ApplicationHandlerStop


def register(app: Application) -> None:
    staff_chat = filters.Chat(app.bot_data.settings.staff_chat_id)
    app.add_handler(
        MessageHandler(
            filters.REPLY & ~filters.COMMAND & (staff_chat | filters.ChatType.PRIVATE),
            on_draft_reply,
        ),
        group=DRAFT_REPLY_GROUP,
    )
