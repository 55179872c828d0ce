"""The women's network takes part: a consultation written in the staff group, answered,
changed, answered on behalf of a woman without a phone, closed, reported; bad input."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import BotRuntime
from bot.core import users
from bot.core.i18n import Catalogs
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Consultation, ConsultationVote, NetworkMember, Proposal
from bot.reports.period import Period
from bot.reports.render import make_report
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID
from tests.e2e.conftest import WOMAN_ID
from tests.e2e.harness import OffsetClock, Person, buttons

JsonDict = dict[str, Any]
TZ = ZoneInfo("America/Guatemala")
ES = Catalogs(TZ, "es").get("es")
LEADER_ID, OTHER_ID = 720001, 720002
QUESTION = "¿En qué mes hacemos la feria de artesanías?"


async def seed_network(
    fake: FakeTelegram, runtime: BotRuntime, db_url: str, clock: OffsetClock
) -> list[str]:
    """Ana (a member), a leader of her community, and a member of another community."""
    communities = list(runtime.application.bot_data.settings.office.communities)
    now = clock.now()
    women = {
        WOMAN_ID: (communities[0], "member"),
        LEADER_ID: (communities[0], "leader"),
        OTHER_ID: (communities[1], "member"),
    }
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            for user_id, (community, role) in women.items():
                if user_id != WOMAN_ID:
                    fake.add_user(user_id, first_name=f"Mujer {user_id}", language_code="es")
                user = await users.give_consent(session, user_id, "es", now - timedelta(days=2))
                user.community = community
                users.finish_registration(user, now - timedelta(days=2))
                session.add(
                    NetworkMember(
                        user_id=user_id,
                        community=community,
                        role=role,
                        joined_at=now,
                        organization=None,
                    )
                )
            await session.commit()
    finally:
        await engine.dispose()
    return communities


def data_starting(message: JsonDict | None, prefix: str) -> str:
    found = [d for _, d in buttons(message) if d.startswith(prefix)]
    assert found, f"no {prefix!r} button: {buttons(message)}"
    return found[0]


async def look(db: AsyncSession, statement: Any) -> Any:
    await db.rollback()
    return await db.scalar(statement)


async def test_a_consultation_answered_changed_closed_and_reported(
    fake: FakeTelegram,
    runtime: BotRuntime,
    db_url: str,
    e2e_clock: OffsetClock,
    db: AsyncSession,
    ana: Person,
    admin_in_group: Person,
) -> None:
    await seed_network(fake, runtime, db_url, e2e_clock)
    admin = admin_in_group
    question = await admin.say("/consulta")
    assert question is not None and question["reply_markup"].get("force_reply") is True
    # Bad input at every typed step gets a kind hint and the question again.
    again = await admin.say("x" * 600, reply_to=question["message_id"])
    assert again is not None
    assert (
        ES("Please reply with the question as text, up to {limit} characters.").format(limit=500)
        in again["text"]
    )
    options = await admin.say(QUESTION, reply_to=again["message_id"])
    assert options is not None
    again = await admin.say("Marzo", reply_to=options["message_id"])
    assert again is not None
    assert (
        ES("A consultation needs from {min} to {max} answers, one per line.").format(min=2, max=6)
        in again["text"]
    )
    closes = await admin.say("Marzo\nAbril\nMayo", reply_to=again["message_id"])
    assert closes is not None
    again = await admin.say("pronto", reply_to=closes["message_id"])
    assert again is not None and ES("I could not read that date and time.") in again["text"]
    anonymous = await admin.say("mañana 17:00", reply_to=again["message_id"])
    assert anonymous is not None and ES("👤 No") in [label for label, _ in buttons(anonymous)]
    audience = await admin.press(ES("👤 No"), anonymous)
    preview = await admin.press(ES("🤝 The whole women's network"), audience)
    assert preview is not None and QUESTION in preview["text"]
    assert (
        ES.plural(
            "📬 It would reach {count} woman now.", "📬 It would reach {count} women now.", 3
        ).format(count=3)
        in preview["text"]
    )
    await admin.press(ES("📣 Send now"), preview)
    consultation_id = await look(db, select(func.max(Consultation.id)))
    assert consultation_id is not None

    # Every network woman gets the question with its answers as buttons.
    asked = await fake.wait_for_message(WOMAN_ID, contains=QUESTION, after=0, timeout=10)
    assert [label for label, _ in buttons(asked)][:3] == ["Marzo", "Abril", "Mayo"]
    await fake.wait_for_message(LEADER_ID, contains=QUESTION, after=0, timeout=10)
    await fake.wait_for_message(OTHER_ID, contains=QUESTION, after=0, timeout=10)

    # She answers, then changes her mind: one answer, the last one.
    answered = await ana.press("Marzo", asked)
    assert (
        answered is not None
        and ES("✅ Your answer: {answer}").format(answer="Marzo") in answered["text"]
    )
    changed = await ana.press("Abril", answered)
    assert (
        changed is not None
        and ES("✅ Your answer: {answer}").format(answer="Abril") in changed["text"]
    )
    assert await look(db, select(func.count()).select_from(ConsultationVote)) == 1

    # The leader answers for herself and on behalf of a woman without a phone.
    leader = Person(fake, runtime, LEADER_ID)
    own = await leader.press("Mayo", leader.last_with_button("Mayo"))
    behalf = await leader.press(ES("➕ On behalf of a woman without a phone"), own)
    counted = await leader.press("Marzo", behalf)
    assert counted is not None
    assert (
        ES.plural(
            "✅ Counted «{answer}». You have entered {count} answer on behalf of women without "
            "a phone in this consultation.",
            "✅ Counted «{answer}». You have entered {count} answers on behalf of women without "
            "a phone in this consultation.",
            1,
        ).format(answer="Marzo", count=1)
        in counted["text"]
    )
    # A press on the wrong answer is taken back.
    wrong = await leader.press("Abril", counted)
    undone = await leader.press(ES("↩️ Undo the last one"), wrong)
    assert undone is not None
    assert (
        ES.plural(
            "↩️ Taken back: one «{answer}». You have entered {count} answer on behalf of women "
            "without a phone in this consultation.",
            "↩️ Taken back: one «{answer}». You have entered {count} answers on behalf of women "
            "without a phone in this consultation.",
            1,
        ).format(answer="Abril", count=1)
        in undone["text"]
    )
    # A member without the role cannot.
    other = Person(fake, runtime, OTHER_ID)
    await other.press_data(
        other.last_with_button("Marzo")["message_id"], f"cv:b:{consultation_id}", check=False
    )
    assert other.callback_answer()["text"] == ES(
        "Only the network's leaders can answer on behalf of other women."
    )
    # Forged: an answer that does not exist, a consultation she was not asked.
    before = len(ana.texts())
    await ana.press_data(changed["message_id"], f"cv:a:{consultation_id}:9", check=False)
    await ana.press_data(changed["message_id"], "cv:a:99999:0", check=False)
    assert ana.callback_answer()["text"] == ES("This button is no longer active. Use the menu 🏠.")
    assert len(ana.texts()) == before

    # The staff card shows the results by community, edited as answers arrive.
    e2e_clock.advance(timedelta(seconds=10))
    live = await fake.wait_for_message(
        STAFF_CHAT_ID,
        contains=ES("On behalf of women without a phone: {counts}").format(
            counts="Marzo: 1 · Abril: 0 · Mayo: 0"
        ),
        after=0,
        timeout=10,
    )
    assert "Marzo: 0 · Abril: 1 · Mayo: 1" in live["text"]

    # /consultas lists it; its card comes as a new message, kept up to date from then on.
    listed_for_staff = await admin.say("/consultas")
    assert listed_for_staff is not None
    assert ES("🗳 Consultations (newest first): choose one to see its card.") in (
        listed_for_staff["text"]
    )
    card = await admin.press(f"#{consultation_id}", listed_for_staff)
    assert card is not None and card["message_id"] > listed_for_staff["message_id"]
    assert "Marzo: 0 · Abril: 1 · Mayo: 1" in card["text"]
    assert await look(db, select(Consultation.card_message_id)) == card["message_id"]

    # From the network screen she finds it again.
    await ana.tap("m")
    listed = await ana.tap("net")
    assert listed is not None
    listing = await ana.tap("cvl")
    assert listing is not None and any(QUESTION[:20] in label for label, _ in buttons(listing))

    # It closes: answers are final, and those who took part get the results.
    e2e_clock.advance(timedelta(days=2))
    results = await fake.wait_for_message(
        WOMAN_ID, contains=ES("🗳 Results of a consultation you took part in"), after=0, timeout=10
    )
    assert "• Marzo: 1" in results["text"] and "• Abril: 1" in results["text"]
    await fake.wait_for_message(
        LEADER_ID, contains=ES("🗳 Results of a consultation you took part in"), after=0, timeout=10
    )
    assert not [
        m
        for m in fake.bot_messages(OTHER_ID)
        if ES("🗳 Results of a consultation you took part in") in (m.get("text") or "")
    ]
    late = await ana.press_data(asked["message_id"], f"cv:a:{consultation_id}:0", check=False)
    assert (
        late is not None
        and ES("This consultation is closed: answers can no longer be given or changed.")
        in late["text"]
    )
    closed_card = await fake.wait_for_message(
        STAFF_CHAT_ID,
        contains=ES("🗳 Consultation #{number} (closed)").format(number=consultation_id),
        after=0,
        timeout=10,
    )
    assert closed_card is not None

    # The office's report shows it with its results: a sheet, and a section of the PDF.
    await db.rollback()
    now = e2e_clock.now()
    local = now.astimezone(TZ).date()
    files = await make_report(
        db,
        runtime.application.bot_data.catalogs,
        "es",
        runtime.application.bot_data.settings.office,
        Period(local - timedelta(days=5), local, "range"),
        TZ,
        now,
    )
    sheet = load_workbook(io.BytesIO(files.xlsx))[ES("Consultations")]
    rows = [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [row[2:6] for row in rows] == [("Marzo", 0, 1, 1), ("Abril", 1, 0, 1), ("Mayo", 1, 0, 1)]
    assert {row[1] for row in rows} == {QUESTION} and {row[6] for row in rows} == {ES("closed")}
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(files.pdf)).pages)
    assert ES("Consultations to the women's network") in text and "Marzo" in text


# ── Proposals ─────────────────────────────────────────────────────────────────

TITLE = "Agua potable para la escuela"
NEWS = "📬 There is news about a proposal you made or supported."


async def staff_card(admin: Person, db: AsyncSession) -> JsonDict | None:
    """/propuestas, then the newest proposal's card."""
    proposal_id = await look(db, select(func.max(Proposal.id)))
    listed = await admin.say("/propuestas")
    return await admin.press(f"#{proposal_id}", listed)


