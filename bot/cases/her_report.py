"""Report a need: category → (safety check) → describe in one or more messages → Send."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.cases import service as cases
from bot.cases.callbacks import (
    REPORT,
    AlertOffice,
    CategoryButton,
    ComposeAction,
    MyCases,
    NewReport,
    ReportCompose,
    SafeToTalk,
)
from bot.cases.composer import add_part, ask_for_content, describe_prompt, parts_of
from bot.cases.views_her import categories, composing, not_safe_now, safe_to_talk
from bot.core import conversation
from bot.core.common import StepHandler, stale_button, state_data
from bot.core.context import BotContext
from bot.core.errors import InvalidInput
from bot.core.keyboards import button, for_her
from bot.core.routing import Routes
from bot.core.steps import Step
from bot.db.models import ConversationState
from bot.people.her_welcome import ensure_registered, show_menu


async def on_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    user = context.user
    assert user is not None
    press = REPORT.decode(update.callback_query.data if update.callback_query else None)
    state = await conversation.get_state(context.session, user.id)
    step = state.step if state else None
    if isinstance(press, NewReport):
        await conversation.clear_state(context.session, user.id)
        await context.show(
            update,
            context.t("What do you need help with?"),
            categories(context.t, context.settings.office),
        )
    elif isinstance(press, CategoryButton):
        await choose_category(update, context, press.key)
    elif isinstance(press, SafeToTalk) and step == Step.REPORT_SAFETY:
        if press.safe:
            await start_describing(update, context, state_data(state)["category"], safe=True)
        else:
            await context.show(
                update,
                context.t(
                    "That is all right. Nobody from the office will call you.\n\n"
                    "If you want, we can let the office know that you need support, without any "
                    "details. You can write later from «📋 My requests»."
                ),
                not_safe_now(context.t),
                sensitive=True,
            )
    elif isinstance(press, AlertOffice) and step == Step.REPORT_SAFETY:
        await submit(update, context, state, safe_to_talk=False)
    elif press == ReportCompose(ComposeAction.SEND) and step == Step.REPORT_DESCRIBE:
        await submit(update, context, state, safe_to_talk=state_data(state).get("safe"))
    elif press == ReportCompose(ComposeAction.CANCEL) and step in (
        Step.REPORT_DESCRIBE,
        Step.REPORT_SAFETY,
    ):
        await conversation.clear_state(context.session, user.id)
        await show_menu(
            update, context, text=context.t("Cancelled: nothing was sent. What do you need?")
        )
    else:
        await stale_button(update, context)


async def choose_category(update: Update, context: BotContext, key: str) -> None:
    user = context.user
    assert user is not None
    category = context.settings.office.category(key)
    if category is None:
        await stale_button(update, context)
        return
    if not category.urgent:
        await start_describing(update, context, category.key, safe=None)
        return
    await conversation.set_state(
        context.session, user.id, Step.REPORT_SAFETY, {"category": category.key}, context.now()
    )
    t = context.t
    numbers = "\n".join(
        f"🚨 {c.label(t.locale)}: {c.number}" for c in context.settings.office.emergency_contacts
    )
    await context.show(
        update,
        t(
            "Are you in a safe place to write now?\n\nIf you are in danger, call now:\n{numbers}"
        ).format(numbers=numbers),
        safe_to_talk(t),
        sensitive=True,
    )


async def start_describing(
    update: Update, context: BotContext, category: str, *, safe: bool | None
) -> None:
    assert context.user is not None
    data: dict[str, object] = {"category": category, "parts": [], "safe": safe}
    await conversation.set_state(
        context.session, context.user.id, Step.REPORT_DESCRIBE, data, context.now()
    )
    category_settings = context.settings.office.category(category)
    await context.show(
        update,
        describe_prompt(context),
        composing(context.t, ReportCompose),
        sensitive=bool(category_settings and category_settings.sensitive),
    )


async def submit(
    update: Update,
    context: BotContext,
    state: ConversationState | None,
    *,
    safe_to_talk: bool | None,
) -> None:
    user = context.user
    assert user is not None and state is not None
    t = context.t
    category = context.settings.office.category(state_data(state).get("category", ""))
    if category is None:
        await stale_button(update, context)
        return
    try:
        case = await cases.open_case(
            context.session,
            user=user,
            category=category,
            parts=parts_of(state),
            safe_to_talk=safe_to_talk,
            now=context.now(),
        )
    except InvalidInput:
        await ask_for_content(update, context, ReportCompose, sensitive=category.sensitive)
        return
    await conversation.clear_state(context.session, user.id)
    if safe_to_talk is False:
        text = t(
            "🔔 The office knows you need support. Nobody will call you.\n\n"
            "Your reference is {reference}. When it is safe, write from «📋 My requests»."
        )
    else:
        text = t(
            "✅ We received your request. Your reference is {reference}.\n\n"
            "What happens next: someone from the office will read it ({hours}) and answer you "
            "here. You can follow it in «📋 My requests»."
        )
        if case.urgent:
            text += "\n\n" + t("We will attend to it first.")
    await context.show(
        update,
        text.format(reference=case.reference, hours=context.settings.office.hours(t.locale)),
        for_her(t, [[button(t("📋 My requests"), MyCases())]], menu=True),
        sensitive=case.sensitive,
    )


async def on_describe_message(
    update: Update, context: BotContext, state: ConversationState
) -> None:
    await add_part(update, context, state, ReportCompose)


async def on_safety_pending(update: Update, context: BotContext, state: ConversationState) -> None:
    assert update.effective_chat is not None
    await context.send(
        update.effective_chat.id,
        context.t("Please answer with a button: can you write safely now?"),
        safe_to_talk(context.t),
        sensitive=True,
    )


STEPS: dict[str, StepHandler] = {
    Step.REPORT_DESCRIBE: on_describe_message,
    Step.REPORT_SAFETY: on_safety_pending,
}


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=REPORT.pattern()))
