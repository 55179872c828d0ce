"""Activities from the staff group: create step by step (staff_draft.py), list the
coming dates, and each date's card: QR code for posters, attendance, edit, cancel.

Buttons are `sx:…` (bot.activities.callbacks). Only staff may press them or use the
commands (others are refused politely, and the refusal is audited); every change and
every look at an attendance list is audited. Staff texts are in the office's default
language; the women going to a changed or cancelled date are told in their own.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InputFile, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.activities import staff_draft as draft_flow
from bot.activities import views_staff as cards
from bot.activities.callbacks import (
    STAFF_ACTIVITIES,
    Attendance,
    BackToCard,
    CancelDates,
    CancelMenu,
    CancelQuestion,
    CardButton,
    DraftButton,
    EditFieldButton,
    EditMenu,
    OpenCard,
    PosterQr,
    Scope,
    StaffActivityButton,
    StartEdit,
    ToggleAttended,
)
from bot.activities.qr import poster_png
from bot.activities.service_series import Occurrence
from bot.activities.staff_card import activity_link, post_card, queue_cancelled, redraw_card
from bot.core import audit
from bot.core.authority import record_name, refuse_undecoded, require_staff
from bot.core.context import BotContext
from bot.core.drafting import DraftStepHandler, staff_t
from bot.core.errors import DomainError, NotFound
from bot.db.models import Activity, ActivityStatus

DRAFT_KIND = draft_flow.DRAFT_KIND
DRAFT_STEPS: dict[str, DraftStepHandler] = dict(draft_flow.STEPS)
LIST_DAYS = 30


def _audit(context: BotContext, person_id: int, action: str, detail: str) -> None:
    audit.record(
        context.session, actor_id=person_id, action=action, detail=detail, now=context.now()
    )


async def list_command(update: Update, context: BotContext) -> None:
    """/actividades: the dates of the next 30 days, each a button to its card."""
    if not await require_staff(update, context, "activity_list"):
        return
    chat, person = update.effective_chat, update.effective_user
    assert chat is not None and person is not None
    t = staff_t(context)
    dates = await activities.upcoming(
        context.session, context.now(), context.settings.timezone, days=LIST_DAYS
    )
    _audit(context, person.id, "activity_list", f"{len(dates)} dates")
    await context.send(
        chat.id, cards.upcoming_text(t, dates, LIST_DAYS), cards.upcoming_keyboard(t, dates)
    )


# ── Buttons ────────────────────────────────────────────────────────────────────


def _record(press: StaffActivityButton | None) -> str | None:
    """How a refusal names the record the button is about."""
    if isinstance(press, DraftButton):
        return record_name("draft", press.draft_id)
    if isinstance(press, ToggleAttended):
        return record_name("signup", press.signup_id)
    return record_name("activity", press.activity_id) if press is not None else None


async def on_button(update: Update, context: BotContext) -> None:
    query, person = update.callback_query, update.effective_user
    assert query is not None and person is not None
    press = STAFF_ACTIVITIES.decode(query.data)
    if not await require_staff(update, context, "activity_button", record=_record(press)):
        return
    if press is None:
        await refuse_undecoded(update, context, STAFF_ACTIVITIES)
        return
    if isinstance(press, DraftButton):
        await draft_flow.on_draft_button(update, context, press)
        return
    if isinstance(press, PosterQr):
        await _send_qr(update, context, press.activity_id)
        return
    if isinstance(press, ToggleAttended):
        await _toggle_attended(update, context, press.signup_id, press.page)
        return
    t = staff_t(context)
    try:
        occurrence = await activities.get_occurrence(
            context.session, press.activity_id, press.key, context.settings.timezone
        )
    except NotFound:
        await context.answer(
            t("This activity or date no longer exists, or it was cancelled."), alert=True
        )
        return
    await _DATE_ACTIONS[type(press)](update, context, occurrence, press)


async def _open_card(
    update: Update, context: BotContext, occurrence: Occurrence, press: OpenCard
) -> None:
    await context.answer()
    await post_card(context, occurrence.activity_id, occurrence.key)


async def _back_to_card(
    update: Update, context: BotContext, occurrence: Occurrence, press: BackToCard
) -> None:
    await context.answer()
    await redraw_card(context, _pressed_id(update), occurrence.activity_id, occurrence.key)


def _pressed_id(update: Update) -> int | None:
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        return query.message.message_id
    return None


async def _series(context: BotContext, activity_id: int) -> Activity:
    series = await activities.find_activity(context.session, activity_id)
    assert series is not None  # get_occurrence found it
    return series


async def _edit_menu(
    update: Update, context: BotContext, occurrence: Occurrence, press: EditMenu
) -> None:
    t = staff_t(context)
    await context.answer()
    await _swap_keyboard(
        update, context, cards.edit_keyboard(t, occurrence.activity_id, occurrence.key)
    )


async def _swap_keyboard(update: Update, context: BotContext, markup: object) -> None:
    query = update.callback_query
    assert query is not None
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(reply_markup=markup)  # type: ignore[arg-type]


async def _edit_field(
    update: Update, context: BotContext, occurrence: Occurrence, press: EditFieldButton
) -> None:
    t = staff_t(context)
    field = press.field
    series = await _series(context, occurrence.activity_id)
    if series.rrule is not None:
        await context.answer()
        await _swap_keyboard(
            update,
            context,
            cards.edit_scope_keyboard(t, occurrence.activity_id, occurrence.key, field),
        )
        return
    await _start_edit(
        update, context, occurrence, StartEdit(press.activity_id, press.stamp, field, Scope.ALL)
    )


async def _start_edit(
    update: Update, context: BotContext, occurrence: Occurrence, press: StartEdit
) -> None:
    field, scope = press.field, press.scope
    await context.answer()
    card = _pressed_id(update)
    await redraw_card(context, card, occurrence.activity_id, occurrence.key)
    await draft_flow.start_edit(update, context, occurrence, field, scope, card)


async def _cancel_menu(
    update: Update, context: BotContext, occurrence: Occurrence, press: CancelMenu
) -> None:
    series = await _series(context, occurrence.activity_id)
    if series.rrule is None:
        await _cancel_question(
            update, context, occurrence, CancelQuestion(press.activity_id, press.stamp, Scope.ALL)
        )
        return
    t = staff_t(context)
    await context.answer()
    await _swap_keyboard(
        update, context, cards.cancel_scope_keyboard(t, occurrence.activity_id, occurrence.key)
    )


async def _recipients(context: BotContext, occurrence: Occurrence, scope: str) -> list[int]:
    if scope == cards.ONE:
        return await signups.who_is_coming(context.session, occurrence.activity_id, occurrence.key)
    return await signups.who_is_coming(context.session, occurrence.activity_id, after=context.now())


async def _cancel_question(
    update: Update, context: BotContext, occurrence: Occurrence, press: CancelQuestion
) -> None:
    t, scope = staff_t(context), press.scope
    told = len(await _recipients(context, occurrence, scope))
    await context.answer()
    await context.show(
        update,
        cards.cancel_question(t, occurrence.details.title, occurrence.starts_at, scope, told),
        cards.cancel_confirm_keyboard(t, occurrence.activity_id, occurrence.key, scope),
    )


async def _cancel(
    update: Update, context: BotContext, occurrence: Occurrence, press: CancelDates
) -> None:
    t, scope, now = staff_t(context), press.scope, context.now()
    person = update.effective_user
    assert person is not None
    session, tz = context.session, context.settings.timezone
    series = await _series(context, occurrence.activity_id)
    recipients = await _recipients(context, occurrence, scope)
    title = occurrence.details.title
    one_date = scope == cards.ONE or series.rrule is None
    try:
        if scope == cards.ONE:
            await activities.cancel_occurrence(session, series.id, occurrence.key, now, tz)
        else:
            await activities.cancel_series(session, series.id, now)
    except DomainError:
        await context.answer(t("This activity or date was already cancelled."), alert=True)
        return
    _audit(
        context,
        person.id,
        "activity_cancel",
        f"activity:{series.id} {scope} {activities.occurrence_stamp(occurrence.key)}",
    )
    when = occurrence.starts_at if one_date else None
    count = await queue_cancelled(context, series.id, recipients, title, when)
    await context.answer()
    what = (
        t("✖️ Cancelled: «{title}», {when}.").format(
            title=title, when=t.date_and_time(occurrence.starts_at)
        )
        if one_date
        else t("✖️ Cancelled: «{title}», every date.").format(title=title)
    )
    told = t.plural(
        "{n} woman signed up will be told.", "{n} women signed up will be told.", count
    ).format(n=count)
    await context.show(update, f"{what} {told}")


# ── QR code ────────────────────────────────────────────────────────────────────


async def _send_qr(update: Update, context: BotContext, activity_id: int) -> None:
    t = staff_t(context)
    activity = await activities.find_activity(context.session, activity_id)
    if (
        activity is None
        or activity.series_id is not None
        or activity.status != ActivityStatus.SCHEDULED
    ):
        await context.answer(t("This activity no longer exists, or it was cancelled."), alert=True)
        return
    link = activity_link(context, activity.id)
    png = poster_png(link)
    caption = t("🖨️ QR code for «{title}». Scanning it opens the activity in the bot:").format(
        title=activity.title
    )
    await context.answer()
    await context.bot.send_document(
        context.staff_chat_id,
        document=InputFile(io.BytesIO(png), filename=f"actividad-{activity.id}.png"),
        caption=f"{caption}\n{link}"[:1024],
    )


# ── Attendance ─────────────────────────────────────────────────────────────────


async def _attendance(
    update: Update, context: BotContext, occurrence: Occurrence, press: Attendance
) -> None:
    person = update.effective_user
    assert person is not None
    page = press.page
    _audit(
        context,
        person.id,
        "activity_attendance",
        f"activity:{occurrence.activity_id} {activities.occurrence_stamp(occurrence.key)}",
    )
    await context.answer()
    await _show_attendance(update, context, occurrence, page or 0, in_place=page is not None)


async def _show_attendance(
    update: Update, context: BotContext, occurrence: Occurrence, page: int, *, in_place: bool
) -> None:
    t = staff_t(context)
    people = await signups.attendance(context.session, occurrence.activity_id, occurrence.key)
    page = min(max(page, 0), cards.attendance_pages(people) - 1)
    text = cards.attendance_text(t, occurrence.details.title, occurrence.starts_at, people, page)
    markup = cards.attendance_keyboard(t, occurrence.activity_id, occurrence.key, people, page)
    if in_place:
        await context.show(update, text, markup)
    else:
        await context.send(context.staff_chat_id, text, markup)


async def _toggle_attended(update: Update, context: BotContext, signup_id: int, page: int) -> None:
    t, now, session = staff_t(context), context.now(), context.session
    person = update.effective_user
    assert person is not None
    signup = await signups.find_signup(session, signup_id)
    occurrence: Occurrence | None = None
    if signup is not None:
        try:
            occurrence = await activities.get_occurrence(
                session, signup.activity_id, signup.occurrence_start, context.settings.timezone
            )
            await signups.mark_attended(session, signup.id, signup.attended_at is None, now)
        except NotFound:
            occurrence = None
    if signup is None or occurrence is None:
        await context.answer(t("This sign-up no longer exists."), alert=True)
        return
    came = signup.attended_at is not None
    _audit(
        context,
        person.id,
        "activity_attended" if came else "activity_not_attended",
        f"signup:{signup.id}",
    )
    await context.answer(t("✅ Marked: she came.") if came else t("Unmarked."))
    await _show_attendance(update, context, occurrence, page, in_place=True)


# What each button on a date's card does, once the date is found.
_DATE_ACTIONS: dict[type[CardButton], Callable[[Update, BotContext, Occurrence, Any], Awaitable[None]]] = {
    OpenCard: _open_card,
    BackToCard: _back_to_card,
    Attendance: _attendance,
    EditMenu: _edit_menu,
    EditFieldButton: _edit_field,
    StartEdit: _start_edit,
    CancelMenu: _cancel_menu,
    CancelQuestion: _cancel_question,
    CancelDates: _cancel,
}


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=STAFF_ACTIVITIES.pattern()))
    app.add_handler(CommandHandler("actividad", draft_flow.new_activity_command))
    app.add_handler(CommandHandler("actividades", list_command))
