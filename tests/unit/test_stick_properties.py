"""Property tests: whatever people type, in any order, the talking stick stays sound."""

from __future__ import annotations

import asyncio
import copy
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import stick as rules
from bot.domain.member import Role
from bot.domain.stick import HandKind, SpeakingOrder, SpeakingTurn, Stick
from bot.errors import StateError
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness

USERS = ("ann", "bob", "cat", "dan", "mod")
MEMBER_COMMANDS = (
    "hand",
    "hand reply",
    "hand process",
    "hand cw grief",
    "lower",
    "pass",
    "queue",
    "pause",
    "agree",
    "observer on",
    "observer off",
)
MODERATOR_COMMANDS = (
    "stick next",
    "stick clear",
    "stick round",
    "session break 5",
    "session resume",
    "stick timer 3",
    "stick timer off",
    "session end",
    "session start",
)
TARGETED = (
    "stick next {u}",
    "stick give {u}",
    "stick skip {u}",
    "stick remove {u}",
    "stick move {u} 2",
)

step = st.one_of(
    st.tuples(st.sampled_from(USERS), st.sampled_from(MEMBER_COMMANDS)),
    st.tuples(st.just("mod"), st.sampled_from(MODERATOR_COMMANDS)),
    st.builds(
        lambda template, user: ("mod", template.format(u=user)),
        st.sampled_from(TARGETED),
        st.sampled_from(USERS),
    ),
    st.tuples(st.just("tick"), st.integers(min_value=1, max_value=900).map(str)),
)


def assert_typed_hands_wait(stick: Stick) -> None:
    """Typed hands belong to people waiting; one reply hand at most (``reply`` is one id)."""
    assert stick.reply is None or stick.reply in stick.queue, stick
    assert set(stick.process) <= set(stick.queue), stick
    assert len(set(stick.process)) == len(stick.process), stick
    assert stick.reply not in stick.process, stick
    assert set(stick.notices) <= set(stick.queue), stick


def check_invariants(store: InMemoryStore) -> None:
    tables = store.tables
    observers = {m.user_id for m in tables.members.values() if m.role is Role.OBSERVER}
    for stick in tables.sticks.values():
        assert len(stick.queue) == len(set(stick.queue)), stick
        assert stick.holder not in stick.queue, stick
        assert not (observers & set(stick.queue)), stick
        assert stick.holder not in observers, stick
        if stick.holder is None:
            assert stick.queue == (), stick
        assert_typed_hands_wait(stick)
        session = tables.sessions[stick.session_id]
        if not session.is_active:
            assert stick.holder is None and stick.queue == ()


async def play(steps: list[tuple[str, str]]) -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.ok("mod", "agree")
    await h.ok("mod", "session start")
    for user, line in steps:
        if user == "tick":
            await h.advance(timedelta(seconds=int(line)))
            check_invariants(store)
            continue
        before = copy.deepcopy(store.tables)
        stale = await stale_next(store, line)
        said = await h.say(user, line)
        check_invariants(store)
        if said.errors or stale:
            known = {m.user_id for m in before.members.values()}
            if user in known:
                assert store.tables == before, (user, line, said.errors)


async def stale_next(store: InMemoryStore, line: str) -> bool:
    """A ``stick next X`` where X does not hold the stick must change nothing."""
    if not line.startswith("stick next "):
        return False
    named = line.rsplit(maxsplit=1)[-1]
    return not any(s.holder == named for s in store.tables.sticks.values())


@settings(max_examples=150, deadline=None)
@given(st.lists(step, max_size=40))
def test_any_sequence_of_commands_keeps_the_stick_sound(steps: list[tuple[str, str]]) -> None:
    asyncio.run(play(steps))


T0 = datetime(2026, 12, 1, 18, tzinfo=UTC)

operation = st.one_of(
    st.tuples(
        st.sampled_from(
            ("raise", "reply", "process", "cw", "lower", "pass", "give", "skip", "remove", "leave")
        ),
        st.sampled_from(USERS),
    ),
    st.tuples(st.just("move"), st.tuples(st.sampled_from(USERS), st.integers(1, 6))),
    st.tuples(st.sampled_from(("next", "clear")), st.none()),
    st.tuples(st.just("round"), st.lists(st.sampled_from(USERS)).map(tuple)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(operation, max_size=60), st.sampled_from(SpeakingOrder))
def test_pure_rules_keep_their_invariants(
    ops: list[tuple[str, object]], order: SpeakingOrder
) -> None:
    stick = Stick(session_id=1)
    log: list[SpeakingTurn] = []
    for minute, (name, arg) in enumerate(ops):
        now = T0 + timedelta(minutes=minute)
        try:
            match name:
                case "raise":
                    spoken = rules.speaking_time(log)
                    change = rules.raise_hand(stick, str(arg), now, order=order, spoken_time=spoken)
                case "reply" | "process":
                    kind = HandKind(name)
                    change = rules.raise_hand(stick, str(arg), now, order=order, kind=kind)
                    if str(arg) in change.stick.queue:
                        assert change.stick.kind_of(str(arg)) is kind
                    if name == "reply" and str(arg) in change.stick.queue:
                        assert change.stick.queue[0] == str(arg), "a reply goes first"
                case "cw":
                    change = rules.raise_hand(stick, str(arg), now, order=order, notice="loss")
                    if change.stick.holder == str(arg) != stick.holder:
                        assert change.handovers[-1].notice == "loss", "told as they get it"
                case "lower":
                    change = rules.lower_hand(stick, str(arg))
                case "pass":
                    change = rules.pass_turn(stick, str(arg), now)
                case "give":
                    change = rules.give(stick, str(arg), now)
                case "skip":
                    change = rules.skip(stick, str(arg), now)
                case "remove":
                    change = rules.remove(stick, str(arg), now)
                case "leave":
                    change = rules.leave(stick, str(arg), now)
                    assert str(arg) not in change.stick.queue
                    assert change.stick.holder != arg
                case "move":
                    user, position = arg  # type: ignore[misc]
                    change = rules.move(stick, user, position)
                case "next":
                    change = rules.next_turn(stick, now)
                case "clear":
                    change = rules.clear(stick)
                case _:
                    change = rules.round_table(stick, arg, now)  # type: ignore[arg-type]
        except StateError:
            continue
        new = change.stick
        assert len(new.queue) == len(set(new.queue))
        assert new.holder not in new.queue
        assert new.holder is not None or new.queue == ()
        assert_typed_hands_wait(new)
        everyone = {*stick.queue, stick.holder} - {None}
        if name not in ("raise", "reply", "process", "cw", "give", "round"):
            assert {*new.queue, new.holder} - {None} <= everyone, "nobody appears from nowhere"
        if new.holder is not None:
            assert new.holder in new.spoken
        if name == "raise" and order is SpeakingOrder.BALANCED and str(arg) in new.queue:
            # A progressive stack: nobody who has spoken longer is ahead of the new hand
            # unless a moderator's move or a give put them there before.
            spoken = rules.speaking_time(log)
            mine = spoken.get(str(arg), timedelta())
            place = new.queue.index(str(arg))
            after = new.queue[place + 1 :]
            assert all(spoken.get(u, timedelta()) > mine for u in after[:1]) or not after
        log.extend(
            SpeakingTurn(1, handover.previous, handover.previous_since, now)
            for handover in change.handovers
            if handover.previous is not None and handover.previous_since is not None
        )
        stick = new
