"""python-telegram-bot's HTTP layer on aiohttp instead of httpx.

PTB lets an application supply its own `BaseRequest`. Profiling the report-a-need
flow showed the httpx/anyio stack as ~40% of the bot's CPU per update; aiohttp's
client does the same work with a fraction of the overhead, and the office's cheap
server benefits as much as the benchmark does.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        *,
        connections: int = 8,
        read_timeout: float = 5.0,
        write_timeout: float = 5.0,
        connect_timeout: float = 5.0,
        pool_timeout: float = 30.0,
        media_write_timeout: float = 20.0,
    ) -> None:
        self._connections = connections
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        has_files = bool(request_data and request_data.contains_files)
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        write = write_timeout
        if isinstance(write, DefaultValue):
            write = self._media_write_timeout if has_files else self._write_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        timeout = aiohttp.ClientTimeout(
            total=None,
            # Waiting for a free pooled connection counts as connecting in aiohttp.
            connect=None if connect is None or pool is None else connect + pool,
            sock_read=None if read is None and write is None else max(read or 0, write or 0),
        )
        data: Any = None
        if request_data is not None:
            data = _form(request_data) if has_files else request_data.json_parameters
        try:
            async with self._session.request(
                method, url, data=data, timeout=timeout, headers={"User-Agent": self.USER_AGENT}
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


def _form(request_data: RequestData) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in request_data.multipart_data.items():
        filename, content, mime = part if len(part) == 3 else (part[0], part[1], None)
        body = content.read() if hasattr(content, "read") else content
        form.add_field(
            name, body, filename=filename, content_type=mime or "application/octet-stream"
        )
    return form


class UpdatesRequest(AiohttpRequest):
    """The long-polling request; keeps each update as Telegram sent it.

    The pipeline stores updates before acknowledging them. Storing the JSON we
    received is faithful and costs a `json.dumps`, where rebuilding it from PTB's
    objects (`Update.to_dict()`) was a noticeable part of each update's CPU.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.received: dict[int, Any] = {}

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        status, body = await super().do_request(url, method, *args, **kwargs)
        if status == 200 and url.endswith("/getUpdates"):
            result = json.loads(body).get("result") or []
            self.received.clear()
            self.received.update(
                (item["update_id"], item) for item in result if "update_id" in item
            )
        return status, body
