"""Leaving the room while in line, on a real homeserver: back within the grace period, the
place is kept; gone for longer, out of the line and the room told (the core's clock moved on,
the homeserver in real time)."""

from __future__ import annotations

from datetime import timedelta

from conftest import MakeBot, MakeMember
from matrix_members import ShiftedClock, open_group


async def test_a_member_who_leaves_keeps_their_place_only_for_the_grace_period(
    member: MakeMember, bot: MakeBot
) -> None:
    clock = ShiftedClock()
    cercle = await bot(clock=clock)
    mona, bob, cat, dan = [await member(name) for name in ("mona", "bob", "cat", "dan")]
    room = (await open_group(cercle, mona, [bob, cat, dan])).room_id
    await mona.say(room, "!session start")
    await mona.notice("The session is open", room_id=room)
    for person, told in ((bob, "has the talking stick"), (cat, "raised"), (dan, "raised")):
        mark = mona.mark()
        await person.say(room, "!hand")
        await mona.notice(told, room_id=room, after=mark)

    async def asked_queue(contains: str) -> None:
        """Bob asks: his answer shows that the bot has read everything before his command."""
        mark = bob.mark()
        await bob.say(room, "!queue")
        await bob.notice(contains, after=mark)

    # Dan leaves and comes back within the grace period: nothing lost, told privately.
    await dan.client.room_leave(room)
    await asked_queue("waiting: Cat and Dan")
    mark = dan.mark()
    await mona.invite(room, dan.user_id)
    await dan.join(room)
    await dan.notice("Welcome back! You kept your place", after=mark)

    # Cat leaves for good; the grace period passes (on the core's clock).
    await cat.client.room_leave(room)
    await asked_queue("waiting: Cat and Dan")
    clock.offset += timedelta(minutes=3)
    mark = mona.mark()
    await asked_queue("waiting: Cat and Dan")  # a command wakes the timer: the job is due
    await mona.notice("Cat has left the room and is no longer in the speaking line", after=mark)
    await asked_queue("waiting: Dan")
    assert not [s for s in mona.seen[mark:] if "Dan has left" in s.body]
