"""Reminders at scale: 10,000 groups with a weekly session each (100,000 future occurrences).

Measures, on SQLite files:
- scheduling them (series, occurrences over the 10-week horizon, reminders planned a week ahead),
  batched 1,000 groups per transaction;
- start-up of a fresh process that finds them in the database, until the timer is armed, and
  its resident memory;
- lateness (median, p99, max) of 1,000 reminders due within the same second, delivered to an
  in-process messenger through the APScheduler timer and the outbox;
and, in the same run, a baseline: APScheduler 3's own SQLAlchemyJobStore holding one job per
reminder (adding jobs, restarting over them, firing 1,000 due in the same second).

Run: ``.venv/bin/python bench/reminders.py [--groups N]``; it rewrites its section of
bench/RESULTS.md.  Goals: 100,000 occurrences scheduled in < 5 s, start-up < 1 s, RSS < 100 MB,
lateness p99 < 50 ms and max < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _results import median, percentile, write_section

from adapters.scheduler import Timer
from bot import planning
from bot.app import Cercle
from bot.clock import SystemClock
from bot.domain import Group, GroupDefaults, Series, Session
from bot.recurrence import Frequency, rule_for
from storage import SqlStore, create_engine, dispose, upgrade

BATCH = 1000


async def schedule_many(database: Path, groups: int) -> tuple[float, int]:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    await upgrade(engine)
    store = SqlStore(engine)
    now = datetime.now(UTC)
    defaults = GroupDefaults()
    created: list[Group] = []
    async with store() as uow:
        for index in range(groups):
            created.append(await uow.groups.add(Group.new("bench", f"room-{index}", defaults, now)))
        await uow.commit()
    first = (now + timedelta(days=1)).replace(tzinfo=None, second=0, microsecond=0)
    started = time.perf_counter()
    occurrences = 0
    for chunk in range(0, groups, BATCH):
        batch = {group.id: group for group in created[chunk : chunk + BATCH]}
        async with store() as uow:
            added = await uow.series.add_many(
                [
                    Series(0, group.id, rule_for(Frequency.WEEKLY, local), local, 90, None, now)
                    for group in batch.values()
                    for local in [first + timedelta(minutes=group.id % 600)]
                ]
            )
            sessions = await planning.materialize_many(uow, batch, added, now, first=now)
            await planning.plan_many(uow, batch, sessions, now)
            occurrences += len(sessions)
            await uow.commit()
    elapsed = time.perf_counter() - started
    await dispose(engine)
    return elapsed, occurrences


STARTUP = """
import asyncio, json, resource, sys, time
started = time.perf_counter()
from adapters.config import Config
from adapters.startup import start
from bot.clock import SystemClock

def peak_rss():
    # This process's own peak (VmHWM).  ru_maxrss is carried over from the parent across
    # fork and exec on Linux: it reported the benchmark's own peak, not Cercle's.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

async def main():
    runtime = await start(Config().with_database(sys.argv[1]), SystemClock())
    await runtime.cercle.next_due()
    ready = time.perf_counter() - started
    rss = peak_rss()
    await runtime.close()
    print(json.dumps({"ready": ready, "rss": rss}))

asyncio.run(main())
"""


def startup(database: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", STARTUP, f"sqlite+aiosqlite:///{database}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


async def lateness(database: Path, count: int = 1000) -> list[float]:
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    await upgrade(engine)
    store = SqlStore(engine)
    now = datetime.now(UTC)
    due = now.replace(microsecond=0) + timedelta(seconds=3)
    async with store() as uow:
        group = await uow.groups.add(
            Group.new("bench", "room", GroupDefaults(reminder_leads=(60,)), now)
        )
        sessions = await uow.sessions.add_many(
            [
                Session.scheduled(group.id, due + timedelta(minutes=60, microseconds=i * 900), 90)
                for i in range(count)
            ]
        )
        await planning.plan(uow, group, sessions, now)
        await uow.commit()
    late: list[float] = []
    finished = asyncio.Event()
    cercle = Cercle(store, SystemClock())
    due_of: dict[int, datetime] = {}
    async with store() as uow:
        for job in await uow.jobs.list(group.id):
            due_of[job.id] = job.due_at

    async def deliver(items: list) -> None:  # type: ignore[type-arg]
        arrived = datetime.now(UTC)
        for item in items:
            job_id = int(item.idempotency_key.split(":")[1])
            late.append((arrived - due_of[job_id]).total_seconds())
        if len(late) >= count:
            finished.set()

    timer = Timer(cercle, SystemClock(), deliver)
    task = asyncio.create_task(timer.run())
    await cercle.plan()
    await asyncio.wait_for(finished.wait(), 60)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await dispose(engine)
    return late


_FIRED: list[float] = []
_DONE: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []


def hit(at: str) -> None:
    """A baseline job: note how late it fired (APScheduler needs a module-level callable)."""
    _FIRED.append((datetime.now(UTC) - datetime.fromisoformat(at)).total_seconds())
    if len(_FIRED) >= 1000:
        loop, done = _DONE[0]
        loop.call_soon_threadsafe(done.set)


def noop() -> None:
    """The baseline's stored jobs (never run here)."""


