"""Exactly once across crashes: a real Cercle process with 1,000 reminders due in the same
second is killed with SIGKILL at random points and restarted, several times.  Every reminder
reaches the delivery sink, where repeats of one idempotency key count once (as Matrix's txnId or
Discord's nonce make a platform show them once): none is lost, none is shown twice."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bot import planning
from bot.domain import Group, GroupDefaults, JobKind, JobState, Session

from storage import SqlStore, create_engine, dispose, upgrade

pytestmark = pytest.mark.e2e

WORKER = Path(__file__).with_name("crash_worker.py")
REMINDERS = 1000
KILLS = 4


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


def start_worker(database: Path, sink: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERCLE_")}
    process = subprocess.Popen(
        [sys.executable, str(WORKER), str(database), str(sink)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=WORKER.parent,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def read_deliveries(process: subprocess.Popen[str], count: int) -> list[str]:
    """Block on the worker's output until ``count`` more deliveries (or its end)."""
    assert process.stdout is not None
    seen = []
    while len(seen) < count:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line.strip())
    return seen


def stop(process: subprocess.Popen[str], how: signal.Signals) -> None:
    process.send_signal(how)
    process.wait(timeout=30)
    if process.stdout is not None:
        process.stdout.close()


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
        worker = start_worker(database, sink)
        try:
            delivered.update(read_deliveries(worker, rng.randint(0, 250)))
        finally:
            stop(worker, signal.SIGKILL)
    worker = start_worker(database, sink)
    try:
        missing = expected - delivered
        while missing:
            got = read_deliveries(worker, 1)
            assert got, "the worker stopped before delivering everything"
            delivered.update(got)
            missing = expected - delivered
    finally:
        stop(worker, signal.SIGTERM)
    # Counted where it is delivered: every reminder, nothing else; repeats share a key.
    lines = [json.loads(line)["key"] for line in sink.read_text(encoding="utf-8").splitlines()]
    assert set(lines) == expected
    assert len(set(lines)) == REMINDERS
    states = asyncio.run(job_states(database))
    assert states.get(JobState.DONE, 0) + states.get(JobState.PENDING, 0) == REMINDERS
    assert JobState.MISSED not in states
