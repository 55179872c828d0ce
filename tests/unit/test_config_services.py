"""Appointment services, default hours and [scheduling] in the office settings file."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.office import (
    EXAMPLE_OFFICE_FILE,
    SchedulingSettings,
    WeeklyHours,
    load_office_settings,
    parse_weekly_hours,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def office_file(tmp_path: Path, extra: str) -> Path:
    """The shipped example without its appointment sections, plus `extra`."""
    example = EXAMPLE_OFFICE_FILE.read_text(encoding="utf-8")
    base = example.split("# ── Appointments", 1)[0]
    path = tmp_path / "office.toml"
    path.write_text(base + "\n" + extra, encoding="utf-8")
    return path


def test_the_example_file_offers_four_services() -> None:
    office = load_office_settings(EXAMPLE_OFFICE_FILE)
    assert [s.key for s in office.services] == ["legal", "psychological", "social_aid", "guidance"]
    legal = office.service("legal")
    assert legal is not None and legal.sensitive and legal.duration == timedelta(minutes=60)
    assert legal.label("en") == "Legal advice" and legal.label("fr") == "Asesoría legal"
    assert "DPI" in legal.what_to_bring("es")
    assert legal.hours == (
        WeeklyHours(MON, time(8), time(12)),
        WeeklyHours(MON, time(13), time(16)),
        WeeklyHours(WED, time(8), time(12)),
    )
    assert office.service("psychological").sensitive  # type: ignore[union-attr]
    assert not office.service("social_aid").sensitive  # type: ignore[union-attr]
    # A service without its own hours gets the [[opening_hours]] defaults.
    guidance = office.service("guidance")
    assert guidance is not None and guidance.hours == office.default_service_hours
    assert len(guidance.hours) == 10
    assert office.scheduling.reminder_offsets_hours == (24, 2)
    assert office.scheduling.reminder_offsets == (timedelta(hours=24), timedelta(hours=2))
    assert office.scheduling.daily_digest_time == time(7, 30)
    assert office.scheduling.activity_reminder_day_before == time(18, 0)
    assert office.scheduling.activity_reminder_morning_of == time(7, 0)
    # What was there before is untouched.
    assert office.category("violence") is not None and office.communities


def test_without_appointment_sections_there_are_no_services_and_default_timing(
    tmp_path: Path,
) -> None:
    office = load_office_settings(office_file(tmp_path, ""))
    assert office.services == () and office.default_service_hours == ()
    assert office.scheduling == SchedulingSettings()
    assert office.scheduling.reminder_offsets_hours == (24, 2)
    assert office.scheduling.daily_digest_time == time(7, 30)


def test_scheduling_values_are_read_and_offsets_sorted(tmp_path: Path) -> None:
    path = office_file(
        tmp_path,
        '[scheduling]\nreminder_offsets_hours = [1.5, 48]\ndaily_digest_time = "6:05"\n',
    )
    office = load_office_settings(path)
    assert office.scheduling.reminder_offsets_hours == (48, 1.5)
    assert office.scheduling.daily_digest_time == time(6, 5)
    # Activity reminders keep their defaults when not mentioned.
    assert office.scheduling.activity_reminder_day_before == time(18, 0)
    assert office.scheduling.activity_reminder_morning_of == time(7, 0)


def test_activity_reminder_times_are_read_and_an_empty_one_is_off(tmp_path: Path) -> None:
    path = office_file(
        tmp_path,
        '[scheduling]\nactivity_reminder_day_before = "19:30"\nactivity_reminder_morning_of = ""\n',
    )
    scheduling = load_office_settings(path).scheduling
    assert scheduling.activity_reminder_day_before == time(19, 30)
    assert scheduling.activity_reminder_morning_of is None
    path = office_file(
        tmp_path,
        '[scheduling]\nactivity_reminder_day_before = "  "\n'
        'activity_reminder_morning_of = "6:05"\n',
    )
    scheduling = load_office_settings(path).scheduling
    assert scheduling.activity_reminder_day_before is None
    assert scheduling.activity_reminder_morning_of == time(6, 5)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("mon 08:00-12:00", [(MON, time(8), time(12))]),
        ("Mon 8:00 - 12:30", [(MON, time(8), time(12, 30))]),
        ("mon-wed 13:00–16:00", [(d, time(13), time(16)) for d in (MON, TUE, WED)]),
        (
            "lun,mié 9:15-10:45",
            [(MON, time(9, 15), time(10, 45)), (WED, time(9, 15), time(10, 45))],
        ),
        ("sáb 8 a 11", [(SAT, time(8), time(11))]),
        ("sun 07:00 to 09:00", [(SUN, time(7), time(9))]),
        ("lunes - viernes 08:00-09:00", [(d, time(8), time(9)) for d in range(5)]),
    ],
)
def test_weekly_hours_are_read_robustly(spec: str, expected: list[tuple[int, time, time]]) -> None:
    assert [(w.weekday, w.start, w.end) for w in parse_weekly_hours(spec)] == expected


def service(extra: str) -> str:
    return (
        '[[services]]\nkey = "legal"\nlabel = { es = "Asesoría legal", en = "Legal advice" }\n'
        + extra
    )


@pytest.mark.parametrize(
    ("extra", "mentions"),
    [
        (service('hours = ["funday 08:00-12:00"]\n'), "funday"),
        (service('hours = ["mon 08:00-25:00"]\n'), "25:00"),
        (service('hours = ["mon 12:00-08:00"]\n'), "does not end after it starts"),
        (service('hours = ["mon"]\n'), "needs days and times"),
        (service('hours = ["08:00-12:00"]\n'), "needs days and times"),
        (service('hours = ["fri-mon 08:00-12:00"]\n'), "go backwards"),
        (service('hours = "mon 08:00-12:00"\n'), "must be a list"),
        (service('hours = ["mon 08:00-12:00", "mon 11:00-13:00"]\n'), "overlap"),
        (service('duration_minutes = 90\nhours = ["mon 08:00-09:00"]\n'), "shorter"),
        (service('duration_minutes = "an hour"\n'), "duration_minutes"),
        (service("duration_minutes = 0\n"), "duration_minutes"),
        (service('sensitive = "yes"\n'), "sensitive"),
        (service("") + service(""), "share the key"),
        ('[[services]]\nkey = "Legal Advice"\nlabel = { es = "x" }\n', "service key"),
        ('[[services]]\nkey = "legal"\nlabel = { en = "Legal" }\n', "label"),
        ('[[services]]\nlabel = { es = "x" }\n', "needs a key"),
        ('[[opening_hours]]\ndays = "mon-fri"\n', "[[opening_hours]]"),
        ('[[opening_hours]]\ndays = "someday"\nhours = "08:00-12:00"\n', "someday"),
        ("[scheduling]\nreminder_offsets_hours = [24, -2]\n", "reminder_offsets_hours"),
        ("[scheduling]\nreminder_offsets_hours = [2, 2]\n", "reminder_offsets_hours"),
        ('[scheduling]\nreminder_offsets_hours = "24"\n', "reminder_offsets_hours"),
        ('[scheduling]\ndaily_digest_time = "7.30am"\n', "daily_digest_time"),
        ('[scheduling]\nactivity_reminder_day_before = "6pm"\n', "activity_reminder_day_before"),
        ("[scheduling]\nactivity_reminder_day_before = 18\n", "activity_reminder_day_before"),
        ('[scheduling]\nactivity_reminder_morning_of = "24:00"\n', "activity_reminder_morning_of"),
        ("[scheduling]\nactivity_reminder_morning_of = false\n", "activity_reminder_morning_of"),
    ],
)
def test_bad_values_are_one_sentence_naming_the_problem(
    tmp_path: Path, extra: str, mentions: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_office_settings(office_file(tmp_path, extra))
    message = str(caught.value)
    assert mentions in message
    assert "\n" not in message and message.count(". ") == 0


def test_opening_hours_accept_lists_of_days_and_windows(tmp_path: Path) -> None:
    path = office_file(
        tmp_path,
        '[[opening_hours]]\ndays = ["mon", "thu"]\nhours = ["08:00-10:00", "14:00-15:00"]\n'
        '[[opening_hours]]\ndays = "sat"\nhours = "09:00-11:00"\n' + service("bring = 'Su DPI'\n"),
    )
    office = load_office_settings(path)
    assert [str(w) for w in office.default_service_hours] == [
        "mon 08:00-10:00",
        "mon 14:00-15:00",
        "thu 08:00-10:00",
        "thu 14:00-15:00",
        "sat 09:00-11:00",
    ]
    legal = office.service("legal")
    assert legal is not None
    assert legal.hours == office.default_service_hours
    assert legal.duration_minutes == 60 and not legal.sensitive
    assert legal.what_to_bring("en") == "Su DPI"  # only Spanish given


def test_a_service_can_have_no_hours_only_call_backs(tmp_path: Path) -> None:
    office = load_office_settings(office_file(tmp_path, service("hours = []\n")))
    assert office.service("legal").hours == ()  # type: ignore[union-attr]
