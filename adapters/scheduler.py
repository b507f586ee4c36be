"""APScheduler as the in-process timer: it only wakes the dispatcher.

The database is the source of truth for what is due (the outbox in ``jobs``).  This keeps one
APScheduler "date" job armed at the next due time the database knows, re-arms it after each
run and whenever a command may have planned something sooner (:meth:`wake`), and re-checks every
few minutes (another process sharing a PostgreSQL database may have planned something).  On
start-up it is rebuilt from the database simply by arming it, so nothing that fell due while
the bot was down is skipped: APScheduler's own ``misfire_grace_time`` never decides anything.

A burst (a thousand reminders due within a second) is drained without going back to
APScheduler: as long as something is due when a run ends, the dispatcher runs again at once.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import Cercle, Deliver
from bot.ports import Clock

log = logging.getLogger("cercle.scheduler")

RECHECK = timedelta(minutes=5)
RETRY_AFTER = timedelta(seconds=5)
DISPATCH = "cercle-dispatch"


class Timer:
    def __init__(self, cercle: Cercle, clock: Clock, deliver: Deliver) -> None:
        self.cercle = cercle
        self.clock = clock
        self.deliver = deliver
        self._scheduler: AsyncIOScheduler | None = None
        self._arming: asyncio.Task[None] | None = None
        self._woken = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.runs = 0

    async def run(self) -> None:
        """Run until cancelled."""
        settle_heap()
        scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler = scheduler
        scheduler.add_job(self._recheck, "interval", seconds=RECHECK.total_seconds(), id="recheck")
        scheduler.start()
        try:
            await self._arm()
            await asyncio.Event().wait()
        finally:
            scheduler.shutdown(wait=False)
            self._scheduler = None
            # APScheduler only starts work; the work itself is ours to stop.
            running = [t for t in (*self._tasks, self._arming) if t is not None and not t.done()]
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    def wake(self) -> None:
        """Something may have been planned sooner: look at the database again."""
        if self._scheduler is None:
            return
        self._woken = True
        if self._arming is None or self._arming.done():
            self._arming = asyncio.get_running_loop().create_task(self._rearm())

    async def _rearm(self) -> None:
        # A wake that comes while we read the database is not lost: we read again.
        while self._woken:
            self._woken = False
            await self._arm()

    async def _arm(self, delay: timedelta | None = None) -> None:
        if self._scheduler is None:
            return
        if delay is None:
            try:
                due = await self.cercle.next_due()
            except Exception as error:  # the database is away: try again soon
                log.error("reading the next due time failed with %s", type(error).__name__)  # noqa: TRY400
                due, delay = None, RETRY_AFTER
            if due is not None:
                delay = max(timedelta(0), due - self.clock.now())
        self._arm_in(delay)

    def _arm_in(self, delay: timedelta | None) -> None:
        scheduler = self._scheduler
        if scheduler is None or delay is None:
            return
        # The core's clock may be virtual; APScheduler counts real time from now.
        run_at = datetime.now(UTC) + min(delay, RECHECK)
        scheduler.add_job(
            self._dispatch,
            "date",
            run_date=run_at,
            id=DISPATCH,
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
            # The dispatcher re-arms itself before its run ends: with one instance allowed,
            # APScheduler would skip (and drop) that next run.  Runs never overlap in effect:
            # jobs are leased, and the core runs them one batch at a time.
            max_instances=3,
        )

    async def _recheck(self) -> None:
        self.wake()

    async def _dispatch(self) -> None:
        # APScheduler runs this coroutine as a task of its own: keep it, to stop it at shutdown.
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        try:
            while True:
                taken = await self.cercle.run_due(self.deliver)
                self.runs += 1
                log.debug("dispatched", extra={"jobs": taken})
                due = await self.cercle.next_due()
                delay = None if due is None else due - self.clock.now()
                # More is due already (a burst): run again now rather than through APScheduler.
                if not taken or delay is None or delay > timedelta(0):
                    break
        except asyncio.CancelledError:
            if self._scheduler is not None:
                raise
            # The timer is stopping (run() cancels the runs in flight): not an error for
            # APScheduler to log.  The leases bring back whatever this run did not finish.
            return
        except Exception as error:
            log.error("running due jobs failed with %s", type(error).__name__)  # noqa: TRY400
            await self._arm(RETRY_AFTER)
            return
        self._arm_in(None if delay is None else max(timedelta(0), delay))


def settle_heap() -> None:
    """Take what start-up left in memory (modules, catalogs, the command registry…) out of the
    garbage collector's sight.  Otherwise a full collection, which comes every so often while a
    burst allocates, walks all of it: 40-50 ms measured here, a stall in the middle of a
    thousand reminders due in one second.  Garbage is collected first, so none is kept."""
    gc.collect()
    gc.freeze()
