"""Issue 14: what ``cercle run`` does when a part is away — transient failures retried with a
capped backoff (one log line each) while the rest of the bot works; a refused secret stops the bot
with what to fix; a database server that does not answer is waited for, and a stop still stops."""

from __future__ import annotations

import asyncio
import logging
import socket
from pathlib import Path

import pytest

from adapters.config import Config
from adapters.platform import Dispatcher, PermanentFailure
from adapters.serve import serve
from bot.app import Cercle
from bot.events import Incoming
from bot.replies import Outgoing

QUICK = 0.01
"""The first retry delay in these tests (the bot's own is a second)."""


class FlakyPlatform:
    """Fails to start ``failures`` times (like an unreachable homeserver), then works."""

    def __init__(self, name: str, failures: int = 0, *, refused: bool = False) -> None:
        self.name = name
        self.failures = failures
        self.refused = refused
        self.attempts = 0
        self.stops = 0
        self.sent: list[Outgoing] = []
        self.ready = asyncio.Event()
        self.cercle: Cercle | None = None

    async def start(self, cercle: Cercle, dispatcher: Dispatcher) -> None:
        self.attempts += 1
        if self.refused:
            raise PermanentFailure(f"{self.name}: the token was refused; set a new one")
        if self.attempts <= self.failures:
            raise ConnectionRefusedError("no answer")
        self.cercle = cercle
        self.ready.set()

    async def send(self, outgoing: Outgoing) -> None:
        self.sent.append(outgoing)

    async def stop(self) -> None:
        self.stops += 1
        self.ready.clear()

    @property
    def rate_limits(self) -> int:
        return 0

    @property
    def connected(self) -> bool:
        return self.ready.is_set()


def config_in(tmp_path: Path) -> Config:
    return Config().with_database(f"sqlite+aiosqlite:///{tmp_path / 'run.db'}")


async def test_a_platform_that_does_not_answer_is_retried_while_the_others_work(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    steady, flaky = FlakyPlatform("steady"), FlakyPlatform("flaky", failures=3)
    stop = asyncio.Event()
    with caplog.at_level(logging.WARNING, logger="cercle"):
        running = asyncio.create_task(
            serve(config_in(tmp_path), stop, [steady, flaky], first_retry=QUICK)
        )
        async with asyncio.timeout(20):
            await steady.ready.wait()
            assert steady.cercle is not None  # the steady one works meanwhile
            said = await steady.cercle.handle(
                Incoming("steady", "room", "ann", "Ann", "rules", "e1")
            )
            assert said
            await flaky.ready.wait()
        stop.set()
        await asyncio.wait_for(running, 20)
    assert flaky.attempts == 4
    retries = [r.getMessage() for r in caplog.records if "could not start" in r.getMessage()]
    assert len(retries) == 3, retries
    assert all("ConnectionRefusedError" in line and "trying again in" in line for line in retries)
    assert steady.stops >= 1 and flaky.stops >= 1


async def test_the_backoff_doubles_and_is_capped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("adapters.serve.LONGEST_RETRY", 0.04)
    flaky = FlakyPlatform("flaky", failures=6)
    stop = asyncio.Event()
    with caplog.at_level(logging.WARNING, logger="cercle"):
        running = asyncio.create_task(serve(config_in(tmp_path), stop, [flaky], first_retry=0.01))
        async with asyncio.timeout(20):
            await flaky.ready.wait()
        stop.set()
        await asyncio.wait_for(running, 20)
    delays = [r.args[2] for r in caplog.records if "could not start" in r.getMessage()]
    assert delays == [0.01, 0.02, 0.04, 0.04, 0.04, 0.04]


async def test_a_refused_secret_stops_the_bot_and_says_what_to_fix(tmp_path: Path) -> None:
    steady, refused = FlakyPlatform("steady"), FlakyPlatform("chat", refused=True)
    with pytest.raises(PermanentFailure, match="set a new one"):
        await asyncio.wait_for(
            serve(config_in(tmp_path), asyncio.Event(), [steady, refused], first_retry=QUICK), 20
        )
    assert refused.attempts == 1, "a refused secret is not tried again"
    assert not steady.ready.is_set(), "what started was stopped"


async def test_a_database_server_that_does_not_answer_is_waited_for_and_stop_still_works() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = Config().with_database(f"postgresql+asyncpg://cercle@127.0.0.1:{port}/cercle")
    platform = FlakyPlatform("chat")
    stop = asyncio.Event()
    waited = ThirdRetry()
    logger = logging.getLogger("cercle.serve")
    logger.addHandler(waited)
    try:
        running = asyncio.create_task(serve(config, stop, [platform], first_retry=QUICK))
        async with asyncio.timeout(20):
            await waited.seen.wait()
        stop.set()
        await asyncio.wait_for(running, 5)
    finally:
        logger.removeHandler(waited)
    assert platform.attempts == 0, "nothing starts without the database"


class ThirdRetry(logging.Handler):
    """Sets ``seen`` at the third "does not answer yet" line (instead of polling the logs)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "does not answer yet" in record.getMessage():
            self.count += 1
            if self.count >= 3:
                self.seen.set()
