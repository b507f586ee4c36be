"""Every user-facing text exists in French and English, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.domain.group import AccompanyingPolicy, Need
from bot.handlers.group import SETTINGS
from bot.i18n import CATALOGS, defuse, placeholders
from bot.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[2] / "bot"


def test_both_languages_have_the_same_keys() -> None:
    assert set(CATALOGS["fr"]) == set(CATALOGS["en"])


@pytest.mark.parametrize("key", sorted(CATALOGS["en"]))
def test_placeholders_match(key: str) -> None:
    assert placeholders(CATALOGS["fr"][key]) == placeholders(CATALOGS["en"][key])


def test_every_key_used_in_the_code_exists() -> None:
    pattern = re.compile(
        r'"((?:error|stick|session|charter|pause|observer|group|help|welcome|choice|value|format|list)'
        r'\.[a-z_.\-]+)"'
    )
    used = {
        match
        for path in ROOT.rglob("*.py")
        if "i18n" not in path.parts
        for match in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert used, "the scan found no message keys"
    assert used - set(CATALOGS["en"]) == set()


def test_dynamic_keys_exist() -> None:
    keys = set(CATALOGS["en"])
    for setting in SETTINGS:
        assert f"setting.{setting.key}" in keys
        assert f"error.setting.{setting.key}" in keys
    for need in Need:
        assert f"need.{need.value}" in keys
    for policy in AccompanyingPolicy:
        assert f"accompanying.{policy.value}" in keys
    for language in CATALOGS:
        assert f"language.{language}" in keys
    for _, command in REGISTRY.walk():
        assert command.help_key in keys
        for arg in command.args:
            assert f"arg.{arg.name}" in keys
    for command in REGISTRY.commands:
        assert command.help_key in keys


@pytest.mark.parametrize(
    "text",
    ["@everyone look", "hi @here", "@room please", "@Everyone", "<@123456> hi", "<@&987> team"],
)
def test_user_text_cannot_ping(text: str) -> None:
    safe = defuse(text)
    assert not re.search(r"@(everyone|here|room)\b", safe, re.IGNORECASE)
    assert not re.search(r"<@[&!]?\d+>", safe)
    assert safe.replace("\u2060", "") == text
