"""``cercle run --config FILE``: every enabled platform in one process, until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine
from typing import Any

from adapters.config import Config, ConfigError
from adapters.observability import HttpServer, Metrics
from adapters.platform import Dispatcher, Platform
from adapters.scheduler import Timer
from adapters.startup import start
from bot.app import Cercle
from bot.clock import SystemClock

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


async def serve(
    config: Config,
    stop: asyncio.Event | None = None,
    platforms: list[Platform] | None = None,
) -> None:
    """Start the core, the timer and each platform; stop them all when ``stop`` is set (or on
    SIGTERM/SIGINT), platforms first so nothing new arrives while the database closes."""
    platforms = enabled_platforms(config) if platforms is None else platforms
    stop = stop or _stop_on_signals()
    runtime = await start(config, SystemClock())
    dispatcher = Dispatcher({p.name: p for p in platforms})
    http = _http(config, runtime.cercle, platforms, dispatcher)
    if http is not None:
        await http.start()
    timer = Timer(runtime.cercle, runtime.clock, dispatcher.deliver)
    runtime.cercle.listeners.append(timer.wake)
    timer_task = asyncio.create_task(timer.run(), name="cercle-timer")
    started: list[Platform] = []
    try:
        for platform in platforms:
            if not await _unless_stopped(platform.start(runtime.cercle, dispatcher), stop):
                return
            started.append(platform)
            log.info("platform ready", extra={"platform": platform.name})
        await stop.wait()
    finally:
        for platform in reversed(started):
            try:
                await asyncio.wait_for(platform.stop(), timeout=10)
            except Exception as error:  # keep stopping the others
                log.error("stopping %s failed with %s", platform.name, type(error).__name__)  # noqa: TRY400
        timer_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await timer_task
        if http is not None:
            await http.stop()
        await runtime.close()


def _http(
    config: Config, cercle: Cercle, platforms: list[Platform], dispatcher: Dispatcher
) -> HttpServer | None:
    """The optional ``/healthz`` and ``/metrics`` (``[http] enabled = true``)."""
    if not config.http.enabled:
        return None
    metrics = Metrics()
    metrics.watch(cercle, dispatcher)
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
