"""Appointments from the staff group: confirm, move, cancel, attended / no-show; the agenda;
weekly hours and exceptions.

Buttons are `sa:<action>:<appointment id>[:<arg>]`:

- `sa:ok:<id>` confirm · `sa:mv:<id>` propose another time (shows free slots) ·
  `sa:to:<id>:<slot>` move to that slot (minutes since the epoch, UTC) ·
  `sa:no:<id>` cancel (shows reasons) · `sa:why:<id>:<n>` cancel with reason n ·
  `sa:back:<id>` back to the card's buttons ·
  `sa:att:<id>` attended · `sa:ns:<id>` did not come.

Only staff may act (others are refused politely, and the refusal is audited); every
action is audited. Staff texts are in the office's default language. What she is told
never names a sensitive service, and arrives protected and silently.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.appointments import card as staff_card
from bot.appointments import service as appointments
from bot.appointments import views as cards
from bot.appointments.callbacks import AGENDA, AgendaAction, AgendaButton
from bot.appointments.service import SlotTaken
from bot.core import audit, users
from bot.core.authority import record_name, refuse_forged, require_staff
from bot.core.context import BotContext
from bot.core.drafting import staff_t
from bot.core.errors import AlreadyDone, InvalidInput, NotFound
from bot.core.i18n import Translator
from bot.core.ids import parse_small_number
from bot.core.keyboards import for_her
from bot.db.models import Appointment
from bot.office import AppointmentService

log = logging.getLogger(__name__)
TOMORROW_WORDS = {"manana", "mañana", "tomorrow"}
HerText = Callable[[Translator, Appointment, AppointmentService | None], str]


async def refresh_card(
    context: BotContext, appointment: Appointment, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Re-draw the appointment's card in the staff group (status, time)."""
    await staff_card.redraw(
        context.bot_data, context.session, staff_t(context), appointment, markup
    )


async def tell_her(context: BotContext, appointment: Appointment, make_text: HerText) -> bool:
    """Tell her about a change; False when she could not be reached."""
    if appointment.user_id is None:
        return False
    session = context.session
    user = await users.get_user(session, appointment.user_id)
    if user is None or not user.active:
        return False
    her_t = context.bot_data.catalogs.get(user.locale)
    service = context.settings.office.service(appointment.service)
    sensitive = service is None or service.sensitive
    text = make_text(her_t, appointment, service)
    with context.immediately():  # staff are told whether she was reached
        delivered = await context.notifier.to_woman(
            session, user.id, text, for_her(her_t, menu=True), sensitive=sensitive
        )
    return delivered is not None


def _audit(context: BotContext, person_id: int, action: str, appointment: Appointment) -> None:
    audit.record(
        context.session,
        actor_id=person_id,
        action=f"appointment_{action}",
        detail=record_name("appointment", appointment.id),
        now=context.now(),
    )


def _on_agenda(update: Update, appointment: Appointment) -> Message | None:
    """The /agenda message the button was pressed on (None: on the appointment's card)."""
    query = update.callback_query
    message = query.message if query is not None else None
    if isinstance(message, Message) and message.message_id != appointment.staff_card_message_id:
        return message
    return None


async def _offer(
    update: Update, context: BotContext, appointment: Appointment, markup: InlineKeyboardMarkup
) -> None:
    """Show a step's choices (times, reasons) where the button was pressed."""
    agenda = _on_agenda(update, appointment)
    if agenda is None:
        await refresh_card(context, appointment, markup)
        return
    with contextlib.suppress(BadRequest):
        await agenda.edit_reply_markup(reply_markup=markup)


async def _propose(update: Update, context: BotContext, appointment: Appointment) -> None:
    t, settings = staff_t(context), context.settings
    service = settings.office.service(appointment.service)
    if service is None:
        await context.answer(t("This service is no longer offered."), alert=True)
        return
    now = context.now()
    slots = await appointments.free_slots(
        context.session,
        service,
        from_date=now.astimezone(settings.timezone).date(),
        days=cards.PROPOSE_DAYS,
        tz=settings.timezone,
        now=now,
        exclude_appointment_id=appointment.id,
    )
    slots = [s for s in slots if s.starts_at != appointment.starts_at]
    if not slots:
        await context.answer(
            t("No free times in the next three weeks. Change the hours with /horario."),
            alert=True,
        )
        return
    await context.answer()
    await _offer(update, context, appointment, cards.slots_keyboard(t, appointment, slots))


