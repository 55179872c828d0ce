"""The broadcast sender's pacing, and its setting."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.broadcasts.progress import PROGRESS_EVERY, ProgressReporter
from bot.config import ConfigError, load_settings
from bot.core.clock import FrozenClock
from bot.core.i18n import Catalogs
from bot.core.office_group import StaffGroup
from bot.core.pacing import RateLimiter
from bot.office import EXAMPLE_OFFICE_FILE

BASE = {
    "TELEGRAM_BOT_TOKEN": "123456:TEST-token",
    "STAFF_CHAT_ID": "-100123",
    "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE),
}


def test_rate_setting_defaults_to_30_and_refuses_nonsense() -> None:
    assert load_settings(dict(BASE), read_dotenv=False).broadcast_messages_per_second == 30
    env = {**BASE, "BROADCAST_MESSAGES_PER_SECOND": "12.5"}
    assert load_settings(env, read_dotenv=False).broadcast_messages_per_second == 12.5
    for bad in ("0", "-3", "fast", "nan", "inf"):
        with pytest.raises(ConfigError, match="BROADCAST_MESSAGES_PER_SECOND"):
            load_settings({**BASE, "BROADCAST_MESSAGES_PER_SECOND": bad}, read_dotenv=False)


class FakeClock:
    """Monotonic seconds that move only when the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    real_sleep = asyncio.sleep

    async def fake_sleep(delay: float) -> None:
        fake.now += delay
        await real_sleep(0)

    monkeypatch.setattr("bot.broadcasts.jobs.asyncio.sleep", fake_sleep)
    return fake


async def send(limiter: RateLimiter, chat_id: int) -> None:
    await limiter.acquire(chat_id)
    limiter.done()


async def test_pace_stays_below_the_rate_and_pauses_on_request(clock: FakeClock) -> None:
    limiter = RateLimiter(100, clock=clock)
    end, times = clock.now + 10.0, []
    while clock.now < end:
        await send(limiter, len(times))
        times.append(clock.now)
    # Never more than the rate in any one second, and ≥ 0.98 of it on average.
    assert all(later - times[i] >= 1.0 for i, later in enumerate(times[100:]))
    assert len(times) >= 980
    limiter.pause(2.0)
    before = clock.now
    await send(limiter, -1)
    assert clock.now - before >= 2.0


