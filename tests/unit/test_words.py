"""The texts as a French or English reader sees them: French words only in French, real plurals,
one calm emoji set, times and lengths written the way each language writes them."""

from __future__ import annotations

import json
import re
import string
from datetime import UTC, datetime

import pytest

from bot.handlers.group import SETTINGS
from bot.i18n import CATALOGS, format_duration, format_time, format_when, translate
from bot.registry import REGISTRY
from tests.unit.harness import Harness

EMOJI = frozenset(
    [
        "✋",
        "🎤",
        "☕",
        "📅",
        "⏰",
        "🤝",
        "📜",
        "🌱",
        "🌿",
        "⚙️",
        "💡",
        "📓",
        "🧭",
        "🫶",
        "🔐",
        "⏳",
        "🔔",
        "🔄",
        "👂",
        "🌙",
        "✓",
    ]
)
"""The one calm set every message draws from (at most one per message)."""
MOURNING = ("🕯", "🕊")
_PICTOGRAPH = re.compile(
    "[\U0001f300-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u23e9-\u23fa\u231a\u231b][\ufe0f]?"
)


def _words(template: str) -> set[str]:
    """The words of a template, placeholders left out."""
    text = "".join(literal for literal, _, _, _ in string.Formatter().parse(template))
    text = re.sub(r"\{\w+\|([^{}|]*)\|([^{}]*)\}", r"\1 \2", template) if "|" in template else text
    text = re.sub(r"\{\w+\}", " ", text)
    text = re.sub(r"\[\w+\]", " ", text)  # a section of the configuration file: [resources]
    return {w.casefold() for w in re.findall(r"[A-Za-zÀ-ÿ][\w'-]*", text)}


def _english_command_words() -> set[str]:
    english: set[str] = set()
    french: set[str] = set()
    for command in REGISTRY.commands:
        for node in (command, *command.subcommands):
            english.add(node.name)
            french.update(node.aliases.get("fr", ()))
            for arg in node.args:
                english.update(arg.choices)
                french.update(arg.aliases)
    english.update(s.key for s in SETTINGS)
    french.update(s.french for s in SETTINGS)
    # Words that are French as well (« la pause », « le journal », « observer », « la file »).
    also_french = {"observer", "vote", "pause", "journal", "file"}
    return {w.casefold() for w in english} - {w.casefold() for w in french} - also_french


def test_no_french_text_shows_an_english_command_word_or_a_parenthesised_plural() -> None:
    forbidden = _english_command_words()
    assert {"hand", "on", "off", "anon", "weekly", "all", "confirm", "directory"} <= forbidden
    for key, template in CATALOGS["fr"].items():
        assert "(s)" not in template, key
        assert not re.search(r"\w\((e|s|es|x)\)", template), key
        found = _words(template) & forbidden - {"on"}  # « on » is also a French pronoun
        assert not found, f"{key}: {found}"
        assert not re.search(r"« on »|\bon\|", template), key


def test_no_text_in_either_language_uses_a_parenthesised_plural() -> None:
    for language, catalog in CATALOGS.items():
        for key, template in catalog.items():
            assert "(s)" not in template, f"{language} {key}"


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_one_calm_emoji_set_at_most_one_per_message(language: str) -> None:
    for key, template in CATALOGS[language].items():
        found = _PICTOGRAPH.findall(template)
        assert len(found) <= 1, f"{language} {key}: {found}"
        for emoji in found:
            assert not emoji.startswith(MOURNING), f"{language} {key}"
            assert emoji in EMOJI or emoji.rstrip("\ufe0f") in EMOJI, f"{language} {key}: {emoji}"


def test_real_plurals_in_both_languages() -> None:
    assert translate("theme.votes", "fr", n=0) == "0 vote"
    assert translate("theme.votes", "fr", n=1) == "1 vote"
    assert translate("theme.votes", "fr", n=2) == "2 votes"
    assert translate("theme.votes", "en", n=0) == "0 votes"
    assert translate("theme.votes", "en", n=1) == "1 vote"


WHEN = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)  # 19:30 in Paris, 18:30 in London


def test_french_times_and_dates() -> None:
    assert format_when(WHEN, "fr", "Europe/Paris") == "mardi 1er décembre 2026 à 19 h 30"
    assert format_time(WHEN.replace(minute=0), "fr", "Europe/Paris") == "19 h"
    assert format_duration(90, "fr") == "1 h 30"
    assert format_duration(65, "fr") == "1 h 05"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "Tuesday 1 December 2026 at 18:30"),
        ("en_GB", "Tuesday, 1 December 2026 at 18:30"),
        ("en_US", "Tuesday, December 1, 2026 at 6:30\u202fPM"),
    ],
)
def test_english_times_follow_the_region(locale: str, expected: str) -> None:
    assert format_when(WHEN, locale, "Europe/London").replace(" PM", "\u202fPM") == expected


