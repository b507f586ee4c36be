"""``cercle db backup`` while the database is being written, then ``cercle db restore``: the
restored deployment holds the same state, and its journal key stays private."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[3]
FIRST_SESSION = ROOT / "examples" / "first-session.txt"
CERCLE = Path(sys.executable).parent / "cercle"


def cercle(
    *args: str | Path, cwd: Path, secrets: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERCLE_")}
    env.update(secrets or {})
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [str(CERCLE), *map(str, args)],
        cwd=cwd,
        env=env,
        input="",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def cercle_tables(db: Path) -> list[str]:
    """Every row of every table but the probe, as SQL: equal dumps mean the same state."""
    with sqlite3.connect(db) as connection:
        return [line for line in connection.iterdump() if "probe" not in line]


def probe_ids(db: Path) -> list[int]:
    with sqlite3.connect(db) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM probe ORDER BY id")]


class Writer(threading.Thread):
    """Commits one row at a time into a probe table until told to stop."""

    def __init__(self, db: Path) -> None:
        super().__init__(daemon=True)
        self.db = db
        self.stop = threading.Event()
        self.committed = 0
        self.started_writing = threading.Event()

    def run(self) -> None:
        connection = sqlite3.connect(self.db, timeout=30)
        try:
            while not self.stop.is_set():
                with connection:
                    connection.execute("INSERT INTO probe (id) VALUES (?)", (self.committed + 1,))
                self.committed += 1
                if self.committed >= 50:
                    self.started_writing.set()
        finally:
            connection.close()


def test_backup_during_writes_then_restore_gives_the_same_state(tmp_path: Path) -> None:
    live = tmp_path / "live"
    live.mkdir()
    db = live / "cercle.db"
    done = cercle("console", "--script", FIRST_SESSION, "--db", db, cwd=live)
    assert done.returncode == 0, done.stderr
    key = live / "cercle.db.journal-key"
    assert key.is_file()
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY)")
    state = cercle_tables(db)

    writer = Writer(db)
    writer.start()
    assert writer.started_writing.wait(timeout=60)
    saved = cercle("db", "backup", "--db", db, tmp_path / "backup", cwd=tmp_path)
    writer.stop.set()
    writer.join(timeout=60)
    assert saved.returncode == 0, saved.stderr
    copied = tmp_path / "backup" / "cercle.db"
    snapshot = probe_ids(copied)
    assert snapshot == list(range(1, len(snapshot) + 1)), "a consistent snapshot, no gaps"
    assert len(snapshot) >= 50
    saved_key = tmp_path / "backup" / "journal-key"
    assert stat.S_IMODE(saved_key.stat().st_mode) == 0o600
    assert saved_key.read_bytes() == key.read_bytes()

    restored = tmp_path / "restored" / "cercle.db"
    back = cercle("db", "restore", "--db", restored, tmp_path / "backup", cwd=tmp_path)
    assert back.returncode == 0, back.stderr
    assert cercle_tables(restored) == state
    assert probe_ids(restored) == snapshot
    restored_key = restored.with_name("cercle.db.journal-key")
    assert restored_key.read_bytes() == key.read_bytes()
    assert stat.S_IMODE(restored_key.stat().st_mode) == 0o600
    with sqlite3.connect(restored) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_restore_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    db = tmp_path / "cercle.db"
    assert cercle("db", "upgrade", "--db", db, cwd=tmp_path).returncode == 0
    assert cercle("db", "backup", "--db", db, tmp_path / "b", cwd=tmp_path).returncode == 0
    refused = cercle("db", "restore", "--db", db, tmp_path / "b", cwd=tmp_path)
    assert refused.returncode == 1
    assert "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    forced = cercle("db", "restore", "--force", "--db", db, tmp_path / "b", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr


def test_backup_refuses_a_folder_that_is_not_empty_and_postgresql(tmp_path: Path) -> None:
    db = tmp_path / "cercle.db"
    assert cercle("db", "upgrade", "--db", db, cwd=tmp_path).returncode == 0
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x").write_text("x")
    refused = cercle("db", "backup", "--db", db, busy, cwd=tmp_path)
    assert refused.returncode == 1
    assert "new or empty folder" in refused.stderr
    config = tmp_path / "pg.toml"
    config.write_text('[bot]\ndatabase_url = "postgresql+asyncpg://u@127.0.0.1:1/x"\n')
    pg = cercle("db", "backup", "--config", config, tmp_path / "pg", cwd=tmp_path)
    assert pg.returncode == 1
    assert "pg_dump" in pg.stderr