def news_count(fake: FakeTelegram, user_id: int) -> int:
    return sum(1 for m in fake.messages(user_id) if ES(NEWS) in (m.get("text") or ""))


async def test_a_proposal_supported_and_moved_along_with_notices(
    fake: FakeTelegram,
    runtime: BotRuntime,
    db_url: str,
    e2e_clock: OffsetClock,
    db: AsyncSession,
    ana: Person,
    admin_in_group: Person,
) -> None:
    await seed_network(fake, runtime, db_url, e2e_clock)
    await ana.say("/start")
    await ana.tap("net")
    home = await ana.tap("ppl")
    assert home is not None and ES("➕ Make a proposal") in [label for label, _ in buttons(home)]
    await ana.tap("ppn:go")
    # Bad input: a sticker, then a title far too long; each time a kind hint.
    hint = await ana.send_sticker()
    assert (
        hint is not None
        and ES("Please write the title as text, in one short message.") in hint["text"]
    )
    hint = await ana.say("x" * 200)
    assert (
        hint is not None
        and ES("Please write the title as text, in one short message.") in hint["text"]
    )
    await ana.say(TITLE)
    communities = await ana.say("Un tanque de agua para las niñas y niños de la escuela.")
    assert communities is not None and ES("🏘️ Which community is it for?") in communities["text"]
    await ana.tap("ppn:mine")
    confirm = await ana.tap("ppn:k:social")
    assert confirm is not None and TITLE in confirm["text"] and ES("🤝 Social") in confirm["text"]
    sent = await ana.tap("ppn:send")
    assert (
        sent is not None
        and ES(
            "🎉 Thank you! Your proposal was received. Other women of your community can "
            "support it, and we will tell you how it goes."
        )
        in sent["text"]
    )
    proposal_id = await look(db, select(func.max(Proposal.id)))

    # Another woman of her community finds it and supports it, once.
    leader = Person(fake, runtime, LEADER_ID)
    await leader.say("/start")
    await leader.tap("net")
    await leader.tap("ppl")
    listing = await leader.tap("ppl:c")
    assert listing is not None and any(TITLE[:20] in label for label, _ in buttons(listing))
    shown = await leader.tap(f"pp:v:{proposal_id}")
    assert shown is not None and ES("👍 Support it") in [label for label, _ in buttons(shown)]
    supported = await leader.tap(f"pp:s:{proposal_id}")
    assert (
        supported is not None
        and ES.plural("👍 {count} woman supports it.", "👍 {count} women support it.", 1).format(
            count=1
        )
        in supported["text"]
    )
    await leader.press_data(supported["message_id"], f"pp:s:{proposal_id}", check=False)
    assert leader.callback_answer()["text"] == ES("You already support it.")
    # Her own: no.
    await ana.press_data(sent["message_id"], f"pp:s:{proposal_id}", check=False)
    assert ana.callback_answer()["text"] == ES("This is your own proposal.")
    # Forged: a proposal that does not exist.
    await ana.press_data(sent["message_id"], "pp:v:99999", check=False)
    assert ana.callback_answer()["text"] == ES("This button is no longer active. Use the menu 🏠.")

    # Staff move it along; at each step both are told, with neutral words.
    admin = admin_in_group
    card = await staff_card(admin, db)
    assert card is not None and TITLE in card["text"]
    for step, label in enumerate(
        ("🏛️ Presented to the council", "📋 Included in the plan", "✅ Done"), start=1
    ):
        card = await admin.press(ES(label), card)
        for woman in (WOMAN_ID, LEADER_ID):
            await fake.wait_for_message(
                woman,
                predicate=lambda _m, w=woman, n=step: news_count(fake, w) >= n,
                after=0,
                timeout=10,
            )
    assert card is not None and ES("Status: {status}").format(status=ES("✅ Done")) in card["text"]
    assert card.get("reply_markup") is None or not buttons(card)
    news = ana.last_with_button(ES("👀 See it"))
    assert TITLE not in (news.get("text") or "")
    seen = await ana.press(ES("👀 See it"), news)
    assert seen is not None and ES("Status: {status}").format(status=ES("✅ Done")) in seen["text"]


