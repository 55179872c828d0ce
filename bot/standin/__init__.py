"""The Telegram stand-in: a Bot API server of our own, for the end-to-end tests, the
benchmarks and the browser simulator (`python -m bot demo`). One stand-in serves all
three, so what the simulator shows is what the tests check.

No domain of the bot imports it (tests/unit/test_architecture.py keeps it so): the bot
talks to it over HTTP exactly as it talks to Telegram.

Usage::

    from bot.standin import FakeTelegram

    async with FakeTelegram() as fake:
        fake.add_user(1001, first_name="Ana")
        bot = telegram.Bot(TOKEN, base_url=fake.base_url)  # == f"{fake.url}/bot"
        ...
        fake.user_sends_text(1001, "/start")
        msg = await fake.wait_for_message(1001, contains="Hola")
        fake.assert_no_errors()  # no Bot API spec violations

Every call is validated against the official spec (``vendor/telegram-bot-api/api.min.json``
in the repository). Spec violations get Telegram's ``400 Bad Request`` and are recorded
in ``fake.errors``; legitimate Telegram refusals (chat not found, message is not modified,
blocked user, flood limits...) are answered like Telegram and recorded in ``fake.rejections``.

Faults are armed by name on ``fake.faults`` (see `faults`)::

    fake.faults.too_many_requests("sendMessage", retry_after=1, times=3)
    fake.faults.outage("sendMessage")  # 502 Bad Gateway until fake.faults.clear()
    fake.faults.hold_answers("sendMessage")  # a send in flight until fake.faults.release_held()

and the flood limits changed on ``fake.limits`` (``fake.limits.group_per_minute = 20``).
"""

from .faults import Fault, Faults
from .markup import EntityParseError, parse_text, utf16_len
from .server import Call, FakeTelegram
from .spec import (
    DEFAULT_SPEC_PATH,
    ApiSpec,
    SpecViolation,
    UploadedFile,
    assert_object_complete,
    load_spec,
)

__all__ = [
    "DEFAULT_SPEC_PATH",
    "ApiSpec",
    "Call",
    "EntityParseError",
    "FakeTelegram",
    "Fault",
    "Faults",
    "SpecViolation",
    "UploadedFile",
    "assert_object_complete",
    "load_spec",
    "parse_text",
    "utf16_len",
]
