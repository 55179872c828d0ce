"""Three `python -m bot` replicas on one PostgreSQL, behind the stand-in's webhook load
balancer: women reporting needs and booking appointments at once, every chat's updates
in order whatever replica gets them, a replica killed with -9 in the middle losing
nothing and doubling nothing; appointment and activity reminders once each; an
announcement sent by all three at 0.97 of Telegram's 30 a second or better, nobody
twice, no 429; the daily digest once.

PostgreSQL only (TEST_DATABASE_URL). The announcement goes to REPLICA_WOMEN women
(600: ~20 s at 30/s) so that the file stays within CI's time (under 3 minutes);
bench/bench_replicas.py sends the full 3,000.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bench.common import SignallingFake
from bot.activities import service_series as activities
from bot.activities import service_signups as signups
from bot.appointments import service_reminders as appointment_reminders
from bot.broadcasts import service as broadcasts
from bot.db.engine import create_engine, create_session_factory
from bot.db.models import (
    ActivityKind,
    ActivityReminder,
    Appointment,
    AppointmentStatus,
    InboxUpdate,
    Reminder,
)
from bot.office import EXAMPLE_OFFICE_FILE
from bot.standin import Call, FakeTelegram
from tests.conftest import STAFF_CHAT_ID
from tests.databases import PG_SKIP_REASON
from tests.e2e.crash import (
    cases_with_entries,
    has_button,
    kill_9,
    registered_women,
    spawn_bot,
    stop,
    tap,
    texts,
    wait_until,
)
from tests.e2e.harness import buttons

REPLICAS = 3
WOMEN = 100  # half report a need, half book an appointment
FIRST = 500_000
REPORT_UPDATES, BOOK_UPDATES = 5, 6
REMINDED = 20  # women with an appointment reminder due, and as many with an activity's
REPLICA_WOMEN = int(os.environ.get("REPLICA_WOMEN", "600"))
CAP = 30
# Of the cap, what the announcement reaches with three replicas (one reaches 0.97 too).
SHARED_FLOOR = 0.97
DIGEST = "☀️"  # the digest's first words: good morning
ZONE = ZoneInfo("America/Guatemala")
# Booking: the day button (after the first, which may be today) and time of each woman.
BOOK_SERVICE = "guidance"
BOOK_DAYS = 5
BOOK_TIMES = ["0800", "0830", "0900", "0930", "1000", "1030", "1100", "1130", "1300", "1330"]
BOOKED = "Ya pidió su cita"  # ✅ Your appointment is requested


@pytest.fixture
def pg_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip(PG_SKIP_REASON + " (replicas share PostgreSQL)")
    return database_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Replicas:
    def __init__(self, fake: FakeTelegram, url: str, workdir: Path, **extra: str) -> None:
        self.ports = [free_port() for _ in range(REPLICAS)]
        self.processes: list[subprocess.Popen[bytes]] = [
            spawn_bot(
                fake,
                url,
                workdir,
                WEBHOOK_URL="http://omm.test",
                WEBHOOK_LISTEN=f"127.0.0.1:{port}",
                **extra,
            )
            for port in self.ports
        ]
        fake.webhook.set_backends([f"http://127.0.0.1:{port}" for port in self.ports])

    def __iter__(self) -> Iterator[subprocess.Popen[bytes]]:
        return iter(self.processes)


@pytest.fixture
async def lb_fake() -> AsyncIterator[SignallingFake]:
    server = SignallingFake()
    await server.start()
    server.add_group(STAFF_CHAT_ID, "OMM equipo")
    try:
        yield server
        server.assert_no_errors()
    finally:
        await server.stop()


async def _all_registered(fake: FakeTelegram, within: float = 60) -> None:
    await wait_until(lambda: len(fake.calls_to("setWebhook")) >= REPLICAS, within)


async def _report(fake: FakeTelegram, woman: int) -> None:
    fake.user_sends_text(woman, "/start")
    await wait_until(lambda: has_button(fake, woman, "n:new"), 60)
    tap(fake, woman, "n:new")
    await wait_until(lambda: has_button(fake, woman, "n:cat:food"), 60)
    tap(fake, woman, "n:cat:food")
    await wait_until(lambda: has_button(fake, woman, "n:send"), 60)
    fake.user_sends_text(woman, "No tenemos maíz para esta semana")
    tap(fake, woman, "n:send")
    await wait_until(lambda: any("Su número es" in t for t in texts(fake, woman)), 90)


def _day_buttons(fake: FakeTelegram, woman: int) -> list[str]:
    prefix = f"ap:d:{BOOK_SERVICE}:"
    for message in reversed(fake.bot_messages(woman)):
        days = [d for _, d in buttons(message) if d.startswith(prefix)]
        if days:
            return days
    return []


async def _book(fake: FakeTelegram, woman: int, index: int) -> str:
    """She books her own time (a day and an hour no other woman here takes); returns it
    as the buttons write it (local YYYYMMDDHHMM)."""
    fake.user_sends_text(woman, "/start")
    await wait_until(lambda: has_button(fake, woman, "ap"), 60)
    tap(fake, woman, "ap")
    await wait_until(lambda: has_button(fake, woman, f"ap:s:{BOOK_SERVICE}"), 60)
    tap(fake, woman, f"ap:s:{BOOK_SERVICE}")
    await wait_until(lambda: len(_day_buttons(fake, woman)) > BOOK_DAYS, 60)
    day = _day_buttons(fake, woman)[1 + index % BOOK_DAYS]
    tap(fake, woman, day)
    when = day.rsplit(":", 1)[1] + BOOK_TIMES[index // BOOK_DAYS % len(BOOK_TIMES)]
    await wait_until(lambda: has_button(fake, woman, f"ap:t:{BOOK_SERVICE}:{when}"), 60)
    tap(fake, woman, f"ap:t:{BOOK_SERVICE}:{when}")
    await wait_until(lambda: has_button(fake, woman, f"ap:ok:{BOOK_SERVICE}:{when}"), 60)
    tap(fake, woman, f"ap:ok:{BOOK_SERVICE}:{when}")
    await wait_until(lambda: any(BOOKED in t for t in texts(fake, woman)), 90)
    return when


def _office(path: Path, **settings: str) -> Path:
    """The example office file with some [scheduling] times changed."""
    text = EXAMPLE_OFFICE_FILE.read_text(encoding="utf-8")
    for key, value in settings.items():
        line = next(line for line in text.splitlines() if line.startswith(f"{key} = "))
        text = text.replace(line, f'{key} = "{value}"')
    path.write_text(text, encoding="utf-8")
    return path


async def _reminders_due(
    url: str, with_appointment: range, going: range
) -> tuple[dict[int, int], int, datetime]:
    """Appointments whose 2-hour reminder is due now (booked before it was), and an
    activity tomorrow at noon whose day-before reminder (at 00:00, see the office file)
    is due: {woman: appointment}, the activity, its start."""
    now = datetime.now(UTC)
    tomorrow = now.astimezone(ZONE).date() + timedelta(days=1)
    starts = datetime.combine(tomorrow, time(12, 0), tzinfo=ZONE)
    earlier = datetime.combine(tomorrow - timedelta(days=2), time(12, 0), tzinfo=ZONE)
    engine = create_engine(url)
    appointments: dict[int, int] = {}
    try:
        async with create_session_factory(engine)() as session, session.begin():
            for index, woman in enumerate(with_appointment):
                at = now + timedelta(hours=2, seconds=index - 60)
                appointment = Appointment(
                    user_id=woman,
                    service="social_aid",
                    starts_at=at,
                    ends_at=at + timedelta(minutes=30),
                    status=AppointmentStatus.CONFIRMED,
                    created_at=now,
                    updated_at=now,
                )
                session.add(appointment)
                await session.flush()
                booked = at - timedelta(hours=2, minutes=1)
                await appointment_reminders.schedule_for(session, appointment, [24, 2], booked)
                appointments[woman] = appointment.id
            activity = await activities.create(
                session,
                kind=ActivityKind.TRAINING,
                title="Taller de costura",
                place="Salón comunal",
                starts_at=starts,
                now=earlier,
            )
            for woman in going:
                await signups.sign_up(session, activity.id, starts, woman, earlier, tz=ZONE)
    finally:
        await engine.dispose()
    return appointments, activity.id, starts


def _reminders_to(fake: FakeTelegram, woman: int, prefix: str) -> int:
    return sum(any(d.startswith(prefix) for _, d in buttons(m)) for m in fake.bot_messages(woman))


async def test_women_report_and_book_with_a_replica_killed_lose_nothing_double_nothing(
    lb_fake: SignallingFake, pg_url: str, tmp_path: Path
) -> None:
    fake = lb_fake
    women = range(FIRST, FIRST + WOMEN)
    reporting, booking = women[: WOMEN // 2], women[WOMEN // 2 :]
    reminded = range(FIRST + WOMEN, FIRST + WOMEN + REMINDED)
    going = range(FIRST + WOMEN + REMINDED, FIRST + WOMEN + 2 * REMINDED)
    for woman in range(FIRST, going.stop):
        fake.add_user(woman, first_name=f"Mujer{woman}")
    await registered_women(pg_url, range(FIRST, going.stop))
    appointments, activity, starts = await _reminders_due(pg_url, reminded, going)
    office = _office(tmp_path / "office.toml", activity_reminder_day_before="00:00")
    replicas = Replicas(fake, pg_url, tmp_path, OFFICE_SETTINGS_FILE=str(office))
    stamp = starts.astimezone(UTC).strftime("%Y%m%d%H%M")
    try:
        await _all_registered(fake)
        # The reminders due at start: the three replicas' sweeps claim them together.
        await wait_until(
            lambda: (
                all(_reminders_to(fake, w, "apr:yes:") for w in reminded)
                and all(_reminders_to(fake, w, f"ac:no:{activity}:{stamp}") for w in going)
            ),
            60,
        )
        flows = asyncio.gather(
            *(_report(fake, w) for w in reporting),
            *(_book(fake, w, i) for i, w in enumerate(booking)),
        )
        updates = len(reporting) * REPORT_UPDATES + len(booking) * BOOK_UPDATES
        # A third of the way: one replica dies outright.
        await wait_until(lambda: fake.webhook.delivered >= updates // 3, 60)
        kill_9(replicas.processes[0])
        booked = (await asyncio.wait_for(flows, 180))[len(reporting) :]
        await asyncio.sleep(1)  # a reminder sent twice would have come by now
    finally:
        for process in replicas:
            stop(process)

    # 0 lost, 0 applied twice: one case each, holding her one message; one appointment
    # each, at the time she chose.
    cases = await cases_with_entries(pg_url)
    assert sorted(c.user_id for c in cases) == list(reporting)
    assert all(len(c.entries) == 1 for c in cases)
    assert all(
        len(fake.webhook.received_by.get(f"http://127.0.0.1:{p}", [])) > 0 for p in replicas.ports
    )
    engine = create_engine(pg_url)
    try:
        async with create_session_factory(engine)() as session:
            # The bot keeps no chat id once an update is processed (her Telegram id must
            # not outlive "delete my data"): the stand-in says whose each update was.
            chats = {
                update_id: chat
                for update_id, chat in fake.webhook.chat_of_update.items()
                if chat in women
            }
            processed = (
                await session.execute(
                    select(InboxUpdate.update_id, InboxUpdate.processed_at).where(
                        InboxUpdate.update_id.in_(list(chats))
                    )
                )
            ).all()
            rows = sorted(
                (chats[update_id], update_id, at) for update_id, at in processed
            )
            made = (
                await session.execute(
                    select(Appointment.user_id, Appointment.starts_at).where(
                        Appointment.user_id.in_(list(booking))
                    )
                )
            ).all()
            reminder_states = (
                await session.scalars(
                    select(Reminder.status).where(
                        Reminder.appointment_id.in_(list(appointments.values()))
                    )
                )
            ).all()
            activity_states = (await session.scalars(select(ActivityReminder.status))).all()
    finally:
        await engine.dispose()
    chosen = {
        woman: datetime.strptime(when, "%Y%m%d%H%M").replace(tzinfo=ZONE)
        for woman, when in zip(booking, booked, strict=True)
    }
    assert sorted(woman for woman, _ in made) == list(booking), "an appointment lost or twice"
    assert {woman: at.astimezone(ZONE) for woman, at in made} == chosen
    # Every update processed, each chat's in update_id order.
    assert len(rows) == updates
    assert all(processed is not None for _, _, processed in rows)
    for (chat, _, at), (next_chat, _, next_at) in itertools.pairwise(rows):
        if chat == next_chat:
            assert at <= next_at, f"chat {chat} processed out of order"
    # Reminders: once each, across the replicas.
    assert [_reminders_to(fake, w, "apr:yes:") for w in reminded] == [1] * REMINDED
    assert [_reminders_to(fake, w, f"ac:no:{activity}:{stamp}") for w in going] == [1] * REMINDED
    assert sorted(reminder_states) == ["sent"] * REMINDED
    assert sorted(activity_states) == ["sent"] * REMINDED


async def _announcement(url: str) -> int:
    """A draft to everyone (scheduled once the replicas are up)."""
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            broadcast = await broadcasts.create(
                session,
                text="Taller de costura el sábado",
                audience={"kind": "everyone"},
                created_by=None,
                now=datetime.now(ZONE),
            )
            return broadcast.id
    finally:
        await engine.dispose()


async def _send_now(url: str, broadcast_id: int) -> None:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            assert await broadcasts.schedule(session, broadcast_id, datetime.now(ZONE))
    finally:
        await engine.dispose()


def _to_women(fake: FakeTelegram) -> list[Call]:
    return [
        c
        for c in fake.calls
        if c.method == "sendMessage"
        and c.ok
        and isinstance(c.params.get("chat_id"), int)
        and c.params["chat_id"] > 0
    ]


async def test_three_replicas_announce_at_the_cap_nobody_twice_and_post_one_digest(
    pg_url: str, tmp_path: Path
) -> None:
    fake = SignallingFake(overall_per_second=CAP, per_chat_per_second=1, group_per_minute=20)
    await fake.start()
    fake.add_group(STAFF_CHAT_ID, "OMM equipo")
    women = range(FIRST, FIRST + REPLICA_WOMEN)
    for woman in women:
        fake.add_user(woman, first_name=f"Mujer{woman}")
    await registered_women(pg_url, women)
    # The digest's minute: the first one at least 40 s away (the replicas are up and
    # the announcement under way by then).
    soon = datetime.now(ZONE) + timedelta(seconds=40)
    digest_at = soon.replace(second=0, microsecond=0) + timedelta(minutes=1)
    office = _office(tmp_path / "office.toml", daily_digest_time=f"{digest_at:%H:%M}")
    broadcast = await _announcement(pg_url)
    replicas = Replicas(fake, pg_url, tmp_path, OFFICE_SETTINGS_FILE=str(office))
    try:
        await _all_registered(fake)
        # Sent by running replicas (their start-up is not what is measured).
        await _send_now(pg_url, broadcast)
        await wait_until(
            lambda: len(_to_women(fake)) >= REPLICA_WOMEN, REPLICA_WOMEN / CAP * 2 + 60
        )
        sends = _to_women(fake)
        digest_due = (digest_at - datetime.now(ZONE)).total_seconds() + 20
        await wait_until(
            lambda: any(DIGEST in t for t in texts(fake, STAFF_CHAT_ID)),
            max(digest_due, 5),
        )
        await asyncio.sleep(3)  # a second digest would come now
        staff_texts = texts(fake, STAFF_CHAT_ID)
    finally:
        for process in replicas:
            stop(process)
        await fake.stop()
    fake.assert_no_errors()
    assert fake.too_many_requests == 0
    chats = [c.params["chat_id"] for c in sends]
    assert sorted(chats) == list(women), "somebody got it twice, or not at all"
    rate = (len(sends) - 1) / (sends[-1].time - sends[0].time)
    print(f"announcement by {REPLICAS} replicas: {rate:.2f}/s ({rate / CAP:.3f} of {CAP}/s)")
    assert rate >= SHARED_FLOOR * CAP
    digests = [t for t in staff_texts if DIGEST in t]
    assert len(digests) == 1, staff_texts
