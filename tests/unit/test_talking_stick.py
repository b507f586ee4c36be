"""The talking stick through the core: members' and moderators' commands, with the fake clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from bot.domain import Member
from bot.i18n import render
from tests.fakes import InMemoryStore, _Members
from tests.unit.harness import Harness


async def stick_of(h: Harness) -> tuple[str | None, tuple[str, ...]]:
    async with h.store() as uow:
        group = await uow.groups.get("test", h.room)
        assert group is not None
        session = await uow.sessions.active(group.id)
        assert session is not None
        stick = await uow.sticks.get(session.id)
        assert stick is not None
        return stick.holder, stick.queue


async def test_hands_queue_pass_and_the_first_in_line_is_told() -> None:
    h = Harness()
    await h.open_with("ann", "bob", "cat")
    said = await h.ok("ann", "hand")
    assert said.room == ["🎤 Ann has the talking stick."]
    assert said.private("ann") == [
        "🎤 It's your turn. Take all the time you need; type “pass” when you're done."
    ]
    assert (await h.ok("bob", "hand")).room == ["✋ Bob raised their hand (number 1 in line)."]
    await h.ok("cat", "hand")
    queue = await h.ok("cat", "queue")
    assert queue.private("cat") == [
        "🎤 Speaking: Ann · waiting: Bob and Cat\n"
        "Here, everyone speaks in the order they raised their hand.\n"
        "You are number 2: the person ahead of you raised their hand before you "
        "(or the moderators adjusted the order). Your turn will come; take your time."
    ]
    said = await h.ok("ann", "pass")
    assert said.room[:2] == [
        "Ann passed the stick. Thank you for sharing.",
        "🎤 Bob has the talking stick.",
    ]
    assert said.private("bob")
    assert await stick_of(h) == ("bob", ("cat",))


async def test_non_holder_pass_and_lower() -> None:
    h = Harness()
    await h.open_with("ann", "bob")
    await h.ok("ann", "hand")
    assert (await h.say("bob", "pass")).errors == ["error.nothing_to_pass"]
    assert (await h.say("bob", "lower")).errors == ["error.not_queued"]
    await h.ok("bob", "hand")
    await h.ok("bob", "lower")
    assert await stick_of(h) == ("ann", ())


async def test_charter_must_be_accepted_before_taking_the_stick() -> None:
    h = Harness()
    await h.open_with()
    said = await h.say("newbie", "hand")
    assert said.errors == ["error.charter_first"]
    assert [c.command for o in said.outgoing for c in o.reply.choices] == ["agree", "agree"]
    await h.ok("newbie", "agree")
    await h.ok("newbie", "hand")


async def test_charter_requirement_can_be_switched_off() -> None:
    h = Harness()
    await h.open_with()
    await h.ok("mod", "group set charter-required off")
    await h.ok("newbie", "hand")


async def test_observers_are_never_queued() -> None:
    h = Harness()
    await h.open_with("ann", "obs")
    await h.ok("obs", "hand")
    await h.ok("ann", "hand")
    said = await h.ok("obs", "observer on")
    assert "👂 Obs is listening, without speaking." in said.room
    assert await stick_of(h) == ("ann", ())
    assert (await h.say("obs", "hand")).errors == ["error.observer_no_stick"]
    assert (await h.say("mod", "stick give obs")).errors == ["error.member_is_observer"]
    await h.ok("mod", "stick round")
    assert await stick_of(h) == ("ann", ("mod",))
    await h.ok("obs", "observer off")
    await h.ok("obs", "hand")


async def test_moderator_commands() -> None:
    h = Harness()
    await h.open_with("ann", "bob", "cat", "dan")
    for user in ("ann", "bob", "cat", "dan"):
        await h.ok(user, "hand")
    await h.ok("mod", "stick move dan 1")
    assert await stick_of(h) == ("ann", ("dan", "bob", "cat"))
    await h.ok("mod", "stick skip dan")
    assert await stick_of(h) == ("ann", ("bob", "cat", "dan"))
    await h.ok("mod", "stick remove cat")
    assert await stick_of(h) == ("ann", ("bob", "dan"))
    await h.ok("mod", "stick give dan")
    assert await stick_of(h) == ("dan", ("ann", "bob"))  # ann was interrupted: she is next
    await h.ok("mod", "stick remove ann")
    h.clock.advance(timedelta(minutes=2))
    await h.ok("mod", "stick next")
    assert await stick_of(h) == ("bob", ())
    await h.ok("mod", "stick clear")
    assert await stick_of(h) == ("bob", ())
    assert (await h.say("mod", "stick move nobody 1")).errors == ["error.member_not_found"]
    assert (await h.say("mod", "stick skip cat")).errors == ["error.member_not_in_line"]


async def test_members_are_found_by_name_prefix_or_id() -> None:
    h = Harness()
    await h.open_with("marie", "martin")
    await h.ok("marie", "hand")
    await h.ok("martin", "hand")
    assert (await h.say("mod", "stick move mar 1")).errors == ["error.member_ambiguous"]
    await h.ok("mod", "stick move MART 1")
    await h.ok("mod", "stick give @martin")


async def test_two_next_pressed_together_do_not_skip_a_speaker() -> None:
    h = Harness()
    await h.open_with("ann", "bob", "cat")
    for user in ("ann", "bob", "cat"):
        await h.ok(user, "hand")
    h.clock.advance(timedelta(minutes=5))
    await h.ok("mod", "stick next")
    # A second moderator pressed "next" for ann's turn at the same moment.
    said = await h.say("mod", "stick next")
    assert said.errors == ["error.next_too_soon"]
    assert await stick_of(h) == ("bob", ("cat",))
    # A "next" naming the holder it ends is refused once that turn is over.
    said = await h.say("mod", "stick next ann")
    assert said.errors == ["error.stale_next"]
    assert await stick_of(h) == ("bob", ("cat",))
    await h.ok("mod", "stick next bob")
    assert await stick_of(h) == ("cat", ())


async def test_round_queues_participants_present_since_the_session_opened() -> None:
    h = Harness()
    await h.ok("away", "agree")  # seen before the session, not since
    h.clock.advance(timedelta(minutes=10))
    await h.open_with("ann", "bob")
    await h.ok("ann", "queue")
    await h.ok("bob", "queue")
    said = await h.ok("mod", "stick round")
    # in the order they joined the group (here the same instant, then by id)
    assert (
        said.room[0] == "🔄 A round, in this order: Ann, Bob, and Mod. Anyone may pass their turn."
    )
    assert await stick_of(h) == ("ann", ("bob", "mod"))
    assert (await h.say("mod", "stick round")).errors == ["error.round_nobody"]


async def test_turn_timer_sends_only_a_private_gentle_nudge() -> None:
    h = Harness()
    await h.open_with("ann", "bob")
    await h.ok("mod", "stick timer 5")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    said = await h.advance(timedelta(minutes=4, seconds=59))
    assert said.outgoing == []
    said = await h.advance(timedelta(seconds=1))
    assert said.room == []
    assert said.private("ann") == [
        "⏳ A gentle note: you have held the stick for about 5 min. There is no hurry; "
        "when you are ready, type “pass” to give others their turn."
    ]
    assert await stick_of(h) == ("ann", ("bob",))  # never cut off
    later = await h.advance(timedelta(hours=1))
    # The nudge came only once per turn (Bob, waiting, is asked once if he still wants to speak).
    assert later.keys == ["stick.hand_check", "session.half_time"]
    await h.ok("ann", "pass")
    await h.ok("mod", "stick timer off")
    assert (await h.advance(timedelta(hours=1))).outgoing == []


async def test_nudge_is_dropped_when_the_turn_ends_first() -> None:
    h = Harness()
    await h.open_with("ann", "bob")
    await h.ok("mod", "stick timer 5")
    await h.ok("ann", "hand")
    h.clock.advance(timedelta(minutes=2))
    await h.ok("ann", "pass")
    await h.ok("bob", "hand")
    said = await h.advance(timedelta(minutes=4))
    assert said.outgoing == []
    said = await h.advance(timedelta(minutes=1, seconds=1))
    assert said.private("bob") and not said.private("ann")


async def test_speaking_log_keeps_durations_never_words() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("ann", "bob")
    await h.ok("ann", "hand")
    h.clock.advance(timedelta(minutes=7))
    await h.ok("ann", "pass")
    turns = store.tables.turns
    assert [(t.user_id, t.ended_at - t.started_at) for t in turns] == [
        ("ann", timedelta(minutes=7))
    ]


async def test_adapters_can_ask_for_the_panel_and_who_is_in_line() -> None:
    h = Harness()
    assert await h.app.panel("test", h.room) is None
    await h.open_with("ann", "bob")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    shown = await h.app.panel("test", h.room)
    assert shown is not None
    assert shown.panel_id == f"panel:test:{h.room}"
    assert render(shown) == "🎤 Speaking: Ann · waiting: Bob"
    assert [u.user_id for u in await h.app.in_line("test", h.room)] == ["ann", "bob"]
    await h.ok("mod", "session end")
    assert await h.app.in_line("test", h.room) == []


async def test_platform_state_is_kept_per_platform() -> None:
    h = Harness()
    state = h.app.state("matrix")
    await state.put("dm:@ann:x", "!room")
    assert await state.get("dm:@ann:x") == "!room"
    assert await h.app.state("discord").get("dm:@ann:x") is None
    assert await state.with_prefix("dm:") == {"dm:@ann:x": "!room"}
    await state.delete("dm:@ann:x")
    assert await state.get("dm:@ann:x") is None


async def test_stick_commands_read_only_the_members_in_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A room may have hundreds of members: the panel names those holding or waiting for the
    stick, and no stick command (give, skip… included) reads the whole group."""
    h = Harness()
    crowd = [f"m{i:03}" for i in range(200)]
    await h.open_with("ann", "bob", "dan", *crowd)
    listed: list[int] = []
    list_members = _Members.list

    async def counted(self: _Members, group_id: int) -> Sequence[Member]:
        listed.append(group_id)
        return await list_members(self, group_id)

    monkeypatch.setattr(_Members, "list", counted)
    for user in ("ann", "bob", "m007"):
        await h.ok(user, "hand")
    await h.ok("mod", "stick give dan")
    await h.ok("bob", "lower")
    h.clock.advance(timedelta(minutes=1))
    said = await h.ok("mod", "stick next")
    assert said.room[:2] == ["Thank you, Dan.", "🎤 Ann has the talking stick."]  # given over
    h.clock.advance(timedelta(minutes=1))
    said = await h.ok("mod", "stick next")
    assert said.room[:2] == ["Thank you, Ann.", "🎤 M007 has the talking stick."]
    await h.ok("bob", "hand")
    await h.ok("ann", "hand")
    await h.ok("mod", "stick skip bob")
    assert (await h.ok("ann", "queue")).private("ann") == [
        "🎤 Speaking: M007 · waiting: Ann and Bob\n"
        "Here, everyone speaks in the order they raised their hand."
    ]
    panel = [o for o in (await h.ok("m007", "pass")).outgoing if o.panel_id is not None]
    assert [render(o) for o in panel] == ["🎤 Speaking: Ann · waiting: Bob"]
    assert listed == []