async def on_button(update: Update, context: BotContext) -> None:
    query, person = update.callback_query, update.effective_user
    assert query is not None and person is not None
    press = AgendaButton.decode(query.data)
    appointment_id = press.record_id if press is not None else None
    if not await require_staff(
        update,
        context,
        "appointment_button",
        record=record_name("appointment", appointment_id),
    ):
        return
    if press is None:
        await refuse_forged(update, context, "appointment_id")
        return
    t = staff_t(context)
    try:
        appointment = await appointments.get_appointment(context.session, press.record_id)
    except NotFound:
        await context.answer(t("This appointment does not exist."), alert=True)
        return
    handle = _ACTIONS.get(press.action)
    if handle is None:
        await context.answer(t("This button is no longer active."), alert=True)
        return
    agenda, shown = _on_agenda(update, appointment), appointment.starts_at
    try:
        await handle(update, context, appointment, press)
        if agenda is not None and shown is not None and press.action not in _CHOOSING:
            # Pressed on /agenda: the agenda shows the change (and loses the button).
            await _redraw_agenda(context, agenda, shown.astimezone(context.settings.timezone))
    except AlreadyDone:
        status = cards.APPOINTMENT_STATUS.get(appointment.status, appointment.status)
        await context.answer(
            t("Appointment #{number} is already {status}.").format(
                number=appointment.id, status=t(status)
            ),
            alert=True,
        )
        await refresh_card(context, appointment)
    except InvalidInput:
        await context.answer(
            t("Not possible now: the appointment has not started yet, or its time has passed."),
            alert=True,
        )


_Action = Callable[[Update, BotContext, Appointment, AgendaButton], Awaitable[None]]


