"""Appointments, her side: service → day → time → confirm; call-back or visit requests;
her appointments (change, cancel); the buttons under a reminder.

Callback data (`ap:…`, see keyboards.py): `ap` services, `ap:s:<service>` its days,
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
from bot.appointments.service import SlotTaken
from bot.core import callbacks, conversation
from bot.core.authority import record_name, refuse_forged
from bot.core.common import arg, stale_button
from bot.core.context import BotContext
from bot.core.errors import AlreadyDone, InvalidInput, NotFound
from bot.core.ids import parse_record_id
from bot.core.keyboards import (
    appointment_confirm,
    appointment_days,
    appointment_services,
    appointment_times,
    button,
    day_code,
    for_her,
    my_appointment,
    parse_cb,
    yes_no,
)
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

    def data(self, action: str, *extra: object) -> tuple[object, ...]:
        if self.moving is None:
            return ("ap", action, self.service.key, *extra)
        return ("ap", "r" + action, self.moving.id, *extra)

    @property
    def back_to_days(self) -> tuple[object, ...]:
        if self.moving is None:
            return ("ap", "s", self.service.key)
        return ("ap", "rs", self.moving.id)


def _parse_day(code: str | None) -> date | None:
    if code is None or len(code) != 8 or not code.isdigit():
        return None
    try:
        return datetime.strptime(code, "%Y%m%d").date()
    except ValueError:
        return None


def _parse_time(context: BotContext, code: str | None) -> datetime | None:
    """A local `YYYYMMDDHHMM` as the aware UTC instant, or None if malformed."""
    if code is None or len(code) != 12 or not code.isdigit():
        return None
    try:
        naive = datetime.strptime(code, "%Y%m%d%H%M")
    except ValueError:
        return None
    return naive.replace(tzinfo=context.settings.timezone).astimezone(UTC)


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
                button(t("📞 Call me back"), "ap", "cb", flow.service.key),
                button(t("🏠 Visit me"), "ap", "vi", flow.service.key),
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
    back: tuple[object, ...] = ("ap",) if flow.moving is None else ("ap", "v", flow.moving.id)
    await context.show(
        update,
        text,
        appointment_days(t, days, flow.data("d"), extra_rows=extra, back=back),
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
        appointment_times(t, [s.local_start(tz) for s in slots], flow.data("t"), flow.back_to_days),
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
    code = starts_at.astimezone(context.settings.timezone).strftime("%Y%m%d%H%M")
    await context.show(
        update,
        t("Please check your appointment:") + "\n\n" + _details(context, flow.service, starts_at),
        appointment_confirm(
            t, flow.data("ok", code), flow.data("d", _local_day(context, starts_at))
        ),
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
        for_her(t, [[button(t("🗓️ My appointments"), "ap", "my")]], menu=True),
        sensitive=flow.service.sensitive,
    )


async def already_has_one(update: Update, context: BotContext, service: AppointmentService) -> None:
    t = context.t
    assert context.user is not None
    mine = await appointments.upcoming_for_user(context.session, context.user.id, context.now())
    existing = next((a for a in mine if a.service == service.key), None)
    rows = [[button(t("🗓️ My appointments"), "ap", "my")]]
    if existing is not None:
        rows.insert(0, [button(t("👀 See it"), "ap", "v", existing.id)])
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
        for_her(t, [[button(t("🗓️ My appointments"), "ap", "my")]], menu=True),
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
            for_her(t, [[button(t("📅 Request an appointment"), "ap")]], menu=True),
        )
        return
    lines = [t("🗓️ Your appointments:"), ""] + [f"• {_summary(context, a)}" for a in mine]
    rows = [[button(_when(context, a), "ap", "v", a.id)] for a in mine]
    rows.append([button(t("📅 Request an appointment"), "ap")])
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
        for_her(t, [[button(t("🗓️ My appointments"), "ap", "my")]], menu=True),
        sensitive=_sensitive(context, [appointment]),
    )


# ── Routing ────────────────────────────────────────────────────────────────────


async def _active_of_hers(
    update: Update, context: BotContext, id_text: str | None
) -> Appointment | None:
    """Her active appointment the button names, or None. An id that is not one, or names
    someone else's appointment (or none), is refused as forged and recorded — to her it
    reads like any button no longer active; the caller's own answer is then not shown."""
    assert context.user is not None
    appointment_id = parse_record_id(id_text)
    if appointment_id is None:
        await refuse_forged(update, context, "appointment_id")
        return None
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


