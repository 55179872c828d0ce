"""Appointments, her side: service → day → time → confirm; call-back or visit requests;
her appointments (change, cancel); the buttons under a reminder.

Callback data (`ap:…`, bot.appointments.callbacks): `ap` services, `ap:s:<service>` its days,
`ap:d:<service>:<YYYYMMDD>` a day's times, `ap:t:<service>:<YYYYMMDDHHMM>` confirm,
`ap:ok:<service>:<YYYYMMDDHHMM>` book, `ap:cb|vi:<service>` call me back / visit me,
`ap:my` her list, `ap:v:<id>` one, `ap:rs|rd|rt|rok:<id>[:…]` move it, `ap:x|xy:<id>`
cancel it; `apr:yes|chg:<id>` under a reminder. Dates are the office's local dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.appointments import service as appointments
from bot.appointments.availability import Slot
from bot.appointments.callbacks import (
    BOOKING,
    REMINDER,
    BookButton,
    BookingServices,
    CallMeBack,
    CancelAppointment,
    ConfirmCancel,
    DayButton,
    DaysButton,
    MoveBook,
    MoveDay,
    MoveDays,
    MoveTime,
    MyAppointments,
    ReminderAction,
    ServiceBook,
    ServiceDay,
    ServiceDays,
    ServiceTime,
    TimeButton,
    ViewAppointment,
    VisitMe,
    day_code,
    time_code,
)
from bot.appointments.service import SlotTaken
from bot.appointments.views import (
    appointment_confirm,
    appointment_days,
    appointment_services,
    appointment_times,
    my_appointment,
)
from bot.core import conversation
from bot.core.authority import record_name, refuse_forged, refuse_undecoded
from bot.core.callbacks import Button
from bot.core.common import stale_button
from bot.core.context import BotContext
from bot.core.errors import AlreadyDone, InvalidInput, NotFound
from bot.core.keyboards import button, for_her, yes_no
from bot.core.routing import Routes
from bot.db.models import Appointment, AppointmentKind, AppointmentStatus
from bot.office import AppointmentService
from bot.people.her_welcome import ensure_registered

# She sees up to this many days that have free times, within this many days ahead.
DAYS_SHOWN = 7
DAYS_AHEAD = 21


@dataclass(frozen=True)
class Flow:
    """Where picked times go: a new booking of `service`, or moving `moving`."""

    service: AppointmentService
    moving: Appointment | None = None

    def day(self, code: str) -> DayButton:
        if self.moving is None:
            return ServiceDay(self.service.key, code)
        return MoveDay(self.moving.id, code)

    def time(self, code: str) -> TimeButton:
        if self.moving is None:
            return ServiceTime(self.service.key, code)
        return MoveTime(self.moving.id, code)

    def book(self, code: str) -> BookButton:
        if self.moving is None:
            return ServiceBook(self.service.key, code)
        return MoveBook(self.moving.id, code)

    @property
    def back_to_days(self) -> DaysButton:
        if self.moving is None:
            return ServiceDays(self.service.key)
        return MoveDays(self.moving.id)


def _today(context: BotContext) -> date:
    return context.now().astimezone(context.settings.timezone).date()


def _name(context: BotContext, service: AppointmentService) -> str:
    return f"{service.emoji} {service.label(context.t.locale)}"


async def _free(context: BotContext, flow: Flow, first: date, days: int) -> list[Slot]:
    slots = await appointments.free_slots(
        context.session,
        flow.service,
        from_date=first,
        days=days,
        tz=context.settings.timezone,
        now=context.now(),
        exclude_appointment_id=flow.moving.id if flow.moving else None,
    )
    # Moving an appointment: its own time is not a choice.
    current = flow.moving.starts_at if flow.moving else None
    return [s for s in slots if s.starts_at != current]


# ── Choosing ───────────────────────────────────────────────────────────────────


async def show_services(update: Update, context: BotContext) -> None:
    t = context.t
    await context.show(
        update,
        t("📅 Which service do you want an appointment with?"),
        appointment_services(t, context.settings.office.services),
    )


async def show_days(update: Update, context: BotContext, flow: Flow) -> None:
    t = context.t
    slots = await _free(context, flow, _today(context), DAYS_AHEAD)
    tz = context.settings.timezone
    days: list[datetime] = []
    for slot in slots:
        local = slot.local_start(tz)
        if not days or days[-1].date() != local.date():
            days.append(local)
    days = days[:DAYS_SHOWN]
    extra = []
    if flow.moving is None:
        extra = [
            [
                button(t("📞 Call me back"), CallMeBack(flow.service.key)),
                button(t("🏠 Visit me"), VisitMe(flow.service.key)),
            ]
        ]
    if days:
        text = t("{service}\n\nChoose a day:").format(service=_name(context, flow.service))
    else:
        text = t("{service}\n\nThere are no free times in the next weeks.").format(
            service=_name(context, flow.service)
        )
    if flow.moving is None:
        text += "\n\n" + t("If you prefer, we can call you or visit you.")
    back: Button = BookingServices() if flow.moving is None else ViewAppointment(flow.moving.id)
    await context.show(
        update,
        text,
        appointment_days(t, days, flow.day, extra_rows=extra, back=back),
        sensitive=flow.service.sensitive,
    )


async def show_times(
    update: Update, context: BotContext, flow: Flow, day: date, *, note: str | None = None
) -> None:
    t = context.t
    today = _today(context)
    if not today <= day <= today + timedelta(days=DAYS_AHEAD):
        await stale_button(update, context)
        return
    slots = await _free(context, flow, day, 1)
    tz = context.settings.timezone
    if slots:
        text = t("{day}\n\nChoose a time:").format(day=t.date(slots[0].starts_at))
    else:
        text = t("There are no free times left on that day. Please choose another day.")
    if note:
        text = f"{note}\n\n{text}"
    await context.show(
        update,
        text,
        appointment_times(t, [s.local_start(tz) for s in slots], flow.time, flow.back_to_days),
        sensitive=flow.service.sensitive,
    )


def _details(context: BotContext, service: AppointmentService, starts_at: datetime) -> str:
    t = context.t
    lines = [
        f"📅 {t.date_and_time(starts_at)}",
        _name(context, service),
        f"📍 {context.settings.office.address(t.locale)}",
    ]
    bring = service.what_to_bring(t.locale)
    if bring:
        lines.append(t("🎒 Please bring: {bring}").format(bring=bring))
    return "\n".join(lines)


def _local_day(context: BotContext, moment: datetime) -> str:
    return day_code(moment.astimezone(context.settings.timezone))


async def confirm_time(
    update: Update, context: BotContext, flow: Flow, starts_at: datetime
) -> None:
    t = context.t
    slots = await _free(context, flow, starts_at.astimezone(context.settings.timezone).date(), 1)
    if not any(s.starts_at == starts_at for s in slots):
        day = starts_at.astimezone(context.settings.timezone).date()
        await show_times(update, context, flow, day, note=t("Sorry, that time is no longer free."))
        return
    code = time_code(starts_at.astimezone(context.settings.timezone))
    await context.show(
        update,
        t("Please check your appointment:") + "\n\n" + _details(context, flow.service, starts_at),
        appointment_confirm(t, flow.book(code), flow.day(_local_day(context, starts_at))),
        sensitive=flow.service.sensitive,
    )


async def book(update: Update, context: BotContext, flow: Flow, starts_at: datetime) -> None:
    user = context.user
    assert user is not None
    t = context.t
    settings = context.settings
    offsets = settings.office.scheduling.reminder_offsets_hours
    try:
        if flow.moving is None:
            appointment = await appointments.book(
                context.session,
                user_id=user.id,
                service=flow.service,
                starts_at=starts_at,
                now=context.now(),
                tz=settings.timezone,
                reminder_offsets_hours=offsets,
            )
            text = t("✅ Your appointment is requested. The office will confirm it.")
        else:
            appointment = await appointments.reschedule(
                context.session,
                flow.moving.id,
                service=flow.service,
                starts_at=starts_at,
                now=context.now(),
                tz=settings.timezone,
                user_id=user.id,
                reminder_offsets_hours=offsets,
            )
            text = t("✅ Your appointment was changed. The office will confirm the new time.")
    except SlotTaken:
        day = starts_at.astimezone(settings.timezone).date()
        note = t("Sorry, someone took that time a moment ago. Here are the times still free:")
        await show_times(update, context, flow, day, note=note)
        return
    except AlreadyDone:
        await already_has_one(update, context, flow.service)
        return
    except (InvalidInput, NotFound):
        await stale_button(update, context)
        return
    appointments.tell_staff(context.session, appointment.id, context.now(), new=flow.moving is None)
    text += "\n\n" + _details(context, flow.service, starts_at)
    text += "\n\n" + t("We will remind you before. 🌸")
    await context.show(
        update,
        text,
        for_her(t, [[button(t("🗓️ My appointments"), MyAppointments())]], menu=True),
        sensitive=flow.service.sensitive,
    )


async def already_has_one(update: Update, context: BotContext, service: AppointmentService) -> None:
    t = context.t
    assert context.user is not None
    mine = await appointments.upcoming_for_user(context.session, context.user.id, context.now())
    existing = next((a for a in mine if a.service == service.key), None)
    rows = [[button(t("🗓️ My appointments"), MyAppointments())]]
    if existing is not None:
        rows.insert(0, [button(t("👀 See it"), ViewAppointment(existing.id))])
    await context.show(
        update,
        t("You already have an appointment or a request with {service}.").format(
            service=_name(context, service)
        ),
        for_her(t, rows, menu=True),
        sensitive=service.sensitive,
    )


async def request_contact(
    update: Update, context: BotContext, service: AppointmentService, kind: str
) -> None:
    assert context.user is not None
    t = context.t
    try:
        appointment = await appointments.request_contact(
            context.session, user_id=context.user.id, service=service, kind=kind, now=context.now()
        )
    except AlreadyDone:
        await already_has_one(update, context, service)
        return
    appointments.tell_staff(context.session, appointment.id, context.now(), new=True)
    if kind == AppointmentKind.CALLBACK:
        text = t("✅ The office will call you about {service}.")
    else:
        text = t("✅ The office will contact you to arrange a visit about {service}.")
    await context.show(
        update,
        text.format(service=_name(context, service))
        + "\n\n"
        + t("Office hours: {hours}").format(hours=context.settings.office.hours(t.locale)),
        for_her(t, [[button(t("🗓️ My appointments"), MyAppointments())]], menu=True),
        sensitive=service.sensitive,
    )


# ── Her appointments ───────────────────────────────────────────────────────────


def _status(context: BotContext, appointment: Appointment) -> str:
    t = context.t
    if appointment.status == AppointmentStatus.CONFIRMED:
        return t("confirmed ✅")
    return t("waiting for the office to confirm")


def _when(context: BotContext, appointment: Appointment) -> str:
    t = context.t
    if appointment.kind == AppointmentKind.VISIT:
        return t("🏠 Visit")
    if appointment.kind == AppointmentKind.CALLBACK or appointment.starts_at is None:
        return t("📞 Call back")
    return f"📅 {t.date_and_time(appointment.starts_at)}"


def _summary(context: BotContext, appointment: Appointment) -> str:
    service = context.settings.office.service(appointment.service)
    name = _name(context, service) if service else appointment.service
    return f"{_when(context, appointment)} · {name}\n   {_status(context, appointment)}"


def _sensitive(context: BotContext, appointments_: Sequence[Appointment]) -> bool:
    services = [context.settings.office.service(a.service) for a in appointments_]
    return any(s is None or s.sensitive for s in services)


async def list_mine(update: Update, context: BotContext) -> None:
    assert context.user is not None
    t = context.t
    mine = await appointments.upcoming_for_user(context.session, context.user.id, context.now())
    if not mine:
        await context.show(
            update,
            t("You have no appointments."),
            for_her(t, [[button(t("📅 Request an appointment"), BookingServices())]], menu=True),
        )
        return
    lines = [t("🗓️ Your appointments:"), ""] + [f"• {_summary(context, a)}" for a in mine]
    rows = [[button(_when(context, a), ViewAppointment(a.id))] for a in mine]
    rows.append([button(t("📅 Request an appointment"), BookingServices())])
    await context.show(
        update, "\n".join(lines), for_her(t, rows, menu=True), sensitive=_sensitive(context, mine)
    )


async def show_one(update: Update, context: BotContext, appointment: Appointment) -> None:
    service = context.settings.office.service(appointment.service)
    text = _summary(context, appointment)
    if service is not None and appointment.starts_at is not None:
        text = (
            _details(context, service, appointment.starts_at) + "\n" + _status(context, appointment)
        )
    await context.show(
        update,
        text,
        my_appointment(
            context.t,
            appointment.id,
            can_change=service is not None and appointment.kind == AppointmentKind.SLOT,
        ),
        sensitive=_sensitive(context, [appointment]),
    )


async def cancel(update: Update, context: BotContext, appointment: Appointment) -> None:
    assert context.user is not None
    t = context.t
    try:
        await appointments.cancel(
            context.session, appointment.id, now=context.now(), user_id=context.user.id
        )
    except (AlreadyDone, NotFound):
        await stale_button(update, context)
        return
    appointments.tell_staff(context.session, appointment.id, context.now(), new=False)
    await context.show(
        update,
        t("Your appointment was cancelled. If you need another one, you can ask again."),
        for_her(t, [[button(t("🗓️ My appointments"), MyAppointments())]], menu=True),
        sensitive=_sensitive(context, [appointment]),
    )


# ── Routing ────────────────────────────────────────────────────────────────────


async def _active_of_hers(
    update: Update, context: BotContext, appointment_id: int
) -> Appointment | None:
    """Her active appointment the button names, or None. One that names someone else's
    appointment (or none) is refused as forged and recorded — to her it reads like any
    button no longer active; the caller's own answer is then not shown."""
    assert context.user is not None
    try:
        appointment = await appointments.appointment_of_user(
            context.session, context.user.id, appointment_id
        )
    except NotFound:
        await refuse_forged(
            update, context, "not_hers", record=record_name("appointment", appointment_id)
        )
        return None
    return appointment if appointment.is_active else None


