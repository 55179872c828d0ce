"""Ids from buttons, links and commands: only what the database columns can hold."""

from __future__ import annotations

import pytest

from bot.activities import service_series as activities
from bot.core.common import id_arg, int_arg
from bot.core.errors import InvalidInput
from bot.core.ids import MAX_BIG_ID, MAX_RECORD_ID, parse_person_id, parse_record_id

NOT_IDS = [None, "", "0", "-1", "+1", " 1", "1 ", "1\n", "01", "1.0", "1e3", "abc", "١٢", "0x1F"]


def test_record_ids_stop_at_postgresql_integer() -> None:
    assert MAX_RECORD_ID == 2**31 - 1
    assert parse_record_id("1") == 1
    assert parse_record_id(str(2**31 - 1)) == 2**31 - 1
    for too_big in (2**31, 2**63 - 1, 2**63, 2**64, 10**40):
        assert parse_record_id(str(too_big)) is None, too_big


def test_person_ids_stop_at_bigint() -> None:
    assert MAX_BIG_ID == 2**63 - 1
    assert parse_person_id(str(2**31)) == 2**31
    assert parse_person_id(str(2**63 - 1)) == 2**63 - 1
    for too_big in (2**63, 2**64, 10**40):
        assert parse_person_id(str(too_big)) is None, too_big


@pytest.mark.parametrize("text", NOT_IDS)
def test_anything_else_is_not_an_id(text: str | None) -> None:
    assert parse_record_id(text) is None
    assert parse_person_id(text) is None


def test_button_arguments() -> None:
    parts = ["s", "take", "12", str(2**31), "-3", "0"]
    assert id_arg(parts, 2) == 12
    assert id_arg(parts, 3) is None  # out of range
    assert id_arg(parts, 4) is None
    assert id_arg(parts, 5) is None  # no record has id 0
    assert id_arg(parts, 9) is None  # missing
    # Pages and positions may be 0, never negative or huge.
    assert int_arg(parts, 5) == 0
    assert int_arg(parts, 2) == 12
    assert int_arg(parts, 4) is None
    assert int_arg(parts, 3) is None


def test_activity_links_name_only_ids_the_database_can_hold() -> None:
    assert activities.parse_deep_link(f"act_{2**31 - 1}") == (2**31 - 1, None)
    for forged in (f"act_{2**31}", f"act_{2**31}_202701051500", "act_999999999999"):
        with pytest.raises(InvalidInput):
            activities.parse_deep_link(forged)
