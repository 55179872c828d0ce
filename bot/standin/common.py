"""What every part of the fake server shares: the recorded call, Telegram's refusal, the
context of one request, and the activity the waiting helpers listen to."""

# The waiting helpers take explicit ``timeout`` arguments by design.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .spec import UploadedFile

JsonDict = dict[str, Any]
Handler = Callable[[dict[str, Any], "Ctx"], Any]


@dataclass(slots=True)
class Call:
    """One HTTP call the bot made to the fake server."""

    method: str
    params: dict[str, Any]  # decoded Python values (ints, bools, dicts, lists, UploadedFile)
    status: int  # HTTP status returned
    response: JsonDict  # the JSON body returned
    time: float  # time.monotonic() when the request arrived
    token: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return self.response.get("result")


class ApiError(Exception):
    """A refusal Telegram answers with (``ok: false``, an error code, a description)."""

    def __init__(
        self,
        status: int,
        description: str,
        retry_after: int | None = None,
        spec_violation: bool = False,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.spec_violation = spec_violation


def bad(description: str) -> ApiError:
    return ApiError(400, "Bad Request: " + description)


@dataclass(slots=True)
class Ctx:
    """One validated request: who sends it, which method, the parsed text and caption."""

    token: str
    bot: JsonDict
    method: str
    text: tuple[str, list[JsonDict]] | None = None
    caption: tuple[str, list[JsonDict]] | None = None
    attachments: dict[str, UploadedFile] = field(default_factory=dict)


def short(value: Any, limit: int = 300) -> str:
    r = repr(value)
    return r if len(r) <= limit else r[: limit - 3] + "..."


def wake(waiters: list[asyncio.Future[None]]) -> None:
    """Resolve every waiting future and empty the list."""
    for f in waiters:
        if not f.done():
            f.set_result(None)
    waiters.clear()


class Activity:
    """When the server last saw something happen, and who waits for the next thing."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self._waiters: list[asyncio.Future[None]] = []

    def wake(self) -> None:
        wake(self._waiters)

    async def wait(self, timeout: float) -> None:
        """Return at the next activity, or after ``timeout`` seconds."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(fut, timeout)
