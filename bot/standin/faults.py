"""Fault injection: make Telegram refuse the next calls of a method (429 with retry_after,
502 Bad Gateway, a 400...), or take a call and hold its answer back (a send in flight).

    fake.faults.too_many_requests("sendMessage", retry_after=1, times=6)
    fake.faults.outage("sendMessage")            # 502 until fake.faults.clear()
    fake.faults.hold_answers("sendMessage")      # it arrives; the bot hears nothing yet
    fake.faults.release_held()
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from .common import ApiError


@dataclass(frozen=True, slots=True)
class Fault:
    """Telegram answers the next ``times`` valid calls of ``method`` with this error
    (``times=None``: every call until `Faults.clear`)."""

    method: str
    error_code: int
    description: str
    times: int | None = 1
    retry_after: int | None = None

    def error(self) -> ApiError:
        return ApiError(self.error_code, self.description, self.retry_after)


@dataclass(frozen=True, slots=True)
class Hold:
    """The next ``times`` successful calls of ``method`` take effect (the message appears
    in the chat) but their answers wait for `Faults.release_held` (``times=None``: every
    call until then). Calls to ``except_chat_id`` are answered at once."""

    method: str
    times: int | None = 1
    except_chat_id: int | None = None


class Faults:
    """The faults armed on the server, consumed in the order they were armed."""

    def __init__(self, resolve_method: Callable[[str], str | None]) -> None:
        self._resolve = resolve_method
        self._faults: dict[str, deque[Fault]] = {}
        self._holds: dict[str, deque[Hold]] = {}
        self._release = asyncio.Event()
        self.held = 0  # answers held back so far (sends in flight)

    # ------------------------------------------------------------------ arming

    def inject(self, fault: Fault) -> None:
        fault = dataclasses.replace(fault, method=self._method(fault.method))
        self._faults.setdefault(fault.method, deque()).append(fault)

    def fail_next(
        self,
        method: str,
        code: int,
        description: str,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` valid calls of ``method`` fail with ``code`` and ``description``."""
        self.inject(Fault(method, code, description, times, retry_after))

    def too_many_requests(self, method: str, retry_after: int, times: int = 1) -> None:
        """Telegram's flood refusal: 429 "Too Many Requests: retry after N"."""
        self.fail_next(
            method,
            429,
            f"Too Many Requests: retry after {retry_after}",
            retry_after=retry_after,
            times=times,
        )

    def bad_gateway(self, method: str, times: int = 1) -> None:
        """Telegram's servers cannot be reached: 502 Bad Gateway."""
        self.fail_next(method, 502, "Bad Gateway", times=times)

    def outage(self, method: str) -> None:
        """Every call of ``method`` gets 502 Bad Gateway until `clear` (Telegram is back)."""
        self.inject(Fault(method, 502, "Bad Gateway", times=None))

    def bad_request(self, method: str, description: str, times: int = 1) -> None:
        """A 400 "Bad Request: <description>", e.g. "message can't be edited"."""
        self.fail_next(method, 400, "Bad Request: " + description, times=times)

    def hold_answers(
        self, method: str, times: int | None = 1, *, except_chat_id: int | None = None
    ) -> None:
        """See `Hold`."""
        name = self._method(method)
        if times is not None and times <= 0:
            return
        self._holds.setdefault(name, deque()).append(Hold(name, times, except_chat_id))

    def release_held(self) -> None:
        """Answer every held call, and hold no more."""
        self._holds.clear()
        self._release.set()
        self._release = asyncio.Event()

    def clear(self) -> None:
        """Telegram is back: no armed fault is left (held answers stay held)."""
        self._faults.clear()

    # ------------------------------------------------------------------ consuming

    def take(self, method: str) -> Fault | None:
        """The fault this call of ``method`` gets, if one is armed (and count it)."""
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        if fault.times is None:
            return fault
        if fault.times <= 1:
            queue.popleft()
        else:
            queue[0] = dataclasses.replace(fault, times=fault.times - 1)
        return fault

    async def maybe_hold(self, method: str, chat_id: object) -> None:
        """Hold this successful call's answer if a `Hold` for it is armed."""
        queue = self._holds.get(method)
        if not queue:
            return
        hold = queue[0]
        if hold.except_chat_id is not None and chat_id == hold.except_chat_id:
            return
        if hold.times is not None:
            if hold.times <= 1:
                queue.popleft()
            else:
                queue[0] = dataclasses.replace(hold, times=hold.times - 1)
        self.held += 1
        await self._release.wait()

    def _method(self, method: str) -> str:
        name = self._resolve(method)
        if name is None:
            raise ValueError(f"unknown method {method!r}")
        return name
