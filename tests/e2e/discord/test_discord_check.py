"""``cercle check-config`` asks Discord whether it takes the bot's token (issue 14), here the
project's fake Discord: the real discord.py login, nothing left open."""

from __future__ import annotations

from pathlib import Path

import pytest
from discord_fake import FakeDiscord

from adapters.check import checklist, discord_login
from adapters.config import Config

pytestmark = pytest.mark.e2e


async def test_a_working_token_is_said_to_work(fake: FakeDiscord, tmp_path: Path) -> None:
    config = Config.from_toml("[discord]\nenabled = true\n", environ={}).with_database(
        f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    )
    checks = await checklist(config, {"CERCLE_DISCORD_TOKEN": fake.token})
    assert all(check.ok for check in checks), [c.line() for c in checks]
    assert checks[-1].what.startswith("Discord: the token is the bot")


async def test_a_refused_token_says_what_to_do(fake: FakeDiscord) -> None:
    check = await discord_login({"CERCLE_DISCORD_TOKEN": "not-the-token"})
    assert not check.ok
    assert "reset it in the Developer Portal" in check.what
