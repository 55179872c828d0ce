"""Broadcasts over HTTP: each woman once, blocked ones marked, no 429s, safe restarts."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import BotRuntime
from bot.broadcasts import service as broadcasts
from bot.core import users
from bot.core.i18n import Catalogs
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import Broadcast, BroadcastDelivery, User
from bot.standin import FakeTelegram
from tests.conftest import STAFF_CHAT_ID, make_settings
from tests.e2e.harness import OffsetClock, Person, buttons

TEXT = "📣 Taller de costura el martes a las 9:00 en el salón municipal."
ES = Catalogs(ZoneInfo("America/Guatemala"), "es").get("es")
FIRST = 700000


async def seed(
    db_url: str,
    clock: OffsetClock,
    ids: Iterable[int],
    *,
    inactive: Iterable[int] = (),
    opted_out: Iterable[int] = (),
) -> int:
    """Registered women, and one broadcast to everyone scheduled for now; returns its id."""
    inactive, opted_out = set(inactive), set(opted_out)
    now = clock.now()
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            for user_id in ids:
                user = await users.give_consent(session, user_id, "es", now - timedelta(days=2))
                user.community = "Xecotz"
                users.finish_registration(user, now - timedelta(days=2))
                user.active = user_id not in inactive
                if user_id in opted_out:
                    user.announcements_opt_out_at = now - timedelta(days=1)
            broadcast = await broadcasts.create(
                session, text=TEXT, audience={"kind": "everyone"}, created_by=1, now=now
            )
            await broadcasts.schedule(session, broadcast.id, now)
            await session.commit()
            return broadcast.id
    finally:
        await engine.dispose()


async def state(db_url: str, broadcast_id: int) -> tuple[str, dict[str, int], dict[int, str]]:
    engine = create_engine(db_url)
    try:
        async with create_session_factory(engine)() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            assert broadcast is not None
            counts = await broadcasts.progress(session, broadcast_id)
            rows = await session.execute(
                select(BroadcastDelivery.user_id, BroadcastDelivery.status).where(
                    BroadcastDelivery.broadcast_id == broadcast_id
                )
            )
            return broadcast.status, counts, {r[0]: r[1] for r in rows.all()}
    finally:
        await engine.dispose()


async def wait_done(db_url: str, broadcast_id: int, within: float = 30.0) -> dict[int, str]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        status, _counts, rows = await state(db_url, broadcast_id)
        if status == "done":
            return rows
        await asyncio.sleep(0.1)
    raise AssertionError(f"broadcast not done: {await state(db_url, broadcast_id)}")


def announcement_counts(fake: FakeTelegram, ids: Iterable[int]) -> Counter[int]:
    counts: Counter[int] = Counter()
    for user_id in ids:
        counts[user_id] = sum(1 for m in fake.bot_messages(user_id) if m.get("text") == TEXT)
    return counts


def send_attempts(fake: FakeTelegram, user_id: int) -> int:
    return sum(1 for c in fake.calls_to("sendMessage") if c.params.get("chat_id") == user_id)


async def running_bot(fake: FakeTelegram, db_url: str, clock: OffsetClock, rate: int) -> BotRuntime:
    settings = make_settings(
        db_url,
        fake.url,
        BROADCAST_MESSAGES_PER_SECOND=str(rate),
        BROADCAST_PAID="true" if rate > 30 else "false",
    )
    bot = BotRuntime(settings, clock=clock)
    await bot.start()
    return bot


def fake_server(overall: int, group_per_minute: int | None = None) -> FakeTelegram:
    return FakeTelegram(
        overall_per_second=overall,
        paid_per_second=overall,
        per_chat_per_second=1,
        group_per_minute=group_per_minute,
    )


def progress_messages(fake: FakeTelegram, broadcast_id: int) -> list[dict[str, Any]]:
    """Staff-group messages that were, at some point, this broadcast's progress or summary."""
    marks = (f"#{broadcast_id}: ", f"#{broadcast_id} ")
    found = []
    for message in fake.bot_messages(STAFF_CHAT_ID):
        versions = [message.get("text") or ""]
        versions += [e.get("text") or "" for e in message.get("edit_history", [])]
        if any(mark in version for version in versions for mark in marks):
            found.append(message)
    return found