async def test_oversleeping_is_not_lost_at_30_a_second(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each sleep overshoots by 2 ms (timer granularity, a busy loop): the banked tokens
    absorb it, so the pace stays ≥ 0.98 of 30/s (a one-token bucket gave 0.94)."""
    real_sleep = asyncio.sleep

    async def late_sleep(delay: float) -> None:
        clock.now += delay + 0.002
        await real_sleep(0)

    monkeypatch.setattr("bot.core.pacing.asyncio.sleep", late_sleep)
    limiter = RateLimiter(30, clock=clock)
    start, sent = clock.now, 0
    while clock.now < start + 20.0:
        await send(limiter, sent)
        sent += 1
    assert sent / (clock.now - start) >= 0.98 * 30


async def test_answers_taking_time_do_not_cost_a_place_in_the_window(clock: FakeClock) -> None:
    """Every answer takes 10 ms: at 30/s the window still lets ≥ 0.98 of the rate through."""
    limiter = RateLimiter(30, clock=clock)
    start, sent = clock.now, 0
    while clock.now < start + 20.0:
        await limiter.acquire(sent)
        clock.now += 0.010
        limiter.done()
        sent += 1
    assert sent / (clock.now - start) >= 0.98 * 30


async def test_one_chat_gets_at_most_one_message_a_second(clock: FakeClock) -> None:
    limiter = RateLimiter(1000, clock=clock)
    await send(limiter, 42)
    started = clock.now
    await send(limiter, 42)
    assert clock.now - started >= 1.0


async def test_unanswered_requests_hold_the_window(clock: FakeClock) -> None:
    limiter = RateLimiter(10, clock=clock)
    for chat_id in range(10):  # ten requests in flight, none answered: the window is full
        await limiter.acquire(chat_id)
    started = clock.now
    task = asyncio.ensure_future(limiter.acquire(99))
    for _ in range(50):
        await asyncio.sleep(0)
    assert not task.done()
    limiter.done()  # one answer: it leaves the window a second later
    await task
    assert clock.now - started >= 1.0


# ── The progress message ───────────────────────────────────────────────────────

TZ = ZoneInfo("America/Guatemala")
ES = Catalogs(TZ, "es").get("es")


class FakeStaffBot:
    """Records edits; the next ones can be made to fail or to hang."""

    def __init__(self) -> None:
        self.edits: list[str] = []
        self.fail_with: list[Exception] = []
        self.hang = False

    async def edit_message_text(self, text: str, *, chat_id: int, message_id: int) -> bool:
        if self.hang:
            await asyncio.Event().wait()
        if self.fail_with:
            raise self.fail_with.pop(0)
        self.edits.append(text)
        return True


class CountingReporter(ProgressReporter):
    """Counts come from the test, not the database."""

    counts: dict[str, int] = {}

    async def _counts(self) -> dict[str, int]:
        return dict(self.counts)


def reporter_for(clock: FakeClock, bot: FakeStaffBot) -> CountingReporter:
    data: Any = SimpleNamespace(
        settings=SimpleNamespace(staff_chat_id=-100, default_locale="es"),
        staff_group=StaffGroup(-100, ()),
        catalogs=Catalogs(TZ, "es"),
        clock=FrozenClock(datetime(2026, 11, 23, 15, 0, tzinfo=UTC)),
        notifier=SimpleNamespace(bot=bot),
    )
    limiter = RateLimiter(30, clock=clock)
    reporter = CountingReporter(
        data,
        7,
        limiter,
        chat_id=None,
        message_id=55,
        started_at=data.clock.now() - timedelta(minutes=3),
        clock=clock,
    )
    reporter.counts = {"pending": 90, "sent": 8, "blocked": 1, "failed": 1}
    return reporter


async def settled(reporter: ProgressReporter) -> None:
    """Let the edit under way finish (close() would drop it)."""
    if reporter.task is not None:
        await reporter.task


async def test_progress_is_edited_now_and_then_and_failures_stay_inside(clock: FakeClock) -> None:
    bot = FakeStaffBot()
    reporter = reporter_for(clock, bot)
    reporter.begin()  # it has its message already: nothing to post
    reporter.tick()
    assert reporter.task is None and bot.edits == []  # too early
    clock.now += PROGRESS_EVERY
    reporter.tick()
    await settled(reporter)
    assert len(bot.edits) == 1
    assert ES("✅ Sent: {count}").format(count=8) in bot.edits[0]
    assert ES("⏳ Remaining: {count}").format(count=90) in bot.edits[0]
    before = reporter.task
    reporter.tick()
    assert reporter.task is before  # throttled again
    # Nothing new to show: no request at all.
    clock.now += PROGRESS_EVERY
    reporter.tick()
    await settled(reporter)
    assert len(bot.edits) == 1
    # Telegram's group limit: the error stays here, and the next edit waits longer.
    reporter.counts = {"pending": 50, "sent": 48, "blocked": 1, "failed": 1}
    bot.fail_with = [RetryAfter(40)]
    clock.now += PROGRESS_EVERY
    reporter.tick()
    await settled(reporter)
    assert reporter.next_edit >= clock.now + 40
    clock.now += 40
    bot.fail_with = [BadRequest("Message is not modified"), NetworkError("down")]
    reporter.tick()
    await settled(reporter)
    reporter.counts = {"pending": 40, "sent": 58, "blocked": 1, "failed": 1}
    clock.now += PROGRESS_EVERY
    reporter.tick()
    await settled(reporter)
    assert len(bot.edits) == 1 and not bot.fail_with and reporter.limiter.in_flight == 0
    # The end: the summary, with the numbers and how long it took.
    await reporter.finish({"sent": 97, "blocked": 2, "failed": 1}, cancelled=False)
    summary = bot.edits[-1]
    assert ES("✅ Announcement #{number}: finished").format(number=7) in summary
    assert ES("📬 Sent: {count}").format(count=97) in summary
    assert ES("🚫 Blocked the bot: {count}").format(count=2) in summary
    assert ES.duration(timedelta(minutes=3)) in summary


async def test_an_edit_stuck_behind_a_429_does_not_hold_the_sender(clock: FakeClock) -> None:
    bot = FakeStaffBot()
    reporter = reporter_for(clock, bot)
    bot.hang = True
    clock.now += PROGRESS_EVERY
    reporter.tick()
    await asyncio.wait_for(reporter.close(), 5)
    assert reporter.limiter.in_flight == 0
    bot.hang = False
    await reporter.finish({"sent": 3, "blocked": 0, "failed": 97}, cancelled=True)
    assert ES("✖️ Announcement #{number}: cancelled").format(number=7) in bot.edits[-1]


def test_paid_broadcasting_is_off_by_default_and_unlocks_up_to_1000() -> None:
    settings = load_settings(dict(BASE), read_dotenv=False)
    assert settings.broadcast_paid is False
    # Above Telegram's free 30 a second without paid broadcasting: one sentence, exit 2.
    with pytest.raises(ConfigError, match="BROADCAST_PAID=true"):
        load_settings({**BASE, "BROADCAST_MESSAGES_PER_SECOND": "31"}, read_dotenv=False)
    paid = {**BASE, "BROADCAST_PAID": "true", "BROADCAST_MESSAGES_PER_SECOND": "1000"}
    settings = load_settings(paid, read_dotenv=False)
    assert settings.broadcast_paid and settings.broadcast_messages_per_second == 1000
    with pytest.raises(ConfigError, match="at most 1000"):
        load_settings({**paid, "BROADCAST_MESSAGES_PER_SECOND": "1001"}, read_dotenv=False)
    with pytest.raises(ConfigError, match="BROADCAST_PAID must be true or false"):
        load_settings({**BASE, "BROADCAST_PAID": "maybe"}, read_dotenv=False)
