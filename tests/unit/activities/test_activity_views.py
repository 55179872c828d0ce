"""Her activity screens as pure functions: short texts, safe buttons, captions that fit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.activities import views
from bot.activities.service_her import HerDate, Standing
from bot.activities.service_series import ALL_KINDS, Occurrence, parse_occurrence_stamp
from bot.core.i18n import Catalogs
from bot.core.labels import activity_kind_label
from bot.db.models import Activity

GT = ZoneInfo("America/Guatemala")
CATALOGS = Catalogs(GT, "es")
ES, EN = CATALOGS.get("es"), CATALOGS.get("en")
START = datetime(2030, 12, 3, 9, 0, tzinfo=GT).astimezone(UTC)
BIGGEST_ID = 999_999_999_999


def occurrence(
    activity_id: int = 7, start: datetime = START, description: str = "", **fields: object
) -> Occurrence:
    details = Activity(
        id=activity_id,
        kind=fields.pop("kind", "pregnant_club"),
        title=fields.pop("title", "Club de embarazadas"),
        description=description,
        place=fields.pop("place", "Centro de salud"),
        community=fields.pop("community", None),
        capacity=fields.pop("capacity", None),
        photo_file_id=None,
        starts_at=start,
        duration_minutes=fields.pop("duration_minutes", 120),
        series_id=None,
    )
    return Occurrence(activity_id, start, details)


def data(markup: object) -> list[str]:
    rows = markup.inline_keyboard  # type: ignore[attr-defined]
    return [b.callback_data for row in rows for b in row]


def texts(markup: object) -> list[str]:
    rows = markup.inline_keyboard  # type: ignore[attr-defined]
    return [b.text for row in rows for b in row]


def test_stamps_round_trip_and_garbage_is_refused() -> None:
    assert views.stamp(START) == "203012031500"
    assert parse_occurrence_stamp("203012031500") == START
    for bad in (
        None,
        "",
        "20301203150",
        "2030120315000",
        "abcdefghijkl",
        "999999999999",
        "-03012031500",
    ):
        assert parse_occurrence_stamp(bad) is None, bad


def test_short_dates_in_her_language() -> None:
    assert views.short_when(ES, START) == "mar, 3 dic 09:00"
    assert views.short_when(EN, START) == "Tue, Dec 3 09:00"


def test_the_biggest_ids_fit_in_callback_data() -> None:
    one = occurrence(BIGGEST_ID)
    facts = views.DateFacts(places_left=None, standing=None, begun=False)
    for markup in (
        views.date_keyboard(ES, one, facts),
        views.promoted_keyboard(ES, one),
        views.after_keyboard(ES, one, can_cancel=True),
    ):
        assert all(len(d.encode()) <= 64 for d in data(markup))


@pytest.mark.parametrize(
    ("standing", "begun", "expected"),
    [
        (None, False, ["ac:go:7:203012031500", "ac:no:7:203012031500", "ac", "m", "x"]),
        (Standing("going"), False, ["ac:no:7:203012031500", "ac", "m", "x"]),
        (Standing("waitlist", 2), False, ["ac:no:7:203012031500", "ac", "m", "x"]),
        (None, True, ["ac", "m", "x"]),
    ],
)
def test_the_buttons_under_a_date_follow_her_answer(
    standing: Standing | None, begun: bool, expected: list[str]
) -> None:
    facts = views.DateFacts(places_left=3, standing=standing, begun=begun)
    assert data(views.date_keyboard(ES, occurrence(), facts)) == expected


def test_the_card_says_places_and_her_place_in_the_queue() -> None:
    one = occurrence(capacity=5, community="Aldea Palestina")
    card = views.card(ES, one, views.DateFacts(1, None, False))
    assert ES.plural("👥 {n} place left", "👥 {n} places left", 1).format(n=1) in card
    assert "🏘️ Aldea Palestina" in card and "📍 Centro de salud" in card
    assert ES.date_and_time(START) in card and ES.duration(timedelta(hours=2)) in card
    full = views.card(ES, one, views.DateFacts(0, Standing("waitlist", 3), False))
    assert ES("👥 Full: you can join the waiting list.") in full
    assert ES("⏳ You are on the waiting list (number {n}).").format(n=3) in full
    begun = views.card(ES, occurrence(), views.DateFacts(None, None, True))
    assert ES("This activity has already begun.") in begun
    assert ES("🏘️ Whole municipality") in begun


def test_a_long_description_is_shortened_to_fit_a_caption() -> None:
    one = occurrence(description="Traiga su cuaderno. " * 300, title="T" * 256)
    facts = views.DateFacts(2, Standing("going"), False)
    caption = views.card(ES, one, facts, views.CAPTION_LIMIT)
    assert len(caption) <= views.CAPTION_LIMIT
    assert "…" in caption and caption.endswith(ES("✅ You are signed up."))
    text = views.card(ES, one, facts)
    assert views.CAPTION_LIMIT < len(text) <= views.TEXT_LIMIT


def test_the_list_pages_and_shows_only_filters_that_have_dates() -> None:
    dates = [occurrence(i, START + timedelta(days=i)) for i in range(1, 11)]
    marks = {(1, dates[0].key): "going", (2, dates[1].key): "waitlist"}
    first = views.list_keyboard(ES, dates, marks, kind="all", page=0, kinds={"pregnant_club"})
    shown = [d for d in data(first) if d.startswith("ac:v:")]
    assert len(shown) == views.PER_PAGE
    assert "ac:k:all:1" in data(first) and not any(d.startswith("ac:k:all:0") for d in data(first))
    assert not [d for d in data(first) if d in {"ac:k:all", "ac:k:pregnant_club"}]
    labels = texts(first)
    assert labels[0].startswith("✅ 🤰 Club de embarazadas · ") and labels[1].startswith("⏳ ")
    last = views.list_keyboard(
        ES, dates, marks, kind="fair", page=99, kinds={"fair", "pregnant_club"}
    )
    assert len([d for d in data(last) if d.startswith("ac:v:")]) == 2
    assert "ac:k:fair:0" in data(last)
    assert [d for d in data(last) if d.count(":") == 2 and d.startswith("ac:k:")] == [
        "ac:k:all",
        "ac:k:pregnant_club",
        "ac:k:fair",
    ]
    assert "🔘 " + activity_kind_label(ES, "fair") in texts(last)
    assert data(last)[-4:] == ["ac:mine", "ac:subs", "m", "x"]


def test_a_long_title_is_shortened_on_its_button() -> None:
    label = views.date_label(ES, occurrence(title="Una actividad con un nombre larguísimo " * 5))
    assert "…" in label and len(label) < 64


def test_subscriptions_mark_what_she_hears_about() -> None:
    markup = views.subscriptions_keyboard(ES, ALL_KINDS - {"fair"})
    toggles = {d: t for t, d in zip(texts(markup), data(markup), strict=True)}
    assert toggles["ac:sub:fair"].startswith("⬜")
    assert all(toggles[f"ac:sub:{k}"].startswith("✅") for k in ALL_KINDS - {"fair"})
    assert data(markup)[-1] == "x"


def test_her_activities_and_the_promotion_message() -> None:
    going = HerDate(occurrence(1), Standing("going"))
    waiting = HerDate(occurrence(2, START + timedelta(days=7)), Standing("waitlist", 1))
    text = views.mine_text(ES, [going, waiting])
    assert ES("⏳ You are on the waiting list (number {n}).").format(n=1) in text
    assert data(views.mine_keyboard(ES, [going, waiting]))[:2] == [
        "ac:v:1:203012031500",
        "ac:v:2:203012101500",
    ]
    assert views.mine_text(ES, []) == ES("You have not signed up for any activity yet.")
    told = views.promoted_text(EN, occurrence())
    assert "Club de embarazadas" in told and EN.date_and_time(START) in told
    assert data(views.promoted_keyboard(EN, occurrence())) == ["ac:v:7:203012031500", "m", "x"]
