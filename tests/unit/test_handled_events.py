"""An event delivered twice (a Matrix sync replayed after a crash) is applied once; a refused
command can be tried again; old records are forgotten."""

from __future__ import annotations

import copy
from datetime import timedelta

from bot.app import HANDLED_KEPT
from bot.events import Incoming
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness


def event(text: str, event_id: str, user: str = "ann") -> Incoming:
    return Incoming("test", "room-1", user, user.capitalize(), text, event_id)


async def test_the_same_event_twice_is_applied_once() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("ann")
    first = await h.app.handle(event("journal add only once", "$ev1"))
    assert [o.reply.key for o in first] == ["journal.added", "journal.typed_in_room"]
    before = copy.deepcopy(store.tables)
    again = await h.app.handle(event("journal add only once", "$ev1"))
    assert again == []
    assert store.tables == before
    assert len(store.tables.journal) == 1


async def test_a_refused_command_is_not_recorded_and_can_come_again() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.ok("ann", "agree")
    refused = await h.app.handle(event("session end", "$ev2"))
    assert [o.reply.key for o in refused] == ["error.moderators_only"]
    assert ("test", "$ev2") not in store.tables.handled
    assert [o.reply.key for o in await h.app.handle(event("session end", "$ev2"))] == [
        "error.moderators_only"
    ]


async def test_records_older_than_two_days_are_forgotten_by_the_hourly_planning() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.app.handle(event("agree", "$old"))
    assert ("test", "$old") in store.tables.handled
    await h.advance(HANDLED_KEPT + timedelta(hours=2))
    assert ("test", "$old") not in store.tables.handled
