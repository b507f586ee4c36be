"""The pure rules of the talking stick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import stick as rules
from bot.domain.stick import SpeakingOrder, Stick
from bot.errors import StateError

T0 = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
T1 = T0 + timedelta(minutes=3)


def hands(*users: str, first: bool = False, stick: Stick | None = None) -> Stick:
    current = stick or Stick(session_id=1)
    for user in users:
        current = rules.raise_hand(
            current, user, T0, order=SpeakingOrder.FIRST_TIME if first else SpeakingOrder.ARRIVAL
        ).stick
    return current


def test_first_hand_gets_the_free_stick_and_others_wait_in_order() -> None:
    stick = hands("ann", "bob", "cat")
    assert stick.holder == "ann"
    assert stick.holder_since == T0
    assert stick.queue == ("bob", "cat")


def test_raising_twice_or_while_holding_is_refused() -> None:
    stick = hands("ann", "bob")
    with pytest.raises(StateError, match="already_holder"):
        rules.raise_hand(stick, "ann", T0)
    with pytest.raises(StateError, match="already_queued") as caught:
        rules.raise_hand(stick, "bob", T0)
    assert caught.value.params == {"position": 1}


def test_pass_hands_over_to_the_first_in_line_and_logs_the_turn() -> None:
    change = rules.pass_turn(hands("ann", "bob", "cat"), "ann", T1)
    assert change.stick.holder == "bob"
    assert change.stick.holder_since == T1
    assert change.stick.queue == ("cat",)
    assert change.handovers[0].previous == "ann"
    assert change.handovers[0].previous_since == T0
    assert change.handovers[-1].current == "bob"


def test_pass_while_waiting_gives_up_ones_place() -> None:
    change = rules.pass_turn(hands("ann", "bob", "cat"), "bob", T1)
    assert change.stick.holder == "ann"
    assert change.stick.queue == ("cat",)
    assert change.handovers == ()
    with pytest.raises(StateError, match="nothing_to_pass"):
        rules.pass_turn(change.stick, "dan", T1)


def test_next_with_empty_queue_frees_the_stick() -> None:
    change = rules.next_turn(hands("ann"), T1)
    assert change.stick.holder is None
    assert change.handovers[-1].current is None
    with pytest.raises(StateError, match="nobody_holds_stick"):
        rules.next_turn(change.stick, T1)


def test_first_time_speakers_go_ahead_of_those_who_spoke() -> None:
    stick = hands("ann", "bob")
    stick = rules.pass_turn(stick, "ann", T1).stick  # ann has spoken, bob holds
    stick = hands("ann", "cat", first=True, stick=stick)
    assert stick.queue == ("cat", "ann")
    stick = hands("dan", first=True, stick=stick)
    assert stick.queue == ("cat", "dan", "ann")
    stick = hands("eve", first=False, stick=stick)
    assert stick.queue == ("cat", "dan", "ann", "eve")


def test_give_skip_remove_move_clear_round() -> None:
    stick = hands("ann", "bob", "cat", "dan")
    given = rules.give(stick, "cat", T1).stick
    assert (given.holder, given.queue) == ("cat", ("ann", "bob", "dan"))  # ann speaks next
    skipped = rules.skip(stick, "bob", T1).stick
    assert skipped.queue == ("cat", "dan", "bob")
    holder_skipped = rules.skip(stick, "ann", T1).stick
    assert (holder_skipped.holder, holder_skipped.queue) == ("bob", ("cat", "dan", "ann"))
    removed = rules.remove(stick, "cat", T1).stick
    assert removed.queue == ("bob", "dan")
    moved = rules.move(stick, "dan", 1).stick
    assert moved.queue == ("dan", "bob", "cat")
    assert rules.move(stick, "bob", 99).stick.queue == ("cat", "dan", "bob")
    assert rules.clear(stick).stick.queue == ()
    assert rules.clear(stick).stick.holder == "ann"
    round_ = rules.round_table(Stick(session_id=1), ("ann", "bob", "ann"), T1).stick
    assert (round_.holder, round_.queue) == ("ann", ("bob",))
    with pytest.raises(StateError):
        rules.give(stick, "ann", T1)
    with pytest.raises(StateError):
        rules.move(stick, "zed", 1)
    with pytest.raises(StateError):
        rules.skip(stick, "zed", T1)
    with pytest.raises(StateError):
        rules.remove(stick, "zed", T1)


def test_leave_never_fails() -> None:
    stick = hands("ann", "bob")
    assert rules.leave(stick, "zed", T1).stick == stick
    assert rules.leave(stick, "ann", T1).stick.holder == "bob"
    assert rules.leave(stick, "bob", T1).stick.queue == ()
