"""The real clock.  Tests and the console's scripts use :class:`bot.testing.FakeClock` instead."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
