"""A session through Matrix: the confidentiality reminder, the stick panel edited in place,
hands in order, passing, refusals, an anonymous break, reactions as buttons, an answer to the
room reminder given by a reaction and kept private."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import MakeBot, MakeMember
from matrix_members import is_edit_of, is_reaction, open_group

pytestmark = pytest.mark.e2e


async def test_a_session_with_the_talking_stick(member: MakeMember, bot: MakeBot) -> None:
    cercle = await bot()
    mona, bob, cat, dan = (
        await member("mona"),
        await member("bob"),
        await member("cat"),
        await member("dan"),
    )
    group = await open_group(cercle, mona, [bob, cat, dan])
    room = group.room_id

    # Room version 12: the creator is not in m.room.power_levels, yet moderates the room.
    levels = await mona.client.room_get_state_event(room, "m.room.power_levels")
    assert mona.user_id not in levels.content.get("users", {})
    mark = mona.mark()
    await mona.say(room, "!session start 90")
    await mona.notice("The session is open", room_id=room, after=mark)
    await mona.notice("A reminder of our charter", room_id=room, after=mark)
    panel = await mona.notice("Speaking: nobody", room_id=room, after=mark)
    for key in ("✋", "➡️", "☕"):
        await mona.wait_for(is_reaction(panel.event.event_id, key, cercle.user_id))

    # Two members raise their hands: the first takes the free stick, the second waits.
    await bob.say(room, "!hand")
    await mona.notice("Bob has the talking stick", room_id=room, after=mark)
    await bob.notice("It's your turn")
    await cat.say(room, "!main")  # the French alias
    await mona.notice("Cat raised their hand (number 1 in line)", room_id=room, after=mark)
    await mona.say(room, "!hand")
    await mona.notice("Mona raised their hand (number 2 in line)", room_id=room, after=mark)
    await mona.wait_for(is_edit_of(panel.event.event_id, "Speaking: Bob · waiting: Cat and Mona"))

    # Refusals, privately: dan neither holds nor waits; cat is no moderator.
    await dan.say(room, "!pass")
    refusal = await dan.notice("You don't have the stick and you're not in line")
    assert refusal.room_id != room
    await cat.say(room, "!stick next")
    refusal = await cat.notice("Only the moderators can use")
    assert refusal.room_id != room

    # The holder passes: the next in line is told.
    await bob.say(room, "!pass")
    await mona.notice("Bob passed the stick", room_id=room, after=mark)
    await mona.notice("Cat has the talking stick", room_id=room, after=mark)
    await mona.wait_for(is_edit_of(panel.event.event_id, "Speaking: Cat · waiting: Mona"))

    # A reaction on the panel is the command of whoever reacted.
    await dan.react(room, panel.event.event_id, "✋")
    await mona.notice("Dan raised their hand (number 2 in line)", room_id=room, after=mark)
    await mona.wait_for(is_edit_of(panel.event.event_id, "waiting: Mona and Dan"))

    # A moderator by power level (50), read live.
    await mona.set_power(room, bob.user_id, 50)
    await bob.wait_until(
        lambda: bob.client.rooms[room].power_levels.get_user_level(bob.user_id) == 50
    )
    await bob.say(room, "!stick next Cat")
    await mona.notice("Thank you, Cat.", room_id=room, after=mark)
    await mona.notice("Mona has the talking stick", room_id=room, after=mark)

    # Nothing was answered twice, and no panel was posted twice.
    assert len(mona.notices("Bob passed the stick", room)) == 1
    assert len(mona.notices("Speaking: nobody", room)) == 1


async def test_an_anonymous_break_request(member: MakeMember, bot: MakeBot) -> None:
    cercle = await bot()
    mona, bob = await member("mona"), await member("bob")
    group = await open_group(cercle, mona, [bob])
    room = group.room_id
    await mona.say(room, "!session start")
    await mona.notice("The session is open", room_id=room)
    mark = mona.mark()
    await bob.say(room, "!pause anon")
    public = await mona.notice("A break was requested", room_id=room, after=mark)
    assert "Bob" not in public.body
    told = await mona.notice("Break requested by someone (anonymous)", after=mark)
    assert told.room_id != room
    assert "!session break" in told.body
    thanks = await bob.notice("Your request was passed on")
    assert thanks.room_id != room
    # From the direct room too (it goes to the group that last wrote there): already asked,
    # so Bob hears it privately and nobody is told again.
    await bob.say(thanks.room_id, "!pause anon")
    again = await bob.notice("Your request for a break has already arrived")
    assert again.room_id == thanks.room_id
    await mona.say(room, "!session break")
    await mona.notice("take a", room_id=room, after=mark)
    mark = mona.mark()
    await mona.say(room, "!session resume")
    await mona.notice("We are resuming", room_id=room, after=mark)
    mark = mona.mark()
    await bob.say(thanks.room_id, "!pause anon")  # after the break: a new request
    await mona.notice("A break was requested", room_id=room, after=mark)


async def test_additional_creators_moderate_without_a_power_level(
    member: MakeMember, bot: MakeBot
) -> None:
    """Room version 12: ``additional_creators`` outrank everyone, unlisted in power levels."""
    cercle = await bot()
    mona, bob, cat = await member("mona"), await member("bob"), await member("cat")
    created = await cercle.server.admin(
        "POST",
        "/_matrix/client/v3/createRoom",
        mona.account.access_token,
        {
            "preset": "private_chat",
            "invite": [cercle.user_id, bob.user_id, cat.user_id],
            "creation_content": {"additional_creators": [bob.user_id]},
        },
    )
    room = created["room_id"]
    await bob.join(room)
    await cat.join(room)
    await bob.wait_until(lambda: cercle.user_id in bob.client.rooms[room].users)
    levels = await bob.client.room_get_state_event(room, "m.room.power_levels")
    assert bob.user_id not in levels.content.get("users", {})
    mark = bob.mark()
    await cat.say(room, "!session start")
    await cat.notice("Only the moderators can use", after=mark)
    await bob.say(room, "!session start")
    await bob.notice("The session is open", room_id=room, after=mark)


async def test_a_demoted_moderator_no_longer_hears_of_break_requests(
    member: MakeMember, bot: MakeBot
) -> None:
    """Issue 10, defect 4: moderators' notices follow the power levels of now, not those the
    bot saw when the person last typed."""
    cercle = await bot()
    mona, bob, cat = await member("mona"), await member("bob"), await member("cat")
    group = await open_group(cercle, mona, [bob, cat])
    room = group.room_id
    await mona.set_power(room, bob.user_id, 50)
    await bob.wait_until(
        lambda: bob.client.rooms[room].power_levels.get_user_level(bob.user_id) == 50
    )
    await bob.say(room, "!session start")  # Bob types as a moderator: remembered as one
    await mona.notice("The session is open", room_id=room)
    await mona.set_power(room, bob.user_id, 0)
    await bob.wait_until(
        lambda: bob.client.rooms[room].power_levels.get_user_level(bob.user_id) == 0
    )
    mark = mona.mark()
    bob_mark = bob.mark()
    await cat.say(room, "!pause anon")
    await mona.notice("Break requested by someone (anonymous)", after=mark)
    await bob.say(room, "!queue")  # its private answer comes after any notice to Bob
    await bob.notice("Speaking", after=bob_mark)
    assert not [s for s in bob.seen[bob_mark:] if "Break requested" in str(s.content)]


class ShiftedClock:
    """The system's time, moved by ``offset``: the core can be taken to a reminder's time."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


