"""An injectable clock, so tests control time instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.core.errors import InvalidInput


class Clock(Protocol):
    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that moves only when told to (for tests)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 23, 15, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, when: datetime) -> None:
        self._now = when


class ShiftedClock:
    """The system time plus an offset that only moves forward (the demo's clock control:
    reminders and announcements come in minutes, and time never runs backwards)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        if delta < timedelta():
            raise ValueError("the clock only moves forward")
        self.offset += delta

    def advance_to(self, when: datetime) -> None:
        """Move to `when` (aware); a time already past leaves the clock as it is."""
        check_aware(when, "when")
        self.advance(max(when - self.now(), timedelta()))


def check_aware(value: datetime, name: str) -> None:
    """Services compare times across time zones: a naive datetime is refused."""
    if value.tzinfo is None:
        raise InvalidInput(f"{name} must be an aware datetime")
