"""Days staff type for something already done (an aid delivery written down later)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.staff_input import parse_past_date

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hoy", TODAY),
        ("Ayer", date(2026, 11, 28)),
        ("anteayer", date(2026, 11, 27)),
        ("25/11", date(2026, 11, 25)),
        ("25/11/2026", date(2026, 11, 25)),
        ("2026-11-25", date(2026, 11, 25)),
        # Without a year: the latest such day, so December is last year's.
        ("24/12", date(2025, 12, 24)),
        ("1.3.25", date(2025, 3, 1)),
    ],
)
def test_days_that_happened(text: str, expected: date) -> None:
    assert parse_past_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text", ["mañana", "30/11/2026", "31/02", "Juana", "", "25/11 9:00", "2026-13-01"]
)
def test_future_or_not_a_day(text: str) -> None:
    assert parse_past_date(text, TODAY) is None
