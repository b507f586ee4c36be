"""Discord ids: milliseconds since the Discord epoch, shifted left 22 bits, plus a counter."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1420070400000


class Snowflakes:
    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def next(self) -> int:
        milliseconds = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (milliseconds << 22) | (next(self._counter) & 0x3FFFFF)


def iso(when: datetime | None = None) -> str:
    return (when or datetime.now(UTC)).isoformat()
