"""`python -m bot demo`: its JSON API (sending text, pressing a button, the clock moving
forward to a reminder), its guards, and that it binds to 127.0.0.1 unless told."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot import __main__ as cli
from bot.core.clock import ShiftedClock
from bot.demo import cli as demo_cli
from bot.demo.cast import STAFF_CHAT_ID
from bot.demo.runner import Demo
from tests.e2e.harness import Person, buttons, settle
from tests.e2e.journeys import register

ANA = 100001
HEADERS = {"X-Demo": "1"}


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    running = Demo(port=0, data_dir=tmp_path / "data")
    await running.start()
    try:
        yield running
        running.fake.assert_no_errors()
    finally:
        await running.stop()


@pytest.fixture
async def http(demo: Demo) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(demo.url) as session:
        yield session


async def state(http: aiohttp.ClientSession, stamp: str = "") -> dict[str, Any]:
    async with http.get("/api/state", params={"stamp": stamp}) as response:
        assert response.status == 200
        return dict(await response.json())


async def post(http: aiohttp.ClientSession, path: str, body: dict[str, Any]) -> dict[str, Any]:
    async with http.post(path, json=body, headers=HEADERS) as response:
        return {"status": response.status, **await response.json()}


async def test_text_and_a_button_through_the_api(demo: Demo, http: aiohttp.ClientSession) -> None:
    first = await state(http)
    assert {p["role"] for p in first["people"]} == {"woman", "staff", "outsider"}
    assert [c["command"] for c in first["chats"][str(ANA)]["commands"]] == [
        "start",
        "salir",
        "baja",
    ]
    grace = first["chats"]["100002"]["commands"]
    assert grace[0]["description"] == "Start / main menu"  # her app speaks English
    assert (await post(http, "/api/text", {"user": ANA, "text": "/start"}))["ok"]
    await settle(demo.runtime, demo.fake)  # type: ignore[arg-type]
    # The long poll answers at once: what it shows changed since the first stamp.
    shown = await state(http, first["stamp"])
    consent = shown["chats"][str(ANA)]["messages"][-1]
    assert consent["from_bot"] and "c:y:es" in [
        b["data"] for row in consent["buttons"] for b in row
    ]
    pressed = await post(
        http, "/api/press", {"user": ANA, "message_id": consent["id"], "data": "c:y:es"}
    )
    assert pressed["ok"], pressed
    await settle(demo.runtime, demo.fake)  # type: ignore[arg-type]
    after = (await state(http))["chats"][str(ANA)]["messages"]
    assert after[-1]["edited"] or after[-1]["id"] > consent["id"]
    # A button no longer on screen is refused in one line, as the stand-in says.
    stale = await post(http, "/api/press", {"user": ANA, "message_id": 999, "data": "x"})
    assert stale["status"] == 400 and "does not exist" in stale["error"]


async def test_the_clock_moves_forward_to_the_next_reminder(
    demo: Demo, http: aiohttp.ClientSession
) -> None:
    nothing = await post(http, "/api/clock", {"step": "next"})
    assert nothing["ok"] is False and "no reminders" in nothing["message"]
    before = demo.clock.now()
    assert (await post(http, "/api/clock", {"step": "hour"}))["ok"]
    assert demo.clock.now() - before >= timedelta(hours=1)
    assert demo.fake.clock_offset >= 3600  # messages carry the moved date
    assert (await post(http, "/api/clock", {"step": "backwards"}))["status"] == 400

    assert demo.runtime is not None
    ana = Person(demo.fake, demo.runtime, ANA)
    await register(ana)
    await ana.tap("ap")
    await ana.tap("ap:s:legal")
    # The last day offered (weeks ahead): its reminders are all still to come, whatever
    # the time of day (the first day's could already be past).
    days = ana.last()
    assert days is not None
    day_kind = buttons(days)[0][1].rsplit(":", 1)[0]
    last_day = [d for _, d in buttons(days) if d.rsplit(":", 1)[0] == day_kind][-1]
    day = await ana.press_data(days["message_id"], last_day)
    await ana.press_data(day["message_id"], buttons(day)[0][1])  # type: ignore[index]
    confirm = [d for _, d in buttons(ana.last()) if d.startswith("ap:ok:")]
    await ana.tap(confirm[0])
    due = await demo.clock.next_due()
    assert due is not None and due > demo.clock.now()

    moved = await post(http, "/api/clock", {"step": "next"})
    assert moved["ok"]
    assert demo.clock.now() >= due
    reminder = await demo.fake.wait_for_message(ANA, contains="Recordatorio", timeout=10)
    shown = (await state(http))["chats"][str(ANA)]["messages"]
    mine = next(m for m in shown if m["id"] == reminder["message_id"])
    # Legal advice is sensitive: its reminder is protected and silent, and the page says so.
    assert mine["protected"] and mine["silent"]


async def test_the_api_guards_itself(demo: Demo, http: aiohttp.ClientSession) -> None:
    async with http.post("/api/text", json={"user": ANA, "text": "hola"}) as response:
        assert response.status == 403  # no X-Demo header: a form on another site
    async with http.get("/api/state", headers={"Host": "evil.example"}) as response:
        assert response.status == 421  # DNS rebinding
    into_staff = await post(http, "/api/text", {"user": ANA, "chat": STAFF_CHAT_ID, "text": "x"})
    assert into_staff["status"] == 400 and "cannot write" in into_staff["error"]
    async with http.get("/") as response:
        page = await response.text()
        assert "DEMO" in page and "TELEGRAM_BOT_TOKEN" in page
        # Only the page's own script runs: no inline script, nothing from elsewhere.
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    async with http.get("/static/app.js") as response:
        assert response.status == 200
    async with http.get("/static/..%2Fweb.py") as response:
        assert response.status == 404


async def test_it_binds_to_the_loopback_unless_told(demo: Demo) -> None:
    assert demo.host == "127.0.0.1" and demo.loopback
    assert demo.url.startswith("http://127.0.0.1:")
    assert demo._sock is not None and demo._sock.getsockname()[0] == "127.0.0.1"
    assert not Demo(host="0.0.0.0").loopback
    told = Demo(host="0.0.0.0")
    told.url = "http://0.0.0.0:8080"
    assert any("others on the network" in line for line in demo_cli.banner(told))
    assert not any("others on the network" in line for line in demo_cli.banner(demo))


def test_the_command_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any) -> None:
    started: list[tuple[str, int | None, bool]] = []

    def fake_run_demo(host: str, port: int | None, *, no_token: bool = False) -> int:
        started.append((host, port, no_token))
        return 0

    monkeypatch.setattr(demo_cli, "run_demo", fake_run_demo)
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert cli.main(["demo"]) == 0
    assert cli.main(["demo", "--host", "0.0.0.0", "--port", "9000"]) == 0
    assert started == [("127.0.0.1", None, False), ("0.0.0.0", 9000, False)]
    # scripts/run.sh: without a token, the demo; `python -m bot` alone still refuses.
    assert cli.main(["run", "--demo-if-no-token"]) == 0
    assert started[-1] == ("127.0.0.1", None, True)
    assert cli.main([]) == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in capsys.readouterr().err
    with pytest.raises(SystemExit) as typo:
        cli.main(["demo", "--prot", "9000"])
    assert typo.value.code == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "omm-bot: unrecognized arguments: --prot 9000 (see python -m bot --help)."
    ]
    with pytest.raises(SystemExit):
        cli.main(["run", "--port", "9000"])
    assert "for the demo only" in capsys.readouterr().err


def test_the_shifted_clock_only_moves_forward() -> None:
    clock = ShiftedClock()
    start = clock.now()
    clock.advance(timedelta(days=1))
    assert clock.now() - start >= timedelta(days=1)
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))
    clock.advance_to(datetime(2000, 1, 1, tzinfo=UTC))  # the past: stays
    assert clock.now() - start >= timedelta(days=1)
