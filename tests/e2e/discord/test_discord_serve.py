"""``cercle run`` with ``[discord] enabled = true``: the platform is built from the configuration
and the environment, started, fed the core's replies, and stopped on the stop signal."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from discord_fake import FakeDiscord
from discord_harness import World, texts

from adapters.config import Config, ConfigError, DiscordConfig
from adapters.discord import TOKEN_ENV, DiscordPlatform, build
from adapters.serve import serve


def test_the_token_comes_from_the_environment() -> None:
    with pytest.raises(ConfigError, match=TOKEN_ENV):
        build(DiscordConfig(enabled=True), environ={})
    platform = build(DiscordConfig(enabled=True), environ={TOKEN_ENV: " secret "})
    assert isinstance(platform, DiscordPlatform)


async def test_cercle_run_serves_discord(
    fake: FakeDiscord, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, fake.token)
    config = Config.from_toml("[discord]\nenabled = true\n", environ={}).with_database(
        f"sqlite+aiosqlite:///{tmp_path / 'run.db'}"
    )
    stop = asyncio.Event()
    running = asyncio.create_task(serve(config, stop))
    try:
        await fake.until(lambda: fake.gateway.connected and fake.commands, timeout=20)
        # Ready once discord.py stops waiting for more guilds (2 s by default).
        exchange = fake.slash(world.bob, world.room, "rules")
        await fake.answered(exchange, timeout=20)
        await fake.until(lambda: "Notre charte" in texts(exchange))
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)
    assert not fake.gateway.connected