PickButton = DaysButton | DayButton | TimeButton | BookButton


async def _flow_for(update: Update, context: BotContext, press: PickButton) -> Flow | None:
    """The booking flow a button names: a service (new) or one of her appointments (moving)."""
    if isinstance(press, ServiceDays | ServiceDay | ServiceTime | ServiceBook):
        service = context.settings.office.service(press.service)
        return Flow(service) if service is not None else None
    appointment = await _active_of_hers(update, context, press.appointment_id)
    if appointment is None:
        return None
    service = context.settings.office.service(appointment.service)
    return Flow(service, appointment) if service is not None else None


async def on_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    assert context.user is not None
    press = BOOKING.decode(update.callback_query.data if update.callback_query else None)
    if press is None:
        await refuse_undecoded(update, context, BOOKING)
    elif isinstance(press, BookingServices):
        await conversation.clear_state(context.session, context.user.id)
        await show_services(update, context)
    elif isinstance(press, MyAppointments):
        await list_mine(update, context)
    elif isinstance(press, ViewAppointment | CancelAppointment | ConfirmCancel):
        appointment = await _active_of_hers(update, context, press.appointment_id)
        if appointment is None:
            await stale_button(update, context)
        elif isinstance(press, ViewAppointment):
            await show_one(update, context, appointment)
        elif isinstance(press, CancelAppointment):
            t = context.t
            await context.show(
                update,
                _summary(context, appointment) + "\n\n" + t("Cancel this appointment?"),
                yes_no(
                    t,
                    t("✖️ Yes, cancel it"),
                    ConfirmCancel(appointment.id),
                    ViewAppointment(appointment.id),
                ),
                sensitive=_sensitive(context, [appointment]),
            )
        else:
            await cancel(update, context, appointment)
    elif isinstance(press, CallMeBack | VisitMe):
        service = context.settings.office.service(press.service)
        if service is None:
            await stale_button(update, context)
            return
        kind = AppointmentKind.CALLBACK if isinstance(press, CallMeBack) else AppointmentKind.VISIT
        await request_contact(update, context, service, kind)
    else:
        await on_pick(update, context, press)


