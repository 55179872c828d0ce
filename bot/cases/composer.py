"""Gathering several messages (text, voice, photo) before she presses Send.

Used by "report a need" and "add information to my request".
"""

from __future__ import annotations

from telegram import Message, Update

from bot.cases.callbacks import ComposeButton
from bot.cases.service import MAX_PARTS, MAX_TEXT_LENGTH, Part
from bot.cases.views_her import composing
from bot.core import conversation
from bot.core.common import kinds_hint, unusable_input
from bot.core.context import BotContext
from bot.db.models import Case, ConversationState


def media_part(message: Message) -> Part | None:
    """Her message as a Part, or None when it is a kind we cannot use (sticker, location...)."""
    caption = message.caption[:MAX_TEXT_LENGTH] if message.caption else None
    if message.text is not None:
        text = message.text.strip()
        return Part("text", text) if text else None
    if message.voice:
        return Part("voice", caption, message.voice.file_id)
    if message.photo:
        return Part("photo", caption, message.photo[-1].file_id)
    if message.document:
        return Part("document", caption, message.document.file_id)
    if message.audio:
        return Part("audio", caption, message.audio.file_id)
    if message.video:
        return Part("video", caption, message.video.file_id)
    if message.video_note:
        return Part("video_note", None, message.video_note.file_id)
    return None


def parts_of(state: ConversationState) -> list[Part]:
    return [Part.from_json(p) for p in (state.data or {}).get("parts", [])]


async def writing_is_sensitive(context: BotContext, state: ConversationState | None) -> bool:
    """Whether the report or addition being written concerns a sensitive case.

    Every answer while she writes about one is sent protected and silently: a message
    sent unprotected cannot be protected later, when it is edited.
    """
    data = (state.data if state is not None else None) or {}
    if data.get("case_id") is not None:
        case = await context.session.get(Case, int(data["case_id"]))
        return case is None or case.sensitive
    category = context.settings.office.category(str(data.get("category") or ""))
    return category is None or category.sensitive


async def add_part(
    update: Update, context: BotContext, state: ConversationState, compose: type[ComposeButton]
) -> None:
    """Keep one more of her messages in the draft (stored, so a restart keeps it)."""
    message = update.message
    assert message is not None and context.user is not None and update.effective_chat is not None
    t = context.t
    sensitive = await writing_is_sensitive(context, state)
    if message.text is not None and len(message.text) > MAX_TEXT_LENGTH:
        await unusable_input(
            update,
            context,
            t("That message is too long. Please send it in shorter parts."),
            sensitive=sensitive,
        )
        return
    part = media_part(message)
    if part is None:
        await unusable_input(update, context, kinds_hint(t), sensitive=sensitive)
        return
    parts = parts_of(state)
    if len(parts) >= MAX_PARTS:
        await context.send(
            update.effective_chat.id,
            t("That is the most messages one request can hold. Tap «📨 Send» now."),
            composing(t, compose),
            sensitive=sensitive,
        )
        return
    parts.append(part)
    data = dict(state.data or {})
    data["parts"] = [p.to_json() for p in parts]
    await conversation.set_state(context.session, context.user.id, state.step, data, context.now())
    await context.send(
        update.effective_chat.id,
        t.plural(
            "✅ Received ({count} message). Add more, or tap «📨 Send».",
            "✅ Received ({count} messages). Add more, or tap «📨 Send».",
            len(parts),
        ).format(count=len(parts)),
        composing(t, compose),
        sensitive=sensitive,
    )


def describe_prompt(context: BotContext) -> str:
    return context.t(
        "Tell us what is happening. You can write, send a voice note 🎤 or a photo 📷, "
        "in one or several messages.\n\nWhen you finish, tap «📨 Send»."
    )


async def ask_for_content(
    update: Update, context: BotContext, compose: type[ComposeButton], *, sensitive: bool
) -> None:
    """She pressed Send with nothing written yet."""
    t = context.t
    await context.show(
        update,
        t("Please write something, or send a voice note or a photo first. Then tap «📨 Send»."),
        composing(t, compose),
        sensitive=sensitive,
    )
