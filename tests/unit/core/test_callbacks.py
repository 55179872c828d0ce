"""The typed callback-data codecs keep the wire format and refuse what they cannot parse."""

from __future__ import annotations

import pytest

from bot.appointments.callbacks import AgendaAction, AgendaButton
from bot.cases.callbacks import CaseAction, CaseButton
from bot.core import callbacks


def test_buttons_keep_their_wire_format() -> None:
    assert CaseButton(CaseAction.TAKE, 12).encode() == "s:take:12"
    assert CaseButton(CaseAction.OUTCOME, 12, "referred").encode() == "s:out:12:referred"
    assert AgendaButton(AgendaAction.MOVE_TO, 7, "29000000").encode() == "sa:to:7:29000000"
    assert AgendaButton(AgendaAction.CANCEL_WHY, 7, "2").encode() == "sa:why:7:2"


def test_decode_reads_back_what_encode_wrote() -> None:
    for button in (CaseButton(CaseAction.REFERRED_TO, 5, "1"), CaseButton(CaseAction.BACK, 5)):
        assert CaseButton.decode(button.encode()) == button
    press = AgendaButton.decode("sa:att:99")
    assert press == AgendaButton(AgendaAction.ATTENDED, 99)
    # An action this version does not know is decoded (answered "no longer active").
    assert CaseButton.decode("s:zzz:3") == CaseButton("zzz", 3)


@pytest.mark.parametrize(
    "data", [None, "", "s", "s:take", "s:take:", "s:take:abc", "s:take:-1", "sa:ok:1", "x"]
)
def test_case_buttons_refuse_what_they_cannot_parse(data: str | None) -> None:
    assert CaseButton.decode(data) is None


def test_the_prefix_table_is_the_only_way_in() -> None:
    with pytest.raises(KeyError):
        callbacks.pattern("nope")
    with pytest.raises(KeyError):
        callbacks.encode("nope", 1)
    with pytest.raises(ValueError):
        CaseButton(CaseAction.OUTCOME, 1, "x" * 64).encode()
    assert callbacks.pattern("s") == r"^s:"
    assert callbacks.pattern("ap", bare=True) == r"^ap(:|$)"
    assert callbacks.pattern("m", only_bare=True) == r"^m$"