def baseline(folder: Path, jobs: int) -> dict[str, float]:
    """APScheduler 3 with its SQLAlchemyJobStore: one job per reminder."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    url = f"sqlite:///{folder / 'aps.db'}"

    async def run() -> dict[str, float]:
        scheduler = AsyncIOScheduler(
            jobstores={"default": SQLAlchemyJobStore(url=url)}, timezone=UTC
        )
        scheduler.start(paused=True)
        far = datetime.now(UTC) + timedelta(days=30)
        started = time.perf_counter()
        for index in range(jobs):
            scheduler.add_job(noop, "date", run_date=far + timedelta(seconds=index), id=f"j{index}")
        add = (time.perf_counter() - started) / jobs
        scheduler.shutdown(wait=False)
        started = time.perf_counter()
        again = AsyncIOScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)}, timezone=UTC)
        again.start()
        restart = time.perf_counter() - started
        # Far enough ahead that adding 1,000 jobs (~1 ms each) ends before they fall due.
        due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=10)
        done = asyncio.Event()
        _DONE.append((asyncio.get_running_loop(), done))
        for index in range(1000):
            when = due + timedelta(microseconds=index * 900)
            again.add_job(hit, "date", run_date=when, args=[when.isoformat()], id=f"b{index}")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), 30)
        again.shutdown(wait=False)
        return {"add_ms": add * 1000, "restart_s": restart}

    return asyncio.run(run()) | {"fired": _FIRED}  # type: ignore[dict-item]


def main(groups: int, baseline_jobs: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="cercle-reminders-"))
    scheduled_s, occurrences = asyncio.run(schedule_many(folder / "many.db", groups))
    start = startup(folder / "many.db")
    late = asyncio.run(lateness(folder / "burst.db"))
    base = baseline(folder, baseline_jobs)
    fired = base.pop("fired")  # type: ignore[misc]
    ms = [x * 1000 for x in late]
    bms = [x * 1000 for x in fired]  # type: ignore[union-attr]
    rows = [
        "| measure | Cercle (outbox) | APScheduler SQLAlchemyJobStore | goal |",
        "|---|---|---|---|",
        f"| schedule {occurrences:,} occurrences ({groups:,} groups, weekly) | {scheduled_s:.2f} s "
        f"| {base['add_ms']:.2f} ms per job → {base['add_ms'] * occurrences / 1000:.0f} s for as many "
        f"(measured on {baseline_jobs:,}) | < 5 s |",
        f"| start-up to ready over them (fresh process) | {start['ready']:.2f} s | "
        f"{base['restart_s'] * 1000:.0f} ms (restart over {baseline_jobs:,} jobs, in process) | < 1 s |",
        f"| resident memory at ready | {start['rss']:.0f} MB | — | < 100 MB |",
        f"| lateness of 1,000 due in one second: median | {median(ms):.1f} ms | {median(bms):.1f} ms | |",
        f"| p99 | {percentile(ms, 0.99):.1f} ms | {percentile(bms, 0.99):.1f} ms | < 50 ms |",
        f"| max | {max(ms):.1f} ms | {max(bms):.1f} ms | < 100 ms |",
        f"| of 1,000 due, delivered | {len(ms):,} | {len(bms):,} | all |",
    ]
    body = "\n".join(
        [
            "## Reminders at scale (`bench/reminders.py`)",
            "",
            "Cercle: series, occurrences (10-week horizon) and outbox jobs (planned 8 days ahead) "
            "in one SQLite file, batched 1,000 groups per transaction; start-up and memory of a "
            "fresh `python` process (its own peak resident set, VmHWM); the burst goes through the "
            "APScheduler timer, leases and batches of 200 jobs (apply, deliver, mark). Baseline: "
            "APScheduler 3.11 with its SQLAlchemyJobStore, one job per reminder, bare jobs.",
            "",
            *rows,
        ]
    )
    print(body)
    write_section("reminders", body)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--baseline-jobs", type=int, default=10_000)
    args = parser.parse_args()
    main(args.groups, args.baseline_jobs)
