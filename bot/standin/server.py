"""In-process fake Telegram Bot API server (aiohttp) for end-to-end tests and benchmarks.

`FakeTelegram` serves ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``: it
validates each call against the spec (`spec`, `checks`), arms the faults a test asked for
(`faults`), and hands the call to the part that implements it: the bot's settings (`info`),
sending (`sending`, with the flood `limits`), editing (`editing`), files (`files`) and
getUpdates (`updates`) or the webhook (`webhook`), all over one world of users and chats (`chats`). Its test-facing
API (acting as the users, reading what the bot did, waiting) is in `control`.
"""

from __future__ import annotations

import json
import re
import socket
import time
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from .chats import ChatStore
from .checks import prose_checks
from .common import Activity, ApiError, Call, Ctx, Handler, JsonDict, short
from .control import Inspection, UserSide
from .editing import Editing
from .faults import Faults
from .files import FileStore
from .info import BotInfo
from .limits import Limits
from .sending import Sending
from .spec import ApiSpec, UploadedFile, load_spec
from .updates import UpdateQueue
from .webhook import WebhookDelivery

__all__ = ["Call", "FakeTelegram"]

_TOKEN_RE = re.compile(r"^(\d+):[A-Za-z0-9_-]+$")
Outcome = tuple[str, dict[str, Any], int, JsonDict]  # method, params, HTTP status, body


def _failure(method: str, params: dict[str, Any], status: int, description: str) -> Outcome:
    return method, params, status, {"ok": False, "error_code": status, "description": description}


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    params: dict[str, Any] = dict(request.query) if request.query_string else {}
    files: dict[str, UploadedFile] = {}
    if request.can_read_body:
        ct = request.content_type
        if ct == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            params.update(body)
        elif ct in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for k, v in form.items():
                if isinstance(v, str):
                    params[k] = v
                elif isinstance(v, (bytes, bytearray)):
                    files[k] = UploadedFile(k, None, None, bytes(v))
                else:
                    files[k] = UploadedFile(k, v.filename, v.content_type, v.file.read())
        else:
            await request.read()
    return params, files


