"""Small ``cercle`` tools in a subprocess: the version, help on every sub-command, the Discord
invite link with the exact permission integer."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.ops.test_backup import cercle

pytestmark = pytest.mark.e2e

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
MUTE_MEMBERS = 1 << 22
MANAGE_EVENTS = 1 << 33
TEXT_ONLY = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY | MANAGE_EVENTS


def test_version_and_help_on_every_sub_command(tmp_path: Path) -> None:
    shown = cercle("--version", cwd=tmp_path)
    assert shown.returncode == 0
    assert shown.stdout.startswith("cercle 0.")
    for command in (
        [],
        ["console"],
        ["run"],
        ["commands"],
        ["db"],
        ["db", "upgrade"],
        ["db", "backup"],
        ["db", "restore"],
        ["discord"],
        ["discord", "invite-url"],
        ["check-config"],
    ):
        helped = cercle(*command, "--help", cwd=tmp_path)
        assert helped.returncode == 0, (command, helped.stderr)
        assert "usage: cercle" in helped.stdout


def invite_query(*args: str | Path, cwd: Path) -> dict[str, list[str]]:
    shown = cercle("discord", "invite-url", *args, cwd=cwd)
    assert shown.returncode == 0, shown.stderr
    return parse_qs(urlsplit(shown.stdout.strip()).query)


def test_invite_url_asks_exactly_what_the_features_need(tmp_path: Path) -> None:
    text = invite_query("--client-id", "4242", cwd=tmp_path)
    assert text["client_id"] == ["4242"]
    assert text["scope"] == ["bot applications.commands"]
    assert text["permissions"] == [str(TEXT_ONLY)] == ["8590019584"]
    config = tmp_path / "voice.toml"
    config.write_text("[discord]\nvoice_mode = true\n")
    voice = invite_query("--client-id", "4242", "--config", config, cwd=tmp_path)
    assert voice["permissions"] == [str(TEXT_ONLY | MUTE_MEMBERS)]


def test_check_config_lists_what_is_right_and_fails_on_what_to_fix(tmp_path: Path) -> None:
    config = tmp_path / "cercle.toml"
    config.write_text(
        '[bot]\ndatabase_url = "sqlite+aiosqlite:///data/c.db"\n[discord]\nenabled = true\n'
    )
    token = {"CERCLE_DISCORD_TOKEN": "t"}
    fresh = cercle("check-config", "--offline", "--config", config, cwd=tmp_path, secrets=token)
    assert fresh.returncode == 0, fresh.stdout
    assert "created at the first start" in fresh.stdout
    assert not (tmp_path / "data").exists(), "the check creates nothing"

    assert cercle("db", "upgrade", "--config", config, cwd=tmp_path).returncode == 0
    ready = cercle("check-config", "--offline", "--config", config, cwd=tmp_path, secrets=token)
    assert ready.returncode == 0, ready.stdout
    assert "ok    database at the latest revision" in ready.stdout

    key = tmp_path / "data" / "c.db.journal-key"
    key.write_text("not checked here")
    key.chmod(0o644)
    no_token = cercle("check-config", "--offline", "--config", config, cwd=tmp_path)
    assert no_token.returncode == 1
    lines = no_token.stdout.splitlines()
    assert f"FAIL  journal key {key} is readable by others: chmod 600 {key}" in lines
    assert "FAIL  Discord: set CERCLE_DISCORD_TOKEN in the environment" in lines
    key.chmod(0o600)

    with sqlite3.connect(tmp_path / "data" / "c.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    newer = cercle("check-config", "--offline", "--config", config, cwd=tmp_path, secrets=token)
    assert newer.returncode == 1
    assert "FAIL  database at 0099, written by a newer Cercle: upgrade Cercle" in newer.stdout

    config.write_text("[bot\n")
    broken = cercle("check-config", "--offline", "--config", config, cwd=tmp_path)
    assert broken.returncode == 2
    assert "not valid TOML" in broken.stderr
