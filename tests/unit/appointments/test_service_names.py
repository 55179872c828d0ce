"""Staff name services by their labels, accents and capitals optional."""

from __future__ import annotations

import pytest

from bot.appointments.service_names import find_service, plain, short_name
from bot.office import EXAMPLE_OFFICE_FILE, load_office_settings

SERVICES = load_office_settings(EXAMPLE_OFFICE_FILE).services


@pytest.mark.parametrize(
    ("typed", "key", "taken"),
    [
        ("orientacion lun", "guidance", 1),
        ("Orientación General lun", "guidance", 2),
        ("General guidance", "guidance", 2),
        ("guidance", "guidance", 1),
        ("APOYO psicologico lun-vie", "psychological", 2),
        ("psicológico", "psychological", 1),
        ("legal", "legal", 1),
        ("social_aid", "social_aid", 1),
        ("trabajo social Feria", "social_aid", 2),
    ],
)
def test_a_label_word_or_key_names_the_service(typed: str, key: str, taken: int) -> None:
    found = find_service(SERVICES, typed.split())
    assert found is not None
    assert (found[0].key, found[1]) == (key, taken)


@pytest.mark.parametrize("typed", ["", "lun", "psicologa", "y", "de", "🙂"])
def test_words_that_name_no_service_are_refused(typed: str) -> None:
    assert find_service(SERVICES, typed.split()) is None


def test_a_word_two_services_share_names_neither() -> None:
    shared = [s for s in SERVICES if s.key in ("legal", "guidance")]
    twins = [
        type(s)(**{**s.__dict__, "labels": {"es": f"Apoyo {s.key}"}})  # both "Apoyo …"
        for s in shared
    ]
    assert find_service(twins, ["apoyo"]) is None


def test_examples_use_a_word_that_names_the_service_alone() -> None:
    for service in SERVICES:
        name = short_name(service, SERVICES)
        found = find_service(SERVICES, [name])
        assert found is not None and found[0] is service
    assert plain("Orientación   General!") == "orientacion general"
