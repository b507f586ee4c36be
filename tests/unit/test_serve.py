"""``cercle run``: platforms started, replies routed by platform, everything stopped cleanly."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from adapters.config import Config, ConfigError
from adapters.platform import Dispatcher
from adapters.serve import enabled_platforms, serve
from bot.app import Cercle
from bot.events import Incoming
from bot.replies import Outgoing


class FakePlatform:
    """A platform that types one command once started and records what it is asked to send."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[Outgoing] = []
        self.events: list[str] = []
        self.ready = asyncio.Event()

    async def start(self, cercle: Cercle, dispatcher: Dispatcher) -> None:
        self.events.append("start")
        replies = await cercle.handle(
            Incoming(self.name, "room", "ann", "Ann", "rules", "e1", is_moderator=False)
        )
        await dispatcher.deliver(replies)
        self.ready.set()

    async def send(self, outgoing: Outgoing) -> None:
        self.sent.append(outgoing)

    async def stop(self) -> None:
        self.events.append("stop")

    @property
    def rate_limits(self) -> int:
        return 0

    @property
    def connected(self) -> bool:
        return self.ready.is_set() and "stop" not in self.events


def test_no_enabled_platform_is_a_clear_configuration_error() -> None:
    with pytest.raises(ConfigError, match="no platform is enabled"):
        enabled_platforms(Config())


async def test_serve_starts_routes_and_stops(tmp_path: Path) -> None:
    config = Config().with_database(f"sqlite+aiosqlite:///{tmp_path / 'run.db'}")
    one, two = FakePlatform("one"), FakePlatform("two")
    stop = asyncio.Event()
    task = asyncio.create_task(serve(config, stop, [one, two]))
    async with asyncio.timeout(20):
        await one.ready.wait()
        await two.ready.wait()
    stop.set()
    await asyncio.wait_for(task, 20)
    assert one.events == ["start", "stop"]
    assert two.events == ["start", "stop"]
    assert {o.platform for o in one.sent} == {"one"}
    assert {o.platform for o in two.sent} == {"two"}
    assert [o.reply.key for o in one.sent] == [
        "welcome.newcomer",
        "welcome.private",
        "charter.show",
    ]
