"""Staff rights are checked at every step, a woman's handlers never run in the staff group,
ids that are not ids are refused as forged, and every refusal is one audit row.

These run on SQLite and on PostgreSQL: an id just above 2^31 only breaks PostgreSQL,
one above 2^63 only SQLite.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import BotRuntime
from bot.db.models import Activity, AuditEvent, Broadcast, Case, CaseEntry, StaffDraft
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID
from tests.e2e.conftest import STAFF_ID
from tests.e2e.harness import OffsetClock, Person
from tests.e2e.journeys import only_case, register, report
from tests.e2e.test_activities_staff import ES, add_women, card_of, seed_series, wizard
from tests.e2e.test_broadcast_compose import data_starting, seed_women

SOFIA = 100002
STAFF_ONLY = ES("Sorry, only the office staff can do this.")
OUT_OF_RANGE = [
    str(2**31),  # above PostgreSQL's INTEGER
    str(2**63),  # above SQLite's (and PostgreSQL's BIGINT) integers
    str(2**64),
    "-1",
    "0",
    "abc",
]


@pytest.fixture
def db_url(database_url: str) -> str:
    """These run on SQLite and on PostgreSQL."""
    return database_url


async def refusals(db: AsyncSession) -> list[tuple[int | None, str, int | None, str | None]]:
    await db.rollback()
    events = (await db.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
    return [
        (e.actor_id, e.action, e.case_id, e.detail)
        for e in events
        if e.action.startswith("refused_")
    ]


async def count(db: AsyncSession, model: Any) -> int:
    await db.rollback()
    return int(await db.scalar(select(func.count()).select_from(model)) or 0)


def error_notices(fake: FakeTelegram) -> list[str]:
    return [
        m.get("text") or ""
        for m in fake.bot_messages(STAFF_CHAT_ID)
        if (m.get("text") or "").startswith("⚠️ Error")
    ]


async def make_staff(admin: Person, fake: FakeTelegram) -> Person:
    """María becomes staff (the admin adds her by id); she acts in the group."""
    await admin.say(f"/alta_staff {STAFF_ID} María")
    return Person(fake, admin.runtime, STAFF_ID, chat_id=STAFF_CHAT_ID)


# ── Removed staff cannot finish a draft ────────────────────────────────────────


async def test_removed_staff_cannot_schedule_her_announcement_draft(
    fake: FakeTelegram,
    runtime: BotRuntime,
    admin_in_group: Person,
    e2e_clock: OffsetClock,
    db_url: str,
    db: AsyncSession,
) -> None:
    await seed_women(fake, db_url, e2e_clock, {720001: "Aldea Palestina"})
    maria = await make_staff(admin_in_group, fake)
    ask = await maria.say("/anuncio")
    assert ask is not None
    photo = await maria.say("📣 Reunión el lunes", reply_to=ask["message_id"])
    menu = await maria.tap(data_starting(photo, "sb:skip:"))
    draft_id = int(data_starting(menu, "sb:ak:").split(":")[2])
    await maria.tap(f"sb:ak:{draft_id}:everyone")
    when = await maria.tap(f"sb:sch:{draft_id}")
    assert when is not None and when["reply_markup"].get("force_reply") is True

    await admin_in_group.say(f"/baja_staff {STAFF_ID}")
    before = await refusals(db)
    answer = await maria.say("mañana 9:00", reply_to=when["message_id"])
    assert answer is not None and answer["text"] == STAFF_ONLY
    assert await count(db, Broadcast) == 0
    assert (await refusals(db))[len(before) :] == [
        (STAFF_ID, "refused_broadcast_draft", None, f"draft:{draft_id}")
    ]
    # Her draft's buttons are refused too, once each.
    await maria.tap(f"sb:send:{draft_id}")
    assert maria.callback_answer().get("text") == STAFF_ONLY
    assert await count(db, Broadcast) == 0
    assert (await refusals(db))[len(before) :] == [
        (STAFF_ID, "refused_broadcast_draft", None, f"draft:{draft_id}"),
        (STAFF_ID, "refused_broadcast_button", None, f"draft:{draft_id}"),
    ]
    assert error_notices(fake) == []


async def test_removed_staff_cannot_finish_an_activity_edit(
    fake: FakeTelegram,
    admin_in_group: Person,
    e2e_clock: OffsetClock,
    db_url: str,
    db: AsyncSession,
) -> None:
    add_women(fake)
    activity_id, dates = await seed_series(db_url, e2e_clock.now())
    maria = await make_staff(admin_in_group, fake)
    stamp = f"{dates[0]:%Y%m%d%H%M}"
    await card_of(maria, activity_id, dates[0])
    await maria.tap(f"sx:ed:{activity_id}:{stamp}")
    await maria.tap(f"sx:ef:{activity_id}:{stamp}:place")
    await maria.tap(f"sx:es:{activity_id}:{stamp}:place:all")
    asked = wizard(maria)
    draft_id = (await db.scalars(select(StaffDraft))).one().id

    await admin_in_group.say(f"/baja_staff {STAFF_ID}")
    before = await refusals(db)
    answer = await maria.say("Salón comunal", reply_to=asked["message_id"])
    assert answer is not None and answer["text"] == STAFF_ONLY
    await db.rollback()
    series = await db.get(Activity, activity_id)
    assert series is not None and series.place == "Salón municipal"
    assert await count(db, Activity) == 1  # no changed date either
    assert (await refusals(db))[len(before) :] == [
        (STAFF_ID, "refused_activity_draft", None, f"draft:{draft_id}")
    ]
    # The card's buttons are refused as well.
    await maria.tap(f"sx:cx:{activity_id}:{stamp}")
    assert maria.callback_answer().get("text") == STAFF_ONLY
    assert (await refusals(db))[-1] == (
        STAFF_ID,
        "refused_activity_button",
        None,
        f"activity:{activity_id}",
    )
    assert error_notices(fake) == []


# ── Her handlers never run in the staff group ──────────────────────────────────


@pytest.mark.parametrize("presser", ["outsider", "admin"])
async def test_her_buttons_forged_on_a_case_card_change_nothing(
    presser: str,
    ana: Person,
    admin_in_group: Person,
    outsider_in_group: Person,
    fake: FakeTelegram,
    db: AsyncSession,
) -> None:
    await register(ana)
    await report(ana, "food", "Necesito maíz")
    case = await only_case(db)
    reference, status = case.reference, case.status
    card = await fake.wait_for_message(STAFF_CHAT_ID, contains=reference, after=0)
    text, markup = card["text"], card["reply_markup"]
    group = outsider_in_group if presser == "outsider" else admin_in_group
    before = await refusals(db)
    forged = ["m", "off", "lang:pick", "x"]
    for data in forged:
        await group.press_data(card["message_id"], data, check=False)
        assert group.callback_answer().get("show_alert") is True, data
    after = [m for m in fake.all_messages(STAFF_CHAT_ID) if m["message_id"] == card["message_id"]]
    assert len(after) == 1 and not after[0]["deleted"], "the card was deleted"
    assert after[0]["edit_history"] == [] and after[0]["text"] == text
    assert after[0]["reply_markup"] == markup
    assert (await refusals(db))[len(before) :] == [
        (group.user_id, "refused_button_unknown", None, data) for data in forged
    ]
    assert (await only_case(db)).status == status
    assert error_notices(fake) == []


# ── Her forged buttons naming another woman's records ──────────────────────────


async def test_her_forged_buttons_for_another_womans_records_are_refused_and_audited(
    ana: Person, fake: FakeTelegram, runtime: BotRuntime, db: AsyncSession
) -> None:
    await register(ana)
    await report(ana, "food", "Necesito ayuda")
    case_id = (await only_case(db)).id
    entry_id = (await db.scalars(select(CaseEntry.id))).first()
    fake.add_user(SOFIA, first_name="Sofía")
    sofia = Person(fake, runtime, SOFIA)
    await register(sofia)
    menu = sofia.last()
    assert menu is not None
    before = await refusals(db)
    attempts = {
        f"mc:v:{case_id}": "case",
        f"mc:add:{case_id}": "case",
        f"rd:{entry_id}": "entry",
        "ap:v:1": "appointment",
        "ap:xy:1": "appointment",
        "apr:yes:1": "appointment",
        "ap:rs:1": "appointment",
    }
    for data in attempts:
        await sofia.press_data(menu["message_id"], data, check=False)
        assert sofia.callback_answer().get("text") == ES(
            "This button is no longer active. Use the menu 🏠."
        ), data
    expected = [
        (SOFIA, "refused_not_hers", None, f"{kind}:{data.rsplit(':', 1)[1]}")
        for data, kind in attempts.items()
    ]
    assert (await refusals(db))[len(before) :] == expected
    assert all("Necesito ayuda" not in (m.get("text") or "") for m in fake.bot_messages(SOFIA))
    await db.rollback()
    assert (await db.get(Case, case_id)) is not None
    assert await count(db, CaseEntry) == 1


# ── Ids out of range or not ids at all ─────────────────────────────────────────


async def test_ids_out_of_range_in_her_buttons_and_links_are_refused_kindly(
    ana: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    await register(ana)
    menu = ana.last()
    assert menu is not None
    stamp = "202701051500"
    for bad in OUT_OF_RANGE:
        before = await refusals(db)
        datas = [f"mc:v:{bad}", f"rd:{bad}", f"ap:v:{bad}", f"apr:yes:{bad}", f"ac:v:{bad}:{stamp}"]
        for data in datas:
            await ana.press_data(menu["message_id"], data, check=False)
            answer = ana.callback_answer()
            assert answer.get("show_alert") is True, data
            assert answer.get("text") == ES("This button is no longer active. Use the menu 🏠.")
        answer = await ana.say(f"/start act_{bad}")
        assert answer is not None and "n:new" in str(answer.get("reply_markup")), bad
        new = (await refusals(db))[len(before) :]
        assert [(actor, action) for actor, action, _, _ in new] == [
            (ana.user_id, "refused_case_id"),
            (ana.user_id, "refused_entry_id"),
            (ana.user_id, "refused_appointment_id"),
            (ana.user_id, "refused_appointment_id"),
            (ana.user_id, "refused_activity_id"),
            # `act_-1` is not even shaped like a link of ours: the plain menu, nothing to record.
        ] + ([(ana.user_id, "refused_link")] if bad != "-1" else []), bad
    texts = " ".join(ana.texts())
    assert (
        ES("😔 Something went wrong on our side. We told the team. Please try again.") not in texts
    )
    assert error_notices(fake) == []


async def test_ids_out_of_range_in_staff_buttons_and_commands_are_refused_kindly(
    admin_in_group: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    group = admin_in_group
    listing = await group.say("/pendientes")
    assert listing is not None
    stamp = "202701051500"
    for bad in OUT_OF_RANGE:
        before = await refusals(db)
        datas = {
            f"s:take:{bad}": "refused_case_button",
            f"sa:ok:{bad}": "refused_appointment_id",
            f"sx:qr:{bad}": "refused_activity_id",
            f"sx:at:{bad}:0": "refused_signup_id",
            f"sx:card:{bad}:{stamp}": "refused_activity_id",
            f"sx:d:{bad}:kind:fair": "refused_draft_id",
            f"sb:cl:{bad}": "refused_broadcast_id",
            f"sb:ak:{bad}:everyone": "refused_draft_id",
            f"sb:act:{bad}:{stamp}": "refused_activity_id",
        }
        for data in datas:
            await group.press_data(listing["message_id"], data, check=False)
            answer = group.callback_answer()
            assert answer.get("show_alert") is True, data
            assert answer.get("text") == ES("This button is no longer active."), data
        assert [(a, action, d) for a, action, _, d in (await refusals(db))[len(before) :]] == [
            (group.user_id, action, data) for data, action in datas.items()
        ], bad
        await group.say(f"/caso OMM-{bad}")
        await group.say(f"/alta_staff {bad} Nadie")
    assert await count(db, StaffDraft) == 0
    assert error_notices(fake) == []


async def test_digits_int_cannot_read_are_not_numbers(
    admin_in_group: Person, fake: FakeTelegram, db: AsyncSession
) -> None:
    """str.isdigit accepts "²", int() does not: a forged wizard button carrying one is
    refused like any other, not an error."""
    group = admin_in_group
    kinds = await group.say("/actividad")
    assert kinds is not None
    await db.rollback()
    draft_id = (await db.scalars(select(StaffDraft.id))).one()
    await group.press_data(kinds["message_id"], f"sx:d:{draft_id}:kind:²", check=False)
    assert group.callback_answer().get("show_alert") is True
    await db.rollback()
    draft = (await db.scalars(select(StaffDraft))).one()
    assert draft.step == "kind" and "kind" not in (draft.data or {})
    assert error_notices(fake) == []
