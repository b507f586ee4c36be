"""Issue 14 with the real Matrix adapter: a homeserver that does not answer (a closed port) is
tried again, one log line each time, while the rest of the bot runs — then comes up once it is
there (a real Synapse on that port)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from matrix_synapse_server import SynapseServer, free_port

from adapters.config import Config
from adapters.matrix.platform import MatrixPlatform, Tuning
from adapters.serve import serve

pytestmark = pytest.mark.e2e


class Retries(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []
        self.twice = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "could not start" in record.getMessage():
            self.lines.append(record.getMessage())
            if len(self.lines) >= 2:
                self.twice.set()


async def test_an_absent_homeserver_is_retried_until_it_answers(tmp_path: Path) -> None:
    port = free_port()
    synapse = SynapseServer(tmp_path / "synapse", port=port)  # made now, started later
    retries = Retries()
    logger = logging.getLogger("cercle.serve")
    logger.addHandler(retries)
    stop = asyncio.Event()
    try:
        await asyncio.to_thread(synapse.start)
        account = await synapse.register("cercle")
        await asyncio.to_thread(synapse.stop)  # away when the bot starts
        config = Config.from_toml(
            "[matrix]\nenabled = true\n"
            f'homeserver = "http://127.0.0.1:{port}"\nuser_id = "{account.user_id}"\n'
            f'store_path = "{tmp_path / "store"}"\n',
            environ={},
        ).with_database(f"sqlite+aiosqlite:///{tmp_path / 'run.db'}")
        platform = MatrixPlatform(
            config.matrix,
            environ={"CERCLE_MATRIX_PASSWORD": account.password},
            tuning=Tuning(start_timeout=0.5, backoff_first=0.05, backoff_cap=0.1),
        )
        running = asyncio.create_task(serve(config, stop, [platform], first_retry=0.05))
        async with asyncio.timeout(60):
            await retries.twice.wait()
        assert not platform.connected
        assert all("TimeoutError" in line or "Error" in line for line in retries.lines)
        await asyncio.to_thread(synapse.start)  # back: the next attempt logs in
        async with asyncio.timeout(60):
            await platform.ready.wait()
        assert platform.connected
        stop.set()
        await asyncio.wait_for(running, 20)
    finally:
        stop.set()
        logger.removeHandler(retries)
        await asyncio.to_thread(synapse.stop)
