"""Asking for a break, openly or anonymously."""

from __future__ import annotations

from bot.testing import InMemoryStore

from tests.unit.harness import Harness


async def test_open_request_names_the_person_and_tells_moderators_privately() -> None:
    h = Harness(moderators={"mod", "mod2"})
    await h.ok("mod2", "agree")
    await h.open_with("ann")
    said = await h.ok("ann", "pause")
    assert said.room == ["☕ Ann would like a break. The moderators have been told."]
    assert said.private("mod") == ["☕ Break requested by Ann. To start it: “session break”."]
    assert said.private("mod2") == said.private("mod")
    assert said.private("ann")[0].startswith("Your request was passed on.")


async def test_anonymous_request_never_names_nor_stores_the_person() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("ann")
    said = await h.ok("ann", "pause anon")
    shown = said.room + said.private("mod")
    assert said.room == ["☕ A break was requested. The moderators have been told."]
    assert said.private("mod") == [
        "☕ Break requested by someone (anonymous). To start it: “session break”."
    ]
    assert not any("Ann" in line or "ann" in line for line in shown)
    assert [p.requested_by for p in store.tables.pauses.values()] == [None]


async def test_observers_may_ask_for_a_break_in_french() -> None:
    h = Harness(language="fr")
    await h.open_with("obs")
    await h.ok("obs", "observateur on")
    said = await h.ok("obs", "pause anonyme")
    assert said.room == ["☕ Une pause a été demandée. L'équipe d'animation est prévenue."]
    assert said.private("mod") == [
        "☕ Pause demandée par une personne qui reste anonyme. Pour la lancer : « séance pause »."
    ]


async def test_no_pause_without_a_session() -> None:
    h = Harness()
    assert (await h.say("ann", "pause")).errors == ["error.no_open_session"]
