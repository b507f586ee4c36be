"""Issue 10, defects 2, 3, 4, 9, 12 and 14: forget-me in every room, no re-registration by a
private or refused command, notices only to moderators of now, roles kept, one break request at a
time, and the talking stick's odd corners — each with the behaviour a careful facilitator expects."""

from __future__ import annotations

from datetime import timedelta

from bot.domain import Role
from bot.replies import Tone
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness

OTHER_ROOM = "room-2"


async def two_rooms() -> tuple[Harness, InMemoryStore]:
    """Room 1 and room 2 each with an open session; zoe holds the stick in room 2 and ann waits
    there; zoe also waits in room 1."""
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("ann", "zoe")
    for who in ("mod", "ann", "zoe"):
        await h.ok(who, "agree", room=OTHER_ROOM)
    await h.ok("mod", "session start", room=OTHER_ROOM)
    h.clock.advance(timedelta(minutes=1))
    await h.ok("zoe", "hand", room=OTHER_ROOM)
    await h.ok("ann", "hand", room=OTHER_ROOM)
    await h.ok("ann", "hand")
    await h.ok("zoe", "hand")
    return h, store


def stick_in(store: InMemoryStore, h: Harness, room: str) -> tuple[str | None, tuple[str, ...]]:
    group = next(g for g in store.tables.groups.values() if g.room_id == room)
    session = next(
        s for s in store.tables.sessions.values() if s.group_id == group.id and s.is_active
    )
    stick = store.tables.sticks[session.id]
    return stick.holder, stick.queue


# Defect 2 — forget-me typed in one room hands the stick on in every room


async def test_forget_me_hands_the_stick_on_in_every_group_and_updates_their_panels() -> None:
    h, store = await two_rooms()
    assert stick_in(store, h, OTHER_ROOM) == ("zoe", ("ann",))
    said = await h.ok("zoe", "forget-me confirm")
    assert stick_in(store, h, OTHER_ROOM) == ("ann", ())
    assert stick_in(store, h, h.room) == ("ann", ())
    elsewhere = [o for o in said.outgoing if o.room_id == OTHER_ROOM]
    assert any(o.reply.key == "stick.turn_of" for o in elsewhere)
    panels = [o for o in elsewhere if o.reply.tone is Tone.PANEL]
    assert panels, "the other room's panel is redrawn"
    assert all("zoe" not in str(o.reply.params).lower() for o in panels)
    assert any(o.reply.key == "stick.your_turn" and o.reply.user_id == "ann" for o in elsewhere)
    h.clock.advance(timedelta(minutes=1))
    await h.ok("mod", "stick next", room=OTHER_ROOM)  # not "nobody holds the stick"


# Defect 3 — a private or refused command never makes the room see a forgotten person


async def test_a_forgotten_person_writing_privately_is_not_registered_nor_named() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.ok("mod", "agree")
    await h.ok("zoe", "agree")
    await h.ok("zoe", "forget-me confirm")
    for line in ("my-data", "help", "journal list", "sessions", "rules", "resources"):
        said = await h.ok("zoe", line, private=True)
        assert not any("zoe" in text.lower() for text in said.room), line
    refused = await h.say("zoe", "stick next", private=True)
    assert refused.room == []
    assert not any(u == "zoe" for (_, u) in store.tables.members)


async def test_a_newcomer_writing_privately_is_welcomed_privately_only() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    said = await h.ok("zoe", "remind on", private=True)
    assert said.room == []
    assert "welcome.private" in said.keys
    assert any(u == "zoe" for (_, u) in store.tables.members)


# Defect 4 — moderators' notices go to the moderators of now


