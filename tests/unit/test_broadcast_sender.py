"""The broadcast sender's pacing, and its setting."""

from __future__ import annotations

import asyncio

import pytest

from bot.config import ConfigError, load_settings
from scheduler.broadcasts import RateLimiter

BASE = {"TELEGRAM_BOT_TOKEN": "123456:TEST-token", "STAFF_CHAT_ID": "-100123"}


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

    monkeypatch.setattr("scheduler.broadcasts.asyncio.sleep", fake_sleep)
    return fake


async def send(limiter: RateLimiter, chat_id: int) -> None:
    await limiter.acquire(chat_id)
    limiter.done()


async def test_pace_stays_below_the_rate_and_pauses_on_request(clock: FakeClock) -> None:
    limiter = RateLimiter(100, clock=clock)
    end, sent = clock.now + 1.0, 0
    while clock.now < end:
        await send(limiter, sent)
        sent += 1
    assert 90 <= sent <= 100
    limiter.pause(2.0)
    before = clock.now
    await send(limiter, -1)
    assert clock.now - before >= 2.0


async def test_one_chat_gets_at_most_one_message_a_second(clock: FakeClock) -> None:
    limiter = RateLimiter(1000, clock=clock)
    await send(limiter, 42)
    started = clock.now
    await send(limiter, 42)
    assert clock.now - started >= 1.0


async def test_unanswered_requests_hold_the_window(clock: FakeClock) -> None:
    limiter = RateLimiter(10, clock=clock)
    for chat_id in range(9):  # nine requests in flight, none answered: the window is full
        await limiter.acquire(chat_id)
    started = clock.now
    task = asyncio.ensure_future(limiter.acquire(99))
    for _ in range(50):
        await asyncio.sleep(0)
    assert not task.done()
    limiter.done()  # one answer: it leaves the window a second later
    await task
    assert clock.now - started >= 1.0