def _staff_id(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def _confirm(
    update: Update, context: BotContext, appointment: Appointment, press: AgendaButton
) -> None:
    t, number = staff_t(context), appointment.id
    await appointments.confirm(context.session, number, now=context.now())
    _audit(context, _staff_id(update), "confirm", appointment)
    await refresh_card(context, appointment)
    told = await tell_her(context, appointment, cards.confirmed_for_her)
    await _done(context, t("Appointment #{number} confirmed.").format(number=number), told)


async def _offer_times(
    update: Update, context: BotContext, appointment: Appointment, press: AgendaButton
) -> None:
    if not appointment.is_active:
        raise AlreadyDone("not active")
    await _propose(update, context, appointment)


async def _move_to(
    update: Update, context: BotContext, appointment: Appointment, press: AgendaButton
) -> None:
    t, settings, number = staff_t(context), context.settings, appointment.id
    starts_at = cards.parse_slot_key(press.extra)
    service = settings.office.service(appointment.service)
    if starts_at is None or service is None:
        await context.answer(t("This button is no longer active."), alert=True)
        return
    try:
        await appointments.reschedule(
            context.session,
            number,
            service=service,
            starts_at=starts_at,
            now=context.now(),
            tz=settings.timezone,
            by_staff=True,
            reminder_offsets_hours=settings.office.scheduling.reminder_offsets_hours,
        )
    except (SlotTaken, InvalidInput):
        await context.answer(t("That time is no longer free. Choose another."), alert=True)
        await _propose(update, context, appointment)
        return
    _audit(context, _staff_id(update), "move", appointment)
    await refresh_card(context, appointment)
    told = await tell_her(context, appointment, cards.moved_for_her)
    await _done(
        context,
        t("Appointment #{number} moved to {when}.").format(number=number, when=t.stamp(starts_at)),
        told,
    )


async def _ask_reason(
    update: Update, context: BotContext, appointment: Appointment, press: AgendaButton
) -> None:
    if not appointment.is_active:
        raise AlreadyDone("not active")
    await context.answer()
    await _offer(update, context, appointment, cards.reasons_keyboard(staff_t(context), appointment))


async def _cancel(
    update: Update, context: BotContext, appointment: Appointment, press: AgendaButton
) -> None:
    t, number = staff_t(context), appointment.id
    index = parse_small_number(press.extra)
    if index is None or not 0 <= index < len(cards.CANCEL_REASONS):
        await context.answer(t("This button is no longer active."), alert=True)
        return
    await appointments.cancel(
        context.session, number, now=context.now(), reason=cards.CANCEL_REASONS[index]
    )
    _audit(context, _staff_id(update), "cancel", appointment)
    await refresh_card(context, appointment)
    told = await tell_her(context, appointment, cards.cancelled_for_her)
    await _done(context, t("Appointment #{number} cancelled.").format(number=number), told)


async def _back(
    update: Update, context: BotContext, appointment: Appointment, press: AgendaButton
) -> None:
    await context.answer()
    await refresh_card(context, appointment)


async def _mark_outcome(
    update: Update, context: BotContext, appointment: Appointment, press: AgendaButton
) -> None:
    query = update.callback_query
    assert query is not None
    t, session, now, number = staff_t(context), context.session, context.now(), appointment.id
    attended = press.action == AgendaAction.ATTENDED
    if attended:
        await appointments.mark_attended(session, number, now=now)
    else:
        await appointments.mark_no_show(session, number, now=now)
    _audit(context, _staff_id(update), "attended" if attended else "no_show", appointment)
    await context.answer(
        (
            t("Appointment #{number}: attended.")
            if attended
            else t("Appointment #{number}: she did not come.")
        ).format(number=number)
    )
    await refresh_card(context, appointment)


# Actions that show a step's choices rather than finish: the agenda keeps them on screen.
_CHOOSING = frozenset({AgendaAction.PROPOSE, AgendaAction.CANCEL})

# What each staff button on an appointment does, by its action (as broadcasts do).
_ACTIONS: dict[str, _Action] = {
    AgendaAction.CONFIRM: _confirm,
    AgendaAction.PROPOSE: _offer_times,
    AgendaAction.MOVE_TO: _move_to,
    AgendaAction.CANCEL: _ask_reason,
    AgendaAction.CANCEL_WHY: _cancel,
    AgendaAction.BACK: _back,
    AgendaAction.ATTENDED: _mark_outcome,
    AgendaAction.NO_SHOW: _mark_outcome,
}


async def _done(context: BotContext, note: str, told: bool) -> None:
    if not told:
        staff = staff_t(context)
        note += " " + staff("⚠️ She could not be told (she blocked the bot).")
    await context.answer(note, alert=not told)


# ── /agenda ───────────────────────────────────────────────────────────────────


async def agenda_view(context: BotContext, day: date) -> tuple[str, InlineKeyboardMarkup | None]:
    settings, t = context.settings, staff_t(context)
    session = context.session
    day_items = await appointments.agenda(session, day, settings.timezone)
    requests = await appointments.open_contact_requests(session)
    people = await appointments.people_behind(session, [*day_items, *requests])
    now = context.now()
    text = cards.agenda_text(t, day, day_items, requests, people, settings.office, now)
    return text, cards.agenda_keyboard(t, day_items, now)


async def _redraw_agenda(context: BotContext, message: Message, local_start: datetime) -> None:
    text, markup = await agenda_view(context, local_start.date())
    with contextlib.suppress(BadRequest):
        await message.edit_text(text, reply_markup=markup)


async def agenda_command(update: Update, context: BotContext) -> None:
    """/agenda (today) or /agenda manana (tomorrow)."""
    if not await require_staff(update, context, "agenda"):
        return
    chat, person = update.effective_chat, update.effective_user
    assert chat is not None and person is not None
    today = context.now().astimezone(context.settings.timezone).date()
    words = {w.lower() for w in context.args or []}
    day = today + timedelta(days=1) if words & TOMORROW_WORDS else today
    text, markup = await agenda_view(context, day)
    audit.record(
        context.session,
        actor_id=person.id,
        action="agenda",
        detail=day.isoformat(),
        now=context.now(),
    )
    await context.send(chat.id, text, markup)


# ── /horario, /cerrado, /extra ────────────────────────────────────────────────

def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=AGENDA.pattern()))
    app.add_handler(CommandHandler("agenda", agenda_command))
