"""Housekeeping of hands: a hand forgotten for long gets one gentle private check; someone in
line who leaves the room keeps their place for a grace period, and is taken out after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import stick as rules
from bot.domain.stick import Stick
from bot.i18n import render
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness, Said

T0 = datetime(2026, 12, 1, 18, tzinfo=UTC)


def checks(said: Said, user: str) -> list[str]:
    return [text for text in said.private(user) if "Do you still want to speak?" in text]


# --- the rules --------------------------------------------------------------------------------


def test_a_raise_is_dated_and_the_date_leaves_with_the_hand() -> None:
    stick = rules.raise_hand(Stick(session_id=1), "ann", T0).stick
    stick = rules.raise_hand(stick, "bob", T0 + timedelta(minutes=1)).stick
    stick = rules.raise_hand(stick, "cat", T0 + timedelta(minutes=2)).stick
    assert stick.holder == "ann" and stick.raised_at == {
        "bob": T0 + timedelta(minutes=1),
        "cat": T0 + timedelta(minutes=2),
    }
    lowered = rules.lower_hand(stick, "cat").stick
    assert lowered.raised_at == {"bob": T0 + timedelta(minutes=1)}
    turned = rules.next_turn(lowered, T0 + timedelta(minutes=5)).stick
    assert turned.holder == "bob" and turned.raised_at == {}


def test_away_belongs_to_people_in_line_and_the_first_leave_counts() -> None:
    stick = rules.raise_hand(rules.raise_hand(Stick(session_id=1), "ann", T0).stick, "bob", T0)
    assert rules.stepped_out(stick.stick, "eve", T0) is stick.stick, "not in line: nothing"
    away = rules.stepped_out(stick.stick, "bob", T0)
    again = rules.stepped_out(away, "bob", T0 + timedelta(minutes=1))
    assert again.away == {"bob": T0}
    assert rules.came_back(again, "bob").away == {}
    holder_away = rules.stepped_out(away, "ann", T0)
    passed = rules.next_turn(holder_away, T0).stick
    assert passed.holder == "bob" and passed.away == {"bob": T0}, "ann is out of line now"


# --- the forgotten-hand check -----------------------------------------------------------------


async def test_a_hand_up_for_thirty_minutes_gets_one_gentle_check() -> None:
    h = Harness()
    await h.open_with("ann", "bob")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    early = await h.advance(timedelta(minutes=29))
    assert checks(early, "bob") == []
    said = await h.advance(timedelta(minutes=2))
    assert checks(said, "bob") == [
        "✋ Your hand has been up for 30 min (you are number 1). Do you still want to speak? "
        "If so, nothing to do: you keep your place. If not, “lower” lowers it, no worries."
    ]
    assert checks(said, "ann") == [], "holding the stick is not waiting"
    assert said.room == [], "private, never in the room"
    later = await h.advance(timedelta(hours=2))
    assert checks(later, "bob") == [], "once"


async def test_no_check_for_a_hand_lowered_given_the_stick_or_raised_again() -> None:
    h = Harness()
    await h.open_with("ann", "bob", "cat")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    await h.ok("cat", "hand")
    await h.advance(timedelta(minutes=10))
    await h.ok("bob", "lower")
    await h.ok("ann", "pass")  # Cat gets the stick
    await h.ok("bob", "hand")  # raised again: checked 30 min from now, not from before
    said = await h.advance(timedelta(minutes=25))
    assert checks(said, "bob") == [] and checks(said, "cat") == []
    said = await h.advance(timedelta(minutes=6))
    assert len(checks(said, "bob")) == 1


async def test_a_group_may_turn_the_check_off_or_change_its_delay() -> None:
    h = Harness()
    await h.open_with("ann", "bob")
    assert (await h.say("mod", "group set hand-check 2")).errors == ["error.setting.hand-check"]
    await h.ok("mod", "group set hand-check 10")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    assert len(checks(await h.advance(timedelta(minutes=11)), "bob")) == 1
    await h.ok("mod", "group set hand-check off")
    await h.ok("bob", "lower")
    await h.ok("bob", "hand")
    assert checks(await h.advance(timedelta(hours=3)), "bob") == []
    shown = await h.ok("mod", "group show")
    assert "gentle check of a forgotten hand after: no" in " ".join(shown.room)


async def test_the_check_survives_a_restart() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("ann", "bob")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    restarted = Harness(store=store, clock=h.clock)
    assert len(checks(await restarted.advance(timedelta(minutes=31)), "bob")) == 1


# --- leaving the room ---------------------------------------------------------------------------


async def test_back_within_the_grace_period_keeps_the_place() -> None:
    h = Harness()
    await h.open_with("ann", "bob", "cat")
    for user in ("ann", "bob", "cat"):
        await h.ok(user, "hand")
    await h.app.member_left("test", h.room, "bob")
    assert (await h.advance(timedelta(minutes=1))).room == [], "nothing said while away"
    back = Said(await h.app.member_joined("test", h.room, "bob", "Bob"))
    assert back.private("bob") == ["🌿 Welcome back! You kept your place in the speaking line."]
    assert back.room == []
    later = await h.advance(timedelta(minutes=5))
    assert later.room == []
    queue = await h.ok("bob", "queue")
    assert queue.private("bob")[0].startswith("🎤 Speaking: Ann · waiting: Bob and Cat")


async def test_after_the_grace_period_they_leave_the_line() -> None:
    h = Harness()
    await h.open_with("ann", "bob", "cat")
    for user in ("ann", "bob", "cat"):
        await h.ok(user, "hand")
    await h.app.member_left("test", h.room, "bob")
    said = await h.advance(timedelta(minutes=2))
    assert said.room == ["Bob has left the room and is no longer in the speaking line."]
    [panel] = [o for o in said.outgoing if o.reply.key == "stick.panel"]
    assert render(panel) == "🎤 Speaking: Ann · waiting: Cat"
    late = Said(await h.app.member_joined("test", h.room, "bob", "Bob"))
    assert late.outgoing == [], "too late: nothing to give back, nothing said"


async def test_the_holder_who_leaves_passes_the_stick_after_the_grace_period() -> None:
    h = Harness()
    await h.open_with("ann", "bob")
    await h.ok("mod", "group set leave-grace 5")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    await h.app.member_left("test", h.room, "ann")
    assert (await h.advance(timedelta(minutes=4))).room == []
    said = await h.advance(timedelta(minutes=2))
    assert said.room[0] == "Ann has left the room and is no longer in the speaking line."
    assert "Bob" in " ".join(said.room[1:]), "Bob has the stick now"
    assert said.private("bob")[0].startswith("🎤")


async def test_someone_not_in_line_who_leaves_changes_nothing() -> None:
    h = Harness()
    await h.open_with("ann", "bob")
    await h.ok("ann", "hand")
    await h.app.member_left("test", h.room, "bob")
    await h.app.member_left("test", "another-room", "bob")
    assert (await h.advance(timedelta(minutes=10))).outgoing == []


async def test_leaving_is_remembered_across_a_restart() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("ann", "bob")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    await h.app.member_left("test", h.room, "bob")
    restarted = Harness(store=store, clock=h.clock)
    said = await restarted.advance(timedelta(minutes=3))
    assert said.room[0] == "Bob has left the room and is no longer in the speaking line."


async def test_the_panel_shows_typed_hands() -> None:
    h = Harness()
    await h.open_with("ann", "bob", "cat")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    said = await h.ok("cat", "hand reply")
    [panel] = [o for o in said.outgoing if o.reply.key == "stick.panel"]
    assert [p.display_name for p in await h.app.in_line("test", h.room)] == ["Ann", "Cat", "Bob"]
    assert render(panel) == "🎤 Speaking: Ann · waiting: Cat (reply) and Bob"
