"""The speaking-time summary: off by default; on, the moderators alone are told at the end of
a session who spoke how often and how long, who raised a hand and never got the floor (still
waiting, or lowered it), and who did not speak; nothing in the room, nothing about content; a
member's own figures are in my-data and forget-me erases them."""

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
        "Raised a hand but did not get the floor: Cat\n"
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
        "Raised a hand but did not get the floor: nobody\n"
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


async def _present(h: Harness, *users: str) -> None:
    for user in ("mod", *users):
        await h.ok(user, "agree")
        h.clock.advance(timedelta(seconds=30))


async def test_turns_in_a_round_are_not_counted_as_speaking() -> None:
    """Everyone present is called in a round and may pass at once: a turn there is no sign of
    speaking, so the summary counts the open floor and names the rounds apart."""
    h = Harness()
    await _present(h, "ann", "bob", "cat")
    await h.ok("mod", "group set summary on")
    await h.ok("mod", "session start round")
    await h.ok("mod", "pass")
    h.clock.advance(timedelta(minutes=2))
    await h.ok("ann", "pass")  # a word in the round
    await h.ok("bob", "pass")
    await h.ok("cat", "pass")
    await h.ok("bob", "hand")  # on the open floor
    h.clock.advance(timedelta(minutes=4))
    await h.ok("bob", "pass")
    ended = await h.ok("mod", "session end round")
    for user in ("mod", "ann", "bob"):
        ended = await h.ok(user, "pass")
    ended = await h.ok("cat", "pass")
    assert summaries(ended, "mod") == [
        "Summary of the session, for the moderators only (nothing about what was said):\n"
        "Bob: 1 time, 4 min in all\n"
        "Raised a hand but did not get the floor: nobody\n"
        "Did not speak outside the rounds: Ann and Cat — choosing to listen is perfectly fine.\n"
        "Rounds not counted above (opening and closing): everyone present was called in turn, "
        "free to pass."
    ]


async def test_in_french_the_rounds_are_named() -> None:
    h = Harness(language="fr")
    await _present(h, "ann")
    await h.ok("mod", "group set summary on")
    await h.ok("mod", "session start round")
    await h.ok("mod", "passe")
    await h.ok("ann", "passe")
    ended = await h.ok("mod", "session end")
    [summary] = [t for t in ended.private("mod") if t.startswith("Résumé")]
    assert summary.endswith(
        "N'ont pas pris la parole en dehors des tours de table : Ann — choisir d'écouter est "
        "tout à fait légitime.\nTours de table non comptés ci-dessus (ouverture) : chaque "
        "personne présente y était appelée à son tour, libre de passer."
    )


async def test_ended_during_a_round_the_raised_hands_are_the_ones_waiting() -> None:
    """Those the round had not called yet did not raise a hand; those who raised one during
    the round did."""
    h = Harness()
    await _present(h, "ann", "bob")
    await h.ok("mod", "group set summary on")
    await h.ok("mod", "session start round")
    await h.ok("dan", "agree")
    await h.ok("dan", "hand")
    ended = await h.ok("mod", "session end")
    [summary] = summaries(ended, "mod")
    assert "Raised a hand but did not get the floor: Dan\n" in summary
    assert "Did not speak outside the rounds: Ann and Bob — " in summary


async def test_a_hand_lowered_before_getting_the_floor_is_named_too() -> None:
    """Cat waited, then lowered her hand; Eve's was taken out of the line by a moderator; Dan
    raised his, spoke, and was not waiting any more: only Cat and Eve wished to speak and
    did not."""
    h = Harness()
    await h.ok("mod", "group set summary on")
    await h.open_with("ann", "cat", "dan", "eve")
    await h.ok("ann", "hand")  # Ann speaks
    for user in ("cat", "dan", "eve"):
        await h.ok(user, "hand")
    await h.ok("cat", "lower")
    await h.ok("mod", "stick remove Eve")
    h.clock.advance(timedelta(minutes=2))
    await h.ok("ann", "pass")  # Dan speaks
    h.clock.advance(timedelta(minutes=3))
    ended = await h.ok("mod", "session end")
    assert summaries(ended, "mod") == [
        "Summary of the session, for the moderators only (nothing about what was said):\n"
        "Ann: 1 time, 2 min in all\n"
        "Dan: 1 time, 3 min in all\n"
        "Raised a hand but did not get the floor: Cat and Eve\n"
        "Did not speak: nobody — choosing to listen is perfectly fine."
    ]


async def test_a_raised_hand_is_in_my_data_while_the_session_is_open_and_gone_with_forget_me() -> (
    None
):
    store = InMemoryStore()
    h = Harness(store=store)
    await h.ok("mod", "group set summary on")
    await h.open_with("ann", "cat")
    await h.ok("ann", "hand")
    await h.ok("cat", "hand")
    await h.ok("cat", "lower")
    exported = await h.ok("cat", "my-data")
    [data] = [o.reply for o in exported.outgoing if o.reply.attachment is not None]
    assert data.attachment is not None
    [place] = json.loads(data.attachment.data)["talking_stick"]
    assert place["raised_a_hand_this_session"] is True and place["queue_position"] is None
    await h.ok("cat", "forget-me confirm")
    assert all("cat" not in stick.hands_raised for stick in store.tables.sticks.values())
    ended = await h.ok("mod", "session end")
    assert "Raised a hand but did not get the floor: nobody" in summaries(ended, "mod")[0]
