"""The start-up function: engine, migrations and the core, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from adapters.config import Config
from adapters.startup import start, upgrade_database
from bot.events import Incoming
from bot.i18n import render
from bot.testing import FakeClock


async def test_start_wires_the_core_to_a_migrated_database(tmp_path: Path) -> None:
    config = Config.from_toml('[bot]\nlanguage = "en"\nbreak_minutes = 7', environ={})
    config = config.with_database(f"sqlite+aiosqlite:///{tmp_path / 'cercle.db'}")
    clock = FakeClock(datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
    async with await start(config, clock) as runtime:
        assert runtime.cercle.defaults == config.defaults()
        said = await runtime.cercle.handle(
            Incoming("console", "console", "ann", "ann", "session start", "e1", is_moderator=True)
        )
        assert any(render(o).startswith("🌿 The session is open") for o in said)
        said = await runtime.cercle.handle(
            Incoming("console", "console", "ann", "ann", "session break", "e2", is_moderator=True)
        )
        assert any("7 min" in render(o) for o in said), "the configured break length"
    assert (tmp_path / "cercle.db").exists()
    # Migrating again finds nothing to do and the state is still there.
    assert await upgrade_database(config) is not None
    async with await start(config, clock) as runtime:
        assert await runtime.cercle.next_due() is not None
