"""Webhook mode: updates POSTed by Telegram (the stand-in), stored before the 200,
processed in order; a wrong secret or path is refused with 403; polling again removes
the webhook. With two replicas on one database, her consecutive taps land on
different replicas and the conversation goes on as with one."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from bot.app import BotRuntime
from bot.core.webhook import webhook_path
from bot.standin import FakeTelegram
from tests.conftest import make_settings
from tests.e2e.crash import cases_with_entries, registered_women, tap, texts
from tests.e2e.harness import OffsetClock
from tests.e2e.test_crash_safety import _start_report

ANA = 100001
RECEIVED = "Su número es OMM-000001"


def _webhook_settings(database_url: str, fake: FakeTelegram, **extra: str) -> object:
    return make_settings(
        database_url,
        fake.url,
        WEBHOOK_URL="http://omm.test/bot",
        WEBHOOK_LISTEN="127.0.0.1:0",
        **extra,
    )


@pytest.fixture
async def replicas(fake: FakeTelegram, database_url: str) -> AsyncIterator[list[BotRuntime]]:
    """Two replicas on SQLite is not a supported set-up: one there, two on PostgreSQL."""
    count = 1 if database_url.startswith("sqlite") else 2
    started: list[BotRuntime] = []
    try:
        for _ in range(count):
            settings = _webhook_settings(database_url, fake)
            runtime = BotRuntime(settings, clock=OffsetClock())  # type: ignore[arg-type]
            await runtime.start()
            started.append(runtime)
        fake.webhook.set_backends(
            [f"http://127.0.0.1:{r.webhook.port}" for r in started if r.webhook is not None]
        )
        yield started
    finally:
        for runtime in started:
            await runtime.stop()


async def _report(fake: FakeTelegram, woman: int) -> None:
    await _start_report(fake, woman)
    fake.user_sends_text(woman, "Necesito maíz y frijol")
    await fake.wait_until_idle()
    tap(fake, woman, "n:send")
    await fake.wait_until_idle()


async def test_her_taps_go_through_the_webhook_to_any_replica(
    fake: FakeTelegram, database_url: str, replicas: list[BotRuntime]
) -> None:
    await registered_women(database_url, [ANA])
    setting = fake.calls_to("setWebhook")[-1].params
    assert setting["secret_token"] == replicas[0].settings.webhook_secret
    assert setting["max_connections"] == 40
    assert "callback_query" in setting["allowed_updates"]
    assert setting["url"].startswith("http://omm.test/bot/telegram/")
    assert fake.calls_to("getUpdates") == []

    await _report(fake, ANA)

    assert sum(RECEIVED in text for text in texts(fake, ANA)) == 1, fake.dump_chat(ANA)
    cases = await cases_with_entries(database_url)
    assert len(cases) == 1 and len(cases[0].entries) == 1
    if len(replicas) > 1:
        # Round robin: her five consecutive updates went to both replicas.
        assert all(len(ids) >= 2 for ids in fake.webhook.received_by.values())
        assert len(fake.webhook.received_by) == 2
    assert fake.webhook.refusals == []


async def test_a_wrong_secret_or_path_gets_403_and_is_not_processed(
    fake: FakeTelegram,
    database_url: str,
    replicas: list[BotRuntime],
    caplog: pytest.LogCaptureFixture,
) -> None:
    update = {
        "update_id": 999_001,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": ANA, "type": "private"},
            "from": {"id": ANA, "is_bot": False, "first_name": "Ana"},
            "text": "/start secreto-de-ella",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    right = replicas[0].settings.webhook_secret
    with caplog.at_level(logging.WARNING, logger="bot.core.webhook"):
        assert await fake.webhook.forge(update, secret="not-the-secret") == 403
        assert await fake.webhook.forge(update, secret=None) == 403
        assert await fake.webhook.forge(update, secret=right, path="/bot/telegram/guess") == 403
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 3
    assert all("secreto" not in r.getMessage() for r in refusals)
    await fake.wait_until_idle()
    assert fake.bot_messages(ANA) == []
    # The right secret and path: stored, processed.
    path = webhook_path(replicas[0].settings)
    assert await fake.webhook.forge(update, secret=right, path=path) == 200
    await fake.wait_for_message(ANA, timeout=10)


async def test_polling_again_removes_the_webhook(fake: FakeTelegram, sqlite_url: str) -> None:
    webhook = BotRuntime(_webhook_settings(sqlite_url, fake), clock=OffsetClock())  # type: ignore[arg-type]
    await webhook.start()
    await webhook.stop()
    assert fake.info.webhook["url"]
    polling = BotRuntime(make_settings(sqlite_url, fake.url), clock=OffsetClock())
    await polling.start()
    try:
        assert fake.calls_to("deleteWebhook")
        assert not fake.info.webhook["url"]
        fake.user_sends_text(ANA, "/start")
        await fake.wait_for_message(ANA, timeout=10)
    finally:
        await polling.stop()
