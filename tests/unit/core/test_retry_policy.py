"""Which failed Bot API calls are tried again, and which are not."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.core.telegram_retry import RetryPolicy, longest_wait


class Flaky:
    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.calls = 0

    async def __call__(self, *args: Any, **kwargs: Any) -> bool:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return True


async def run(policy: RetryPolicy, endpoint: str, callback: Flaky) -> Any:
    return await policy.process_request(callback, (), {}, endpoint, {}, None)


async def test_a_lost_connection_is_retried() -> None:
    callback = Flaky(NetworkError("connection refused"), NetworkError("again"))
    assert await run(RetryPolicy(backoff=0), "sendMessage", callback) is True
    assert callback.calls == 3


async def test_too_many_requests_waits_and_retries() -> None:
    callback = Flaky(RetryAfter(0))
    assert await run(RetryPolicy(), "sendMessage", callback) is True
    assert callback.calls == 2


async def test_a_timed_out_message_is_not_sent_again() -> None:
    callback = Flaky(TimedOut())
    with pytest.raises(TimedOut):
        await run(RetryPolicy(backoff=0), "sendMessage", callback)
    assert callback.calls == 1


async def test_a_timed_out_read_is_retried() -> None:
    callback = Flaky(TimedOut())
    assert await run(RetryPolicy(backoff=0), "getChat", callback) is True
    assert callback.calls == 2


async def test_bad_requests_and_long_waits_are_not_retried() -> None:
    bad = Flaky(BadRequest("message is not modified"))
    with pytest.raises(BadRequest):
        await run(RetryPolicy(backoff=0), "editMessageText", bad)
    assert bad.calls == 1
    long_wait = Flaky(RetryAfter(3600))
    with pytest.raises(RetryAfter):
        await run(RetryPolicy(), "sendMessage", long_wait)
    assert long_wait.calls == 1


async def test_a_caller_can_bound_the_wait_it_sits_out() -> None:
    """The outbox would rather defer an answer than hold its chat's lane for a minute."""
    token = longest_wait.set(5.0)
    try:
        group_limit = Flaky(RetryAfter(59))
        with pytest.raises(RetryAfter):
            await run(RetryPolicy(), "editMessageText", group_limit)
        assert group_limit.calls == 1
        short = Flaky(RetryAfter(0))
        assert await run(RetryPolicy(), "sendMessage", short) is True
    finally:
        longest_wait.reset(token)