def test_english_lengths() -> None:
    assert format_duration(90, "en") == "1 hr 30 min"
    assert format_duration(120, "en") == "2 hr"
    assert format_duration(45, "en") == "45 min"


async def test_a_us_group_sees_12_hour_times_and_a_british_one_24_hour() -> None:
    h = Harness(language="en", timezone="America/New_York")
    await h.ok("mod", "group set language en-US")
    said = await h.ok("mod", "session schedule 2026-12-01 19:30")
    assert "7:30" in said.room[0] and "PM" in said.room[0]
    await h.ok("mod", "group set language en-GB")
    listed = (await h.ok("mod", "sessions")).private("mod")[0]
    assert "19:30" in listed and "PM" not in listed
    await h.ok("mod", "group set language en")
    listed = (await h.ok("mod", "sessions")).private("mod")[0]
    assert "19:30" in listed
    for unknown in ("en-XX", "fr-US"):  # no such territory; no French data for the US
        refused = await h.say("mod", f"group set language {unknown}")
        assert refused.errors == ["error.setting.language"]


async def test_raise_hand_suggests_hand() -> None:
    said = await Harness().say("ann", "raise hand")
    assert said.private("ann")[-1:] == [
        "I don't know the command “raise”. Did you mean: hand? “help” lists them all."
    ]


async def test_switch_settings_ask_for_on_or_off_in_quotes() -> None:
    said = await Harness().say("mod", "group set directory maybe")
    assert said.private("mod")[-1:] == ["Please answer “on” or “off” (not “maybe”)."]


# --- help --------------------------------------------------------------------------------


async def test_help_shows_the_member_commands_grouped_then_the_pointers() -> None:
    h = Harness(language="fr")
    text = (await h.ok("ann", "aide")).private("ann")[-1]
    sections = text.split("\n\n")
    assert sections[1].startswith("Prendre part\n• charte")
    assert sections[2].startswith("Pauses et soutien\n• pause [anonyme]")
    assert sections[3].startswith("Mes rappels et mes données\n• rappels <oui|non>")
    assert "« aide animation »" in sections[-1] and "« aide réglages »" in sections[-1]
    assert "séance planifier" not in text and "bâton suivant" not in text
    lines = [line for line in text.splitlines() if line.startswith("• ")]
    assert 10 <= len(lines) <= 14


async def test_help_facilitation_lists_the_moderators_commands() -> None:
    h = Harness(language="fr")
    text = (await h.ok("ann", "aide animation")).private("ann")[-1]
    assert "• séance planifier <date> <heure> [durée] [hebdo|quinzaine|mensuel]" in text
    assert "• bâton suivant [membre]" in text and "• main" not in text
    english = (await Harness().ok("ann", "help facilitation")).private("ann")[-1]
    assert "• stick next [member]" in english


async def test_help_settings_lists_every_setting_with_its_value_and_allowed_values() -> None:
    h = Harness(language="fr", timezone="America/Montreal")
    text = (await h.ok("ann", "aide réglages")).private("ann")[-1]
    for setting in SETTINGS:
        assert f"• {setting.french} — actuellement : " in text
    assert "• pays — actuellement : Canada, d'après le fuseau horaire — " in text
    assert "• besoin — actuellement : autre — deuil, maladie, séparation ou autre" in text
    assert (await h.ok("ann", "aide groupe régler")).private("ann")[-1] == text


async def test_help_of_a_simple_command_shows_its_line_once() -> None:
    text = (await Harness().ok("ann", "help pause")).private("ann")[-1]
    assert text == "• pause [anon] — ask for a break (add “anon” to stay anonymous)"


async def test_a_wrong_setting_answers_in_the_groups_language() -> None:
    said = await Harness(language="fr").say("mod", "groupe régler couleur bleu")
    text = said.private("mod")[-1]
    assert "nom, besoin, langue, fuseau" in text and "pays" in text
    assert "name" not in text and "timezone" not in text


async def test_my_data_speaks_french_to_a_french_group() -> None:
    h = Harness(language="fr")
    await h.ok("ann", "accepte")
    await h.ok("ann", "journal ajouter une note", private=True)
    said = await h.ok("ann", "mes-données", private=True)
    attachment = said.outgoing[-1].reply.attachment
    assert attachment is not None and attachment.filename == "mes-donnees.json"
    data = json.loads(attachment.data)
    assert data["identifiant"] == "ann"
    assert data["groupes"][0]["charte_acceptée_le"] is not None
    assert data["journal"][0]["texte"] == "une note"
    assert data["non_conservé"].startswith("Les messages écrits dans les salons")
    forbidden = {"user_id", "memberships", "journal_prompt_after_sessions", "not_stored"}
    assert not forbidden & set(re.findall(r'"(\w+)":', attachment.data.decode()))
