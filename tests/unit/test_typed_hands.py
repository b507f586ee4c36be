"""Typed hands: a direct reply goes before the regular line (one at a time, and a group may turn
them off); a process point stays in line and the moderators are told privately at once; raising
a typed hand while waiting changes its type."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import stick as rules
from bot.domain.stick import HandKind, SpeakingOrder, Stick
from bot.errors import StateError
from tests.unit.harness import Harness
from tests.unit.test_talking_stick import stick_of

T0 = datetime(2026, 12, 1, 18, tzinfo=UTC)


def line(*users: str) -> Stick:
    stick = Stick(session_id=1)
    for user in users:
        stick = rules.raise_hand(stick, user, T0).stick
    return stick


def test_a_reply_goes_first_and_only_one_waits_at_a_time() -> None:
    stick = rules.raise_hand(line("ann", "bob", "cat"), "dan", T0, kind=HandKind.REPLY).stick
    assert stick.queue == ("dan", "bob", "cat")
    assert stick.reply == "dan"
    with pytest.raises(StateError, match="reply_taken"):
        rules.raise_hand(stick, "eve", T0, kind=HandKind.REPLY)
    with pytest.raises(StateError, match="reply_taken"):
        rules.raise_hand(stick, "cat", T0, kind=HandKind.REPLY)
    # A regular hand, even from whoever has spoken least, never goes before the reply.
    spoken = {"dan": timedelta(minutes=9), "bob": timedelta(minutes=2), "cat": timedelta(1)}
    order = SpeakingOrder.BALANCED
    after = rules.raise_hand(stick, "eve", T0, order=order, spoken_time=spoken).stick
    assert after.queue == ("dan", "eve", "bob", "cat")
    # Once the reply is heard, another may come.
    heard = rules.next_turn(after, T0).stick
    assert (heard.holder, heard.reply) == ("dan", None)
    assert rules.raise_hand(heard, "cat", T0, kind=HandKind.REPLY).stick.queue == (
        "cat",
        "eve",
        "bob",
    )


def test_changing_the_type_of_a_waiting_hand() -> None:
    stick = line("ann", "bob", "cat", "dan")
    process = rules.raise_hand(stick, "cat", T0, kind=HandKind.PROCESS).stick
    assert process.queue == ("bob", "cat", "dan"), "a process point keeps its place"
    assert process.kind_of("cat") is HandKind.PROCESS
    reply = rules.raise_hand(process, "cat", T0, kind=HandKind.REPLY).stick
    assert reply.queue == ("cat", "bob", "dan")
    assert (reply.kind_of("cat"), reply.process) == (HandKind.REPLY, ())
    back = rules.raise_hand(reply, "cat", T0, kind=HandKind.PROCESS).stick
    assert back.queue == ("bob", "dan", "cat"), "no longer a reply: back to the regular line"
    assert back.reply is None
    with pytest.raises(StateError, match="already_queued"):
        rules.raise_hand(back, "cat", T0, kind=HandKind.PROCESS)
    with pytest.raises(StateError, match="already_queued"):
        rules.raise_hand(back, "cat", T0)


def test_types_leave_with_the_person() -> None:
    stick = rules.raise_hand(line("ann", "bob"), "cat", T0, kind=HandKind.REPLY).stick
    stick = rules.raise_hand(stick, "bob", T0, kind=HandKind.PROCESS).stick
    assert rules.lower_hand(stick, "cat").stick.reply is None
    assert rules.remove(stick, "bob", T0).stick.process == ()
    cleared = rules.clear(line("ann")).stick
    assert rules.clear(stick).stick == replace(cleared, hands_raised=stick.hands_raised)
    skipped = rules.skip(stick, "cat", T0).stick
    assert (skipped.queue, skipped.reply) == (("bob", "cat"), None), "skipping ends the reply"
    assert rules.without(stick, "cat").reply is None


async def test_reply_hands_through_the_core() -> None:
    h = Harness()
    await h.open_with("ann", "bob", "cat", "dan")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    said = await h.ok("cat", "hand reply")
    assert said.room[0] == (
        "✋ Cat raised their hand for a direct reply to what was just said (number 1 in line)."
    )
    assert await stick_of(h) == ("ann", ("cat", "bob"))
    assert (await h.say("dan", "hand reply")).errors == ["error.reply_taken"]
    queue = (await h.ok("dan", "queue")).private("dan")
    assert queue[0].startswith("🎤 Speaking: Ann · waiting: Cat (reply) and Bob\n")
    await h.ok("mod", "group set replies off")
    await h.ok("ann", "pass")
    assert (await h.say("dan", "hand reply")).errors == ["error.reply_hands_off"]
    assert (await h.say("dan", "main réaction")).errors == ["error.reply_hands_off"]
    assert "direct replies: no" in (await h.ok("mod", "group show")).room[-1]


async def test_a_process_point_tells_the_moderators_privately_at_once() -> None:
    h = Harness(language="fr")
    await h.open_with("ann", "bob", "cat")
    await h.ok("ann", "main")
    await h.ok("bob", "main")
    said = await h.ok("cat", "main organisation")
    assert said.room[0] == (
        "✋ Cat lève la main pour un point d'organisation (n° 2 dans la file) ; "
        "l'équipe d'animation est prévenue."
    )
    assert said.private("mod") == [
        "Cat souhaite soulever un point d'organisation, sur le déroulement de la séance. "
        "Vous pouvez lui donner la parole dès que cela vous semble juste."
    ]
    assert not said.private("ann")
    assert not said.private("bob")
    # Already in line: the hand changes type.
    said = await h.ok("bob", "main réaction")
    assert said.room[0] == "✋ La main de Bob devient une réaction directe (n° 1 dans la file)."
    assert await stick_of(h) == ("ann", ("bob", "cat"))
    shown = (await h.ok("ann", "file")).private("ann")
    assert shown[0].startswith(
        "🎤 Parole : Ann · en attente : Bob (réaction) et Cat (organisation)"
    )
