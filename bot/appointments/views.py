"""What staff see about appointments (card, agenda, digest) and what she is told about them.

Pure functions (what they show about her is gathered by service.people_behind). Staff texts take the office's default-locale translator; texts for her
take her own. A sensitive service is never named in the staff group, nor in anything
she receives unprompted (confirmation, move, cancellation, reminder): her lock screen
must not tell anyone what the appointment is about.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.appointments.availability import Slot
from bot.appointments.callbacks import (
    AgendaAction,
    AgendaButton,
    BookingServices,
    CancelAppointment,
    MoveDays,
    MyAppointments,
    ReminderAction,
    ReminderButton,
    ServiceDays,
    day_code,
    time_code,
)
from bot.appointments.service import Person
from bot.core.callbacks import Button
from bot.core.i18n import N_, Translator
from bot.core.keyboards import button, for_her
from bot.db.models import Appointment, AppointmentKind, AppointmentStatus, Case
from bot.office import AppointmentService, OfficeSettings

# Neutral reasons staff can give when they cancel; she reads them (translated).
CANCEL_REASONS = (
    N_("The office is closed that day."),
    N_("The person who attends is not available."),
    N_("Please call the office."),
)

APPOINTMENT_STATUS = {
    AppointmentStatus.REQUESTED.value: N_("⏳ to confirm"),
    AppointmentStatus.CONFIRMED.value: N_("✅ confirmed"),
    AppointmentStatus.CANCELLED.value: N_("✖️ cancelled"),
    AppointmentStatus.ATTENDED.value: N_("🟢 attended"),
    AppointmentStatus.NO_SHOW.value: N_("🚫 did not come"),
}
APPOINTMENT_KIND = {
    AppointmentKind.SLOT.value: N_("appointment at the office"),
    AppointmentKind.CALLBACK.value: N_("📞 asks to be called back"),
    AppointmentKind.VISIT.value: N_("🏠 asks for a visit"),
}
# How many slots "propose another time" offers, and how far ahead it looks.
PROPOSED_SLOTS = 6
PROPOSE_DAYS = 21
# Rows of attended/no-show buttons under one agenda (Telegram allows 100 buttons).
AGENDA_BUTTON_ROWS = 40
TEXT_BUDGET = 3800


# Cancellation reasons stored by services in English; listed so they get translated.
STORED_REASONS = (N_("she deleted her data"),)


def service_for_staff(t: Translator, office: OfficeSettings, service_key: str) -> str:
    """The service as the staff group may see it: sensitive ones only as 🔒."""
    service = office.service(service_key)
    if service is None or service.sensitive:
        return t("🔒 sensitive service")
    return f"{service.emoji} {service.label(t.locale)}"


def _status(t: Translator, appointment: Appointment) -> str:
    key = appointment.status
    return t(APPOINTMENT_STATUS[key]) if key in APPOINTMENT_STATUS else key


def _when(t: Translator, appointment: Appointment) -> str:
    if appointment.starts_at is None:
        return t("no time yet")
    return t.date_and_time(appointment.starts_at)


def _kind(t: Translator, appointment: Appointment) -> str:
    key = appointment.kind
    return t(APPOINTMENT_KIND[key]) if key in APPOINTMENT_KIND else key


def card_text(
    t: Translator, appointment: Appointment, office: OfficeSettings, person: Person
) -> str:
    """The appointment card in the staff group."""
    lines = [
        t("📅 Appointment #{number}").format(number=appointment.id),
        t("Service: {service}").format(service=service_for_staff(t, office, appointment.service)),
        t("Kind: {kind}").format(kind=_kind(t, appointment)),
    ]
    if appointment.kind == AppointmentKind.SLOT or appointment.starts_at is not None:
        lines.append(t("When: {when}").format(when=_when(t, appointment)))
    lines.append(t("Community: {community}").format(community=person.community or "—"))
    lines.append(t("Did not come before: {count}").format(count=person.no_shows))
    lines.append(t("Status: {status}").format(status=_status(t, appointment)))
    if appointment.status == AppointmentStatus.CANCELLED and appointment.cancel_reason:
        lines.append(t("Reason: {reason}").format(reason=t(appointment.cancel_reason)))
    return "\n".join(lines)


def _agenda(
    text: str, action: AgendaAction, appointment: Appointment, extra: str | None = None
) -> InlineKeyboardButton:
    """A staff button on this appointment (bot.appointments.callbacks.AgendaButton)."""
    data = AgendaButton(action, appointment.id, extra).encode()
    return InlineKeyboardButton(text, callback_data=data)


def card_keyboard(t: Translator, appointment: Appointment) -> InlineKeyboardMarkup | None:
    if not appointment.is_active:
        return None
    first: list[InlineKeyboardButton] = []
    if appointment.status == AppointmentStatus.REQUESTED:
        first.append(_agenda(t("✅ Confirm"), AgendaAction.CONFIRM, appointment))
    first.append(_agenda(t("🕒 Propose another time"), AgendaAction.PROPOSE, appointment))
    return InlineKeyboardMarkup([first, [_agenda(t("✖️ Cancel"), AgendaAction.CANCEL, appointment)]])


def slot_key(slot_start: datetime) -> str:
    """A slot in callback data: minutes since the epoch (UTC), about 8 digits."""
    return str(int(slot_start.timestamp()) // 60)


def parse_slot_key(value: str | None) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value or "") * 60, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def slots_keyboard(
    t: Translator, appointment: Appointment, slots: Sequence[Slot]
) -> InlineKeyboardMarkup:
    rows = [
        [_agenda(t.stamp(s.starts_at), AgendaAction.MOVE_TO, appointment, slot_key(s.starts_at))]
        for s in slots[:PROPOSED_SLOTS]
    ]
    rows.append([_agenda(t("⬅️ Back"), AgendaAction.BACK, appointment)])
    return InlineKeyboardMarkup(rows)


def reasons_keyboard(t: Translator, appointment: Appointment) -> InlineKeyboardMarkup:
    rows = [
        [_agenda(t(reason), AgendaAction.CANCEL_WHY, appointment, str(n))]
        for n, reason in enumerate(CANCEL_REASONS)
    ]
    rows.append([_agenda(t("⬅️ Back"), AgendaAction.BACK, appointment)])
    return InlineKeyboardMarkup(rows)


def changed_text(t: Translator, appointment: Appointment) -> str:
    """The short line under a card when she moved or cancelled her appointment."""
    if appointment.status == AppointmentStatus.CANCELLED:
        return t("✖️ Appointment #{number}: she cancelled it.").format(number=appointment.id)
    return t("🔁 Appointment #{number}: she moved it to {when}.").format(
        number=appointment.id, when=_when(t, appointment)
    )


# ── For her ───────────────────────────────────────────────────────────────────


def _her_service(t: Translator, service: AppointmentService | None) -> str | None:
    if service is None or service.sensitive:
        return None
    return f"{service.emoji} {service.label(t.locale)}"


def confirmed_for_her(
    t: Translator, appointment: Appointment, service: AppointmentService | None
) -> str:
    name = _her_service(t, service)
    if appointment.starts_at is None:
        return t("The office received your request and will contact you.")
    if name is None:
        return t("Your appointment on {when} is confirmed.").format(when=_when(t, appointment))
    return t("Your appointment for {service} on {when} is confirmed.").format(
        service=name, when=_when(t, appointment)
    )


def moved_for_her(
    t: Translator, appointment: Appointment, service: AppointmentService | None
) -> str:
    name = _her_service(t, service)
    if name is None:
        return t("The office changed your appointment to {when}.").format(
            when=_when(t, appointment)
        )
    return t("The office changed your appointment for {service} to {when}.").format(
        service=name, when=_when(t, appointment)
    )


def cancelled_for_her(
    t: Translator, appointment: Appointment, service: AppointmentService | None
) -> str:
    name = _her_service(t, service)
    if appointment.starts_at is None:
        text = t("The office cancelled your request.")
    elif name is None:
        text = t("The office cancelled your appointment on {when}.").format(
            when=_when(t, appointment)
        )
    else:
        text = t("The office cancelled your appointment for {service} on {when}.").format(
            service=name, when=_when(t, appointment)
        )
    if appointment.cancel_reason:
        text += "\n" + t(appointment.cancel_reason)
    return text


def reminder_for_her(
    t: Translator,
    starts_at: datetime,
    service: AppointmentService | None,
    now: datetime,
) -> str:
    """The reminder; a sensitive (or unknown) service is not named."""
    local_day = starts_at.astimezone(t.timezone).date()
    today = now.astimezone(t.timezone).date()
    if local_day == today:
        when = t("today at {time}").format(time=t.time(starts_at))
    elif local_day == today + timedelta(days=1):
        when = t("tomorrow at {time}").format(time=t.time(starts_at))
    else:
        when = t.date_and_time(starts_at)
    name = _her_service(t, service)
    if name is None:
        return t("Reminder: you have an appointment at the office {when}.").format(when=when)
    return t("Reminder: you have an appointment for {service} at the office {when}.").format(
        service=name, when=when
    )


# ── Lists for staff ───────────────────────────────────────────────────────────


def _agenda_line(
    t: Translator, appointment: Appointment, office: OfficeSettings, person: Person | None
) -> str:
    assert appointment.starts_at is not None
    who = (person.name if person else None) or t("(data deleted)")
    community = (person.community if person else None) or "—"
    line = f"{t.time(appointment.starts_at)} · {service_for_staff(t, office, appointment.service)}"
    line += f" · {who} · {community} · {_status(t, appointment)}"
    if person is not None and person.no_shows:
        line += " · " + t("🚫×{count}").format(count=person.no_shows)
    return line


def _request_line(
    t: Translator,
    appointment: Appointment,
    office: OfficeSettings,
    person: Person | None,
    now: datetime,
) -> str:
    who = (person.name if person else None) or t("(data deleted)")
    community = (person.community if person else None) or "—"
    return (
        f"#{appointment.id} · {_kind(t, appointment)} · "
        f"{service_for_staff(t, office, appointment.service)} · {who} · {community} · "
        f"{t.age(appointment.created_at, now)}"
    )


def _fit(lines: list[str]) -> str:
    text = "\n".join(lines)
    if len(text) <= TEXT_BUDGET:
        return text
    return text[:TEXT_BUDGET].rsplit("\n", 1)[0] + "\n…"


def agenda_text(
    t: Translator,
    day: date,
    appointments: Sequence[Appointment],
    requests: Sequence[Appointment],
    people: Mapping[int, Person],
    office: OfficeSettings,
    now: datetime,
) -> str:
    """/agenda: a day's appointments in order, then open call-back and visit requests."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=t.timezone)
    lines = [t("📅 Agenda · {day}").format(day=t.date(start))]
    if not appointments:
        lines.append(t("No appointments this day."))
    for appointment in appointments:
        person = people.get(appointment.user_id) if appointment.user_id is not None else None
        lines.append(_agenda_line(t, appointment, office, person))
    if requests:
        lines.append("")
        lines.append(t("📞 Open call-back and visit requests:"))
        for request in requests:
            person = people.get(request.user_id) if request.user_id is not None else None
            lines.append(_request_line(t, request, office, person, now))
    return _fit(lines)


