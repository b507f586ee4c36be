"""Crisis lines follow the group's country, never its language (a safety rule): shipped lines
where they were checked, the emergency number and a kind sentence elsewhere."""

from __future__ import annotations

import pytest

from adapters.config import Config, ConfigError
from bot.resources import SHIPPED, CountryLines, Resources, country_of_zone
from tests.unit.harness import Harness


async def resources_text(h: Harness) -> str:
    await h.ok("ann", "accepte" if h.language == "fr" else "agree")
    said = await h.ok("ann", "ressources" if h.language == "fr" else "resources")
    assert said.room == []
    [text] = said.private("ann")
    return text


async def test_a_french_group_in_montreal_gets_canadian_lines_never_3114() -> None:
    text = await resources_text(Harness(language="fr", timezone="America/Montreal"))
    assert "9-8-8" in text
    assert "1 866 APPELLE" in text  # Québec's line
    assert "3114" not in text and "09 72 39 40 50" not in text
    assert "appelez tout de suite le 911" in text
    assert "je ne suis pas thérapeute" in text


async def test_an_english_group_in_toronto_gets_canadian_lines_in_english() -> None:
    text = await resources_text(Harness(language="en", timezone="America/Toronto"))
    assert "988" in text and "1-866-APPELLE" in text and "call 911 now" in text
    assert "Samaritans" not in text and "3114" not in text


async def test_a_group_in_brussels_gets_belgian_lines() -> None:
    text = await resources_text(Harness(language="fr", timezone="Europe/Brussels"))
    assert "0800 32 123" in text and "3114" not in text
    assert "appelez tout de suite le 112" in text


async def test_a_french_group_in_paris_gets_french_lines() -> None:
    text = await resources_text(Harness(language="fr"))
    assert "3114" in text and "SOS Amitié — 09 72 39 40 50" in text
    assert "je ne suis pas thérapeute" in text and "112" in text


async def test_an_unknown_country_gets_the_emergency_number_and_the_kind_sentence() -> None:
    text = await resources_text(Harness(language="fr", timezone="Asia/Tokyo"))
    assert "appelez tout de suite le 112" in text
    assert "ce pays (Japon)" in text and "[resources]" in text
    assert "je ne suis pas thérapeute" in text
    assert "3114" not in text
    english = await resources_text(Harness(language="en", timezone="UTC"))
    assert "I don't know the crisis lines of this country yet" in english
    assert "call 112 now" in english and "I am not a therapist" in english


async def test_the_country_setting_wins_over_the_time_zone() -> None:
    h = Harness(language="fr", timezone="Europe/Paris")
    await h.ok("mod", "groupe régler pays CA")
    text = await resources_text(h)
    assert "9-8-8" in text and "3114" not in text
    shown = (await h.ok("mod", "groupe afficher")).room[0]
    assert "pays (lignes d'écoute) : Canada (CA)" in shown
    await h.ok("mod", "groupe régler pays auto")
    shown = (await h.ok("mod", "groupe afficher")).room[0]
    assert "pays (lignes d'écoute) : France, d'après le fuseau horaire" in shown
    await h.ok("mod", "groupe régler pays Belgique")
    assert "0800 32 123" in await resources_text(h)
    refused = await h.say("mod", "groupe régler pays Atlantide")
    assert refused.errors == ["error.setting.country"]


async def test_configured_lines_of_a_country_replace_the_shipped_ones() -> None:
    configured = Resources(
        countries={"JP": CountryLines("110", {"en": ("Example line — 0000 000 000",)})}
    )
    text = await resources_text(Harness(language="en", timezone="Asia/Tokyo", resources=configured))
    assert "• Example line — 0000 000 000" in text and "call 110 now" in text


async def test_old_per_language_lines_never_replace_another_countrys_lines() -> None:
    old_style = {"fr": ("3114 — ligne française",)}
    canada = await resources_text(
        Harness(language="fr", timezone="America/Montreal", resources=old_style)
    )
    assert "3114" not in canada and "9-8-8" in canada
    elsewhere = await resources_text(
        Harness(language="fr", timezone="Asia/Tokyo", resources=old_style)
    )
    assert "• 3114 — ligne française" in elsewhere


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("America/Montreal", "CA"),
        ("Europe/Brussels", "BE"),
        ("Europe/Zurich", "CH"),
        ("Europe/Luxembourg", "LU"),
        ("Europe/London", "GB"),
        ("Europe/Dublin", "IE"),
        ("US/Eastern", "US"),
        ("Australia/Sydney", "AU"),
        ("Pacific/Auckland", "NZ"),
        ("UTC", None),
    ],
)
def test_the_country_of_a_time_zone_comes_from_babel(zone: str, country: str | None) -> None:
    assert country_of_zone(zone) == country


def test_every_required_country_ships_lines_in_both_languages() -> None:
    for country in ("FR", "BE", "CH", "LU", "CA", "GB", "IE", "US", "AU", "NZ"):
        shipped = SHIPPED[country]
        assert shipped.emergency
        assert set(shipped.lines) == {"fr", "en"}, country


def test_the_configuration_reads_countries_and_keeps_the_old_per_language_lists() -> None:
    config = Config.from_toml(
        '[resources]\nfr = ["Ligne locale"]\n\n'
        '[resources.JP]\nemergency = "110"\nen = ["Example line — 0000 000 000"]\n'
    )
    assert config.resources.by_language == {"fr": ("Ligne locale",)}
    assert config.resources.countries == {
        "JP": CountryLines("110", {"en": ("Example line — 0000 000 000",)})
    }


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[resources.XX]\nen = ["x"]', "resources.XX"),
        ('[resources.jp]\nen = ["x"]', "resources.jp"),
        ('[resources.JP]\nde = ["x"]', "resources.JP.de"),
        ("[resources.JP]\nemergency = 110", "resources.JP.emergency"),
        ("[resources.JP]\nen = []", "resources.JP.en"),
        ('[resources]\nJP = ["x"]', "resources.JP"),
    ],
)
def test_bad_resources_are_refused_with_the_key(toml: str, key: str) -> None:
    with pytest.raises(ConfigError) as error:
        Config.from_toml(toml)
    assert error.value.key == key
