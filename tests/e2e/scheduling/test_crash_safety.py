"""Exactly once across crashes: a real Cercle process with 1,000 reminders due in the same
second is killed with SIGKILL at random points and restarted, several times.  Every reminder
reaches the delivery sink, where repeats of one idempotency key count once (as Matrix's txnId or
Discord's nonce make a platform show them once): none is lost, none is shown twice."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import planning
from bot.app import Cercle
from bot.clock import ManualClock
from bot.domain import Group, GroupDefaults, JobKind, JobState, Session
from bot.events import Incoming
from storage import SqlStore, create_engine, dispose, upgrade

pytestmark = pytest.mark.e2e

WORKER = Path(__file__).with_name("crash_worker.py")
REMINDERS = 1000
KILLS = 4
WAIT = 60
"""Seconds the worker may stay silent while deliveries are expected (a slow machine)."""


async def prepare(database: Path) -> set[str]:
    """1,000 sessions in an hour, each with one reminder due within the same second."""
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        await upgrade(engine)
        store = SqlStore(engine)
        now = datetime.now(UTC)
        start = now.replace(microsecond=0) + timedelta(hours=1, seconds=2)
        async with store() as uow:
            group = await uow.groups.add(
                Group.new("sink", "room", GroupDefaults(reminder_leads=(60,)), now)
            )
            sessions = await uow.sessions.add_many(
                [Session.scheduled(group.id, start, 90) for _ in range(REMINDERS)]
            )
            await planning.plan(uow, group, sessions, now)
            await uow.commit()
        async with store() as uow:
            jobs = [j for j in await uow.jobs.list(group.id) if j.kind is JobKind.REMINDER]
        assert len(jobs) == REMINDERS
        assert len({j.due_at.replace(microsecond=0) for j in jobs}) == 1
        return {f"job:{j.id}:room:0" for j in jobs}
    finally:
        await dispose(engine)


class Worker:
    """A worker process and a thread that forwards its output lines, so that the test waits on
    a queue with a deadline instead of blocking for ever on a quiet pipe."""

    def __init__(self, database: Path, sink: Path, offset: float = 0.0) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CERCLE_")}
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER), str(database), str(sink), str(offset)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=WORKER.parent,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._forward, daemon=True)
        self.reader.start()

    def _forward(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.strip())
        self.lines.put(None)

    def next_line(self) -> str | None:
        try:
            return self.lines.get(timeout=WAIT)
        except queue.Empty:
            pytest.fail(f"the worker said nothing for {WAIT} s")

    def deliveries(self, count: int, delivered: set[str], expected: set[str]) -> None:
        """Take up to ``count`` more deliveries, or fewer once everything was delivered."""
        taken = 0
        while taken < count and not expected <= delivered:
            line = self.next_line()
            if line is None:
                pytest.fail("the worker stopped on its own")
            if line != "ready":
                delivered.add(line)
                taken += 1

    def stop(self, how: signal.Signals) -> None:
        self.process.send_signal(how)
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()


async def job_states(database: Path) -> dict[JobState, int]:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with SqlStore(engine)() as uow:
            group = await uow.groups.get("sink", "room")
            assert group is not None
            counts: dict[JobState, int] = {}
            for job in await uow.jobs.list(group.id):
                if job.kind is JobKind.REMINDER:
                    counts[job.state] = counts.get(job.state, 0) + 1
            return counts
    finally:
        await dispose(engine)


def test_a_burst_of_reminders_survives_sigkill_exactly_once(tmp_path: Path) -> None:
    database, sink = tmp_path / "crash.db", tmp_path / "sink.jsonl"
    expected = asyncio.run(prepare(database))
    rng = random.Random(20261125)
    delivered: set[str] = set()
    for _ in range(KILLS):
        worker = Worker(database, sink)
        try:
            worker.deliveries(rng.randint(0, 250), delivered, expected)
        finally:
            worker.stop(signal.SIGKILL)
    worker = Worker(database, sink)
    try:
        worker.deliveries(REMINDERS, delivered, expected)
    finally:
        worker.stop(signal.SIGTERM)
    assert delivered == expected
    # Counted where it is delivered: every reminder, nothing else; repeats share a key.
    lines = [json.loads(line)["key"] for line in sink.read_text(encoding="utf-8").splitlines()]
    assert set(lines) == expected
    assert len(set(lines)) == REMINDERS
    states = asyncio.run(job_states(database))
    assert states.get(JobState.DONE, 0) + states.get(JobState.PENDING, 0) == REMINDERS
    assert JobState.MISSED not in states


async def move_and_read(database: Path, clock: ManualClock) -> tuple[datetime, set[str], set[str]]:
    """One session at S with a 1-minute reminder; moved a minute later by a moderator's
    command, as another process of the same deployment would; returns the session's id and
    the keys its old and new reminder jobs would be delivered with."""
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        store = SqlStore(engine)
        start = clock.now().replace(second=0, microsecond=0) + timedelta(minutes=2)
        async with store() as uow:
            group = await uow.groups.get("sink", "room")
            assert group is not None
            [session] = await uow.sessions.add_many([Session.scheduled(group.id, start, 90)])
            await planning.plan(uow, group, [session], clock.now())
            await uow.commit()
        async with store() as uow:
            old = {f"job:{j.id}:room:0" for j in await uow.jobs.list(group.id)}
        app = Cercle(store, clock, GroupDefaults(reminder_leads=(1,)))
        local = (start + timedelta(minutes=1)).astimezone(ZoneInfo(group.timezone))
        moved = await app.handle(
            Incoming(
                "sink",
                "room",
                "mod",
                "Mod",
                f"session move {session.id} {local:%Y-%m-%d} {local:%H:%M}",
                "e-move",
                is_moderator=True,
            )
        )
        assert "session.moved" in [o.reply.key for o in moved]
        async with store() as uow:
            jobs = await uow.jobs.list(group.id)
        new = {
            f"job:{j.id}:room:0"
            for j in jobs
            if j.state is JobState.PENDING and j.kind is JobKind.REMINDER
        }
        assert new and not new & old
        return start, old, new
    finally:
        await dispose(engine)


def test_a_move_then_sigkill_reminds_once_at_the_new_time_only(tmp_path: Path) -> None:
    """The worker runs; a moderator moves a session a minute later (its old reminder due within
    two minutes); the worker is killed -9 at once; a new worker starts with its clock shifted
    just past the new reminder's time (so past the old one's too): the new reminder comes once,
    the old one never."""
    database, sink = tmp_path / "move.db", tmp_path / "sink.jsonl"
    asyncio.run(prepare_group(database))
    first = Worker(database, sink)
    try:
        assert first.next_line() == "ready"
        clock = ManualClock(datetime.now(UTC))
        start, old, new = asyncio.run(move_and_read(database, clock))
    finally:
        first.stop(signal.SIGKILL)
    offset = (start - datetime.now(UTC)).total_seconds() + 10  # the new reminder: due 10 s ago
    second = Worker(database, sink, offset=offset)
    delivered: set[str] = set()
    try:
        second.deliveries(len(new), delivered, new)
    finally:
        second.stop(signal.SIGTERM)
    lines = [json.loads(line)["key"] for line in sink.read_text(encoding="utf-8").splitlines()]
    assert set(lines) == new, "the new time's reminder, once (its opening is a minute later)"
    assert not set(lines) & old


async def prepare_group(database: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    try:
        await upgrade(engine)
        async with SqlStore(engine)() as uow:
            await uow.groups.add(
                Group.new("sink", "room", GroupDefaults(reminder_leads=(1,)), datetime.now(UTC))
            )
            await uow.commit()
    finally:
        await dispose(engine)
