"""``group set`` / ``group show``: every key, in both languages, validated."""

from __future__ import annotations

import pytest

from bot.domain import AccompanyingPolicy, Need, SpeakingOrder
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness


async def group_of(store: InMemoryStore):  # type: ignore[no-untyped-def]
    [group] = store.tables.groups.values()
    return group


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("group set name Cercle du mardi", "name", "Cercle du mardi"),
        ("group set need grief", "need", Need.GRIEF),
        ("groupe régler besoin séparation", "need", Need.SEPARATION),
        ("group set language fr", "language", "fr"),
        ("groupe régler langue anglais", "language", "en"),
        ("group set timezone America/New_York", "timezone", "America/New_York"),
        ("group set charter We listen. We keep it here.", "charter", "We listen. We keep it here."),
        ("group set charter default", "charter", None),
        ("group set accompanying not-admitted", "accompanying", AccompanyingPolicy.NOT_ADMITTED),
        ("groupe régler accompagnants bienvenus", "accompanying", AccompanyingPolicy.WELCOME),
        ("group set reminders 1d, 2h 15m", "reminder_leads", (1440, 120, 15)),
        ("group set reminders off", "reminder_leads", ()),
        ("group set duration 2h", "session_minutes", 120),
        ("groupe régler durée 1h45", "session_minutes", 105),
        ("group set break 15", "break_minutes", 15),
        ("group set first-speakers-first on", "speaking_order", SpeakingOrder.FIRST_TIME),
        ("groupe régler nouveaux-d-abord oui", "speaking_order", SpeakingOrder.FIRST_TIME),
        ("group set first-speakers-first off", "speaking_order", SpeakingOrder.ARRIVAL),
        ("group set order balanced", "speaking_order", SpeakingOrder.BALANCED),
        ("groupe régler ordre équilibré", "speaking_order", SpeakingOrder.BALANCED),
        ("groupe régler ordre nouveaux", "speaking_order", SpeakingOrder.FIRST_TIME),
        ("groupe régler ordre arrivée", "speaking_order", SpeakingOrder.ARRIVAL),
        ("group set charter-required no", "charter_required", False),
    ],
)
async def test_each_setting(line: str, field: str, value: object) -> None:
    store = InMemoryStore()
    h = Harness(store=store, language="fr" if line.startswith("groupe") else "en")
    await h.ok("mod", line)
    assert getattr(await group_of(store), field) == value


async def test_show_lists_every_setting_in_the_group_language() -> None:
    h = Harness(language="fr")
    await h.ok("mod", "groupe régler besoin deuil")
    said = await h.ok("mod", "groupe afficher")
    text = said.room[-1]
    for label in (
        "nom :",
        "besoin : deuil",
        "langue : français",
        "fuseau horaire : Europe/Paris",
        "personnes accompagnantes : sur demande à l'équipe d'animation",
        "rappels avant une séance : 24 h et 15 min",
        "durée d'une séance : 1 h 30",
        "durée de la pause : 10 min",
    ):
        assert label in text


async def test_changing_the_language_answers_in_the_new_one() -> None:
    h = Harness(language="fr")
    said = await h.ok("mod", "groupe régler langue en")
    assert said.room[-1] == "⚙️ Updated: language → English"
    said = await h.ok("mod", "help")
    assert said.private("mod")[0].startswith("Here is what you need to take part:")


async def test_timezone_error_suggests_close_names() -> None:
    h = Harness()
    said = await h.say("mod", "group set timezone europe/paris")
    assert said.errors == ["error.setting.timezone"]
    assert "Europe/Paris" in said.private("mod")[-1]
