"""Latency of ``hand``, ``pass`` and ``stick next`` through the core on a SQLite file.

The floor, measured in the same run: one raw aiosqlite transaction doing exactly the same reads
and writes (the statements the core issued for that command, replayed with their parameters on a
copy of the database).  So the ratio is the cost of everything that is not SQLite: parsing,
permissions, domain rules, the ORM-free repositories, rendering-free replies.

The statements are recorded with ``Database.on_statement``.  The core sends them in fewer trips
to its SQLite thread (folded reads, writes with COMMIT); the floor replays each with one
aiosqlite ``execute_fetchall``, one trip to aiosqlite's thread each, as it always did.

Run: ``.venv/bin/python bench/core_commands.py [--iterations N]``; it rewrites its section of
bench/RESULTS.md.  Goal: median within 1.2x of the floor, p99 under 3 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiosqlite
from _results import median, percentile, write_section  # a sibling module of this script

from bot.app import Cercle
from bot.clock import ManualClock
from bot.domain import GroupDefaults
from bot.events import Incoming
from bot.replies import Tone
from storage.engine import create_engine, dispose
from storage.migrate import upgrade
from storage.uow import SqlStore

MEMBERS = ("ann", "bob", "cat", "dan", "eve", "fay")


class Recorder:
    def __init__(self) -> None:
        self.on = False
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, statement: str, parameters: Any) -> None:
        if self.on:
            self.statements.append((statement, parameters))


async def main(iterations: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="cercle-bench-"))
    try:
        await run(folder, iterations)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def run(folder: Path, iterations: int) -> None:
    core_db, floor_db = folder / "core.db", folder / "floor.db"
    engine = create_engine(f"sqlite+aiosqlite:///{core_db}")
    await upgrade(engine)
    recorder = Recorder()
    engine.on_statement(recorder)
    clock = ManualClock()
    app = Cercle(SqlStore(engine), clock, GroupDefaults(language="fr"))
    counter = iter(range(10**9))

    async def say(user: str, text: str) -> None:
        incoming = Incoming("bench", "room", user, user, text, f"e{next(counter)}", user == "mod")
        out = await app.handle(incoming)
        errors = [o.reply.key for o in out if o.reply.tone is Tone.ERROR]
        assert not errors, (user, text, errors)

    await say("mod", "accepte")
    for member in MEMBERS:
        await say(member, "accepte")
    await say("mod", "séance ouvrir 4h")
    for member in MEMBERS:
        await say(member, "main")

    # The floor works on a copy of the same database, through one raw aiosqlite connection.
    with sqlite3.connect(core_db) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(core_db, floor_db)
    floor = await aiosqlite.connect(floor_db, isolation_level=None)
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA foreign_keys=ON",
    ):
        await floor.execute(pragma)

    timings: dict[str, list[float]] = {"hand": [], "pass": [], "next": []}
    floors: dict[str, list[float]] = {"hand": [], "pass": [], "next": []}
    tight: dict[str, list[float]] = {"hand": [], "pass": [], "next": []}
    cpu_times: dict[str, list[float]] = {"hand": [], "pass": [], "next": []}

    # The one-trip bound: a plain sqlite3 connection of its own thread, on a third copy.
    tight_db = folder / "tight.db"
    shutil.copy(floor_db, tight_db)
    one_thread = ThreadPoolExecutor(max_workers=1)
    loop = asyncio.get_running_loop()

    def open_tight() -> sqlite3.Connection:
        connection = sqlite3.connect(tight_db, isolation_level=None)
        for pragma in ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"):
            connection.execute(pragma)
        return connection

    tight_connection = await loop.run_in_executor(one_thread, open_tight)

    def in_one_trip(statements: list[tuple[str, Any]]) -> None:
        tight_connection.execute("BEGIN IMMEDIATE")
        for statement, parameters in statements:
            tight_connection.execute(statement, parameters).fetchall()
        tight_connection.execute("COMMIT")

    async def measure(kind: str, user: str, text: str) -> None:
        clock.advance(timedelta(minutes=1))
        recorder.statements.clear()
        recorder.on = True
        started, cpu = time.perf_counter(), time.process_time()
        await say(user, text)
        timings[kind].append(time.perf_counter() - started)
        cpu_times[kind].append(time.process_time() - cpu)
        recorder.on = False
        statements = [s for s in recorder.statements if not s[0].startswith(("BEGIN", "COMMIT"))]
        assert statements, "no statement recorded"
        started = time.perf_counter()
        await floor.execute("BEGIN IMMEDIATE")
        for statement, parameters in statements:
            await floor.execute_fetchall(statement, parameters)
        await floor.commit()
        floors[kind].append(time.perf_counter() - started)
        # The tightest bound: the same statements in one trip to a thread (what no code that
        # awaits between statements can reach), shown for comparison only.
        started = time.perf_counter()
        await loop.run_in_executor(one_thread, in_one_trip, statements)
        tight[kind].append(time.perf_counter() - started)

    holder_cycle = list(MEMBERS)
    for _ in range(iterations):
        # The holder passes, a moderator ends the next turn, and both raise their hands again.
        first, second = holder_cycle[0], holder_cycle[1]
        await measure("pass", first, "passe")
        await measure("next", "mod", "bâton suivant")
        await measure("hand", first, "main")
        await measure("hand", second, "main")
        holder_cycle = [*holder_cycle[2:], first, second]

    await floor.close()
    await loop.run_in_executor(one_thread, tight_connection.close)
    one_thread.shutdown()
    await dispose(engine)
    report(timings, floors, tight, cpu_times, iterations)


def report(
    timings: dict[str, list[float]],
    floors: dict[str, list[float]],
    tight: dict[str, list[float]],
    cpu_times: dict[str, list[float]],
    iterations: int,
) -> None:
    rows = [
        "| command | median | p99 | floor median | floor p99 | ratio (median) "
        "| one-trip median | ratio to it | CPU median |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for kind in ("hand", "pass", "next"):
        warm_core, warm_floor = timings[kind][10:], floors[kind][10:]
        core_median, floor_median = median(warm_core), median(warm_floor)
        tight_median = median(tight[kind][10:])
        rows.append(
            f"| {kind} | {core_median * 1000:.2f} ms | {percentile(warm_core, 0.99) * 1000:.2f} ms "
            f"| {floor_median * 1000:.2f} ms | {percentile(warm_floor, 0.99) * 1000:.2f} ms "
            f"| {core_median / floor_median:.2f}x | {tight_median * 1000:.2f} ms "
            f"| {core_median / tight_median:.2f}x "
            f"| {median(cpu_times[kind][10:]) * 1000:.2f} ms |"
        )
    body = "\n".join(
        [
            "## Core commands on SQLite (`bench/core_commands.py`)",
            "",
            (
                f"{iterations} rounds (pass, next, two hands each; the first 10 samples of each "
                "command dropped as warm-up). Floor: the same statements the core issued for "
                "that command, replayed in one raw aiosqlite transaction on a copy of the "
                "database (`BEGIN IMMEDIATE`, one `execute_fetchall` per statement, `commit`: "
                "one trip to aiosqlite's thread each; the core, on SQLite, runs the same "
                "statements, compiled once from SQLAlchemy Core, in 4 trips to its own SQLite "
                "thread: the event's record, the group with the member, the stick with what it "
                "needs, then the writes with COMMIT). For comparison only, the one-trip "
                "bound: the same statements and COMMIT run in a single trip to a thread (plain "
                "`sqlite3`), which code that awaits between statements cannot reach. CPU: the "
                "process's CPU time per command (every thread), steadier than wall time on a "
                "shared machine. Goal: median within 1.2x of the floor, p99 under 3 ms."
            ),
            "",
            *rows,
        ]
    )
    print(body)
    write_section("core_commands", body)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=300)
    asyncio.run(main(parser.parse_args().iterations))
