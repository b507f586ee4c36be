"""The APScheduler timer: armed at the next due time the database knows, woken by commands."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from adapters.scheduler import DISPATCH, RECHECK, Timer
from bot.app import Cercle
from bot.clock import ManualClock
from bot.events import Incoming
from bot.replies import Outgoing
from tests.fakes import InMemoryStore

START = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


def say(text: str, n: int) -> Incoming:
    return Incoming("test", "room", "alice", "Alice", text, f"e{n}", is_moderator=True)


async def test_the_timer_sleeps_until_the_next_due_time_then_dispatches() -> None:
    clock = ManualClock(START)
    cercle = Cercle(InMemoryStore(), clock)
    delivered: asyncio.Queue[list[str]] = asyncio.Queue()

    async def deliver(items: Sequence[Outgoing]) -> None:
        delivered.put_nowait([o.reply.key for o in items])

    timer = Timer(cercle, clock, deliver)
    cercle.listeners.append(timer.wake)
    task = asyncio.create_task(timer.run())
    try:
        async with asyncio.timeout(10):
            while timer.runs == 0:  # the first look plans the horizon at once
                await asyncio.sleep(0)
            await cercle.handle(say("session start 90", 1))
            await cercle.handle(say("session break 5", 2))
            while timer._arming is None or not timer._arming.done():
                await asyncio.sleep(0)
            scheduler = timer._scheduler
            assert scheduler is not None
            armed = scheduler.get_job(DISPATCH).next_run_time
            wait = armed - datetime.now(UTC)
            assert timedelta(minutes=4) < wait <= min(RECHECK, timedelta(minutes=5))
            assert delivered.empty()
            # Five (virtual) minutes later the break ends: the timer dispatches when woken.
            clock.advance(timedelta(minutes=5))
            timer.wake()
            keys = await delivered.get()
            assert keys == ["session.break_over", "charter.after_break"]
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