async def test_a_proposal_not_included_with_a_reason(
    fake: FakeTelegram,
    runtime: BotRuntime,
    db_url: str,
    e2e_clock: OffsetClock,
    db: AsyncSession,
    ana: Person,
    admin_in_group: Person,
) -> None:
    await seed_network(fake, runtime, db_url, e2e_clock)
    await ana.say("/start")
    await ana.tap("net")
    await ana.tap("ppl")
    await ana.tap("ppn:go")
    await ana.say("Alumbrado en el camino")
    await ana.say("Lámparas en el camino al mercado, para las mujeres que vuelven de noche.")
    await ana.tap("ppn:mine")
    await ana.tap("ppn:k:political")
    await ana.tap("ppn:send")
    card = await staff_card(admin_in_group, db)
    admin = admin_in_group
    question = await admin.press(ES("❌ Not included…"), card)
    assert question is not None and question["reply_markup"].get("force_reply") is True
    again = await admin.say("   ", reply_to=question["message_id"])
    assert (
        again is not None
        and ES("Please reply with the reason as text, up to {limit} characters.").format(limit=500)
        in again["text"]
    )
    final = await admin.say("No hay presupuesto este año.", reply_to=again["message_id"])
    assert final is not None and "No hay presupuesto este año." in final["text"]
    await fake.wait_for_message(WOMAN_ID, contains=ES(NEWS), after=0, timeout=10)
    seen = await ana.press(ES("👀 See it"), ana.last_with_button(ES("👀 See it")))
    assert seen is not None
    assert ES("Reason: {reason}").format(reason="No hay presupuesto este año.") in seen["text"]
