"""Start-up over an up-to-date database does not need Alembic: the heads of the revision files
are read from their text, and the database's revision with one query."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from storage import current_revision, migrate, upgrade
from storage.migrate import alembic_config, script_heads
from tests.storage.conftest import Backend


def test_heads_read_from_the_files_are_alembics() -> None:
    alembic_heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert script_heads() == frozenset(alembic_heads)


def revision_file(folder: Path, name: str, revision: str, down: str | None) -> None:
    parent = "None" if down is None else f'"{down}"'
    (folder / f"{name}.py").write_text(
        f'"""{name}\n\nRevision ID: {revision}\n"""\n\n'
        f'revision: str = "{revision}"\ndown_revision: str | None = {parent}\n',
        encoding="utf-8",
    )


def test_heads_of_branches_and_files_that_do_not_read_as_expected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    monkeypatch.setattr(migrate, "MIGRATIONS", tmp_path)
    revision_file(versions, "a", "0001", None)
    revision_file(versions, "b", "0002", "0001")
    assert script_heads() == {"0002"}
    revision_file(versions, "c", "0003", "0002")
    revision_file(versions, "d", "0004", "0002")  # two branches, not merged yet
    assert script_heads() == {"0003", "0004"}
    (versions / "e.py").write_text('revision = "0005"\ndown_revision = ("0003", "0004")\n')
    assert script_heads() is None  # a merge: Alembic decides
    (versions / "e.py").unlink()
    revision_file(versions, "f", "0006", "0099")  # its parent is missing
    assert script_heads() is None


async def test_at_head_upgrade_leaves_alembic_alone(
    sql_backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = sql_backend.engine
    assert engine is not None
    calls: list[str] = []
    real = migrate._upgrade

    def counted(connection: Connection, revision: str) -> None:
        calls.append(revision)
        real(connection, revision)

    monkeypatch.setattr(migrate, "_upgrade", counted)
    await upgrade(engine)
    assert calls == []

    def downgrade(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "0002")

    await engine.run(downgrade)
    await upgrade(engine)
    assert calls == ["head"]
    assert frozenset([await current_revision(engine)]) == script_heads()
