"""Issue 10, defect 15: scripts and start-up problems stop with a clear sentence (and the line,
for a script) — never a Python exception's name, an SQL statement or an internal class."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.e2e.console.test_console_cli import cercle

pytestmark = pytest.mark.e2e

HELLO = "@moderator alice\nalice: help\n"


def test_a_script_saved_with_a_byte_order_mark_runs(tmp_path: Path) -> None:
    script = tmp_path / "bom.txt"
    script.write_bytes("\ufeff".encode() + HELLO.encode())
    done = cercle("console", "--script", script, "--db", tmp_path / "x.db", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "alice: help" in done.stdout


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("@time 0001-01-01 00:00", "line 2: '@time' takes a year between 1970 and 2200"),
        ("@time 9999-12-31 23:59", "line 2: '@time' takes a year between 1970 and 2200"),
        ("@advance 99999999999999999999d", "line 2: '@advance' moves at most 366 days"),
    ],
)
def test_an_impossible_clock_is_refused_with_its_line(
    tmp_path: Path, line: str, expected: str
) -> None:
    script = tmp_path / "clock.txt"
    script.write_text(f"# a comment\n{line}\n", encoding="utf-8")
    done = cercle("console", "--script", script, "--db", tmp_path / "x.db", cwd=tmp_path)
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Overflow" not in done.stderr


def test_a_database_from_a_newer_cercle_says_so(tmp_path: Path) -> None:
    script = tmp_path / "hello.txt"
    script.write_text(HELLO, encoding="utf-8")
    database = tmp_path / "x.db"
    assert cercle("console", "--script", script, "--db", database, cwd=tmp_path).returncode == 0
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    done = cercle("console", "--script", script, "--db", database, cwd=tmp_path)
    assert done.returncode == 1
    assert "written by a newer version of Cercle" in done.stderr
    assert "Can't locate revision" not in done.stderr


def test_a_database_that_cannot_be_opened_says_what_to_check(tmp_path: Path) -> None:
    script = tmp_path / "hello.txt"
    script.write_text(HELLO, encoding="utf-8")
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    done = cercle("console", "--script", script, "--db", folder, cwd=tmp_path)
    assert done.returncode == 1
    assert "can be written by the user running Cercle" in done.stderr
    assert "SELECT" not in done.stderr and "INSERT" not in done.stderr


def test_a_read_only_database_url_is_refused_in_words(tmp_path: Path) -> None:
    script = tmp_path / "hello.txt"
    script.write_text(HELLO, encoding="utf-8")
    config = tmp_path / "cercle.toml"
    config.write_text(
        f'[bot]\ndatabase_url = "sqlite+aiosqlite:///file:{tmp_path}/x.db?mode=ro&uri=true"\n',
        encoding="utf-8",
    )
    done = cercle("console", "--config", config, "--script", script, cwd=tmp_path)
    assert done.returncode == 1
    assert "must be a file Cercle can write" in done.stderr
    assert "InMemoryStore" not in done.stderr


def test_a_journal_key_file_that_is_a_folder_is_explained(tmp_path: Path) -> None:
    script = tmp_path / "hello.txt"
    script.write_text(HELLO, encoding="utf-8")
    keys = tmp_path / "keys"
    keys.mkdir()
    config = tmp_path / "cercle.toml"
    config.write_text(f'[bot]\njournal_key_file = "{keys}"\n', encoding="utf-8")
    done = cercle(
        "console", "--config", config, "--script", script, "--db", tmp_path / "x.db", cwd=tmp_path
    )
    assert done.returncode == 2
    assert "is a folder" in done.stderr
    assert "chmod" not in done.stderr
