"""Starting and stopping the demo: the stand-in, the cast, the real bot on its own SQLite
file with the example office and a shiftable clock, and the page."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.app import BotRuntime
from bot.config import ConfigError, Settings, load_settings
from bot.db.migrate import upgrade_database_async
from bot.demo.cast import ADMIN_ID, STAFF_CHAT_ID, Cast
from bot.demo.clock import DemoClock
from bot.demo.web import make_app
from bot.office import EXAMPLE_OFFICE_FILE
from bot.standin import FakeTelegram

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DATABASE_NAME = "demo.sqlite3"
# A token of the stand-in's shape: it never leaves this machine.
DEMO_TOKEN = "4242424242:DEMO-not-a-real-token"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def demo_settings(api_url: str, database_url: str) -> Settings:
    """The bot's settings in the demo: none of them come from .env."""
    return load_settings(
        {
            "TELEGRAM_BOT_TOKEN": DEMO_TOKEN,
            "TELEGRAM_API_URL": api_url,
            "DATABASE_URL": database_url,
            "STAFF_CHAT_ID": str(STAFF_CHAT_ID),
            "ADMIN_USER_IDS": str(ADMIN_ID),
            "SWEEP_INTERVAL_SECONDS": "0.5",
            "POLL_TIMEOUT_SECONDS": "2",
            "OFFICE_SETTINGS_FILE": str(EXAMPLE_OFFICE_FILE),
            # Last month's report would open the demo with an empty PDF.
            "MONTHLY_REPORT": "false",
        }
    )


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"Cannot serve the demo on {host}:{port} ({exc.strerror or exc}): choose another "
            "port with --port (or DEMO_PORT)."
        ) from None
    return sock


def _fresh_database(path: Path) -> str:
    """Remove the last demo's database (and its journal files); returns the new one's URL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite+aiosqlite:///{path.resolve()}"


class Demo:
    """The whole demo; `start()` then `stop()` (or `async with`)."""

    def __init__(
        self,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        data_dir: Path = Path("data"),
        no_token: bool = False,
    ) -> None:
        self.host, self.port = host, port
        self.loopback = is_loopback(host)
        self.database = data_dir / DATABASE_NAME
        self.no_token = no_token
        self.fake = FakeTelegram(bot_username="omm_demo_bot", bot_first_name="OMM (demo)")
        self.cast = Cast(self.fake)
        self.clock = DemoClock(self.fake)
        self.runtime: BotRuntime | None = None
        self.timezone = ZoneInfo("UTC")
        self.url = ""
        self._web: web.AppRunner | None = None
        self._sock: socket.socket | None = None

    async def start(self) -> Demo:
        self._sock = _bind(self.host, self.port)  # a busy port fails before anything starts
        self.port = self._sock.getsockname()[1]
        await self.fake.start()
        self.cast.set_up()
        database_url = await asyncio.to_thread(_fresh_database, self.database)
        await upgrade_database_async(database_url)
        settings = demo_settings(self.fake.url, database_url)
        self.timezone = settings.timezone
        self.runtime = BotRuntime(settings, clock=self.clock.clock)
        self.clock.runtime = self.runtime
        await self.runtime.start()
        self._web = web.AppRunner(make_app(self), access_log=None, handle_signals=False)
        await self._web.setup()
        await web.SockSite(self._web, self._sock).start()
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{shown}:{self.port}"
        return self

    async def stop(self) -> None:
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        if self.runtime is not None:
            await self.runtime.stop()
            self.runtime = None
        await self.fake.stop()
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    async def __aenter__(self) -> Demo:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def changed(self, seconds: float) -> None:
        """Return at the stand-in's next activity, or after `seconds`."""
        await self.fake.activity.wait(seconds)
