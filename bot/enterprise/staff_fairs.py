"""Fairs in the staff group: each new application arrives as a card (Accept / Decline;
once accepted, Assign a stand — asked as a reply, a StaffDraft of kind "stand"; her
photo on request); /ferias lists the coming fairs, each with its counts, the cards of
the applications waiting, and the export of its exhibitors (XLSX) for the Ministry of
Economy or SOSEP. She is told each decision and her stand, in her language.

Only staff act (bot.core.authority); every decision and export is audited.
"""

from __future__ import annotations

import io

from telegram import InputFile, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.activities.service_series import Occurrence
from bot.core import drafts as staff_drafts
from bot.core import users
from bot.core.authority import (
    record_action,
    record_name,
    refuse_forged,
    refuse_undecoded,
    require_staff,
)
from bot.core.context import BotContext
from bot.core.drafting import DraftStepHandler, ask, staff_t
from bot.core.errors import InvalidInput, NotFound
from bot.db.models import DraftKind, FairApplication, FairApplicationStatus, StaffDraft, User
from bot.enterprise import exports
from bot.enterprise import service_fairs as fairs
from bot.enterprise import views_fairs as views
from bot.enterprise.callbacks import (
    STAFF_FAIRS,
    Accept,
    AssignStand,
    Decline,
    ExportExhibitors,
    PendingCards,
    ShowPhoto,
    StaffFair,
    StaffFairs,
)

DRAFT_KIND = DraftKind.STAND
STAND = "stand"


async def post_card(
    context: BotContext, application: FairApplication, her: User | None, fair: Occurrence
) -> None:
    """A new message in the staff group with the application's card (with no group linked
    yet, staff find it later under /ferias)."""
    chat_id = context.bot_data.staff_group.chat_id
    if chat_id is None:
        return
    t = staff_t(context)
    await context.send(
        chat_id,
        views.staff_card(t, application, her, fair),
        views.staff_keyboard(t, application),
    )


async def list_command(update: Update, context: BotContext) -> None:
    """/ferias: the coming fairs."""
    if not await require_staff(update, context, "fair_list"):
        return
    await _list(update, context)


async def _list(update: Update, context: BotContext) -> None:
    t = staff_t(context)
    found = await fairs.upcoming_fairs(context.session, context.now(), context.settings.timezone)
    await context.show(
        update, views.staff_fairs_text(t, found), views.staff_fairs_keyboard(t, found)
    )


def _record(press: object) -> str | None:
    if isinstance(press, Accept | Decline | AssignStand | ShowPhoto):
        return record_name("fair_application", press.application_id)
    if isinstance(press, StaffFair | PendingCards | ExportExhibitors):
        return record_name("activity", press.activity_id)
    return None


async def on_button(update: Update, context: BotContext) -> None:
    assert update.callback_query is not None
    press = STAFF_FAIRS.decode(update.callback_query.data)
    if not await require_staff(update, context, "fair_button", record=_record(press)):
        return
    if press is None:
        await refuse_undecoded(update, context, STAFF_FAIRS)
        return
    if isinstance(press, StaffFairs):
        await _list(update, context)
        return
    if isinstance(press, StaffFair | PendingCards | ExportExhibitors):
        try:
            fair = await fairs.get_fair(
                context.session, press.activity_id, press.key, context.settings.timezone
            )
        except NotFound:
            t = staff_t(context)
            await context.answer(t("This fair no longer exists, or it was cancelled."), alert=True)
            return
        if isinstance(press, StaffFair):
            counts = await fairs.counts(context.session, fair.activity_id, fair.key)
            await context.show(
                update,
                views.staff_fair_text(staff_t(context), fair, counts),
                views.staff_fair_keyboard(staff_t(context), fair),
            )
        elif isinstance(press, PendingCards):
            await _pending_cards(update, context, fair)
        else:
            await _export(update, context, fair)
        return
    application = await fairs.find(context.session, press.application_id)
    if application is None:
        await refuse_forged(update, context, "fair_application")
        return
    await _on_application(update, context, press, application)


async def _pending_cards(update: Update, context: BotContext, fair: Occurrence) -> None:
    t = staff_t(context)
    waiting = [
        a
        for a in await fairs.applications(context.session, fair.activity_id, fair.key)
        if a.status == FairApplicationStatus.PENDING
    ]
    if not waiting:
        await context.answer(t("No application is waiting for a decision."), alert=True)
        return
    await context.answer()
    for application in waiting[:20]:
        await post_card(
            context, application, await users.get_user(context.session, application.user_id), fair
        )


async def _export(update: Update, context: BotContext, fair: Occurrence) -> None:
    t = staff_t(context)
    rows = await fairs.exhibitors(context.session, fair.activity_id, fair.key)
    record_action(context, update, "fair_export", f"activity:{fair.activity_id} {len(rows)} rows")
    when = t.date_and_time(fair.starts_at)
    data = exports.exhibitors_xlsx(t, fair.details.title, when, rows)
    await context.answer()
    caption = t.plural(
        "📊 {count} exhibitor of «{fair}», {when}.",
        "📊 {count} exhibitors of «{fair}», {when}.",
        len(rows),
    ).format(count=len(rows), fair=fair.details.title, when=when)
    await context.bot.send_document(
        context.staff_chat_id,
        document=InputFile(io.BytesIO(data), filename=f"expositoras-{fair.activity_id}.xlsx"),
        caption=caption[:1024],
        message_thread_id=context.scope.thread_in(context.staff_chat_id),
    )


