"""``cercle run --config FILE``: every enabled platform in one process, until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from adapters.backoff import Backoff
from adapters.config import Config, ConfigError
from adapters.observability import HttpServer, Metrics
from adapters.platform import Dispatcher, PermanentFailure, Platform
from adapters.scheduler import Timer
from adapters.startup import Runtime, start
from bot.app import Cercle
from bot.clock import SystemClock
from bot.ports import Clock
from storage.errors import DatabaseError

log = logging.getLogger("cercle.serve")


def enabled_platforms(config: Config) -> list[Platform]:
    """The adapters the configuration turns on.  Imported lazily: a deployment that only uses
    Matrix never imports discord.py, and the other way round."""
    platforms: list[Platform] = []
    if config.matrix.enabled:
        from adapters.matrix import build as build_matrix

        platforms.append(build_matrix(config.matrix))
    if config.discord.enabled:
        from adapters.discord import build as build_discord

        platforms.append(build_discord(config.discord))
    if not platforms:
        raise ConfigError(
            "no platform is enabled: set matrix.enabled or discord.enabled to true "
            "(or try `cercle console`, which needs no account)",
            source=config.source,
        )
    return platforms


FIRST_RETRY = 1.0
LONGEST_RETRY = 60.0
"""Transient failures at start-up are retried after 1, 2, 4… seconds, at most a minute apart."""
STOP_WAIT = 2.0
"""How long platforms still starting get to notice the bot is stopping."""
SHUTDOWN_DISPOSE = 1.5
"""How long closing the database may take when the bot stops."""


async def serve(
    config: Config,
    stop: asyncio.Event | None = None,
    platforms: list[Platform] | None = None,
    *,
    first_retry: float = FIRST_RETRY,
    clock: Clock | None = None,
) -> None:
    """Start the core, the timer and each platform; stop them all when ``stop`` is set (or on
    SIGTERM/SIGINT), platforms first so nothing new arrives while the database closes.

    A database server or a platform that does not answer is tried again with a capped
    exponential backoff, one log line each time, while the rest of the bot works; a platform
    that refuses the bot's secret (:class:`PermanentFailure`) stops the bot with what to fix."""
    platforms = enabled_platforms(config) if platforms is None else platforms
    stop = stop or _stop_on_signals()
    runtime = await _start_core(config, stop, first_retry, clock or SystemClock())
    if runtime is None:
        return
    dispatcher = Dispatcher({p.name: p for p in platforms})
    http = _http(config, runtime.cercle, platforms, dispatcher)
    if http is not None:
        await http.start()
    timer = Timer(runtime.cercle, runtime.clock, dispatcher.deliver)
    runtime.cercle.listeners.append(timer.wake)
    timer_task = asyncio.create_task(timer.run(), name="cercle-timer")
    starter = _Starter(runtime.cercle, dispatcher, stop, first_retry)
    starting = [
        asyncio.create_task(starter.keep_starting(platform), name=f"start-{platform.name}")
        for platform in platforms
    ]
    try:
        await stop.wait()
    finally:
        # Each start sees ``stop`` and ends (a login in progress is cancelled by
        # _unless_stopped); whatever is still running after that is cancelled.
        stop.set()
        _, late = await asyncio.wait(starting, timeout=STOP_WAIT)
        for task in late:
            task.cancel()
        await asyncio.gather(*starting, return_exceptions=True)
        for platform in reversed(starter.started):
            try:
                await asyncio.wait_for(platform.stop(), timeout=10)
            except Exception as error:  # keep stopping the others
                log.error("stopping %s failed with %s", platform.name, type(error).__name__)  # noqa: TRY400
        timer_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await timer_task
        if http is not None:
            await http.stop()
        # Every command committed already: closing the database may give up early (a SQLite
        # trip stuck behind another process's lock, a PostgreSQL server gone), so SIGTERM ends
        # the process within seconds.
        runtime.dispose_timeout = SHUTDOWN_DISPOSE
        await runtime.close()
    if starter.failures:
        raise starter.failures[0]


async def _start_core(
    config: Config, stop: asyncio.Event, first_retry: float, clock: Clock
) -> Runtime | None:
    """The database and the core; a database server that does not answer is waited for."""
    backoff = _backoff(first_retry)
    while True:
        try:
            return await start(config, clock)
        except DatabaseError as error:
            if not error.transient:
                raise
            delay = backoff.next_delay()
            log.warning("the database does not answer yet; trying again in %.0f s", delay)
        if await _stopped_within(stop, delay):
            return None


@dataclass
class _Starter:
    """Starts the platforms, each in its own task, and remembers which are up."""

    cercle: Cercle
    dispatcher: Dispatcher
    stop: asyncio.Event
    first_retry: float
    started: list[Platform] = field(default_factory=list)
    failures: list[PermanentFailure] = field(default_factory=list)

    async def keep_starting(self, platform: Platform) -> None:
        """Start ``platform``, trying again after transient failures until it is up or the
        bot stops; a permanent failure stops the whole bot (it cannot fix itself)."""
        backoff = _backoff(self.first_retry)
        while not self.stop.is_set():
            try:
                if await _unless_stopped(platform.start(self.cercle, self.dispatcher), self.stop):
                    self.started.append(platform)
                    log.info("platform ready", extra={"platform": platform.name})
                return
            except PermanentFailure as failure:
                self.failures.append(failure)
                self.stop.set()
                return
            except Exception as error:
                delay = backoff.next_delay()
                log.warning(
                    "%s could not start (%s); trying again in %.0f s",
                    platform.name,
                    type(error).__name__,
                    delay,
                )
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(platform.stop(), timeout=10)
            if await _stopped_within(self.stop, delay):
                return


def _backoff(first_retry: float) -> Backoff:
    """One process retrying: exact waits (jitter only helps many clients not to retry in step)."""
    return Backoff(first_retry, LONGEST_RETRY, jitter=0)


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    """Wait ``seconds``, or less if the bot is told to stop (then True)."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True


def _http(
    config: Config, cercle: Cercle, platforms: list[Platform], dispatcher: Dispatcher
) -> HttpServer | None:
    """The optional ``/healthz``, ``/metrics`` and private calendar feeds (``[http] enabled =
    true``; the feeds with ``public_url``)."""
    if not config.http.enabled:
        return None
    cercle.feed_base = config.http.public_url
    metrics = Metrics()
    metrics.watch(cercle, dispatcher)
    metrics.count_rate_limits(platforms)
    return HttpServer(config.http, cercle, platforms, metrics)


async def _unless_stopped(starting: Coroutine[Any, Any, None], stop: asyncio.Event) -> bool:
    """Run ``starting`` unless ``stop`` is set first, then cancel it (a login that never gets an
    answer must not hold a SIGTERM back).  True when it finished."""
    task = asyncio.ensure_future(starting)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:
        task.cancel()
        raise
    finally:
        stopping.cancel()
    if task.done():
        task.result()
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    log.info("stopped while starting")
    return False


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop
