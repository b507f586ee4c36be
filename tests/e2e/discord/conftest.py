"""Fixtures for the Discord scenarios: a fake Discord on 127.0.0.1, a small guild, and the bot
(the core on SQLite + the real discord.py client).  Each test fails if the fake saw a problem
(unknown route, payload outside Discord's OpenAPI description, late answer), if the bot logged
an error, or if a message was sent with mentions enabled."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from discord_fake import FakeDiscord, OpenApi
from discord_harness import Bot, World, build_world


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord.running(OpenApi.from_environment()) as fake:
        yield fake
        assert fake.failures == [], fake.failures
        for message in fake.bot_messages():
            for mentions in message.allowed_mentions:
                assert mentions is not None, f"message {message.id} sent without allowed_mentions"
                assert mentions.get("parse") == [], mentions
                assert not mentions.get("users") and not mentions.get("roles"), mentions


@pytest.fixture
def world(fake: FakeDiscord) -> World:
    return build_world(fake)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "cercle.db"


@pytest.fixture
async def bot(
    fake: FakeDiscord, world: World, database: Path, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[Bot]:
    caplog.set_level(logging.INFO, logger="cercle")
    bot = await Bot(fake, world, database).start()
    yield bot
    await bot.stop()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
