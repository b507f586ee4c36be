"""A real Synapse for the whole session, fresh accounts per test, the bot and its members."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from matrix_members import Bot, Member, bot_config
from matrix_synapse_server import SynapseServer


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SynapseServer]:
    server = SynapseServer(tmp_path_factory.mktemp("synapse"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


MakeMember = Callable[..., Coroutine[Any, Any, Member]]
MakeBot = Callable[..., Coroutine[Any, Any, Bot]]


@pytest.fixture
async def member(synapse: SynapseServer, tmp_path: Path) -> AsyncIterator[MakeMember]:
    """``await member("ann")``: a fresh account named after ``ann``, logged in and syncing."""
    made: list[Member] = []

    async def make(name: str, server: SynapseServer | None = None) -> Member:
        where = server or synapse
        account = await where.register(where.fresh_name(name))
        if where.default_limits:
            await where.unlimit(account.user_id)
        person = Member(where, account, tmp_path / "members" / account.user_id)
        await person.start()
        await person.set_name(name.capitalize())
        made.append(person)
        return person

    yield make
    for person in made:
        with contextlib.suppress(Exception):
            await person.close()


@pytest.fixture
async def bot(synapse: SynapseServer, tmp_path: Path) -> AsyncIterator[MakeBot]:
    """``await bot()``: the bot on a fresh account and database, started in-process."""
    made: list[Bot] = []

    async def make(
        server: SynapseServer | None = None, *, start: bool = True, **matrix: Any
    ) -> Bot:
        where = server or synapse
        account = await where.register(where.fresh_name("cercle"))
        folder = tmp_path / f"bot{len(made)}"
        folder.mkdir()
        clock = matrix.pop("clock", None)
        running = Bot(where, account, folder, bot_config(where, account, folder, **matrix))
        running.clock = clock
        made.append(running)
        if start:
            await running.start()
        return running

    yield make
    for running in made:
        await running.stop()
