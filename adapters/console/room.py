"""The console's one pretend room, and the replay of scripts on a virtual clock."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from adapters.console.script import Advance, Moderator, Say, ScriptError, SetTime, Step
from adapters.console.transcript import echo, format_all
from bot.app import Cercle
from bot.clock import ManualClock
from bot.events import Incoming
from bot.replies import Outgoing

PLATFORM = "console"
ROOM_ID = "console"

Emit = Callable[[str], None]
STUCK_AFTER = 1000
"""Rounds of ``run_due`` at one due time before the replay gives up (a job that never leaves
the queue would otherwise hold the script forever)."""


class ConsoleRoom:
    """Turns what people type in the console into :class:`Incoming` commands for the core."""

    def __init__(
        self, cercle: Cercle, run_id: str | None = None, *, files: Path | None = None
    ) -> None:
        self.cercle = cercle
        self.run_id = run_id or uuid.uuid4().hex[:8]
        self.files = files
        """Where files handed over (calendar, exports) are written: the data folder."""
        self.moderators: set[str] = set()
        self._events = 0
        cercle.moderator_checks[PLATFORM] = self._moderator_now

    async def _moderator_now(self, room_id: str, user_id: str) -> bool | None:
        return user_id in self.moderators

    def make_moderator(self, name: str) -> None:
        self.moderators.add(name)

    def incoming(
        self, name: str, text: str, line_no: int | None = None, *, private: bool = False
    ) -> Incoming:
        self._events += 1
        number = line_no if line_no is not None else self._events
        return Incoming(
            platform=PLATFORM,
            room_id=ROOM_ID,
            user_id=name,
            display_name=name,
            text=text.strip().removeprefix("!").strip(),
            event_id=f"console:{self.run_id}:{number}",
            is_moderator=name in self.moderators,
            private=private,
        )

    async def say(
        self, name: str, text: str, line_no: int | None = None, *, private: bool = False
    ) -> list[Outgoing]:
        """``private``: typed to the bot alone, as in a direct message."""
        return await self.cercle.handle(self.incoming(name, text, line_no, private=private))


def clock_text(when: datetime, timezone: str, reference: datetime | None = None) -> str:
    """``18:45`` in the group's time zone, with the date unless it is ``reference``'s date
    (``reference=when`` for the time alone)."""
    zone = ZoneInfo(timezone)
    local = when.astimezone(zone)
    if reference is not None and reference.astimezone(zone).date() == local.date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


class ScriptRunner:
    """Replays parsed steps.  Only the script moves the clock; jobs that fall due while it moves
    run in order, each at its own due time."""

    def __init__(
        self,
        room: ConsoleRoom,
        clock: ManualClock,
        timezone: str,
        emit: Emit,
        source: str | None = None,
    ) -> None:
        self.room = room
        self.clock = clock
        self.timezone = timezone
        self.emit = emit
        self.source = source
        self._started = False
        self._shown: datetime | None = None
        """The last instant the transcript showed; a time of the same day is shown as HH:MM."""

    def show(self, when: datetime) -> str:
        text = clock_text(when, self.timezone, self._shown)
        self._shown = when
        return text

    async def run(self, steps: Sequence[Step]) -> None:
        for step in steps:
            await self.step(step)

    async def step(self, step: Step) -> None:
        if isinstance(step, Moderator):
            self.room.make_moderator(step.name)
            self.emit(f"@moderator {step.name}")
        elif isinstance(step, SetTime):
            await self._set_time(step)
        elif isinstance(step, Advance):
            self._started = True
            start = self.clock.now()
            target = start + step.delta
            span = f"{self.show(start)} → {self.show(target)}"
            self.emit(f"@advance {step.text}  ({span})")
            await self.advance_to(target)
        elif isinstance(step, Say):
            self._started = True
            speaker = f"{step.name} (private)" if step.private else step.name
            self.emit(echo(speaker, step.text))
            self._print(
                await self.room.say(step.name, step.text, step.line_no, private=step.private)
            )

    async def _set_time(self, step: SetTime) -> None:
        target = step.local.replace(tzinfo=ZoneInfo(self.timezone))
        self.emit(f"@time {step.local:%Y-%m-%d %H:%M}")
        self._shown = target
        if not self._started:
            # The first @time places the clock anywhere; nothing has happened yet.
            self._started = True
            self.clock.set(target)
            return
        if target < self.clock.now():
            now = clock_text(self.clock.now(), self.timezone)  # with its date
            raise ScriptError(
                step.line_no,
                f"'@time' cannot move the clock back (it is already {now}); only the first "
                "'@time' may set any time",
                self.source,
            )
        await self.advance_to(target)

    async def advance_to(self, target: datetime) -> None:
        """Run whatever falls due up to ``target``, in order, then leave the clock there."""
        previous, repeats = None, 0
        while (due := await self.room.cercle.next_due()) is not None and due <= target:
            repeats = repeats + 1 if due == previous else 0
            if repeats > STUCK_AFTER:
                raise RuntimeError(f"the job due at {due.isoformat()} never leaves the queue")
            previous = due
            self.clock.set(max(due, self.clock.now()))
            delivered: list[Outgoing] = []

            async def deliver(items: Sequence[Outgoing], into: list[Outgoing] = delivered) -> None:
                into.extend(items)

            await self.room.cercle.run_due(deliver)
            lines = format_all(delivered, self.room.files)
            if lines:
                self.emit(f"-- {self.show(self.clock.now())} --")
                for line in lines:
                    self.emit(line)
        self.clock.set(max(target, self.clock.now()))

    def _print(self, outgoing: Sequence[Outgoing]) -> None:
        for line in format_all(outgoing, self.room.files):
            self.emit(line)
