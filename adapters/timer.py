"""The in-process timer: runs the core's due jobs when they fall due, without polling.

It sleeps until the next due time the database knows, and is woken early whenever a command may
have scheduled something sooner.  The database stays the source of truth for what is due.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.app import Cercle
from bot.ports import Clock
from bot.replies import Outgoing

log = logging.getLogger("cercle.timer")

MAX_WAIT = 300.0
"""Re-check the database at least this often (another process may share it; a laptop may sleep)."""
RETRY_AFTER = 5.0
"""Wait after running due jobs failed, instead of trying again at once."""


class DueJobs:
    """Runs due jobs at their time without polling in a loop."""

    def __init__(
        self,
        cercle: Cercle,
        clock: Clock,
        deliver: Callable[[Sequence[Outgoing]], Awaitable[None]],
        *,
        max_wait: float = MAX_WAIT,
        retry_after: float = RETRY_AFTER,
    ) -> None:
        self.cercle = cercle
        self.clock = clock
        self.deliver = deliver
        self.max_wait = max_wait
        self.retry_after = retry_after
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something may have been scheduled: look at the next due time again."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            # Cleared before reading, so a wake() that comes while we read is not lost.
            self._wake.clear()
            try:
                due = await self.cercle.next_due()
                now = self.clock.now()
                if due is not None and due <= now:
                    await self.cercle.run_due(self.deliver)
                    if await self.cercle.next_due() != due:
                        continue
                    delay = self.retry_after  # still due: do not spin on it
                elif due is None:
                    delay = self.max_wait
                else:
                    delay = min(self.max_wait, (due - now).total_seconds())
            except Exception as error:  # the database failed: say so, try again later
                log.error("running due jobs failed with %s", type(error).__name__)  # noqa: TRY400
                delay = self.retry_after
            await self._sleep(delay)

    async def _sleep(self, delay: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.0, delay)):
                await self._wake.wait()
