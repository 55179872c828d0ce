"""Staff set the office's hours from the group: /horario (weekly hours of a service),
/cerrado (a day closed) and /extra (extra hours one day).

Services are named as the office says them, by their label in any language, accents
optional ("/horario orientacion lun 08:00-12:00"); days in Spanish or English
("lun", "miércoles", "mon"). Hours are shown back with the service's label and the day
names of the office's language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time

from babel.dates import format_date, get_day_names
from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.appointments import card as staff_card
from bot.appointments import service as appointments
from bot.appointments import views as cards
from bot.appointments.service_names import find_service, short_name
from bot.core import audit
from bot.core.authority import require_staff
from bot.core.context import BotContext
from bot.core.drafting import staff_t
from bot.core.errors import InvalidInput
from bot.core.i18n import Translator
from bot.office import (
    AppointmentService,
    OfficeSettings,
    OfficeValueError,
    WeeklyHours,
    parse_weekly_hours,
)

_WINDOW = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)$")
_SPLIT_WINDOWS = re.compile(r"(?<=\d)\s*[,;]\s*")
NO_HOURS = {"ninguno", "ninguna", "none", "-"}


def parse_hours_list(spec: str) -> list[WeeklyHours]:
    """ "lun 08:00-12:00, mié 13:00-16:00" → windows (OfficeValueError when malformed)."""
    if spec.strip().lower() in NO_HOURS:
        return []
    windows: list[WeeklyHours] = []
    for chunk in _SPLIT_WINDOWS.split(spec.strip()):
        windows.extend(parse_weekly_hours(chunk))
    return windows


def parse_window(text: str) -> tuple[time, time] | None:
    match = _WINDOW.match(text.strip())
    if match is None:
        return None
    start = time(int(match.group(1)), int(match.group(2)))
    end = time(int(match.group(3)), int(match.group(4)))
    return (start, end) if start < end else None


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def hours_text(t: Translator, windows: Sequence[WeeklyHours]) -> str:
    """ "lun 08:00-12:00, mié 13:00-16:00", day names in the office's language."""
    days = get_day_names("abbreviated", locale=t.babel_locale)
    return (
        ", ".join(f"{days[w.weekday]} {w.start:%H:%M}-{w.end:%H:%M}" for w in windows) or "—"
    )


def _hours_line(t: Translator, service: AppointmentService, windows: Sequence[WeeklyHours]) -> str:
    return f"{service.emoji} {service.label(t.locale)}: {hours_text(t, windows)}"


def _day(t: Translator, on: date) -> str:
    return format_date(on, "EEEE d 'de' MMMM" if t.babel_locale == "es" else "EEEE, MMMM d", locale=t.babel_locale)


def _unknown_service(t: Translator, office: OfficeSettings, typed: str) -> str:
    labels = ", ".join(s.label(t.locale) for s in office.services)
    return t("I do not know the service «{typed}». The services are: {labels}.").format(
        typed=typed[:40], labels=labels
    )


async def hours_command(update: Update, context: BotContext) -> None:
    """/horario shows the weekly hours; /horario <service> <hours> replaces one service's."""
    if not await require_staff(update, context, "hours"):
        return
    chat, person = update.effective_chat, update.effective_user
    assert chat is not None and person is not None
    t, office, session = staff_t(context), context.settings.office, context.session
    args = context.args or []
    example = t("Write it like: /horario {service} lun 08:00-12:00, mié 13:00-16:00").format(
        service=short_name(office.services[0], office.services) if office.services else "legal"
    )
    if not args:
        lines = [t("🕒 Weekly hours:")]
        for each in office.services:
            lines.append(_hours_line(t, each, await appointments.weekly_hours(session, each.key)))
        lines.append("")
        lines.append(example)
        await context.send(chat.id, "\n".join(lines))
        return
    found = find_service(office.services, _service_words(args))
    if found is None:
        await context.send(chat.id, _unknown_service(t, office, args[0]) + "\n" + example)
        return
    service, taken = found
    try:
        windows = parse_hours_list(" ".join(args[taken:]))
        await appointments.set_weekly_hours(session, service.key, windows)
    except (OfficeValueError, InvalidInput, ValueError):
        await context.send(chat.id, t("I could not read those hours.") + "\n" + example)
        return
    audit.record(
        session,
        actor_id=person.id,
        action="set_hours",
        detail=f"{service.key}: {', '.join(str(w) for w in windows)}"[:250],
        now=context.now(),
    )
    await context.send(
        chat.id,
        t("✅ New weekly hours (appointments already booked stay as they are):")
        + "\n"
        + _hours_line(t, service, windows),
    )