async def test_a_demoted_moderator_no_longer_gets_moderators_notices() -> None:
    store = InMemoryStore()
    h = Harness(store=store, moderators={"mod", "mia"})
    moderators_now = {"mod", "mia"}

    async def check(room_id: str, user_id: str) -> bool | None:
        return user_id in moderators_now

    h.app.moderator_checks["test"] = check
    await h.open_with("mia", "ann")
    moderators_now.discard("mia")  # the platform demoted mia; she has not typed since
    said = await h.ok("ann", "pause anon")
    told = {o.reply.user_id for o in said.outgoing if o.reply.key == "pause.moderators"}
    assert told == {"mod"}
    mia = next(m for (_, u), m in store.tables.members.items() if u == "mia")
    assert not mia.is_moderator, "the stored flag follows"


# Defect 9 — withdrawing an accompanying request restores the role


async def test_an_observer_withdrawing_an_accompanying_request_stays_an_observer() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("ann")
    await h.ok("mod", "group set accompanying ask")
    await h.ok("ann", "observer on")
    await h.ok("ann", "accompanying on")
    await h.ok("ann", "accompanying off")
    ann = next(m for (_, u), m in store.tables.members.items() if u == "ann")
    assert ann.role is Role.OBSERVER
    assert (await h.say("ann", "hand")).errors == ["error.observer_no_stick"]


async def test_an_admitted_observer_who_stops_accompanying_is_an_observer_again() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("ann", "bob")

    def role(user: str) -> Role:
        return next(m for (_, u), m in store.tables.members.items() if u == user).role

    await h.ok("mod", "group set accompanying ask")
    await h.ok("ann", "observer on")
    await h.ok("ann", "accompanying on")
    await h.ok("mod", "accompanying admit ann")
    assert role("ann") is Role.ACCOMPANYING
    await h.ok("ann", "accompanying off")
    assert role("ann") is Role.OBSERVER, "back to the role she had, not made a participant"
    await h.ok("mod", "group set accompanying welcome")
    await h.ok("bob", "accompanying on")
    await h.ok("bob", "accompanying off")
    assert role("bob") is Role.PARTICIPANT


# Defect 12 — one pending break request per person


async def test_repeated_break_requests_are_answered_privately_and_told_once() -> None:
    store = InMemoryStore()
    h = Harness(store=store, moderators={"mod", "mia"})
    await h.open_with("mia", "ann")
    first = await h.ok("ann", "pause anon")
    assert len(first.room) == 1
    assert sum(o.reply.key == "pause.moderators" for o in first.outgoing) == 2
    for _ in range(19):
        again = await h.ok("ann", "pause anon")
        assert again.room == []
        assert again.keys == ["pause.already_asked"]
    assert len(store.tables.pauses) == 1
    other = await h.ok("mia", "pause")  # someone else may still ask
    assert len(other.room) == 1
    await h.ok("mod", "session break")
    await h.ok("mod", "session resume")
    after = await h.ok("ann", "pause anon")  # answered by the break: may ask again
    assert len(after.room) == 1


# Defect 14 — the talking stick's odd corners


async def test_giving_the_stick_tells_the_holder_and_keeps_them_first_in_line() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("lee", "sam", "kim")
    await h.ok("lee", "hand")
    await h.ok("kim", "hand")
    said = await h.ok("mod", "stick give sam")
    assert stick_in(store, h, h.room) == ("sam", ("lee", "kim"))
    assert any("Lee" in line and "Sam" in line for line in said.room)
    assert said.private("lee"), "lee is told privately"
    assert said.private("sam")


async def test_skipping_someone_with_nobody_after_them_is_refused_plainly() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("kim", "ann")
    await h.ok("kim", "hand")
    said = await h.say("mod", "stick skip kim")
    assert said.errors == ["error.skip_nobody_after"]
    assert said.room == []
    assert stick_in(store, h, h.room) == ("kim", ())
    await h.ok("ann", "hand")
    assert (await h.say("mod", "stick skip ann")).errors == ["error.skip_nobody_after"]


async def test_the_holder_lowering_their_hand_is_told_how_to_pass() -> None:
    h = Harness()
    await h.open_with("kim")
    await h.ok("kim", "hand")
    said = await h.say("kim", "lower")
    assert said.errors == ["error.lower_while_holding"]
    assert "pass" in said.private("kim")[0]
