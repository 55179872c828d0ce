"""Routes a staff member's reply to a draft's question to the flow that asked it.

The flows are the domains' (a new activity, an announcement): bot/routes.py hands
their steps to `register`, keyed by the draft's kind, so this module knows no domain.
"""

from __future__ import annotations

from collections.abc import Mapping

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, MessageHandler, filters

from bot.core import drafts as staff_drafts
from bot.core.authority import record_name, require_staff
from bot.core.context import BotContext
from bot.core.drafting import DraftStepHandler, is_author
from bot.db.models import DraftKind

# Before the staff replies to cases (bot.cases.staff_triage, -1): a reply to a draft's
# question is never a case reply.
DRAFT_REPLY_GROUP = -2

DraftSteps = Mapping[DraftKind, Mapping[str, DraftStepHandler]]


class DraftReplies:
    """Replies to a draft's question, by the draft's kind and step."""

    def __init__(self, steps: DraftSteps) -> None:
        self.steps = steps

    async def on_draft_reply(self, update: Update, context: BotContext) -> None:
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
        handler = self.steps.get(draft.kind, {}).get(draft.step)
        if handler is not None:
            await handler(update, context, draft, message)
        raise ApplicationHandlerStop


def register(app: Application, steps: DraftSteps) -> None:
    staff_chat = app.bot_data.staff_group.chat_filter
    app.add_handler(
        MessageHandler(
            filters.REPLY & ~filters.COMMAND & (staff_chat | filters.ChatType.PRIVATE),
            DraftReplies(steps).on_draft_reply,
        ),
        group=DRAFT_REPLY_GROUP,
    )
