"""Recurrence rules built from buttons and read back in words; what staff and women read."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from bot.activities import rules
from bot.activities import views_notices as notices
from bot.activities import views_staff as cards
from bot.activities.service_series import Occurrence, occurrence_stamp, parse_occurrence_stamp
from bot.activities.service_signups import Attendee
from bot.core.i18n import Catalogs
from bot.core.keyboards import MAX_CALLBACK_BYTES
from bot.db.models import Activity

GT = ZoneInfo("America/Guatemala")
EN = Catalogs(GT, "en").get("en")
ES = Catalogs(GT, "es").get("es")


def local(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=GT)


def expand(rule: str, start: datetime, count: int = 4) -> list[date]:
    parsed = rrulestr(rule, dtstart=start.replace(tzinfo=None))
    return [d.date() for d in list(parsed[:count])]  # type: ignore[index]


def test_the_first_tuesday_of_every_month() -> None:
    start = local(date(2026, 12, 1))  # a first Tuesday
    rule = rules.build_rule(rules.MONTHLY_NTH, start)
    assert rule == "FREQ=MONTHLY;BYDAY=+1TU"
    assert expand(rule, start) == [
        date(2026, 12, 1),
        date(2027, 1, 5),
        date(2027, 2, 2),
        date(2027, 3, 2),
    ]
    assert rules.describe_rule(EN, rule, start) == "first Tuesday of every month at 9:00"
    assert rules.repeat_of(rule) == rules.MONTHLY_NTH


def test_a_fifth_weekday_becomes_the_last_so_no_month_is_skipped() -> None:
    start = local(date(2026, 12, 29))  # the fifth Tuesday of December
    assert rules.week_of_month(start.date()) == -1
    rule = rules.build_rule(rules.MONTHLY_NTH, start)
    assert rule == "FREQ=MONTHLY;BYDAY=-1TU"
    assert expand(rule, start) == [
        date(2026, 12, 29),
        date(2027, 1, 26),
        date(2027, 2, 23),
        date(2027, 3, 30),
    ]
    assert rules.describe_rule(EN, rule, start) == "last Tuesday of every month at 9:00"
    # The fourth of its kind stays the fourth.
    assert rules.build_rule(rules.MONTHLY_NTH, local(date(2026, 12, 22))) == (
        "FREQ=MONTHLY;BYDAY=+4TU"
    )


def test_weekly_fortnightly_and_same_day_rules() -> None:
    start = local(date(2026, 12, 3), 14, 30)  # a Thursday
    weekly = rules.build_rule(rules.WEEKLY, start)
    fortnightly = rules.build_rule(rules.BIWEEKLY, start)
    same_day = rules.build_rule(rules.MONTHLY_DAY, start)
    assert weekly == "FREQ=WEEKLY;BYDAY=TH"
    assert fortnightly == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    assert same_day == "FREQ=MONTHLY;BYMONTHDAY=3"
    assert rules.build_rule(rules.NO_REPEAT, start) is None
    assert expand(fortnightly, start, 3) == [
        date(2026, 12, 3),
        date(2026, 12, 17),
        date(2026, 12, 31),
    ]
    assert rules.describe_rule(EN, weekly, start) == "every Thursday at 14:30"
    assert rules.describe_rule(EN, fortnightly, start) == "every 2 weeks on Thursday at 14:30"
    assert rules.describe_rule(EN, same_day, start) == "day 3 of every month at 14:30"
    for rule in (weekly, fortnightly, same_day):
        assert rules.repeat_of(rule) in rules.REPEATS


def test_the_same_day_each_month_is_not_offered_after_the_28th() -> None:
    late = local(date(2026, 12, 30))
    assert rules.MONTHLY_DAY not in rules.repeat_choices(late)
    assert rules.MONTHLY_DAY in rules.repeat_choices(local(date(2026, 12, 28)))
    with pytest.raises(ValueError):
        rules.build_rule(rules.MONTHLY_DAY, late)


def test_weekday_names_come_from_babel_in_each_language() -> None:
    start = local(date(2026, 12, 1))
    described = rules.describe_rule(ES, "FREQ=WEEKLY;BYDAY=TU", start)
    assert "martes" in described and "9:00" in described
    assert rules.weekday_name(EN, 0) == "Monday"


def test_a_rule_staff_did_not_build_is_shown_as_it_is() -> None:
    start = local(date(2026, 12, 1))
    assert rules.repeat_of("FREQ=DAILY;COUNT=3") is None
    assert "FREQ=DAILY;COUNT=3" in rules.describe_rule(EN, "FREQ=DAILY;COUNT=3", start)
    assert rules.repeat_of(None) == rules.NO_REPEAT
    assert rules.repeat_of("FREQ=MONTHLY;BYDAY=+7TU") is None


def test_stamps_round_trip_and_garbage_is_refused() -> None:
    key = datetime(2027, 1, 5, 15, 0, tzinfo=UTC)
    assert occurrence_stamp(key) == "202701051500"
    assert parse_occurrence_stamp("202701051500") == key
    for bad in (None, "", "2027010515", "20271305150a", "202713051500"):
        assert parse_occurrence_stamp(bad) is None


def _series(**extra: object) -> Activity:
    fields: dict = {
        "id": 12345678,
        "kind": "pregnant_club",
        "title": "Club de embarazadas",
        "description": "Traer carné",
        "place": "Centro de salud",
        "community": None,
        "capacity": 20,
        "photo_file_id": None,
        "starts_at": local(date(2026, 12, 1)).astimezone(UTC),
        "duration_minutes": 120,
        "rrule": "FREQ=MONTHLY;BYDAY=+1TU",
        "series_id": None,
        **extra,
    }
    return Activity(**fields)


def test_the_staff_card_says_what_when_where_and_who() -> None:
    series = _series()
    occurrence = Occurrence(series.id, series.starts_at, series)
    text = cards.card_text(
        EN, occurrence, series, going=3, waiting=1, link="https://t.me/bot?start=act_1"
    )
    for part in (
        "Club de embarazadas",
        "First Tuesday of every month at 9:00",
        "Centro de salud",
        "Whole municipality",
        "20 places · 3 going · 1 waiting",
        "https://t.me/bot?start=act_1",
    ):
        assert part in text, part
    keyboard = cards.card_keyboard(EN, 12345678, occurrence.key)
    datas = [b.callback_data for row in keyboard.inline_keyboard for b in row]
    assert "sb:act:12345678:202612011500" in datas
    assert all(len(str(d).encode()) <= MAX_CALLBACK_BYTES for d in datas)


def test_counts_on_the_card_agree_with_their_number_in_spanish() -> None:
    """ "1 lugar · 1 va", never "1 lugares" (ngettext, not one form for every number)."""
    one = _series(capacity=1)
    text = cards.card_text(
        ES, Occurrence(one.id, one.starts_at, one), one, going=1, waiting=0, link="x"
    )
    assert "1 lugar · 1 va · 0 en espera" in text
    many = _series(capacity=2)
    text = cards.card_text(
        ES, Occurrence(many.id, many.starts_at, many), many, going=2, waiting=3, link="x"
    )
    assert "2 lugares · 2 van · 3 en espera" in text


def test_every_wizard_button_fits_in_callback_data() -> None:
    draft_id = 2_000_000_000
    start = local(date(2026, 12, 1))
    data = {
        "kind": "fair",
        "title": "Feria",
        "starts_at": start.isoformat(),
        "place": "Parque",
        "community": None,
        "description": "Traer mesa",
        "photo": "file",
    }
    repeats = [(r, rules.build_rule(r, start)) for r in rules.REPEATS]
    communities = [f"Comunidad {i}" for i in range(30)]
    steps = [*cards.REQUIRED, *cards.OPENS[cards.SUMMARY], cards.SUMMARY]
    keyboards = [
        cards.wizard_keyboard(
            EN, cards.Wizard(draft_id, step, data, repeats=repeats, communities=communities, page=3)
        )
        for step in steps
    ]
    keyboards.append(cards.edit_scope_keyboard(EN, 2_000_000_000, start, "photo"))
    for keyboard in keyboards:
        for row in keyboard.inline_keyboard:
            for b in row:
                assert len(str(b.callback_data).encode()) <= MAX_CALLBACK_BYTES


def test_the_wizard_shows_what_is_chosen_and_asks_one_thing() -> None:
    """One message: the answers so far, a note if one was refused, the question, and for a
    typed step how to answer (a reply to this very message)."""
    start = local(date(2026, 12, 1))
    data = {"kind": "pregnant_club", "title": "Club", "starts_at": start.isoformat()}
    text = cards.wizard_text(EN, cards.Wizard(1, cards.PLACE, data, note="Too long."))
    assert text.index("Club") < text.index("⚠️ Too long.") < text.index("Where is it?")
    assert "Reply to this message" in text
    assert "2 h" in text  # the kind's usual length until staff choose one
    # Once every required answer is given: the summary, with the defaults shown.
    data |= {"place": "Centro de salud", "community": None}
    summary = cards.Wizard(1, cards.SUMMARY, data)
    text = cards.wizard_text(EN, summary)
    assert "no limit" in text and "No photo" in text and "Whole municipality" in text
    assert "Reply to this message" not in text
    datas = [
        b.callback_data for row in cards.wizard_keyboard(EN, summary).inline_keyboard for b in row
    ]
    assert "sx:d:1:ok" in datas and "sx:d:1:no" in datas and "sx:d:1:opt:photo" in datas
    assert cards.draft_duration({"kind": "fair"}) == 480
    assert cards.draft_duration({"kind": "fair", "duration": 60}) == 60


def test_the_attendance_list_pages_and_counts() -> None:
    people = [
        Attendee(
            i,
            1000 + i,
            f"Mujer {i}",
            "Aldea Palestina",
            "going" if i < 25 else "waitlist",
            i % 2 == 0,
        )
        for i in range(30)
    ]
    start = local(date(2026, 12, 1))
    first = cards.attendance_text(EN, "Club", start, people, 0)
    assert "25 going · 5 waiting · 15 came" in first
    assert "Mujer 0" in first and "Mujer 25" not in first
    second = cards.attendance_text(EN, "Club", start, people, 1)
    assert "Waiting list:" in second and "Mujer 29" in second
    keyboard = cards.attendance_keyboard(EN, 1, start, people, 0)
    labels = [b.text for row in keyboard.inline_keyboard for b in row]
    assert len(labels) == cards.ATTENDEES_PER_PAGE + 1  # and "more"
    assert labels[0].startswith("✅") and labels[1].startswith("⬜")


def test_what_she_is_told_has_the_quick_exit() -> None:
    markup = notices.details_for_her(EN, 7, datetime(2027, 1, 5, 15, tzinfo=UTC))
    datas = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert datas[0] == "ac:v:7:202701051500" and "x" in datas
    assert "x" in [
        b.callback_data for row in notices.activities_for_her(EN).inline_keyboard for b in row
    ]
