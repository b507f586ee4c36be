"""A real Cercle process for the crash test: ``cercle run``'s own serve loop (APScheduler timer,
SQLite outbox, leases) with one extra platform that writes every delivery to a file and prints
its idempotency key, as a platform with idempotent sends would receive it.

Usage: python crash_worker.py DATABASE_FILE SINK_FILE [CLOCK_OFFSET_SECONDS]

The offset moves the worker's clock (not the timer's pace): a test can start it "later" than
real time, past a due time, without waiting for it.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.config import Config
from adapters.platform import Dispatcher
from adapters.serve import serve
from adapters.startup import configure_logging
from bot.app import Cercle
from bot.replies import Outgoing

PLATFORM = "sink"


class FileSink:
    name = PLATFORM

    def __init__(self, path: Path) -> None:
        self._file = path.open("a", encoding="utf-8")

    async def start(self, cercle: Cercle, dispatcher: Dispatcher) -> None:
        print("ready", flush=True)

    async def send(self, outgoing: Outgoing) -> None:
        # write() reaches the kernel at once: a SIGKILL after it cannot lose the line.
        self._file.write(json.dumps({"key": outgoing.idempotency_key}) + "\n")
        self._file.flush()
        print(outgoing.idempotency_key, flush=True)

    async def stop(self) -> None:
        self._file.close()


class OffsetClock:
    def __init__(self, seconds: float) -> None:
        self.offset = timedelta(seconds=seconds)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def main() -> None:
    database, sink = Path(sys.argv[1]), Path(sys.argv[2])
    offset = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    configure_logging("WARNING")
    config = Config().with_database(f"sqlite+aiosqlite:///{database}")
    asyncio.run(serve(config, platforms=[FileSink(sink)], clock=OffsetClock(offset)))


if __name__ == "__main__":
    main()
