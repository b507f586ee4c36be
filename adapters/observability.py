"""``/healthz`` and ``/metrics`` for the operator (``[http] enabled = true``).

Both say how the bot is doing, never who said what: metrics are labelled by command name,
outcome, platform and job kind only, and the health check names parts of the bot (the
database, a platform), never a person or a room."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from aiohttp import web
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    exposition,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from adapters.config import HttpConfig
from adapters.platform import Dispatcher, Platform
from bot.app import Cercle

log = logging.getLogger("cercle.http")


@dataclass
class Metrics:
    """The bot's Prometheus metrics, in a registry of their own (not the process-wide one)."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.commands = Counter(
            "cercle_commands",
            "Commands handled, by name and outcome.",
            ["command", "outcome"],
            registry=r,
        )
        self.command_seconds = Histogram(
            "cercle_command_seconds",
            "Time the core took to handle a command.",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
            registry=r,
        )
        self.jobs_delivered = Counter(
            "cercle_jobs_delivered",
            "Timed jobs delivered (reminders…), by kind.",
            ["kind"],
            registry=r,
        )
        self.sends = Counter(
            "cercle_platform_sends",
            "Replies handed to a platform, by outcome.",
            ["platform", "outcome"],
            registry=r,
        )
        self.delivery_retries = Counter(
            "cercle_delivery_retries",
            "Batches of replies that could not all be sent and will be sent again.",
            registry=r,
        )
        self.outbox_lateness = Gauge(
            "cercle_outbox_lateness_seconds", "How late the oldest due job is.", registry=r
        )
        self.platform_connected = Gauge(
            "cercle_platform_connected",
            "1 when the platform is connected.",
            ["platform"],
            registry=r,
        )

    def count_rate_limits(self, platforms: Sequence[Platform]) -> None:
        self.registry.register(_RateLimits(platforms))

    def watch(self, cercle: Cercle, dispatcher: Dispatcher) -> None:
        cercle.command_observers.append(self._command)
        cercle.job_observers.append(self.jobs_delivered_of)
        dispatcher.send_observers.append(self._send)

    def _send(self, platform: str, outcome: str) -> None:
        self.sends.labels(platform=platform, outcome=outcome).inc()
        if outcome == "failed":
            self.delivery_retries.inc()

    def _command(self, name: str, outcome: str, seconds: float) -> None:
        self.commands.labels(command=name, outcome=outcome).inc()
        self.command_seconds.observe(seconds)

    def jobs_delivered_of(self, kind: str, count: int) -> None:
        self.jobs_delivered.labels(kind=kind).inc(count)


class _RateLimits(Collector):
    """``cercle_platform_rate_limits_total``: 429s waited out, read from each platform."""

    def __init__(self, platforms: Sequence[Platform]) -> None:
        self._platforms = platforms

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "cercle_platform_rate_limits",
            "Times a platform asked the bot to slow down (429s waited out).",
            labels=["platform"],
        )
        for platform in self._platforms:
            family.add_metric([platform.name], platform.rate_limits)
        yield family


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    body: dict[str, object]


async def health(cercle: Cercle, platforms: Sequence[Platform], metrics: Metrics) -> Health:
    """The database answers and every enabled platform is connected, or which part is down."""
    down: list[str] = []
    body: dict[str, object] = {}
    try:
        lateness = await cercle.lateness()
    except Exception as error:  # any failure to read means the database is not usable
        log.warning("health check: the database did not answer (%s)", type(error).__name__)
        down.append("database")
        body["database"] = "down"
    else:
        body["database"] = "ok"
        body["oldest_due_job_late_seconds"] = round(lateness.total_seconds(), 3)
        metrics.outbox_lateness.set(lateness.total_seconds())
    for platform in platforms:
        connected = platform.connected
        metrics.platform_connected.labels(platform=platform.name).set(1 if connected else 0)
        body[platform.name] = "ok" if connected else "down"
        if not connected:
            down.append(platform.name)
    body["status"] = "ok" if not down else "down"
    body["down"] = down
    return Health(not down, body)


class HttpServer:
    """The optional HTTP endpoints, served by aiohttp on ``[http] listen``."""

    def __init__(
        self,
        config: HttpConfig,
        cercle: Cercle,
        platforms: Sequence[Platform],
        metrics: Metrics,
    ) -> None:
        self._config = config
        self._cercle = cercle
        self._platforms = platforms
        self._metrics = metrics
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics_page)
        if config.public_url is not None:
            app.router.add_get("/calendar/{name}", self._calendar)
        self._runner = web.AppRunner(app, access_log=None)

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._config.host, self._config.port)
        await site.start()
        log.info("http endpoints ready", extra={"port": self._config.port})

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        found = await health(self._cercle, self._platforms, self._metrics)
        return web.Response(
            status=200 if found.ok else 503,
            text=json.dumps(found.body),
            content_type="application/json",
        )

    async def _calendar(self, request: web.Request) -> web.Response:
        """A member's private calendar feed; any unknown name is a plain 404 (the token is
        never logged)."""
        name = request.match_info["name"]
        token = name.removesuffix(".ics")
        data = None if token == name else await self._cercle.calendar_feed(token)
        if data is None:
            raise web.HTTPNotFound
        return web.Response(
            body=data,
            content_type="text/calendar",
            charset="utf-8",
            headers={"Cache-Control": "private, max-age=300"},
        )

    async def _metrics_page(self, request: web.Request) -> web.Response:
        await health(self._cercle, self._platforms, self._metrics)  # fresh gauges
        return web.Response(
            body=generate_latest(self._metrics.registry),
            headers={"Content-Type": exposition.CONTENT_TYPE_LATEST},
        )
