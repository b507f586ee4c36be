"""Opening and closing rounds: everyone present called in turn (observers never), each free to
pass; hands raised meanwhile wait for the end; the session ends after the closing round; a
restart in the middle changes nothing."""

from __future__ import annotations

import json
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
    assert done.room == [
        "Ann passed the stick. Thank you for sharing.",
        "Thank you for this round. The floor is open: raise your hand whenever you wish.",
    ], "the floor is said to be open once"
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
        "with “session start round”."
    )
    assert (await h.say("mod", "session start round")).errors == ["error.round_nobody"]
    await h.advance(timedelta(minutes=1))
    await h.ok("ann", "agree")
    started = await h.ok("mod", "session start round")  # the session stays open, the round starts
    assert started.room[0] == (
        "🌿 Opening round: one word about how you arrive today. Each in turn, in this order: "
        "Ann. You may always pass (“pass”); raised hands wait until the round is over."
    )
    assert (await h.say("mod", "session start round")).errors == ["error.round_running"]
    assert (await h.say("mod", "session start")).errors == ["error.session_already_open"]


async def test_a_session_opening_at_its_time_says_how_to_start_the_opening_round() -> None:
    h = Harness(language="fr")
    await h.ok("mod", "groupe régler tour-ouverture oui")
    await h.ok("mod", "séance planifier 2026-12-01 20:00")
    opened = await h.advance(timedelta(hours=1, minutes=1))
    assert (
        "🌿 Un tour de table d'ouverture est prévu : l'équipe d'animation le lancera avec "
        "« séance ouvrir tour » quand tout le monde sera là."
    ) in opened.room
    await h.ok("ann", "accepter")
    started = await h.ok("mod", "séance ouvrir tour")
    assert started.room[0].startswith("🌿 Tour de table d'ouverture, la « météo »")


def test_a_hand_raised_during_a_round_given_the_stick_or_called_is_not_called_twice() -> None:
    stick = rules.start_round(Stick(session_id=1), RoundKind.OPENING, ("ann", "bob"), T0).stick
    stick = rules.raise_hand(stick, "dan", T0).stick  # waits for the end of the round
    given = rules.give(stick, "dan", T0).stick
    assert (given.holder, given.queue, given.after_round) == ("dan", ("ann", "bob"), ())
    assert given.holder_round is RoundKind.OPENING, "given the floor within the round"
    called = rules.round_table(stick, ("ann", "bob", "dan"), T0).stick
    assert (called.holder, called.queue, called.after_round) == ("ann", ("bob", "dan"), ())
    for user in ("ann", "bob"):
        called = rules.pass_turn(called, user, T0).stick
    end = rules.pass_turn(called, "dan", T0)
    assert end.round_ended is RoundKind.OPENING and end.stick.holder is None, "once"


def test_turns_in_a_round_are_marked_as_such_and_the_floor_after_it_is_not() -> None:
    stick = rules.raise_hand(Stick(session_id=1), "eve", T0).stick  # Eve speaks freely
    stick = rules.start_round(stick, RoundKind.OPENING, ("ann", "eve"), T0).stick
    stick = rules.raise_hand(stick, "dan", T0).stick
    assert stick.holder_round is None, "Eve finishes her own turn first"
    eve = rules.pass_turn(stick, "eve", T0)
    assert [h.previous_round for h in eve.handovers if h.previous] == [None]
    assert eve.stick.holder_round is RoundKind.OPENING
    ann = rules.pass_turn(eve.stick, "ann", T0)
    assert [h.previous_round for h in ann.handovers if h.previous] == [RoundKind.OPENING]
    assert (ann.stick.holder, ann.stick.holder_round) == ("dan", None)


def test_nobody_gets_the_stick_after_the_closing_round() -> None:
    stick = rules.start_round(Stick(session_id=1), RoundKind.CLOSING, ("ann",), T0).stick
    stick = rules.raise_hand(stick, "dan", T0).stick
    end = rules.pass_turn(stick, "ann", T0)
    assert (end.round_ended, end.still_waiting) == (RoundKind.CLOSING, ("dan",))
    assert (end.stick.holder, end.stick.queue, end.stick.round, end.stick.after_round) == (
        None,
        (),
        None,
        (),
    )


async def test_a_hand_raised_during_the_closing_round_is_told_the_session_ends_after_it() -> None:
    h = Harness()
    await _group(h)
    await h.ok("mod", "group set summary on")
    await h.ok("mod", "session start")
    for user in ("ann", "bob", "cat"):
        await h.ok(user, "queue")
    await h.ok("mod", "session end round")
    await h.ok("dan", "agree")
    raised = await h.ok("dan", "hand")
    assert raised.room[0] == (
        "✋ Dan raises a hand. The session ends after this closing round: a moderator may give "
        "them the floor before it does."
    )
    for user in ("mod", "ann", "bob"):
        await h.ok(user, "pass")
    done = await h.ok("cat", "pass")
    assert done.room[:2] == [
        "Cat passed the stick. Thank you for sharing.",
        "Thank you for this last round.",
    ]
    assert not any("Dan has the talking stick" in t or "stick is free" in t for t in done.room)
    assert any(t.startswith("🌙 The session is closed") for t in done.room)
    [summary] = [t for t in done.private("mod") if t.startswith("Summary")]
    assert "Raised a hand but did not get the floor: Dan" in summary


async def test_a_moderator_gives_the_floor_to_a_hand_raised_during_the_closing_round() -> None:
    h = Harness()
    await _group(h)
    await h.ok("mod", "session start")
    await h.ok("ann", "queue")
    await h.ok("mod", "session end round")
    await h.ok("dan", "agree")
    await h.ok("dan", "hand")
    given = await h.ok("mod", "stick give Dan")
    assert "🎤 Dan has the talking stick." in given.room
    await h.ok("dan", "pass")  # then the round goes on: Mod (interrupted), Ann, Bob, Cat
    for user in ("mod", "ann", "bob"):
        assert "Dan has the talking stick" not in " ".join((await h.ok(user, "pass")).room)
    done = await h.ok("cat", "pass")
    assert any(t.startswith("🌙 The session is closed") for t in done.room)
    assert not any("Dan has the talking stick" in t for t in done.room), "not a second time"


async def test_my_data_says_which_turns_were_given_in_a_round() -> None:
    h = Harness()
    await _group(h)
    await h.ok("mod", "session start round")
    await h.ok("mod", "pass")
    await h.ok("ann", "pass")  # in the round
    await h.ok("ann", "hand")  # waits for its end
    await h.ok("bob", "pass")
    await h.ok("cat", "pass")  # Ann on the open floor
    h.clock.advance(timedelta(minutes=4))
    await h.ok("ann", "pass")
    exported = await h.ok("ann", "my-data")
    [data] = [o.reply for o in exported.outgoing if o.reply.attachment is not None]
    assert data.attachment is not None
    turns = json.loads(data.attachment.data)["speaking_turns"]
    assert [t["given_in_round"] for t in turns] == ["opening", None]
