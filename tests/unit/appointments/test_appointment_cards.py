"""What staff and she read about appointments: cards, agenda, digest, reminders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.appointments import views as cards
from bot.appointments.service import Person
from bot.core.i18n import Catalogs
from bot.db.models import Appointment, AppointmentKind, AppointmentStatus, Case
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings

TZ = ZoneInfo("America/Guatemala")
OFFICE = load_office_settings(EXAMPLE_OFFICE_FILE)
T = Catalogs(TZ, "es").get("es")
NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)  # 08:00 in Guatemala
START = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)  # Thursday 10:00 local


def appointment(
    service: str = "legal",
    *,
    status: str = AppointmentStatus.REQUESTED,
    kind: str = AppointmentKind.SLOT,
    starts_at: datetime | None = START,
    number: int = 7,
    user_id: int | None = 1,
) -> Appointment:
    return Appointment(
        id=number,
        user_id=user_id,
        service=service,
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=60) if starts_at else None,
        status=status,
        created_at=NOW - timedelta(hours=3),
        updated_at=NOW,
    )


ANA = Person(name="Ana", community="Cantón Central", no_shows=2)


def test_card_hides_a_sensitive_service_and_shows_the_facts() -> None:
    text = cards.card_text(T, appointment("legal"), OFFICE, ANA)
    assert "Asesoría legal" not in text and "🔒" in text
    assert "jueves, 3 de diciembre, 10:00" in text
    assert "Cantón Central" in text and T("Did not come before: {count}").format(count=2) in text
    assert "Ana" not in text


def test_card_names_an_ordinary_service_and_its_buttons() -> None:
    item = appointment("social_aid")
    assert "Trabajo social y ayudas" in cards.card_text(T, item, OFFICE, ANA)
    keyboard = cards.card_keyboard(T, item)
    assert keyboard is not None
    data = [b.callback_data for row in keyboard.inline_keyboard for b in row]
    assert data == ["sa:ok:7", "sa:mv:7", "sa:no:7"]
    confirmed = cards.card_keyboard(T, appointment(status=AppointmentStatus.CONFIRMED))
    assert confirmed is not None
    assert "sa:ok:7" not in [b.callback_data for row in confirmed.inline_keyboard for b in row]
    assert cards.card_keyboard(T, appointment(status=AppointmentStatus.CANCELLED)) is None


def test_call_back_request_card_has_no_time() -> None:
    text = cards.card_text(
        T, appointment("guidance", kind=AppointmentKind.CALLBACK, starts_at=None), OFFICE, ANA
    )
    assert T("📞 asks to be called back") in text and T("When: {when}").split("{")[0] not in text


def test_slot_keys_round_trip_and_reject_garbage() -> None:
    assert cards.parse_slot_key(cards.slot_key(START)) == START
    assert cards.parse_slot_key("abc") is None and cards.parse_slot_key(None) is None
    keyboard = cards.reasons_keyboard(T, appointment())
    assert [row[0].callback_data for row in keyboard.inline_keyboard] == [
        "sa:why:7:0",
        "sa:why:7:1",
        "sa:why:7:2",
        "sa:back:7",
    ]


def test_what_she_reads_never_names_a_sensitive_service() -> None:
    legal = OFFICE.service("legal")
    item = appointment("legal")
    for text in (
        cards.confirmed_for_her(T, item, legal),
        cards.moved_for_her(T, item, legal),
        cards.reminder_for_her(T, START, None, NOW),
    ):
        assert "legal" not in text.lower() and "10:00" in text
    assert T("tomorrow at {time}").format(time="10:00") in cards.reminder_for_her(
        T, START, None, NOW
    )
    aid = OFFICE.service("social_aid")
    assert "Trabajo social" in cards.reminder_for_her(T, START, aid, NOW)
    item.status, item.cancel_reason = AppointmentStatus.CANCELLED, cards.CANCEL_REASONS[2]
    cancelled = cards.cancelled_for_her(T, item, legal)
    assert T("Please call the office.") in cancelled and "legal" not in cancelled.lower()


def test_agenda_lists_in_order_with_the_actions_each_booking_needs() -> None:
    early = appointment("legal", number=1, starts_at=NOW - timedelta(minutes=30))
    later = appointment("social_aid", number=2, starts_at=NOW + timedelta(hours=2), user_id=2)
    request = appointment("guidance", number=3, kind=AppointmentKind.VISIT, starts_at=None)
    people = {1: ANA, 2: Person("Rosa", None)}
    text = cards.agenda_text(T, date(2026, 12, 2), [early, later], [request], people, OFFICE, NOW)
    lines = text.splitlines()
    assert lines[1].startswith("07:30 · 🔒") and "Ana" in lines[1] and "🚫×2" in lines[1]
    assert lines[2].startswith("10:00 · 🤝") and "Rosa" in lines[2]
    assert T("🏠 asks for a visit") in text
    keyboard = cards.agenda_keyboard(T, [early, later], NOW)
    assert keyboard is not None
    # Attended / no-show once it started; the later one, still to confirm, gets
    # confirm / another time / cancel right on the agenda.
    assert [[b.callback_data for b in row] for row in keyboard.inline_keyboard] == [
        ["sa:att:1", "sa:ns:1"],
        ["sa:ok:2", "sa:mv:2", "sa:no:2"],
    ]
    later.status = AppointmentStatus.CONFIRMED
    keyboard = cards.agenda_keyboard(T, [early, later], NOW)
    assert keyboard is not None and len(keyboard.inline_keyboard) == 1


def test_digest_lists_today_and_cases_waiting_over_48_hours() -> None:
    old = Case(id=12, category="food", created_at=NOW - timedelta(days=3))
    text = cards.digest_text(
        T,
        date(2026, 12, 2),
        [appointment(starts_at=NOW + timedelta(hours=1))],
        {1: ANA},
        [old],
        OFFICE,
        NOW,
    )
    assert "miércoles, 2 de diciembre" in text
    assert (
        T.plural("{count} appointment:", "{count} appointments:", 1).format(count=1) in text
        and "09:00 · 🔒" in text
        and "Ana" in text
    )
    assert (
        T.plural(
            "{count} open case waiting more than 48 hours:",
            "{count} open cases waiting more than 48 hours:",
            1,
        ).format(count=1)
        in text
        and "OMM-000012" in text
    )
    empty = cards.digest_text(T, date(2026, 12, 2), [], {}, [], OFFICE, NOW)
    assert T("No appointments today.") in empty
    assert T("No open case is waiting more than 48 hours.") in empty
