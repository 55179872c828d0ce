"""Women's economy end to end: a fair application (typed, photographed, sent, accepted,
given a stand and exported); the directory of women's businesses (joined, browsed by
community and kind, exported, left); a course of the entrepreneurship school (made in
the staff group, enrolled in, attendance marked, certificate sent as a PDF with her
name). Bad input on the way gets kind answers."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.activities import service_series as activities
from bot.activities.callbacks import OpenCard
from bot.activities.service_series import occurrence_stamp
from bot.app import BotRuntime
from bot.core import users
from bot.core.i18n import Catalogs
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import (
    BusinessListing,
    Certificate,
    DeliveryStatus,
    FairApplication,
    FairApplicationStatus,
    Signup,
)
from bot.enterprise.callbacks import BrowseCommunity, StandsChoice
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID
from tests.e2e.conftest import WOMAN_ID
from tests.e2e.harness import OffsetClock, Person, buttons

JsonDict = dict[str, Any]
TZ = ZoneInfo("America/Guatemala")
ES = Catalogs(TZ, "es").get("es")
OTHER_ID = 730001
FAIR = "Feria de artesanías y comida"
COURSE = "Contabilidad básica"


async def seed(
    fake: FakeTelegram,
    runtime: BotRuntime,
    db_url: str,
    clock: OffsetClock,
    activities_to_make: list[tuple[str, str, int]],
) -> tuple[list[str], list[int]]:
    """Ana registered (name, community); another woman with a business in Ana's
    community; the activities asked (kind, title, days ahead, two hours each)."""
    communities = list(runtime.application.bot_data.settings.office.communities)
    now = clock.now()
    fake.add_user(OTHER_ID, first_name="Rosa", language_code="es")
    engine = create_engine(db_url)
    made = []
    try:
        async with create_session_factory(engine)() as session:
            for user_id, name in ((WOMAN_ID, "Ana Pérez"), (OTHER_ID, "Rosa Tum")):
                user = await users.give_consent(session, user_id, "es", now - timedelta(days=2))
                user.name, user.community = name, communities[0]
                users.finish_registration(user, now - timedelta(days=2))
            session.add(
                BusinessListing(
                    user_id=OTHER_ID,
                    name="Comedor Rosa",
                    products="Almuerzos y refacciones",
                    community=communities[0],
                    kind="food",
                    contact="Mercado municipal, puesto 4",
                    joined_at=now,
                    updated_at=now,
                )
            )
            for kind, title, days in activities_to_make:
                start = (now + timedelta(days=days)).replace(second=0, microsecond=0)
                activity = await activities.create(
                    session,
                    kind=kind,
                    title=title,
                    starts_at=start,
                    now=now,
                    place="Salón municipal",
                    description="Traiga su mesa.",
                    duration_minutes=120,
                )
                made.append(activity.id)
            await session.commit()
    finally:
        await engine.dispose()
    return communities, made


async def look(db: AsyncSession, statement: Any) -> Any:
    await db.rollback()
    return await db.scalar(statement)


async def to_home(ana: Person) -> JsonDict | None:
    await ana.say("/start")
    return await ana.press(ES("💼 Fairs, businesses and school"))


async def newest_document(fake: FakeTelegram, chat_id: int, ending: str) -> bytes:
    for _ in range(100):
        found = [
            m
            for m in fake.bot_messages(chat_id)
            if m.get("kind") == "document"
            and m["content"]["document"]["file_name"].endswith(ending)
        ]
        if found:
            return bytes(fake.files.by_id[found[-1]["content"]["document"]["file_id"]]["data"])
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {ending} document in {chat_id}:\n{fake.dump_chat(chat_id)}")


async def test_a_fair_application_accepted_given_a_stand_and_exported(
    fake: FakeTelegram,
    runtime: BotRuntime,
    db_url: str,
    e2e_clock: OffsetClock,
    db: AsyncSession,
    ana: Person,
    admin_in_group: Person,
    outsider_in_group: Person,
) -> None:
    await seed(fake, runtime, db_url, e2e_clock, [("fair", FAIR, 10)])
    await to_home(ana)
    fairs = await ana.press(ES("🧺 Fairs: apply for a stand"))
    assert fairs is not None and FAIR in str(buttons(fairs))
    fair = await ana.press(FAIR, fairs)
    assert fair is not None and "Traiga su mesa." in fair["text"]
    asked = await ana.press(ES("📝 Apply as an exhibitor"), fair)
    assert asked is not None

    # Bad input at each typed step: a kind hint, the same step.
    name_hint = ES("Please write it as text, in one message of up to {limit} characters.").format(
        limit=80
    )
    assert name_hint in ((await ana.say("x" * 200)) or {})["text"]
    assert name_hint in ((await ana.send_sticker()) or {})["text"]
    products = await ana.say("Tejidos Ixchel")
    assert products is not None
    photo = await ana.say("Huipiles, servilletas y bolsas tejidas")
    assert photo is not None and ES("Continue without a photo") in str(buttons(photo))
    not_photo = await ana.send_voice()
    assert (
        not_photo is not None
        and ES(
            "That is not a photo. Please send one photo of your products, or continue without one."
        )
        in not_photo["text"]
    )
    stands = await ana.send_photo()
    assert stands is not None and ES("How many stands do you need?") in stands["text"]
    # A forged number of stands changes nothing.
    await ana.press_data(stands["message_id"], StandsChoice(9).encode(), check=False)
    assert ana.callback_answer()["text"] == ES("This button is no longer active. Use the menu 🏠.")
    confirm = await ana.press("2", stands)
    assert confirm is not None and "Tejidos Ixchel" in confirm["text"]
    sent = await ana.press(ES("📨 Send my application"), confirm)
    assert (
        sent is not None
        and ES(
            "📨 Thank you! Your application was sent. The office will tell you here when it is decided."
        )
        in sent["text"]
    )

    # The staff card: only staff decide.
    card = await fake.wait_for_message(STAFF_CHAT_ID, contains="Tejidos Ixchel", after=0)
    assert "Ana Pérez" in card["text"] and ES("⏳ Waiting for a decision") in card["text"]
    accept = next(d for label, d in buttons(card) if label == ES("✅ Accept"))
    await outsider_in_group.press_data(card["message_id"], accept)
    assert outsider_in_group.callback_answer()["text"] == ES(
        "Sorry, only the office staff can do this."
    )
    accepted = await admin_in_group.press(ES("✅ Accept"), card)
    assert accepted is not None and ES("✅ Accepted") in accepted["text"]
    told = await fake.wait_for_message(WOMAN_ID, contains=FAIR, after=sent["message_id"])
    assert (
        ES("🎉 Your application to exhibit at «{fair}» was accepted.").format(fair=FAIR)
        in told["text"]
    )
    # Accepted: signed up to the fair's date, so the activity's reminders reach her.
    assert (
        await look(db, select(func.count()).select_from(Signup).where(Signup.user_id == WOMAN_ID))
        == 1
    )

    question = await admin_in_group.press(ES("🏷️ Assign a stand"), accepted)
    assert question is not None and question["reply_markup"].get("force_reply") is True
    again = await admin_in_group.say("x" * 60, reply_to=question["message_id"])
    assert (
        again is not None
        and ES("Please reply with the stand as text, up to {limit} characters.").format(limit=32)
        in again["text"]
    )
    staged = await admin_in_group.say("12-13", reply_to=again["message_id"])
    assert staged is not None and ES("🏷️ Stand: {stand}").format(stand="12-13") in staged["text"]
    await fake.wait_for_message(WOMAN_ID, contains="12-13", after=told["message_id"])

    # /ferias → the fair → the export: the row of her business.
    listed = await admin_in_group.say("/ferias")
    assert listed is not None
    view = await admin_in_group.press(FAIR, listed)
    assert view is not None and ES("✅ Accepted: {n}").format(n=1) in view["text"]
    await admin_in_group.press(ES("📊 Export the exhibitors (Excel)"), view)
    book = load_workbook(io.BytesIO(await newest_document(fake, STAFF_CHAT_ID, ".xlsx")))
    rows = [tuple(r) for r in book.active.iter_rows(values_only=True)]  # type: ignore[union-attr]
    assert FAIR in str(rows[0][0])
    assert rows[1][:4] == (ES("Stand"), ES("Business"), ES("Products"), ES("Stands"))
    assert rows[2][:5] == (
        "12-13",
        "Tejidos Ixchel",
        "Huipiles, servilletas y bolsas tejidas",
        2,
        "Ana Pérez",
    )
    status = await look(db, select(FairApplication.status))
    assert status == FairApplicationStatus.ACCEPTED


async def test_the_directory_joined_browsed_exported_and_left(
    fake: FakeTelegram,
    runtime: BotRuntime,
    db_url: str,
    e2e_clock: OffsetClock,
    db: AsyncSession,
    ana: Person,
    admin_in_group: Person,
) -> None:
    communities, _ = await seed(fake, runtime, db_url, e2e_clock, [])
    await to_home(ana)
    home = await ana.press(ES("🏪 Women's businesses"))
    asked = await ana.press(ES("➕ Add my business"), home)
    assert asked is not None
    await ana.say("Tejidos Ixchel")
    await ana.say("Huipiles y servilletas")
    hint = await ana.say("x" * 100)
    assert (
        hint is not None
        and ES("Please write it as text, in one message of up to {limit} characters.").format(
            limit=80
        )
        in hint["text"]
    )
    where = await ana.say("WhatsApp 5555 1234")
    assert where is not None
    kinds = await ana.press(ES("📍 {community} (mine)").format(community=communities[0]), where)
    confirm = await ana.press(ES("🧶 Weaving and textiles"), kinds)
    assert confirm is not None and "WhatsApp 5555 1234" in confirm["text"]
    saved = await ana.press(ES("✅ Publish it"), confirm)
    assert saved is not None and saved["text"] == ES(
        "✅ Your business is in the directory. You can change it or leave at any time."
    )

    # Browsing: her community (two businesses), its kinds, the weaving ones, hers.
    home = await ana.press(ES("🏪 Women's businesses"), saved)
    places = await ana.press(ES("🔎 Browse the businesses"), home)
    assert places is not None
    kinds = await ana.press(f"{communities[0]} (2)", places)
    assert kinds is not None and ES("All ({count})").format(count=2) in str(buttons(kinds))
    weaving = await ana.press(ES("🧶 Weaving and textiles"), kinds)
    assert (
        weaving is not None and next(label for label, _ in buttons(weaving)) == "🏪 Tejidos Ixchel"
    )
    entry = await ana.press("🏪 Tejidos Ixchel", weaving)
    assert entry is not None and "WhatsApp 5555 1234" in entry["text"]
    # A community that is not in the list: stale, kindly.
    await ana.press_data(entry["message_id"], BrowseCommunity(99).encode(), check=False)
    assert ana.callback_answer()["text"] == ES("This button is no longer active. Use the menu 🏠.")

    # Staff export the directory.
    await admin_in_group.say("/directorio")
    book = load_workbook(io.BytesIO(await newest_document(fake, STAFF_CHAT_ID, ".xlsx")))
    names = [r[0] for r in book.active.iter_rows(min_row=3, values_only=True)]  # type: ignore[union-attr]
    assert sorted(names) == ["Comedor Rosa", "Tejidos Ixchel"]

    # She leaves.
    await ana.say("/start")
    await ana.press(ES("💼 Fairs, businesses and school"))
    home = await ana.press(ES("🏪 Women's businesses"))
    sure = await ana.press(ES("🗑️ Leave the directory"), home)
    left = await ana.press(ES("🗑️ Yes, remove my business"), sure)
    assert left is not None and left["text"] == ES("Your business was removed from the directory.")
    assert await look(db, select(func.count()).select_from(BusinessListing)) == 1


async def test_a_course_with_attendance_and_a_certificate_with_her_name(
    fake: FakeTelegram,
    runtime: BotRuntime,
    db_url: str,
    e2e_clock: OffsetClock,
    db: AsyncSession,
    ana: Person,
    admin_in_group: Person,
) -> None:
    _, sessions = await seed(
        fake,
        runtime,
        db_url,
        e2e_clock,
        [
            ("entrepreneurship_school", "Contabilidad 1", 2),
            ("entrepreneurship_school", "Contabilidad 2", 9),
        ],
    )
    admin = admin_in_group
    question = await admin.say("/curso")
    assert question is not None and question["reply_markup"].get("force_reply") is True
    again = await admin.say("x" * 200, reply_to=question["message_id"])
    assert (
        again is not None
        and ES("Please reply with the title as text, up to {limit} characters.").format(limit=128)
        in again["text"]
    )
    dates = await admin.say(COURSE, reply_to=again["message_id"])
    assert dates is not None
    # Done before choosing: refused kindly.
    await admin.press(ES("✅ Done"), dates)
    assert admin.callback_answer()["text"] == ES("Choose at least one session.")
    dates = await admin.press("Contabilidad 1", dates)
    dates = await admin.press("⬜", dates)
    capacity = await admin.press(ES("✅ Done"), dates)
    percent = await admin.press("10", capacity)
    card = await admin.press(ES("The office's rule ({percent}%)").format(percent=80), percent)
    assert card is not None and COURSE in card["text"]
    assert ES("👥 Enrolled: {enrolled} of {places}").format(enrolled=0, places=10) in card["text"]

    # She enrols from the school's screen: signed up to both sessions.
    await to_home(ana)
    school = await ana.press(ES("🎓 Entrepreneurship school"))
    course = await ana.press(COURSE, school)
    assert (
        course is not None
        and ES("🏅 Attend at least {percent}% of the sessions to receive the certificate.").format(
            percent=80
        )
        in course["text"]
    )
    enrolled = await ana.press(ES("✍️ Enrol"), course)
    assert (
        enrolled is not None
        and ES("✅ You are enrolled! Welcome to the course.") in enrolled["text"]
    )
    assert (
        await look(db, select(func.count()).select_from(Signup).where(Signup.user_id == WOMAN_ID))
        == 2
    )

    # Staff mark her attendance on each session's list (the activities' screens).
    await admin.say("/actividades")
    for activity_id in sessions:
        occurrence = (await activities.next_dates(db, activity_id, e2e_clock.now(), TZ))[0]
        card_message = await admin.tap(
            OpenCard(activity_id, occurrence_stamp(occurrence.key)).encode()
        )
        attendance = await admin.press(ES("📋 Attendance"), card_message)
        marked = await admin.press("Ana Pérez", attendance)
        assert marked is not None and "✅" in str(buttons(marked))
        await admin.say("/actividades")

    listed = await admin.say("/cursos")
    card = await admin.press(COURSE, listed)
    women = await admin.press(ES("👥 Women and attendance"), card)
    assert women is not None and "Ana Pérez" in women["text"] and "2/2 (100%)" in women["text"]
    card = await admin.press(ES("⬅️ The course"), women)
    await admin.press(ES("🎓 Issue the certificates"), card)
    assert admin.callback_answer()["text"] == ES.plural(
        "🎓 {count} certificate issued: it is being sent to her in the bot.",
        "🎓 {count} certificates issued: they are being sent to the women in the bot.",
        1,
    ).format(count=1)

    # The sweep sends her the PDF: her name, the course, the office.
    pdf = await newest_document(fake, WOMAN_ID, ".pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Ana Pérez" in text and COURSE in text
    assert runtime.application.bot_data.settings.office.name in text
    for _ in range(50):
        if await look(db, select(Certificate.status)) == DeliveryStatus.SENT:
            break
        await asyncio.sleep(0.1)
    assert await look(db, select(Certificate.status)) == DeliveryStatus.SENT
    # Listed for staff, and in her certificates.
    card = await admin.press(ES("📜 Certificates"), admin.last_with_button(ES("📜 Certificates")))
    assert card is not None and "Ana Pérez" in card["text"] and ES("sent") in card["text"]
    await to_home(ana)
    school = await ana.press(ES("🎓 Entrepreneurship school"))
    mine = await ana.press(ES("📜 My certificates"), school)
    assert mine is not None and COURSE in mine["text"]
