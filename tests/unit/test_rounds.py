"""Opening and closing rounds: everyone present called in turn (observers never), each free to
pass; hands raised meanwhile wait for the end; the session ends after the closing round; a
restart in the middle changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import stick as rules
from bot.domain.stick import RoundKind, Stick
from bot.errors import StateError
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness

T0 = datetime(2026, 12, 1, 18, tzinfo=UTC)


def test_a_round_calls_each_in_turn_then_the_raised_hands_form_the_line() -> None:
    before = rules.raise_hand(Stick(session_id=1), "eve", T0).stick  # Eve speaks
    before = rules.raise_hand(before, "dan", T0).stick  # Dan waits
    change = rules.start_round(before, RoundKind.OPENING, ("ann", "bob", "eve"), T0)
    stick = change.stick
    assert (stick.holder, stick.queue, stick.after_round) == ("eve", ("ann", "bob"), ("dan",))
    stick = rules.raise_hand(stick, "cat", T0).stick
    assert stick.after_round == ("dan", "cat") and stick.queue == ("ann", "bob")
    with pytest.raises(StateError, match="round_typed_hand"):
        rules.raise_hand(stick, "fay", T0, kind=rules.HandKind.REPLY)
    with pytest.raises(StateError, match="round_already_called"):
        rules.raise_hand(stick, "bob", T0)
    stick = rules.pass_turn(stick, "eve", T0).stick  # Ann
    stick = rules.pass_turn(stick, "ann", T0).stick  # Bob, the last of the round
    end = rules.pass_turn(stick, "bob", T0)
    assert end.round_ended is RoundKind.OPENING
    assert (end.stick.round, end.stick.holder, end.stick.queue) == (None, "dan", ("cat",))


def test_a_round_can_be_stopped_and_only_one_at_a_time() -> None:
    stick = rules.start_round(Stick(session_id=1), RoundKind.CLOSING, ("ann", "bob"), T0).stick
    with pytest.raises(StateError, match="round_running"):
        rules.start_round(stick, RoundKind.OPENING, ("cat",), T0)
    stopped = rules.stop_round(stick, T0)
    assert stopped.stick.holder == "ann" and stopped.stick.queue == ()
    assert rules.pass_turn(stopped.stick, "ann", T0).round_ended is RoundKind.CLOSING
    with pytest.raises(StateError, match="round_nobody"):
        rules.start_round(Stick(session_id=1), RoundKind.OPENING, (), T0)


async def _group(h: Harness) -> None:
    for user in ("mod", "ann", "bob", "cat", "olga"):
        await h.ok(user, "agree")
        h.clock.advance(timedelta(seconds=30))
    await h.ok("olga", "observer on")


async def test_an_opening_round_skips_observers_and_lets_everyone_pass() -> None:
    h = Harness()
    await _group(h)
    opened = await h.ok("mod", "session start round")
    prompt = [t for t in opened.room if t.startswith("🌿 Opening round")]
    assert prompt == [
        "🌿 Opening round: one word about how you arrive today. Each in turn, in this order: "
        "Mod, Ann, Bob, and Cat. You may always pass (“pass”); raised hands wait until the "
        "round is over."
    ], "arrival order; Olga observes and is not called"
    assert "Olga" not in prompt[0]
    await h.ok("dan", "agree")  # arrives during the round: not called in it
    said = await h.ok("dan", "hand")
    assert said.room[0] == "✋ Dan raises a hand: their turn comes as soon as the round is over."
    assert (await h.say("cat", "hand")).errors == ["error.round_already_called"]
    await h.ok("mod", "pass")
    await h.ok("ann", "pass")
    await h.ok("bob", "pass")
    last = await h.ok("cat", "pass")
    assert "Thank you for this round. The floor is open: raise your hand whenever you wish." in (
        last.room
    )
    assert "🎤 Dan has the talking stick." in last.room


async def test_the_group_setting_opens_every_session_with_a_round() -> None:
    h = Harness()
    await _group(h)
    await h.ok("mod", "group set opening-round on")
    opened = await h.ok("mod", "session start")
    assert any(t.startswith("🌿 Opening round") for t in opened.room)


async def test_a_closing_round_ends_the_session_after_it() -> None:
    h = Harness(moderators={"mod"})
    await _group(h)
    await h.ok("mod", "session start")
    for user in ("ann", "bob"):
        await h.ok(user, "queue")  # present
    ending = await h.ok("mod", "session end round")
    assert any(t.startswith("🌙 Closing round") for t in ending.room)
    assert not any("The session is closed" in t for t in ending.room), "not yet"
    await h.ok("mod", "pass")
    await h.ok("ann", "pass")
    await h.ok("bob", "pass")
    done = await h.ok("cat", "pass")
    assert "Thank you for this last round." in done.room
    assert any(t.startswith("🌙 The session is closed") for t in done.room)
    assert (await h.say("mod", "session end")).errors == ["error.no_open_session"]


async def test_session_end_during_the_closing_round_ends_at_once() -> None:
    h = Harness()
    await _group(h)
    await h.ok("mod", "group set closing-round on")
    await h.ok("mod", "session start")
    await h.ok("mod", "session end")
    now = await h.ok("mod", "session end")
    assert any(t.startswith("🌙 The session is closed") for t in now.room)


async def test_a_moderator_stops_the_round() -> None:
    h = Harness()
    await _group(h)
    await h.ok("mod", "session start round")
    await h.ok("mod", "pass")  # Ann speaks
    stopped = await h.ok("mod", "stick round stop")
    assert stopped.room == [], "Ann finishes; nobody else is called"
    done = await h.ok("ann", "pass")
    assert "Thank you for this round. The floor is open: raise your hand whenever you wish." in (
        done.room
    )
    assert (await h.say("mod", "stick round stop")).errors == ["error.no_round"]


async def test_a_round_survives_a_restart() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await _group(h)
    await h.ok("mod", "session start round")
    await h.ok("dan", "agree")
    await h.ok("dan", "hand")
    restarted = Harness(store=store, clock=h.clock)
    await restarted.ok("mod", "pass")
    await restarted.ok("ann", "pass")
    after = await restarted.ok("bob", "pass")  # Cat is called in the round
    assert "🎤 Cat has the talking stick." in after.room
    last = await restarted.ok("cat", "pass")  # end of the round: Dan's raised hand
    assert "🎤 Dan has the talking stick." in last.room


async def test_nobody_there_yet_for_the_opening_round() -> None:
    h = Harness()
    await h.ok("mod", "agree")
    await h.ok("mod", "observer on")
    opened = await h.ok("mod", "session start round")
    assert opened.room[-1] == (
        "Nobody else is here yet for the round. You can start it once you are together, "
        "with “stick round”."
    )
    await h.advance(timedelta(minutes=1))