def _service_words(args: Sequence[str]) -> list[str]:
    """The words before the hours begin (the first one holding a digit, or "ninguno")."""
    words: list[str] = []
    for word in args:
        if any(c.isdigit() for c in word) or word.lower() in NO_HOURS:
            break
        words.append(word)
    # Day names come before the times too ("lun 08:00"): the service is at most what
    # precedes them, and find_service takes the longest phrase that names one.
    return words


async def closed_command(update: Update, context: BotContext) -> None:
    """/cerrado 2026-12-24 [service] [note]: no appointments that day."""
    if not await require_staff(update, context, "closed"):
        return
    chat, person = update.effective_chat, update.effective_user
    assert chat is not None and person is not None
    t, settings, session = staff_t(context), context.settings, context.session
    args = list(context.args or [])
    example = t("Write it like: /cerrado 2026-12-24, or /cerrado 2026-12-24 legal Feria")
    on_date = _parse_date(args[0] if args else None)
    if on_date is None:
        await context.send(chat.id, example)
        return
    rest = args[1:]
    found = find_service(settings.office.services, rest[:3])
    service = found[0] if found else None
    if found:
        rest = rest[found[1] :]
    note = " ".join(rest)[: appointments.MAX_NOTE_LENGTH] or None
    exception = await appointments.add_exception(
        session,
        on_date=on_date,
        now=context.now(),
        service_key=service.key if service else None,
        closed=True,
        note=note,
        staff_id=person.id,
    )
    audit.record(
        session,
        actor_id=person.id,
        action="close_day",
        detail=f"{on_date.isoformat()} {service.key if service else '*'}",
        now=context.now(),
    )
    affected = await appointments.appointments_on_closed_day(session, exception, settings.timezone)
    lines = [
        t("✅ Closed on {day} ({service}).").format(
            day=_day(t, on_date),
            service=service.label(t.locale) if service else t("all services"),
        )
    ]
    if affected:
        people = await appointments.people_behind(session, affected)
        lines.append(t("These appointments are already booked that day; move or cancel them:"))
        for item in affected:
            person_info = people.get(item.user_id) if item.user_id is not None else None
            who = (person_info.name if person_info else None) or "—"
            assert item.starts_at is not None
            lines.append(
                f"#{item.id} · {t.time(item.starts_at)} · "
                f"{cards.service_for_staff(t, settings.office, item.service)} · {who}"
            )
    await context.send(chat.id, "\n".join(lines))
    for item in affected:
        if item.staff_card_message_id is not None:
            await staff_card.redraw(context.bot_data, session, t, item)


async def extra_command(update: Update, context: BotContext) -> None:
    """/extra 2026-12-19 14:00-16:00 [service]: extra hours that day."""
    if not await require_staff(update, context, "extra"):
        return
    chat, person = update.effective_chat, update.effective_user
    assert chat is not None and person is not None
    t, settings, session = staff_t(context), context.settings, context.session
    args = list(context.args or [])
    example = t(
        "Write it like: /extra 2026-12-19 14:00-16:00, or /extra 2026-12-19 14:00-16:00 legal"
    )
    on_date = _parse_date(args[0] if args else None)
    window = parse_window(args[1]) if len(args) > 1 else None
    if on_date is None or window is None:
        await context.send(chat.id, example)
        return
    service: AppointmentService | None = None
    if len(args) > 2:
        found = find_service(settings.office.services, args[2:])
        if found is None:
            await context.send(
                chat.id, _unknown_service(t, settings.office, " ".join(args[2:])) + "\n" + example
            )
            return
        service = found[0]
    await appointments.add_exception(
        session,
        on_date=on_date,
        now=context.now(),
        service_key=service.key if service else None,
        closed=False,
        start=window[0],
        end=window[1],
        staff_id=person.id,
    )
    audit.record(
        session,
        actor_id=person.id,
        action="extra_hours",
        detail=f"{on_date.isoformat()} {args[1]} {service.key if service else '*'}",
        now=context.now(),
    )
    await context.send(
        chat.id,
        t("✅ Extra hours on {day}, {start}-{end} ({service}).").format(
            day=_day(t, on_date),
            start=f"{window[0]:%H:%M}",
            end=f"{window[1]:%H:%M}",
            service=service.label(t.locale) if service else t("all services"),
        ),
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("horario", hours_command))
    app.add_handler(CommandHandler("cerrado", closed_command))
    app.add_handler(CommandHandler("extra", extra_command))
