"""Privacy, end to end: a whole scripted session with themes and journal notes runs in the real
``cercle`` process at the most verbose log level; then every table of its SQLite file and every
log line are read.  Only themes (given on purpose) may be stored; journal notes are stored
encrypted only; what people typed otherwise is stored and logged nowhere.  After ``forget-me``
no row refers to the member any more."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.e2e.console.test_console_cli import cercle

pytestmark = pytest.mark.e2e

MEMBER = "zéphyrine"
"""The member who asks to be forgotten (a name that appears nowhere else)."""

THEMES = ("THEME-MARK-ONE", "THEME-MARK-TWO")
NOTES = ("NOTE-MARK-PRIVATE", "NOTE-MARK-ROOM", "NOTE-MARK-AFTER")
CHAT = ("CHAT-MARK-UNKNOWN", "CHAT-MARK-BAD-ARGUMENT", "CHAT-MARK-REFUSED")

SESSION = f"""
@time 2026-12-01 18:00
@moderator alice
alice: accepte
alice: groupe régler annuaire oui
alice: séance planifier 2026-12-01 19:30 90m hebdo
{MEMBER}: accepte
bruno: accepte
{MEMBER}: thème proposer Parler de {THEMES[0]} @everyone
bruno: thème proposer {THEMES[1]}
bruno: thème voter 1
{MEMBER}: thème voter 2
alice: thème choisir 1
{MEMBER}: journal invitation oui
{MEMBER}: rappels oui
{MEMBER}: {CHAT[0]} je me sens seule ce soir
{MEMBER}: thème voter {CHAT[1]}
{MEMBER}: séance clore {CHAT[2]}
@advance 1h30m
{MEMBER}: main
bruno: main
@advance 10m
{MEMBER}: passe
{MEMBER}: pause
bruno: pause anonyme
{MEMBER} (private): journal ajouter {NOTES[0]} une note privée
{MEMBER}: journal ajouter {NOTES[1]} tapée dans le salon
{MEMBER}: main
alice: séance clore
@advance 11m
{MEMBER} (private): journal ajouter {NOTES[2]} après la séance
{MEMBER}: journal liste
{MEMBER}: journal exporter
{MEMBER}: mes-données
{MEMBER}: groupes
{MEMBER}: ressources
"""

FORGET = f"""
@time 2026-12-01 21:00
{MEMBER}: oublie-moi
{MEMBER}: oublie-moi confirmer
bruno: thème liste
"""


def every_row(db: Path) -> dict[str, list[str]]:
    """Every table of the file, each row as text."""
    with sqlite3.connect(db) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: [repr(row) for row in connection.execute(f'SELECT * FROM "{name}"')]
            for name in names
        }


def run(work: Path, script: str) -> tuple[list[str], list[str]]:
    path = work / "script.txt"
    path.write_text(script, encoding="utf-8")
    done = cercle(
        "console",
        "--script",
        path,
        "--db",
        work / "cercle.db",
        "--config",
        work / "c.toml",
        cwd=work,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines(), done.stderr.splitlines()


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[str]]:
    work = tmp_path_factory.mktemp("privacy")
    (work / "c.toml").write_text('[bot]\nlog_level = "DEBUG"\n', encoding="utf-8")
    transcript, logs = run(work, SESSION)
    return work, transcript, logs


def test_the_session_really_ran(played: tuple[Path, list[str], list[str]]) -> None:
    work, transcript, logs = played
    text = "\n".join(transcript)
    assert "🌿 La séance est ouverte" in text
    assert "💡 Le thème du jour : « Parler de THEME-MARK-ONE @\u2060everyone »." in text
    assert "[private → zéphyrine] 🌙 La séance est terminée." in text
    assert len(logs) > 20, "the bot logged at DEBUG level"
    assert (work / "journal.md").read_text(encoding="utf-8").count("NOTE-MARK") == 3


def test_journal_notes_never_reach_a_room(played: tuple[Path, list[str], list[str]]) -> None:
    _, transcript, _ = played
    echoes = [line for line in transcript if line.startswith(f"{MEMBER}")]
    replies = [line for line in transcript if line not in echoes]
    for mark in NOTES:
        shown = [line for line in replies if mark in line]
        assert shown, f"{mark} was listed back to its author"
        for line in shown:
            assert not line.startswith("[room]"), line
    room_lines = [line for line in transcript if line.startswith("[room]")]
    assert not any("NOTE-MARK" in line for line in room_lines)


def test_no_member_text_is_logged(played: tuple[Path, list[str], list[str]]) -> None:
    _, _, logs = played
    for line in logs:
        for mark in (*NOTES, *CHAT, *THEMES):
            assert mark not in line, line
        assert "une note privée" not in line and "je me sens seule" not in line


def test_only_themes_are_stored_and_notes_only_encrypted(
    played: tuple[Path, list[str], list[str]],
) -> None:
    work, _, _ = played
    tables = every_row(work / "cercle.db")
    assert {"themes", "journal_entries", "members", "jobs", "platform_state"} <= set(tables)
    everything = "\n".join(row for rows in tables.values() for row in rows)
    for mark in (*NOTES, *CHAT):
        assert mark not in everything
    assert "une note privée" not in everything and "je me sens seule" not in everything
    assert len(tables["journal_entries"]) == 3
    for mark in THEMES:
        holders = [name for name, rows in tables.items() if any(mark in r for r in rows)]
        assert set(holders) <= {"themes", "sessions"}, (mark, holders)
    assert any(MEMBER in row for row in tables["members"])


def test_after_forget_me_no_row_refers_to_the_member(
    played: tuple[Path, list[str], list[str]],
) -> None:
    work, _, _ = played
    transcript, logs = run(work, FORGET)
    assert "[private → zéphyrine] 🔐 C'est fait : je ne garde plus rien sur vous." in "\n".join(
        transcript
    )
    tables = every_row(work / "cercle.db")
    for name, rows in tables.items():
        for row in rows:
            assert MEMBER not in row, (name, row)
    assert tables["journal_entries"] == []
    # the theme others voted for stays, without its author; bruno's own theme and votes stay
    themes = "\n".join(tables["themes"])
    assert THEMES[0] in themes and THEMES[1] in themes
    assert any("bruno" in row for row in tables["members"])
    assert not any(MEMBER in line for line in logs)