async def _on_application(
    update: Update,
    context: BotContext,
    press: Accept | Decline | AssignStand | ShowPhoto,
    application: FairApplication,
) -> None:
    t, person = staff_t(context), update.effective_user
    assert person is not None
    tz = context.settings.timezone
    try:
        fair = await fairs.get_fair(
            context.session, application.activity_id, application.occurrence_start, tz
        )
    except NotFound:
        await context.answer(t("This fair no longer exists, or it was cancelled."), alert=True)
        return
    her = await users.get_user(context.session, application.user_id)
    if isinstance(press, ShowPhoto):
        if application.photo_file_id is None:
            await context.answer(t("She sent no photo."), alert=True)
            return
        await context.answer()
        await context.bot.send_photo(
            context.staff_chat_id,
            photo=application.photo_file_id,
            caption=t("📷 {name} (application #{number})").format(
                name=application.business_name, number=application.id
            )[:1024],
            message_thread_id=context.scope.thread_in(context.staff_chat_id),
        )
        return
    if isinstance(press, AssignStand):
        if application.status != FairApplicationStatus.ACCEPTED:
            await context.answer(t("This button is no longer active."), alert=True)
            return
        assert update.effective_chat is not None
        draft = await staff_drafts.start(
            context.session,
            kind=DRAFT_KIND,
            chat_id=update.effective_chat.id,
            author_id=person.id,
            now=context.now(),
            data={"application_id": application.id},
        )
        await context.answer()
        await ask(context, draft, views.stand_question(t, application), step=STAND)
        return
    try:
        await fairs.decide(
            context.session,
            application.id,
            accept=isinstance(press, Accept),
            staff_id=person.id,
            now=context.now(),
            tz=tz,
        )
    except fairs.WrongStep:
        await context.answer(t("This application was already decided or withdrawn."), alert=True)
        await context.show(
            update,
            views.staff_card(t, application, her, fair),
            views.staff_keyboard(t, application),
        )
        return
    accepted = isinstance(press, Accept)
    record_action(
        context,
        update,
        "fair_accepted" if accepted else "fair_declined",
        f"fair_application:{application.id}",
    )
    await context.answer(t("Done: she will be told."))
    await context.show(
        update, views.staff_card(t, application, her, fair), views.staff_keyboard(t, application)
    )
    if her is not None:
        her_t = context.bot_data.catalogs.get(her.locale)
        text = (
            views.accepted_notice(her_t, fair, application)
            if accepted
            else views.declined_notice(her_t, fair)
        )
        await context.notifier.to_woman(context.session, her.id, text, views.after_keyboard(her_t))


async def on_stand(
    update: Update, context: BotContext, draft: StaffDraft, message: Message
) -> None:
    t = staff_t(context)
    application_id = int((draft.data or {}).get("application_id") or 0)
    application = await fairs.find(context.session, application_id)
    if application is None:
        await staff_drafts.discard(context.session, draft)
        await context.send(draft.chat_id, t("This application no longer exists."))
        return
    try:
        await fairs.assign_stand(
            context.session, application.id, message.text or "", draft.author_id, context.now()
        )
    except InvalidInput:
        hint = t("Please reply with the stand as text, up to {limit} characters.").format(
            limit=fairs.MAX_STAND_LABEL
        )
        await ask(
            context,
            draft,
            f"{hint}\n\n{views.stand_question(t, application)}",
            step=STAND,
            reply_to=message.message_id,
        )
        return
    except fairs.WrongStep:
        await staff_drafts.discard(context.session, draft)
        await context.send(
            draft.chat_id, t("This application is no longer accepted; nothing changed.")
        )
        return
    await staff_drafts.discard(context.session, draft)
    record_action(context, update, "fair_stand", f"fair_application:{application.id}")
    her = await users.get_user(context.session, application.user_id)
    try:
        fair = await fairs.get_fair(
            context.session,
            application.activity_id,
            application.occurrence_start,
            context.settings.timezone,
        )
    except NotFound:
        await context.send(draft.chat_id, t("This fair no longer exists, or it was cancelled."))
        return
    await context.send(
        draft.chat_id,
        views.staff_card(t, application, her, fair),
        views.staff_keyboard(t, application),
    )
    if her is not None and application.stand:
        her_t = context.bot_data.catalogs.get(her.locale)
        await context.notifier.to_woman(
            context.session,
            her.id,
            views.stand_notice(her_t, fair, application.stand),
            views.after_keyboard(her_t),
        )


DRAFT_STEPS: dict[str, DraftStepHandler] = {STAND: on_stand}


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=STAFF_FAIRS.pattern()))
    app.add_handler(CommandHandler("ferias", list_command))
