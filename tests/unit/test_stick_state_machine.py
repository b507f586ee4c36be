"""A stateful property test of the whole core (issue 10): two rooms, five members and two
moderators typing anything in any order — moderators gained and lost, observers, forget-me,
sessions opened and closed (with opening and closing rounds), the clock moving, typed hands and
content notices, people leaving the room and coming back.  After every step, in every room: nobody twice in line, the holder
never in line, nobody waiting while nobody holds the stick, observers and forgotten people never
in line, one reply hand at most, typed hands, raise times and content notices only for people
waiting, only people in line noted as away, a holder called in a round only during it, nobody
given the stick as a closing round ends (the session ends), raised hands noted once and
forgotten with forget-me, at most one open session, and never an internal error."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from bot.domain import Role
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness, Said

ROOMS = ("room-1", "room-2")
PEOPLE = ("ann", "bob", "cat", "dan", "eve")
MODERATORS = ("mod", "mia")
MEMBER_COMMANDS = (
    "hand",
    "hand reply",
    "hand process",
    "hand cw grief",
    "lower",
    "pass",
    "queue",
    "pause",
    "pause anon",
    "agree",
    "observer on",
    "observer off",
    "accompanying on",
    "accompanying off",
    "my-data",
    "help",
)
MODERATOR_COMMANDS = (
    "session start",
    "session end",
    "session start round",
    "session end round",
    "stick round stop",
    "group set opening-round on",
    "group set closing-round on",
    "group set closing-round off",
    "group set summary on",
    "session break 5",
    "session resume",
    "stick next",
    "stick clear",
    "stick round",
    "stick timer 2",
    "group set first-speakers-first on",
    "group set order balanced",
    "group set order arrival",
    "group set replies off",
    "group set replies on",
    "group set accompanying ask",
    "group set hand-check 5",
    "group set hand-check off",
    "group set leave-grace 1",
)
TARGETED = (
    "stick give {u}",
    "stick skip {u}",
    "stick remove {u}",
    "stick move {u} 1",
    "stick next {u}",
    "accompanying admit {u}",
)


class CoreMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.store = InMemoryStore()
        self.h = Harness(store=self.store, moderators={"mod"})
        self.h.app.moderator_checks["test"] = self._moderator_now
        self.forgotten: set[str] = set()

    @initialize()
    def both_rooms_meet(self) -> None:
        """Everyone accepted the charter and both sessions are open (otherwise most examples
        would be spent on refusals before anyone may speak); ``session end`` and ``start``
        still come and go."""
        for room in ROOMS:
            for user in (*MODERATORS, *PEOPLE):
                self._say(user, "agree", room)
            self._say("mod", "session start", room)

    async def _moderator_now(self, room_id: str, user_id: str) -> bool | None:
        return user_id in self.h.moderators

    def teardown(self) -> None:
        self.loop.close()

    def _say(self, user: str, text: str, room: str, *, private: bool = False) -> Said:
        said = self.loop.run_until_complete(self.h.say(user, text, room=room, private=private))
        assert "error.internal" not in said.keys, (user, text, said.keys)
        if "round.closing_done" in said.keys:  # the session ends: nobody gets the stick
            assert "session.closed" in said.keys, said.keys
            assert not {"stick.turn_of", "stick.free"} & set(said.keys), said.keys
        return said

    @rule(
        user=st.sampled_from(PEOPLE + MODERATORS),
        command=st.sampled_from(MEMBER_COMMANDS),
        room=st.sampled_from(ROOMS),
        private=st.booleans(),
    )
    def member_types(self, user: str, command: str, room: str, private: bool) -> None:
        said = self._say(user, command, room, private=private)
        if any(o.reply.key == "welcome.private" for o in said.outgoing) and not said.errors:
            self.forgotten.discard(user)  # an enrolling command brought them back
        elif user in self.forgotten and not said.errors:
            member = self.store.tables.members
            if any(u == user for (_, u) in member):
                self.forgotten.discard(user)

    @rule(
        moderator=st.sampled_from(MODERATORS),
        command=st.sampled_from(MODERATOR_COMMANDS),
        room=st.sampled_from(ROOMS),
    )
    def moderator_types(self, moderator: str, command: str, room: str) -> None:
        self._say(moderator, command, room)

    @rule(
        moderator=st.sampled_from(MODERATORS),
        template=st.sampled_from(TARGETED),
        user=st.sampled_from(PEOPLE + MODERATORS),
        room=st.sampled_from(ROOMS),
    )
    def moderator_targets(self, moderator: str, template: str, user: str, room: str) -> None:
        self._say(moderator, template.format(u=user), room)

    @rule(room=st.sampled_from(ROOMS), times=st.integers(min_value=1, max_value=8))
    def holders_pass(self, room: str, times: int) -> None:
        """Whoever holds the stick passes, ``times`` over (as in a round, where each one called
        speaks or passes in turn): without it, a round would hardly ever reach its end here."""
        for _ in range(times):
            tables = self.store.tables  # a new value after each command
            groups = {g.id for g in tables.groups.values() if g.room_id == room}
            active = [s for s in tables.sessions.values() if s.group_id in groups and s.is_active]
            stick = tables.sticks.get(active[0].id) if active else None
            if stick is None or stick.holder is None:
                return
            self._say(stick.holder, "pass", room)

    @rule(user=st.sampled_from((*PEOPLE, "mia")))
    def promoted(self, user: str) -> None:
        self.h.moderators.add(user)

    @rule(user=st.sampled_from((*PEOPLE, "mia")))
    def demoted(self, user: str) -> None:
        self.h.moderators.discard(user)

    @rule(user=st.sampled_from(PEOPLE), room=st.sampled_from(ROOMS), private=st.booleans())
    def forgets(self, user: str, room: str, private: bool) -> None:
        said = self._say(user, "forget-me confirm", room, private=private)
        assert not said.errors
        self.forgotten.add(user)
        assert not any(u == user for (_, u) in self.store.tables.members)

    @rule(user=st.sampled_from(PEOPLE + MODERATORS), room=st.sampled_from(ROOMS))
    def leaves_the_room(self, user: str, room: str) -> None:
        self.loop.run_until_complete(self.h.app.member_left("test", room, user))

    @rule(user=st.sampled_from(PEOPLE + MODERATORS), room=st.sampled_from(ROOMS))
    def comes_back(self, user: str, room: str) -> None:
        said = Said(
            self.loop.run_until_complete(
                self.h.app.member_joined("test", room, user, user.capitalize())
            )
        )
        assert "error.internal" not in said.keys
        if any(o.reply.key == "welcome.private" for o in said.outgoing):
            self.forgotten.discard(user)  # a forgotten person who joins again is new

    @rule(minutes=st.integers(min_value=1, max_value=120))
    def time_passes(self, minutes: int) -> None:
        said = self.loop.run_until_complete(self.h.advance(timedelta(minutes=minutes)))
        assert "error.internal" not in said.keys

    @invariant()
    def every_room_is_sound(self) -> None:
        tables = self.store.tables
        for group in tables.groups.values():
            active = [s for s in tables.sessions.values() if s.group_id == group.id and s.is_active]
            assert len(active) <= 1, group.room_id
            observers = {
                u
                for (g, u), m in tables.members.items()
                if g == group.id and m.role is Role.OBSERVER
            }
            for session in active:
                stick = tables.sticks.get(session.id)
                if stick is None:
                    continue
                assert len(set(stick.queue)) == len(stick.queue), stick.queue
                assert stick.holder not in stick.queue
                assert stick.holder is not None or not stick.queue, "someone waits for nobody"
                in_line = set(stick.queue) | {stick.holder} - {None}
                assert not in_line & observers, (in_line, observers)
                assert not in_line & self.forgotten, (in_line, self.forgotten)
                # One reply hand at most, and typed hands belong to people waiting.
                assert stick.reply is None or stick.reply in stick.queue, stick
                assert set(stick.process) <= set(stick.queue), stick
                assert stick.reply not in stick.process, stick
                assert set(stick.notices) <= set(stick.queue), stick
                assert set(stick.raised_at) <= set(stick.queue), stick
                assert set(stick.away) <= in_line, stick
                # Hands raised during a round wait apart, once each; none outside a round.
                assert len(set(stick.after_round)) == len(stick.after_round), stick
                assert not set(stick.after_round) & in_line, stick
                assert stick.round is not None or not stick.after_round, stick
                assert not set(stick.after_round) & (observers | self.forgotten), stick
                # A holder called in a round holds the stick within that round only.
                assert stick.holder_round in (None, stick.round), stick
                assert stick.holder is not None or stick.holder_round is None, stick
                # Who raised a hand, once each; forget-me leaves no trace of it.
                assert len(set(stick.hands_raised)) == len(stick.hands_raised), stick
                assert not set(stick.hands_raised) & self.forgotten, stick


TestCoreMachine = CoreMachine.TestCase
TestCoreMachine.settings = settings(max_examples=100, stateful_step_count=40, deadline=None)
