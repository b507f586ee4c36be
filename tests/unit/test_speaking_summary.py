"""The speaking-time summary: off by default; on, the moderators alone are told at the end of
a session who spoke how often and how long, who still waited with a raised hand, and who did not
speak; nothing in the room, nothing about content; a member's own figures are in my-data and
forget-me erases them."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.fakes import InMemoryStore
from tests.unit.harness import Harness, Said


def summaries(said: Said, user: str) -> list[str]:
    return [t for t in said.private(user) if t.startswith("Summary of the session")]


async def _a_session(h: Harness) -> Said:
    """Ann speaks twice (5 + 3 min), Bob once (10 min), Cat waits at the end, Dan listens."""
    await h.open_with("ann", "bob", "cat", "dan")
    await h.ok("dan", "queue")  # Dan is here (seen during the session)
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    h.clock.advance(timedelta(minutes=5))
    await h.ok("ann", "pass")  # Bob speaks
    await h.ok("ann", "hand")
    h.clock.advance(timedelta(minutes=10))
    await h.ok("bob", "pass")  # Ann again
    await h.ok("cat", "hand")
    h.clock.advance(timedelta(minutes=3))
    return await h.ok("mod", "session end")


async def test_off_by_default_nobody_gets_a_summary() -> None:
    h = Harness(moderators={"mod", "mia"})
    await h.ok("mia", "agree")
    ended = await _a_session(h)
    assert summaries(ended, "mod") == [] and summaries(ended, "mia") == []


async def test_the_moderators_alone_get_who_spoke_how_often_and_how_long() -> None:
    h = Harness(moderators={"mod", "mia"})
    await h.ok("mia", "agree")
    await h.ok("mod", "group set summary on")
    ended = await _a_session(h)
    expected = [
        "Summary of the session, for the moderators only (nothing about what was said):\n"
        "Ann: 2 times, 8 min in all\n"
        "Bob: 1 time, 10 min in all\n"
        "Still waiting with a raised hand at the end, without having spoken: Cat\n"
        "Did not speak: Dan — choosing to listen is perfectly fine."
    ]
    assert summaries(ended, "mod") == expected
    assert summaries(ended, "mia") == expected
    for user in ("ann", "bob", "cat", "dan"):
        assert summaries(ended, user) == []
    assert all("Summary" not in line and "times" not in line for line in ended.room)


async def test_a_session_where_nobody_spoke() -> None:
    h = Harness()
    await h.ok("mod", "group set summary on")
    await h.open_with("ann")
    ended = await h.ok("mod", "session end")
    assert summaries(ended, "mod") == [
        "Summary of the session, for the moderators only (nothing about what was said):\n"
        "nobody\n"
        "Still waiting with a raised hand at the end, without having spoken: nobody\n"
        "Did not speak: Ann — choosing to listen is perfectly fine."
    ]


async def test_own_figures_in_my_data_and_gone_after_forget_me() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.ok("mod", "group set summary on")
    await _a_session(h)
    exported = await h.ok("ann", "my-data")
    [data] = [o.reply for o in exported.outgoing if o.reply.attachment is not None]
    assert data.attachment is not None
    turns = json.loads(data.attachment.data)["speaking_turns"]
    assert len(turns) == 2, "Ann's own two turns, nobody else's"
    await h.ok("ann", "forget-me confirm")
    assert not [t for t in store.tables.turns if t.user_id == "ann"]
