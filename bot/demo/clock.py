"""The clock control: the bot's clock (`bot.core.clock.ShiftedClock`) and the
stand-in's move forward together, so messages carry the moved date and the bot's sweeps
send what became due (reminders, scheduled announcements) within a second or two.

"To the next reminder" asks the domains when their next reminder or announcement is due
and moves just past it. The morning digest is a daily job at a real time of day: when a
move crosses the digest's time, the demo runs it once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.activities import service_reminders as activity_reminders
from bot.app import BotRuntime
from bot.appointments import service_reminders as appointment_reminders
from bot.broadcasts import service as broadcasts
from bot.cases.digest import post_daily_digest
from bot.core.clock import ShiftedClock
from bot.standin import FakeTelegram

STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
# Just past the due time: the sweep compares due_at <= now.
PAST_DUE = timedelta(seconds=5)


@dataclass(frozen=True)
class Move:
    moved: bool
    now: datetime
    sentence: str


class DemoClock:
    def __init__(self, fake: FakeTelegram) -> None:
        self.clock = ShiftedClock()
        self.fake = fake
        self.runtime: BotRuntime | None = None

    def now(self) -> datetime:
        return self.clock.now()

    async def next_due(self) -> datetime | None:
        """The earliest reminder or scheduled announcement still to come, if any."""
        assert self.runtime is not None
        data = self.runtime.application.bot_data
        settings = data.settings
        scheduling = settings.office.scheduling
        now = self.now()
        async with data.session_factory() as session:
            found = [
                await appointment_reminders.next_due_at(session, now),
                await activity_reminders.next_due_at(
                    session,
                    now,
                    settings.timezone,
                    day_before=scheduling.activity_reminder_day_before,
                    morning_of=scheduling.activity_reminder_morning_of,
                ),
                await broadcasts.next_scheduled_at(session, now),
            ]
            await session.commit()
        times = [t for t in found if t is not None]
        return min(times) if times else None

    async def step(self, step: str) -> Move:
        """Move forward by "hour", "day", or to just past the "next" reminder."""
        if step == "next":
            due = await self.next_due()
            if due is None:
                return Move(
                    False,
                    self.now(),
                    "No hay recordatorios ni anuncios programados "
                    "(no reminders or announcements scheduled): book an appointment first.",
                )
            return self._move(due + PAST_DUE - self.now())
        if step not in STEPS:
            raise ValueError(f"unknown step {step!r}: use hour, day or next")
        return self._move(STEPS[step])

    def _move(self, delta: timedelta) -> Move:
        before = self.now()
        self.clock.advance(max(delta, timedelta()))
        self.fake.clock_offset = self.clock.offset.total_seconds()
        after = self.now()
        self._digest_if_crossed(before, after)
        return Move(True, after, "")

    def _digest_if_crossed(self, before: datetime, after: datetime) -> None:
        """Run the morning digest once if the move passed its time of day."""
        if self.runtime is None or self.runtime.application.job_queue is None:
            return
        settings = self.runtime.settings
        tz = settings.timezone
        at = settings.office.scheduling.daily_digest_time
        moment = datetime.combine(before.astimezone(tz).date(), at, tzinfo=tz)
        if moment <= before:
            moment += timedelta(days=1)
        if moment <= after:
            self.runtime.application.job_queue.run_once(post_daily_digest, 0.5, name="demo-digest")
