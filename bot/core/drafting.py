"""Helpers for the step-by-step flows staff use in the staff group (see bot.core.drafts).

A text answer is a reply to the bot's question. Either each question is a new message
sent with ForceReply (`ask`), which opens the reply box (only on the phone of the staff
member who started the draft, when the question answers one of her messages); or the
draft keeps one message, edited at each step (`show_draft`), and a reply to it answers
the step the draft is at. A reply from anyone else is refused. Choices are buttons whose data carry the draft id, so an old
or forged button finds no draft and changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import ForceReply, InlineKeyboardMarkup, Message, ReactionTypeEmoji, Update

from bot.core import drafts as staff_drafts
from bot.core.authority import record_name, refuse, refuse_forged, require_staff
from bot.core.context import BotContext
from bot.core.i18n import Translator
from bot.db.models import DraftKind, StaffDraft

# (update, context, draft, the staff member's reply) -> None
DraftStepHandler = Callable[[Update, BotContext, StaffDraft, Message], Awaitable[None]]


def staff_t(context: BotContext) -> Translator:
    """Staff texts are in the office's default language (context.staff_t)."""
    return context.staff_t


async def ask(
    context: BotContext,
    draft: StaffDraft,
    question: str,
    *,
    step: str,
    placeholder: str | None = None,
    reply_to: int | None = None,
) -> Message:
    """Ask the next typed answer of a draft; her reply to this message is routed to `step`."""
    message = await context.send(
        draft.chat_id,
        question,
        # Selective only when answering her message: without one to reply to, a selective
        # ForceReply would open the reply box for nobody.
        ForceReply(selective=reply_to is not None, input_field_placeholder=placeholder),
        reply_to=reply_to,
    )
    staff_drafts.update(draft, context.now(), step=step, prompt_message_id=message.message_id)
    return message


async def show_draft(
    context: BotContext,
    draft: StaffDraft,
    text: str,
    markup: InlineKeyboardMarkup | None,
    *,
    step: str | None = None,
    reply_to: int | None = None,
) -> None:
    """Show a draft in its one message: sent the first time, edited in place after.

    That message is the draft's `prompt_message_id` for its whole life, so a reply to it
    answers whichever typed step the draft is at (bot.core.draft_router); the chat gets
    one message per draft instead of one per question. In a group with privacy mode on
    the bot still receives replies to its own messages. An edit that changes nothing is
    harmless: Telegram's "not modified" counts as done (bot.core.outbox)."""
    staff_drafts.update(draft, context.now(), step=step)
    if draft.prompt_message_id is None:
        message = await context.send(draft.chat_id, text, markup, reply_to=reply_to)
        staff_drafts.update(draft, context.now(), prompt_message_id=message.message_id)
        return
    await context.bot.edit_message_text(
        text, chat_id=draft.chat_id, message_id=draft.prompt_message_id, reply_markup=markup
    )


async def acknowledge(context: BotContext, message: Message, *, taken: bool) -> None:
    """A reaction on a staff member's reply to a draft: 👌 taken, 🤔 not (the draft's
    message says why). It goes out at once even while the group's answers wait out a
    429 (bot.core.outbox: reactions are ephemeral), so a reply never goes unanswered."""
    await context.bot.set_message_reaction(
        message.chat_id, message.message_id, ReactionTypeEmoji("👌" if taken else "🤔")
    )


async def show_choices(
    update: Update,
    context: BotContext,
    draft: StaffDraft,
    text: str,
    markup: InlineKeyboardMarkup,
    *,
    step: str,
) -> Message | None:
    """Show a step answered with buttons: edit the pressed message, or send a new one."""
    staff_drafts.update(draft, context.now(), step=step)
    return await context.show(update, text, markup)


async def own_draft(
    update: Update, context: BotContext, draft_id: int | None, kind: DraftKind
) -> StaffDraft | None:
    """The draft a button names, if the person pressing it is staff now and its author.

    Anyone else is refused (a pop-up, nothing changes) and the refusal is recorded.
    """
    record = record_name("draft", draft_id)
    if not await require_staff(update, context, f"{kind}_draft", record=record):
        return None
    if draft_id is None:
        await refuse_forged(update, context, "draft_id")
        return None
    draft = await staff_drafts.get(context.session, draft_id, kind)
    if draft is None:
        t = staff_t(context)
        await context.answer(t("This draft is finished or no longer exists."), alert=True)
        return None
    return draft if await is_author(update, context, draft) else None


async def is_author(update: Update, context: BotContext, draft: StaffDraft) -> bool:
    """Only the person who started a draft continues it; anyone else is refused (recorded)."""
    person, t = update.effective_user, staff_t(context)
    if person is not None and person.id == draft.author_id:
        return True
    await refuse(
        update,
        context,
        "draft_not_author",
        record=record_name("draft", draft.id),
        text=t("Only the person who started this draft can continue it."),
    )
    return False