def number_after(text: str, label: str) -> int:
    """The number following `label` ("Enviados: 12" → 12) on its line."""
    line = next(line for line in text.splitlines() if label in line)
    return int(line.split(label, 1)[1].split()[0].strip("(),"))


async def test_broadcast_reaches_each_active_woman_once(db_url: str) -> None:
    clock = OffsetClock()
    ids = list(range(FIRST, FIRST + 60))
    blocked, inactive, opted_out = set(ids[:6]), set(ids[6:8]), set(ids[8:11])
    fake = fake_server(overall=40)
    await fake.start()
    fake.add_group(STAFF_CHAT_ID, "OMM equipo")
    for user_id in ids:
        fake.add_user(user_id, first_name=f"Mujer {user_id}")
    for user_id in blocked:
        fake.block(user_id)
    broadcast_id = await seed(db_url, clock, ids, inactive=inactive, opted_out=opted_out)
    bot = await running_bot(fake, db_url, clock, rate=30)
    try:
        rows = await wait_done(db_url, broadcast_id)
        reachable = [i for i in ids if i not in blocked | inactive | opted_out]
        counts = announcement_counts(fake, ids)
        assert all(counts[i] == 1 for i in reachable), counts
        assert all(counts[i] == 0 for i in blocked | inactive | opted_out)
        assert set(rows) == set(ids) - inactive - opted_out
        assert all(rows[i] == "sent" for i in reachable)
        assert all(rows[i] == "blocked" for i in blocked)
        # Blocked women were tried once, never again, and are now inactive.
        assert all(send_attempts(fake, i) == 1 for i in blocked)
        engine = create_engine(db_url)
        async with create_session_factory(engine)() as session:
            active = dict((await session.execute(select(User.id, User.active))).all())
        await engine.dispose()
        assert not any(active[i] for i in blocked)
        assert fake.too_many_requests == 0
        # Each announcement carries the way out; pressing it stops announcements.
        woman = Person(fake, bot, reachable[0])
        message = next(m for m in fake.bot_messages(woman.user_id) if m.get("text") == TEXT)
        assert "bc:stop" in [d for _, d in buttons(message)]
        assert "x" in [d for _, d in buttons(message)]  # the quick exit, as everywhere
        answer = await woman.press_data(message["message_id"], "bc:stop")
        assert "bc:start" in [d for _, d in buttons(answer)]
        engine = create_engine(db_url)
        async with create_session_factory(engine)() as session:
            her = await session.get(User, woman.user_id)
            assert her is not None and her.announcements_opt_out_at is not None
        await woman.tap("bc:start")
        async with create_session_factory(engine)() as session:
            her = await session.get(User, woman.user_id)
            assert her is not None and her.announcements_opt_out_at is None
        await engine.dispose()
        fake.assert_no_errors()
    finally:
        await bot.stop()
        await fake.stop()


async def test_restart_mid_broadcast_sends_nobody_twice_and_skips_nobody(db_url: str) -> None:
    clock = OffsetClock()
    ids = list(range(FIRST, FIRST + 200))
    fake = fake_server(overall=110)
    await fake.start()
    fake.add_group(STAFF_CHAT_ID, "OMM equipo")
    for user_id in ids:
        fake.add_user(user_id, first_name=f"Mujer {user_id}")
    broadcast_id = await seed(db_url, clock, ids)
    first = await running_bot(fake, db_url, clock, rate=100)
    try:
        deadline = time.monotonic() + 20
        while sum(announcement_counts(fake, ids).values()) < 50:
            assert time.monotonic() < deadline, "the first bot sent too little"
            await asyncio.sleep(0.02)
    finally:
        await first.stop()
    sent_before = sum(announcement_counts(fake, ids).values())
    assert sent_before < len(ids), "the broadcast finished before the restart"
    status, counts, _rows = await state(db_url, broadcast_id)
    assert status == "sending" and counts["attempting"] == 0 and counts["claimed"] == 0
    second = await running_bot(fake, db_url, clock, rate=100)
    try:
        rows = await wait_done(db_url, broadcast_id)
    finally:
        await second.stop()
    try:
        counts_per_woman = announcement_counts(fake, ids)
        assert all(counts_per_woman[i] == 1 for i in ids), counts_per_woman
        assert all(rows[i] == "sent" for i in ids)
        assert fake.too_many_requests == 0
        # The second bot went on editing the first one's progress message, into the summary.
        [progress] = progress_messages(fake, broadcast_id)
        finished = ES("✅ Announcement #{number}: finished").format(number=broadcast_id)
        assert finished in progress["text"]
        assert number_after(progress["text"], ES("📬 Sent: {count}").split("{")[0]) == len(ids)
        fake.assert_no_errors()
    finally:
        await fake.stop()