def agenda_keyboard(
    t: Translator, appointments: Sequence[Appointment], now: datetime
) -> InlineKeyboardMarkup | None:
    """The day's actions, so staff need not scroll back to each card: confirm, another
    time or cancel for bookings still to confirm; attended / no-show once one started."""
    rows: list[list[InlineKeyboardButton]] = []
    for appointment in appointments:
        if appointment.starts_at is None or appointment.status == AppointmentStatus.CANCELLED:
            continue
        at = t.time(appointment.starts_at)
        if appointment.starts_at > now:
            if appointment.status == AppointmentStatus.REQUESTED:
                rows.append(
                    [
                        _agenda(f"✅ {at} " + t("Confirm"), AgendaAction.CONFIRM, appointment),
                        _agenda("🕒 " + t("Other time"), AgendaAction.PROPOSE, appointment),
                        _agenda("✖️ " + t("Cancel"), AgendaAction.CANCEL, appointment),
                    ]
                )
            continue
        rows.append(
            [
                _agenda(f"✅ {at} " + t("Attended"), AgendaAction.ATTENDED, appointment),
                _agenda(f"🚫 {at} " + t("No-show"), AgendaAction.NO_SHOW, appointment),
            ]
        )
    if not rows:
        return None
    return InlineKeyboardMarkup(rows[:AGENDA_BUTTON_ROWS])


