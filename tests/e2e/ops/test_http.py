"""``[http]``: ``/healthz`` and ``/metrics`` over real HTTP requests, from ``cercle run``'s own
serve loop (issue 14) — and neither ever shows a member's name or words."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import aiohttp
import pytest

from adapters.config import Config, ConfigError
from adapters.platform import Dispatcher
from adapters.serve import serve
from bot.app import Cercle
from bot.events import Incoming
from bot.replies import Outgoing

pytestmark = pytest.mark.e2e

SECRET_NAME = "Zoé Secret-Name"
SECRET_WORDS = "my very private theme"


class ChattyPlatform:
    """Types a few commands once started; can be told it lost its connection."""

    name = "chat"

    def __init__(self) -> None:
        self.ready = asyncio.Event()
        self.lost = False
        self.sent: list[Outgoing] = []

    async def start(self, cercle: Cercle, dispatcher: Dispatcher) -> None:
        for number, text in enumerate(("agree", f"theme propose {SECRET_WORDS}", "nonsense")):
            incoming = Incoming(self.name, "room", "zoe", SECRET_NAME, text, f"e{number}")
            await dispatcher.deliver(await cercle.handle(incoming))
        self.ready.set()

    async def send(self, outgoing: Outgoing) -> None:
        self.sent.append(outgoing)

    async def stop(self) -> None:
        self.ready.clear()

    @property
    def connected(self) -> bool:
        return self.ready.is_set() and not self.lost

    @property
    def rate_limits(self) -> int:
        return 2  # as if the platform had answered 429 twice


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def get(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as answer,
    ):
        return answer.status, await answer.text()


async def test_healthz_and_metrics_over_http(tmp_path: Path) -> None:
    port = free_port()
    config = Config.from_toml(
        f'[http]\nenabled = true\nlisten = "127.0.0.1:{port}"\n', environ={}
    ).with_database(f"sqlite+aiosqlite:///{tmp_path / 'run.db'}")
    platform = ChattyPlatform()
    stop = asyncio.Event()
    running = asyncio.create_task(serve(config, stop, [platform]))
    try:
        async with asyncio.timeout(20):
            await platform.ready.wait()
        status, body = await get(port, "/healthz")
        assert status == 200, body
        health = json.loads(body)
        assert health["status"] == "ok"
        assert health["database"] == "ok" and health["chat"] == "ok"
        assert health["oldest_due_job_late_seconds"] == 0

        status, text = await get(port, "/metrics")
        assert status == 200
        assert 'cercle_commands_total{command="agree",outcome="ok"} 1.0' in text
        assert 'cercle_commands_total{command="theme propose",outcome="ok"} 1.0' in text
        assert 'cercle_commands_total{command="unknown",outcome="refused"} 1.0' in text
        assert "cercle_command_seconds_count 3.0" in text
        assert 'cercle_platform_sends_total{outcome="sent",platform="chat"}' in text
        assert 'cercle_platform_connected{platform="chat"} 1.0' in text
        assert 'cercle_platform_rate_limits_total{platform="chat"} 2.0' in text
        for secret in (SECRET_NAME, "Zoé", SECRET_WORDS, "zoe"):
            assert secret not in text and secret not in body

        platform.lost = True
        status, body = await get(port, "/healthz")
        assert status == 503
        assert json.loads(body)["down"] == ["chat"]
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(port, "/healthz")  # stopped with the bot


@pytest.mark.parametrize(
    ("listen", "complaint"),
    [("9464", "HOST:PORT"), ("127.0.0.1:99999", "between 1 and 65535"), ("h:x", "HOST:PORT")],
)
def test_a_bad_listen_address_names_the_key(listen: str, complaint: str) -> None:
    with pytest.raises(ConfigError, match=complaint) as refused:
        Config.from_toml(f'[http]\nlisten = "{listen}"\n', environ={})
    assert refused.value.key == "http.listen"
