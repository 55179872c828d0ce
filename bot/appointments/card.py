"""An appointment's card in the staff group: the one place that posts it and redraws it.

The staff-post sweep (bot/cases/jobs.py, which owns the group's rate limit) hands each
appointment post to `deliver_staff_post`; the agenda's buttons (staff_agenda.py) redraw
the card as staff confirm, move or cancel it. The card's message id is kept by the
appointments service.
"""

from __future__ import annotations

import contextlib

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.appointments import service as appointments
from bot.appointments import views as cards
from bot.cases import posts as staff_posts
from bot.core.context import BotData
from bot.core.i18n import Translator
from bot.db.models import Appointment, StaffPost


async def person_of(session: AsyncSession, appointment: Appointment) -> appointments.Person:
    """What the card shows about the woman behind the appointment."""
    people = await appointments.people_behind(session, [appointment])
    return people.get(appointment.user_id or 0, appointments.Person(None, None))


async def post(
    data: BotData, t: Translator, appointment: Appointment, person: appointments.Person
) -> None:
    """Post the appointment's card to the staff group and remember it."""
    card = await data.notifier.send(
        data.staff_group.linked_chat_id,
        cards.card_text(t, appointment, data.settings.office, person),
        cards.card_keyboard(t, appointment),
    )
    appointments.record_staff_card(appointment, card.message_id)


async def redraw(
    data: BotData,
    session: AsyncSession,
    t: Translator,
    appointment: Appointment,
    markup: InlineKeyboardMarkup | None = None,
    *,
    person: appointments.Person | None = None,
) -> None:
    """Re-draw the appointment's card in the staff group (status, time); `markup` replaces
    its buttons for a step (free times, reasons). `person` when already loaded."""
    if appointment.staff_card_message_id is None:
        return
    if person is None:
        person = await person_of(session, appointment)
    with contextlib.suppress(BadRequest):
        await data.notifier.bot.edit_message_text(
            cards.card_text(t, appointment, data.settings.office, person),
            chat_id=data.staff_group.linked_chat_id,
            message_id=appointment.staff_card_message_id,
            reply_markup=markup if markup is not None else cards.card_keyboard(t, appointment),
        )


async def deliver_staff_post(data: BotData, session: AsyncSession, post_row: StaffPost) -> int:
    """A new booking's card, or a line under the card when she changed it (the card is
    redrawn, or posted when it never was); returns how many group messages it used."""
    t = data.catalogs.get(data.settings.default_locale)
    appointment = (
        await session.get(Appointment, post_row.appointment_id)
        if post_row.appointment_id is not None
        else None
    )
    if appointment is None:
        return 0
    person = await person_of(session, appointment)
    # Everything is loaded: end the read so Telegram's latency never holds the database.
    await session.commit()
    if post_row.kind == staff_posts.NEW_APPOINTMENT or appointment.staff_card_message_id is None:
        await post(data, t, appointment, person)
        if post_row.kind == staff_posts.NEW_APPOINTMENT:
            return 1
    else:
        await redraw(data, session, t, appointment, person=person)
    await data.notifier.send(
        data.staff_group.linked_chat_id,
        cards.changed_text(t, appointment),
        reply_to=appointment.staff_card_message_id,
    )
    return 1
