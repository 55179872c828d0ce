"""Long lists of proposals and consultations are shown a page at a time."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.core.i18n import Catalogs
from bot.core.paging import COMMUNITIES_PER_PAGE
from bot.db.models import Consultation, ConsultationStatus, Proposal
from bot.network import views_consultations, views_proposals
from bot.network.callbacks import ProposalList
from bot.network.service_proposals import Listed

T = Catalogs(ZoneInfo("America/Guatemala"), "es").get("es")
MANY = COMMUNITIES_PER_PAGE + 3


def data(markup: InlineKeyboardMarkup | None) -> list[str]:
    assert markup is not None
    return [str(b.callback_data) for row in markup.inline_keyboard for b in row]


def proposals(count: int) -> list[Listed]:
    return [
        Listed(Proposal(id=100 - n, title=f"Propuesta {n}", community="Xecotz"), n)
        for n in range(count)
    ]


def test_her_proposals_come_a_page_at_a_time() -> None:
    found = proposals(MANY)
    first = data(views_proposals.list_keyboard(T, found, ProposalList.COMMUNITY))
    assert first[:COMMUNITIES_PER_PAGE] == [f"pp:v:{100 - n}" for n in range(COMMUNITIES_PER_PAGE)]
    assert "ppl:c:1" in first and "ppl" in first
    second = data(views_proposals.list_keyboard(T, found, ProposalList.MINE, 1))
    assert second[:3] == [f"pp:v:{100 - n}" for n in range(COMMUNITIES_PER_PAGE, MANY)]
    assert "ppl:m:0" in second
    few = data(views_proposals.list_keyboard(T, proposals(2), ProposalList.MINE))
    assert few[:2] == ["pp:v:100", "pp:v:99"] and not any(d.startswith("ppl:") for d in few)


def test_staff_lists_come_a_page_at_a_time() -> None:
    staff = data(views_proposals.staff_list_keyboard(T, proposals(MANY), 1))
    assert staff == [f"sp:v:{100 - n}" for n in range(COMMUNITIES_PER_PAGE, MANY)] + ["sp:l:0"]
    found = [
        Consultation(id=50 - n, question=f"¿Pregunta {n}?", status=ConsultationStatus.OPEN)
        for n in range(MANY)
    ]
    first = views_consultations.staff_list_keyboard(T, found, 0)
    assert data(first)[-1] == "cqc:l:1" and data(first)[0] == "cqc:v:50"
    assert views_consultations.staff_list_keyboard(T, [], 0) is None
    assert views_consultations.staff_list_text(T, []) == T(
        "🗳 There are no consultations yet. Write one with /consulta."
    )
