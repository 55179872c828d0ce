"""My requests: her cases in plain words, adding information, reading office replies."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.cases import service as cases
from bot.cases.callbacks import (
    ADDITION,
    MY_CASES,
    READ_REPLY,
    AdditionCompose,
    AddToCase,
    ComposeAction,
    MyCases,
    NewReport,
    ViewCase,
)
from bot.cases.composer import (
    add_part,
    ask_for_content,
    describe_prompt,
    parts_of,
    writing_is_sensitive,
)
from bot.cases.views_her import composing
from bot.core import conversation
from bot.core.authority import record_name, refuse_forged, refuse_undecoded
from bot.core.common import StepHandler, stale_button, state_data
from bot.core.context import BotContext
from bot.core.errors import AlreadyDone, DomainError, NotFound
from bot.core.keyboards import button, for_her
from bot.core.labels import STATUS_FOR_HER, label
from bot.core.routing import Routes
from bot.core.steps import Step
from bot.db.models import Case, ConversationState, EntryKind, format_reference
from bot.people.her_welcome import ensure_registered, show_menu


def _title(context: BotContext, case: Case) -> str:
    category = context.settings.office.category(case.category)
    name = f"{category.emoji} {category.label(context.t.locale)}" if category else ""
    return f"{case.reference} · {context.t.short_date(case.created_at)} · {name}".strip()


async def list_cases(update: Update, context: BotContext) -> None:
    assert context.user is not None
    t = context.t
    mine = await cases.cases_of_user(context.session, context.user.id)
    if not mine:
        await context.show(
            update,
            t("You have no requests yet."),
            for_her(t, [[button(t("🆘 Ask for help"), NewReport())]], menu=True),
        )
        return
    lines = [t("📋 Your requests:"), ""]
    lines += [f"• {_title(context, c)}\n   {label(t, STATUS_FOR_HER, c.status)}" for c in mine]
    rows = [[button(c.reference, ViewCase(c.id))] for c in mine]
    await context.show(
        update,
        "\n".join(lines),
        for_her(t, rows, menu=True),
        sensitive=any(c.sensitive for c in mine),
    )


async def show_case(update: Update, context: BotContext, case: Case) -> None:
    t = context.t
    replies = sum(1 for e in case.entries if e.kind == EntryKind.STAFF_REPLY)
    lines = [
        _title(context, case),
        t("Status: {status}").format(status=label(t, STATUS_FOR_HER, case.status)),
        t.plural(
            "The office answered {count} time.", "The office answered {count} times.", replies
        ).format(count=replies),
    ]
    if case.referred_to:
        lines.append(
            t("We recommend you go to: {institution}").format(institution=case.referred_to)
        )
    rows = []
    if case.is_open:
        rows.append([button(t("➕ Add information"), AddToCase(case.id))])
    rows.append([button(t("◀️ My requests"), MyCases())])
    await context.show(
        update, "\n".join(lines), for_her(t, rows, menu=True), sensitive=case.sensitive
    )


async def on_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    user = context.user
    assert user is not None
    press = MY_CASES.decode(update.callback_query.data if update.callback_query else None)
    if isinstance(press, MyCases):
        await conversation.clear_state(context.session, user.id)
        await list_cases(update, context)
        return
    if press is None:
        await refuse_undecoded(update, context, MY_CASES)
        return
    case_id = press.case_id
    try:
        case = await cases.case_of_user(context.session, user.id, case_id)
    except NotFound:
        # Someone else's request (or none): refused like a missing one, and recorded.
        await refuse_forged(update, context, "not_hers", record=record_name("case", case_id))
        return
    if isinstance(press, ViewCase):
        await show_case(update, context, case)
    elif not case.is_open:
        await context.show(
            update,
            context.t("This request is closed. To ask for something new, use «🆘 Ask for help»."),
            for_her(context.t, menu=True),
            sensitive=case.sensitive,
        )
    else:
        await conversation.set_state(
            context.session,
            user.id,
            Step.CASE_ADD,
            {"case_id": case.id, "parts": []},
            context.now(),
        )
        await context.show(
            update,
            describe_prompt(context),
            composing(context.t, AdditionCompose),
            sensitive=case.sensitive,
        )


async def on_compose_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    user = context.user
    assert user is not None
    t = context.t
    press = ADDITION.decode(update.callback_query.data if update.callback_query else None)
    state = await conversation.get_state(context.session, user.id)
    if state is None or state.step != Step.CASE_ADD or press is None:
        await stale_button(update, context)
        return
    if press.action == ComposeAction.CANCEL:
        await conversation.clear_state(context.session, user.id)
        await show_menu(update, context, text=t("Cancelled: nothing was sent. What do you need?"))
        return
    case_id = int(state_data(state)["case_id"])
    # Everything said about a sensitive case is protected and silent, on every path.
    sensitive = await writing_is_sensitive(context, state)
    try:
        await cases.add_information(
            context.session,
            user_id=user.id,
            case_id=case_id,
            parts=parts_of(state),
            now=context.now(),
        )
    except AlreadyDone:
        await conversation.clear_state(context.session, user.id)
        await context.show(
            update,
            t(
                "This request was closed in the meantime. To ask for something new, use «🆘 Ask for help»."
            ),
            for_her(t, menu=True),
            sensitive=sensitive,
        )
        return
    except DomainError:
        await ask_for_content(update, context, AdditionCompose, sensitive=sensitive)
        return
    await conversation.clear_state(context.session, user.id)
    reference = format_reference(case_id)
    await context.show(
        update,
        t("✅ Added to {reference}. The office will see it.").format(reference=reference),
        for_her(t, menu=True),
        sensitive=sensitive,
    )


async def read_reply(update: Update, context: BotContext) -> None:
    """Show an office reply that arrived as a neutral notice (sensitive cases)."""
    user = context.user
    if user is None:
        await stale_button(update, context)
        return
    press = READ_REPLY.decode(update.callback_query.data if update.callback_query else None)
    if press is None:
        await refuse_undecoded(update, context, READ_REPLY)
        return
    entry_id = press.entry_id
    try:
        entry, case = await cases.staff_reply_of_user(context.session, user.id, entry_id)
    except NotFound:
        await refuse_forged(update, context, "not_hers", record=record_name("entry", entry_id))
        return
    t = context.t
    header = t("💬 The office answered about {reference}:").format(reference=case.reference)
    assert update.effective_chat is not None
    if entry.media_kind == "text":
        await context.send(
            update.effective_chat.id,
            f"{header}\n\n{entry.text}"[:4096],
            for_her(t, menu=True),
            sensitive=True,
        )
    elif entry.file_id:
        message = await context.notifier.send_media(
            update.effective_chat.id,
            entry.media_kind,
            entry.file_id,
            f"{header}\n\n{entry.text or ''}".strip(),
            sensitive=True,
            markup=for_her(t, menu=True),
        )
        context.track(update.effective_chat.id, message.message_id)


async def on_add_message(update: Update, context: BotContext, state: ConversationState) -> None:
    await add_part(update, context, state, AdditionCompose)


STEPS: dict[str, StepHandler] = {Step.CASE_ADD: on_add_message}


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=MY_CASES.pattern()))
    app.add_handler(CallbackQueryHandler(on_compose_button, pattern=ADDITION.pattern()))
    app.add_handler(CallbackQueryHandler(read_reply, pattern=READ_REPLY.pattern()))