async def on_pick(update: Update, context: BotContext, press: PickButton) -> None:
    flow = await _flow_for(update, context, press)
    if flow is None:
        await stale_button(update, context)
    elif isinstance(press, ServiceDays | MoveDays):
        await show_days(update, context, flow)
    elif isinstance(press, ServiceDay | MoveDay):
        await show_times(update, context, flow, press.local_day)
    else:
        tz = context.settings.timezone
        starts_at = press.local_time.replace(tzinfo=tz).astimezone(UTC)
        if starts_at <= context.now():
            await stale_button(update, context)
        elif isinstance(press, ServiceTime | MoveTime):
            await confirm_time(update, context, flow, starts_at)
        else:
            await book(update, context, flow, starts_at)


async def on_reminder_button(update: Update, context: BotContext) -> None:
    """Under a reminder: `apr:yes:<id>` she will come; `apr:chg:<id>` she moves it."""
    if not await ensure_registered(update, context):
        return
    press = REMINDER.decode(update.callback_query.data if update.callback_query else None)
    if press is None:
        await refuse_undecoded(update, context, REMINDER)
        return
    appointment = await _active_of_hers(update, context, press.appointment_id)
    service = context.settings.office.service(appointment.service) if appointment else None
    if (
        appointment is None
        or service is None
        or appointment.starts_at is None
        or appointment.starts_at <= context.now()
    ):
        await stale_button(update, context)
    elif press.action == ReminderAction.COMING:
        t = context.t
        await context.show(
            update,
            t("Thank you 🌸 We expect you on {when}.").format(
                when=t.date_and_time(appointment.starts_at)
            )
            + "\n"
            + f"📍 {context.settings.office.address(t.locale)}",
            for_her(t, [[button(t("🗓️ My appointments"), MyAppointments())]], menu=True),
            sensitive=service.sensitive,
        )
    else:
        await show_days(update, context, Flow(service, appointment))


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=BOOKING.pattern()))
    app.add_handler(CallbackQueryHandler(on_reminder_button, pattern=REMINDER.pattern()))
