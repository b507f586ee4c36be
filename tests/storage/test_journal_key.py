"""A lost or wrong journal key (issue 10, defect 8): start-up stops and says how to put the key
back, instead of making a new key that reads nothing; ``my-data`` always works and says plainly
when notes cannot be read.  Real SQLite files, the real start-up."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from adapters.config import Config, ConfigError
from adapters.startup import Runtime, start
from bot.app import Cercle
from bot.clock import ManualClock
from bot.domain import GroupDefaults
from bot.events import Incoming
from bot.replies import Outgoing
from storage import SqlStore
from storage.journal_crypto import KEY_VARIABLE, JournalCipher

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_key_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_VARIABLE, raising=False)


def config_in(folder: Path) -> Config:
    return Config().with_database(f"sqlite+aiosqlite:///{folder / 'cercle.db'}")


async def say(cercle: Cercle, text: str, number: int) -> list[Outgoing]:
    incoming = Incoming("test", "room-1", "ann", "Ann", text, f"e{number}", private=True)
    return await cercle.handle(incoming)


async def with_a_note(folder: Path) -> Path:
    """A database holding one note of Ann's; the path of its key file."""
    config = config_in(folder)
    async with await start(config, ManualClock(NOW)) as runtime:
        await say(runtime.cercle, "journal add a note only I read", 1)
    key_file = config.bot.journal_key_path()
    assert key_file.exists()
    return key_file


async def test_a_lost_journal_key_stops_start_up_and_says_how_to_restore_it(
    tmp_path: Path,
) -> None:
    key_file = await with_a_note(tmp_path)
    key_file.unlink()
    with pytest.raises(ConfigError) as raised:
        await start(config_in(tmp_path), ManualClock(NOW))
    message = str(raised.value)
    assert str(key_file) in message
    assert "backup" in message and KEY_VARIABLE in message
    assert not key_file.exists(), "no new key was made over notes it cannot read"


async def test_a_journal_key_that_cannot_read_the_notes_stops_start_up(tmp_path: Path) -> None:
    key_file = await with_a_note(tmp_path)
    key_file.write_bytes(Fernet.generate_key() + b"\n")
    with pytest.raises(ConfigError) as raised:
        await start(config_in(tmp_path), ManualClock(NOW))
    assert str(key_file) in str(raised.value)
    assert "not the key they were written with" in str(raised.value)


async def test_a_wrong_key_in_the_environment_is_named_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await with_a_note(tmp_path)
    monkeypatch.setenv(KEY_VARIABLE, Fernet.generate_key().decode())
    with pytest.raises(ConfigError, match=f"the key in {KEY_VARIABLE} cannot read"):
        await start(config_in(tmp_path), ManualClock(NOW))


async def test_the_right_key_starts_and_a_first_start_makes_one(tmp_path: Path) -> None:
    key_file = await with_a_note(tmp_path)
    assert os.stat(key_file).st_mode & 0o077 == 0
    runtime: Runtime = await start(config_in(tmp_path), ManualClock(NOW))
    async with runtime:
        said = await say(runtime.cercle, "journal list", 2)
    assert [o.reply.key for o in said] == ["journal.list"]


async def test_my_data_works_and_says_plainly_when_notes_cannot_be_read(tmp_path: Path) -> None:
    await with_a_note(tmp_path)
    config = config_in(tmp_path)
    async with await start(config, ManualClock(NOW)) as runtime:
        # The same database behind a key that is not the notes' (as if changed while running).
        other = Cercle(
            SqlStore(runtime.engine, JournalCipher.generate()), ManualClock(NOW), GroupDefaults()
        )
        (data,) = await say(other, "my-data", 3)
        assert data.reply.key == "privacy.my_data_unreadable_notes"
        assert data.reply.attachment is not None
        exported = json.loads(data.reply.attachment.data)
        assert exported["journal"] == []
        assert exported["notes_du_journal_illisibles"] == 1  # the group speaks French
        for command in ("journal list", "journal export"):
            (answer,) = await say(other, command, 4 if command == "journal list" else 5)
            assert answer.reply.key == "error.journal_unreadable", command
        (deleted,) = await say(other, "journal delete all", 6)
        assert deleted.reply.key == "journal.deleted_all"