async def _flow_for(
    update: Update, context: BotContext, action: str, key: str | None
) -> Flow | None:
    """The booking flow a button names: a service (new) or one of her appointments (r…)."""
    if not action.startswith("r"):
        service = context.settings.office.service(key or "")
        return Flow(service) if service is not None else None
    appointment = await _active_of_hers(update, context, key)
    if appointment is None:
        return None
    service = context.settings.office.service(appointment.service)
    return Flow(service, appointment) if service is not None else None


async def on_button(update: Update, context: BotContext) -> None:
    if not await ensure_registered(update, context):
        return
    assert context.user is not None
    parts = parse_cb(update.callback_query.data if update.callback_query else None)
    action, key, value = arg(parts, 1), arg(parts, 2), arg(parts, 3)
    if len(parts) > 4:
        await stale_button(update, context)
    elif action is None:
        await conversation.clear_state(context.session, context.user.id)
        await show_services(update, context)
    elif action == "my" and key is None:
        await list_mine(update, context)
    elif action in ("v", "x", "xy") and value is None:
        appointment = await _active_of_hers(update, context, arg(parts, 2))
        if appointment is None:
            await stale_button(update, context)
        elif action == "v":
            await show_one(update, context, appointment)
        elif action == "x":
            t = context.t
            await context.show(
                update,
                _summary(context, appointment) + "\n\n" + t("Cancel this appointment?"),
                yes_no(
                    t,
                    t("✖️ Yes, cancel it"),
                    ("ap", "xy", appointment.id),
                    ("ap", "v", appointment.id),
                ),
                sensitive=_sensitive(context, [appointment]),
            )
        else:
            await cancel(update, context, appointment)
    elif action in ("cb", "vi") and value is None:
        service = context.settings.office.service(key or "")
        if service is None:
            await stale_button(update, context)
            return
        kind = AppointmentKind.CALLBACK if action == "cb" else AppointmentKind.VISIT
        await request_contact(update, context, service, kind)
    elif action in ("s", "rs", "d", "rd", "t", "rt", "ok", "rok"):
        await on_pick(update, context, action, key, value)
    else:
        await stale_button(update, context)


async def on_pick(
    update: Update, context: BotContext, action: str, key: str | None, value: str | None
) -> None:
    flow = await _flow_for(update, context, action, key)
    step = action.removeprefix("r")
    if flow is None:
        await stale_button(update, context)
    elif step == "s" and value is None:
        await show_days(update, context, flow)
    elif step == "d" and (day := _parse_day(value)) is not None:
        await show_times(update, context, flow, day)
    elif step in ("t", "ok") and (starts_at := _parse_time(context, value)) is not None:
        if starts_at <= context.now():
            await stale_button(update, context)
        elif step == "t":
            await confirm_time(update, context, flow, starts_at)
        else:
            await book(update, context, flow, starts_at)
    else:
        await stale_button(update, context)


async def on_reminder_button(update: Update, context: BotContext) -> None:
    """Under a reminder: `apr:yes:<id>` she will come; `apr:chg:<id>` she moves it."""
    if not await ensure_registered(update, context):
        return
    parts = parse_cb(update.callback_query.data if update.callback_query else None)
    action = arg(parts, 1)
    appointment = await _active_of_hers(update, context, arg(parts, 2))
    service = context.settings.office.service(appointment.service) if appointment else None
    if (
        len(parts) != 3
        or appointment is None
        or service is None
        or appointment.starts_at is None
        or appointment.starts_at <= context.now()
    ):
        await stale_button(update, context)
    elif action == "yes":
        t = context.t
        await context.show(
            update,
            t("Thank you 🌸 We expect you on {when}.").format(
                when=t.date_and_time(appointment.starts_at)
            )
            + "\n"
            + f"📍 {context.settings.office.address(t.locale)}",
            for_her(t, [[button(t("🗓️ My appointments"), "ap", "my")]], menu=True),
            sensitive=service.sensitive,
        )
    elif action == "chg":
        await show_days(update, context, Flow(service, appointment))
    else:
        await stale_button(update, context)


def register(app: Routes) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=callbacks.pattern("ap", bare=True)))
    app.add_handler(CallbackQueryHandler(on_reminder_button, pattern=callbacks.pattern("apr")))