async def test_progress_is_edited_while_sending_within_the_group_limit(db_url: str) -> None:
    """One progress message, edited now and then (the group takes ~20 a minute), then the
    summary; the edits never cost a delivery nor earn a 429."""
    clock = OffsetClock()
    ids = list(range(FIRST, FIRST + 90))
    blocked = set(ids[:4])
    fake = fake_server(overall=40, group_per_minute=20)
    await fake.start()
    fake.add_group(STAFF_CHAT_ID, "OMM equipo")
    for user_id in ids:
        fake.add_user(user_id, first_name=f"Mujer {user_id}")
    for user_id in blocked:
        fake.block(user_id)
    broadcast_id = await seed(db_url, clock, ids)
    bot = await running_bot(fake, db_url, clock, rate=12)
    try:
        await wait_done(db_url, broadcast_id)
        summary = await fake.wait_for_message(
            STAFF_CHAT_ID,
            contains=ES("✅ Announcement #{number}: finished").format(number=broadcast_id),
            after=0,
        )
    finally:
        await bot.stop()
    try:
        assert progress_messages(fake, broadcast_id) == [summary]
        sending = ES("📤 Announcement #{number}: sending").format(number=broadcast_id)
        sent_label = ES("✅ Sent: {count}").split("{")[0]
        shown = [e["text"] for e in summary["edit_history"] if sending in (e["text"] or "")]
        # Seen part-way: some sent, some remaining, and when it should end.
        assert any(0 < number_after(text, sent_label) < len(ids) for text in shown), shown
        assert any(ES("🏁 Expected to finish around {time}").split("{")[0] in t for t in shown)
        text = summary["text"]
        assert number_after(text, ES("📬 Sent: {count}").split("{")[0]) == len(ids) - len(blocked)
        assert number_after(text, ES("🚫 Blocked the bot: {count}").split("{")[0]) == len(blocked)
        assert all(n == 1 for i, n in announcement_counts(fake, ids).items() if i not in blocked)
        assert fake.too_many_requests == 0
        fake.assert_no_errors()
    finally:
        await fake.stop()


async def test_paid_broadcasting_flag_is_sent_only_when_on(db_url: str) -> None:
    clock = OffsetClock()
    ids = list(range(FIRST, FIRST + 6))
    fake = fake_server(overall=30)
    await fake.start()
    fake.add_group(STAFF_CHAT_ID, "OMM equipo")
    for user_id in ids:
        fake.add_user(user_id, first_name=f"Mujer {user_id}")
    try:
        for paid in (False, True):
            broadcast_id = await seed(db_url, clock, ids)
            settings = make_settings(
                db_url,
                fake.url,
                BROADCAST_MESSAGES_PER_SECOND="30",
                BROADCAST_PAID="true" if paid else "false",
            )
            bot = BotRuntime(settings, clock=clock)
            await bot.start()
            try:
                await wait_done(db_url, broadcast_id)
            finally:
                await bot.stop()
            sends = [c for c in fake.calls_to("sendMessage") if c.params.get("chat_id") in ids][
                -len(ids) :
            ]
            flags = {c.params.get("allow_paid_broadcast") for c in sends}
            assert flags == ({True} if paid else {None}), flags
        # The staff progress message is never paid.
        staff = [c for c in fake.calls if c.params.get("chat_id") == STAFF_CHAT_ID]
        assert staff and all("allow_paid_broadcast" not in c.params for c in staff)
        assert fake.too_many_requests == 0
        fake.assert_no_errors()
    finally:
        await fake.stop()