class FakeTelegram(UserSide, Inspection):
    """Fake Telegram Bot API server. See the package docstring for the overview.

    Its parts: ``chats`` (users, chats, messages), ``files``, ``updates`` (the update
    queue), ``limits`` (flood limits, changeable while it runs), ``faults`` (fault
    injection) and ``info`` (webhook, commands, menu buttons).
    """

    def __init__(
        self,
        spec_path: str | Path | None = None,
        *,
        bot_username: str = "omm_test_bot",
        bot_first_name: str = "OMM Test Bot",
        overall_per_second: int | None = None,
        per_chat_per_second: int | None = None,
        group_per_minute: int | None = None,
        paid_per_second: int | None = 1000,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.spec: ApiSpec = load_spec(spec_path)
        self.bot_username, self.bot_first_name = bot_username, bot_first_name
        self.host, self.port, self.url = host, port, ""
        self.clock_offset: float = 0.0
        # what the bot did
        self.calls: list[Call] = []
        self.errors: list[str] = []
        self.rejections: list[str] = []
        self.too_many_requests: int = 0
        self.bot_user: JsonDict | None = None
        # the parts
        self.activity = Activity()
        self.chats = ChatStore(self.now)
        self.files = FileStore()
        self.updates = UpdateQueue(self.activity)
        self.limits = Limits(
            overall_per_second, per_chat_per_second, group_per_minute, paid_per_second
        )
        self.faults = Faults(self.spec.resolve_method)
        self.info = BotInfo(self.spec, self.chats, self.updates)
        self.webhook = WebhookDelivery(self.updates, self.info, self.activity)
        sending = Sending(self.spec, self.chats, self.files, self.limits)
        self._generic: Handler = sending.generic
        self._routes: dict[str, Handler] = {
            **self.info.routes(),
            "getFile": self.files.get_file,
            **sending.routes(),
            **Editing(self.chats, sending.target).routes(),
        }
        self._bots: dict[str, JsonDict] = {}
        self._runner: web.AppRunner | None = None
        self._sock: socket.socket | None = None

    # ================================================================== lifecycle

    async def start(self) -> FakeTelegram:
        """Bind ``host`` on a free port (or ``port``) and start serving."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.*}", self.files.download)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self._sock = sock
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock, backlog=1024).start()
        self.url = f"http://{self.host}:{self.port}"
        self.updates.stopping = False
        await self.webhook.start()
        return self

    async def stop(self) -> None:
        """Stop serving; pending long polls return immediately with an empty result."""
        self.updates.stop()
        await self.webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``base_url`` for python-telegram-bot (``f"{fake.url}/bot"``)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """``base_file_url`` for python-telegram-bot (``f"{fake.url}/file/bot"``)."""
        return f"{self.url}/file/bot"

    def now(self) -> float:
        """The fake clock: ``time.time() + clock_offset``."""
        return time.time() + self.clock_offset

    # ================================================================== HTTP

    async def _handle_api(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        self.activity.last = arrived
        token = request.match_info["token"]
        method, params, status, payload = await self._dispatch(request, token)
        self.calls.append(Call(method, params, status, payload, arrived, token))
        if method != "getUpdates" or payload.get("result"):
            self.activity.last = time.monotonic()
        self.activity.wake()
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return web.Response(body=body, status=status, content_type="application/json")

    def _record_error(self, method: str, description: str, params: Any) -> None:
        self.errors.append(f"{method}: {description} | params={short(params)}")

    async def _dispatch(self, request: web.Request, token: str) -> Outcome:
        raw_method = request.match_info["method"]
        try:
            params, files = await _read_params(request)
        except ValueError as exc:
            desc = f"Bad Request: can't parse request body: {exc}"
            self._record_error(raw_method, desc, None)
            return _failure(raw_method, {}, 400, desc)
        if not _TOKEN_RE.match(token):
            self._record_error(raw_method, f"Not Found (malformed bot token {token!r})", params)
            return _failure(raw_method, params, 404, "Not Found")
        method = self.spec.resolve_method(raw_method)
        if method is None:
            self._record_error(raw_method, "Not Found (unknown method)", params)
            return _failure(raw_method, params, 404, "Not Found")
        decoded, ctx, errs = self._validate(method, token, params, files)
        if errs:
            for e in errs:
                self._record_error(method, e, params)
            return _failure(method, decoded, 400, "Bad Request: " + errs[0])
        try:
            result = await self._call(method, decoded, ctx, request)
        except ApiError as exc:
            return method, decoded, exc.status, self._refusal(method, exc, params)
        except Exception as exc:  # a bug in the fake itself: make it loud, not a silent 500
            self.errors.append(
                f"{method}: INTERNAL ERROR in FakeTelegram: {exc!r}\n{traceback.format_exc()}"
            )
            return _failure(method, decoded, 500, "Internal Server Error")
        return method, decoded, 200, {"ok": True, "result": result}

    def _validate(
        self,
        method: str,
        token: str,
        params: dict[str, Any],
        files: dict[str, UploadedFile],
    ) -> tuple[dict[str, Any], Ctx, list[str]]:
        """The decoded parameters, the request's context, and what is wrong with the call."""
        mspec = self.spec.methods[method]
        attachments: dict[str, UploadedFile] = {}
        for name, f in files.items():
            if name in mspec.fields:
                params[name] = f
            else:
                attachments[name] = f
        decoded, errs = self.spec.validate_params(method, params, attachments)
        ctx = Ctx(token=token, bot=self._bot_for(token), method=method, attachments=attachments)
        if not errs:
            errs = prose_checks(self.spec, method, decoded, ctx)
        return decoded, ctx, errs

    async def _call(self, method: str, p: dict[str, Any], ctx: Ctx, request: web.Request) -> Any:
        fault = self.faults.take(method)
        if fault is not None:
            raise fault.error()
        if method == "getUpdates":
            return await self._get_updates(p, request)
        result = self._routes.get(method, self._generic)(p, ctx)
        await self.faults.maybe_hold(method, p.get("chat_id"))
        return result

    async def _get_updates(self, p: dict[str, Any], request: web.Request) -> list[JsonDict]:
        if self.info.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        return await self.updates.get_updates(p, request)

    def _refusal(self, method: str, exc: ApiError, params: dict[str, Any]) -> JsonDict:
        """Telegram's answer to a refused call, counted and recorded."""
        payload: JsonDict = {"ok": False, "error_code": exc.status, "description": exc.description}
        if exc.retry_after is not None:
            payload["parameters"] = {"retry_after": exc.retry_after}
        if exc.status == 429:
            self.too_many_requests += 1
        if exc.spec_violation:
            self._record_error(method, exc.description, params)
        else:
            self.rejections.append(f"{method}: {exc.description}")
        return payload

    def _bot_for(self, token: str) -> JsonDict:
        bot = self._bots.get(token)
        if bot is None:
            m = _TOKEN_RE.match(token)
            bot_id = int(m.group(1)) if m else 0
            bot = {
                "id": bot_id,
                "is_bot": True,
                "first_name": self.bot_first_name,
                "username": self.bot_username,
            }
            self._bots[token] = bot
        self.bot_user = bot
        return bot