def digest_text(
    t: Translator,
    day: date,
    appointments: Sequence[Appointment],
    people: Mapping[int, Person],
    old_cases: Sequence[Case],
    office: OfficeSettings,
    now: datetime,
) -> str:
    """The morning digest: today's appointments and open cases waiting more than 48 hours."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=t.timezone)
    lines = [t("☀️ Good morning. Today, {day}:").format(day=t.date(start))]
    if appointments:
        lines.append(
            t.plural("{count} appointment:", "{count} appointments:", len(appointments)).format(
                count=len(appointments)
            )
        )
        for appointment in appointments:
            person = people.get(appointment.user_id) if appointment.user_id is not None else None
            lines.append(_agenda_line(t, appointment, office, person))
    else:
        lines.append(t("No appointments today."))
    lines.append("")
    if old_cases:
        lines.append(
            t.plural(
                "{count} open case waiting more than 48 hours:",
                "{count} open cases waiting more than 48 hours:",
                len(old_cases),
            ).format(count=len(old_cases))
        )
        for case in old_cases:
            lines.append(f"{case.reference} · {t.age(case.created_at, now)}")
    else:
        lines.append(t("No open case is waiting more than 48 hours."))
    return _fit(lines)


# ── Her side (bot.appointments.her_booking) ───────────────────────────────────
# Dates and times are local to the office (bot.appointments.callbacks).
TIMES_PER_ROW = 3


def appointment_reminder(t: Translator, appointment_id: int) -> InlineKeyboardMarkup:
    """Under a reminder: she confirms she will come, or asks to change it."""
    return for_her(
        t,
        [
            [button(t("✅ I will come"), ReminderButton(ReminderAction.COMING, appointment_id))],
            [
                button(
                    t("🔁 I need to change it"),
                    ReminderButton(ReminderAction.CHANGE, appointment_id),
                )
            ],
        ],
    )


def appointment_services(
    t: Translator, services: Sequence[AppointmentService]
) -> InlineKeyboardMarkup:
    rows = [[button(f"{s.emoji} {s.label(t.locale)}", ServiceDays(s.key))] for s in services]
    rows.append([button(t("🗓️ My appointments"), MyAppointments())])
    return for_her(t, rows, menu=True)


def appointment_days(
    t: Translator,
    days: Sequence[datetime],
    pick: Callable[[str], Button],
    *,
    extra_rows: Sequence[Sequence[InlineKeyboardButton]] = (),
    back: Button | None = None,
) -> InlineKeyboardMarkup:
    """One button per day (its first free slot, local), then the extra rows and "back"
    (by default, to the services)."""
    rows = [[button(t.date(d), pick(day_code(d)))] for d in days]
    rows.extend(list(r) for r in extra_rows)
    rows.append([button(t("◀️ Back"), back or BookingServices())])
    return for_her(t, rows, menu=True)


def appointment_times(
    t: Translator, times: Sequence[datetime], pick: Callable[[str], Button], back: Button
) -> InlineKeyboardMarkup:
    """The free times of one day (local), a few to a row, then "back"."""
    buttons_ = [button(t.time(moment), pick(time_code(moment))) for moment in times]
    rows = [buttons_[i : i + TIMES_PER_ROW] for i in range(0, len(buttons_), TIMES_PER_ROW)]
    rows.append([button(t("◀️ Back"), back)])
    return for_her(t, rows, menu=True)


def appointment_confirm(t: Translator, confirm: Button, back: Button) -> InlineKeyboardMarkup:
    return for_her(t, [[button(t("✅ Confirm"), confirm), button(t("◀️ Back"), back)]])


def my_appointment(t: Translator, appointment_id: int, *, can_change: bool) -> InlineKeyboardMarkup:
    row = [button(t("✖️ Cancel"), CancelAppointment(appointment_id))]
    if can_change:
        row.insert(0, button(t("🔁 Change"), MoveDays(appointment_id)))
    return for_her(t, [row, [button(t("🗓️ My appointments"), MyAppointments())]], menu=True)