async def test_a_reaction_on_the_room_reminder_answers_privately(
    member: MakeMember, bot: MakeBot
) -> None:
    clock = ShiftedClock()
    cercle = await bot(clock=clock)
    mona, bob = await member("mona"), await member("bob")
    group = await open_group(cercle, mona, [bob])
    room = group.room_id
    await mona.set_power(room, cercle.user_id, 50)  # the bot may take reactions back out
    start = (clock.now() + timedelta(minutes=20)).astimezone(ZoneInfo("Europe/Paris"))
    mark = mona.mark()
    await mona.say(room, f"!session schedule {start:%Y-%m-%d %H:%M}")
    await mona.notice("planned", room_id=room, after=mark)

    # Six minutes later the 15-minute reminder is due; a command makes the timer look again.
    clock.offset = timedelta(minutes=6)
    await bob.say(room, "!sessions")
    reminder = await mona.notice("session starts in", room_id=room, after=mark)
    assert "✅ I'm coming · ❔ Maybe · ❌ I can't come" in reminder.body
    for key in ("✅", "❔", "❌"):
        await mona.wait_for(is_reaction(reminder.event.event_id, key, cercle.user_id))

    reaction = await bob.react(room, reminder.event.event_id, "❌")
    answer = await bob.notice("you are not coming to the session")
    assert answer.room_id != room, "answered privately"
    # Taken back out of the room: only Bob and the moderators know his answer.
    await mona.wait_for(lambda seen: getattr(seen.event, "redacts", None) == reaction)
    assert not mona.notices("not coming", room)

    await mona.say(room, "!session attendance")
    summary = await mona.notice("not coming (1): Bob")
    assert summary.room_id != room
