"""Invitation, join and welcome; the charter; nothing from before the bot joined is answered."""

from __future__ import annotations

import pytest
from conftest import MakeBot, MakeMember

pytestmark = pytest.mark.e2e


async def test_invite_join_welcome_with_the_charter(member: MakeMember, bot: MakeBot) -> None:
    cercle = await bot()
    ann = await member("ann")
    room = await ann.create_room(name="Deuil", invite=(cercle.user_id,))
    welcome = await ann.notice("Welcome Ann", room_id=room)
    charter = await ann.notice("Our charter", room_id=room)
    assert "Confidentiality is our golden rule" in charter.body
    assert charter.content["format"] == "org.matrix.custom.html"
    assert "<br>" in charter.content["formatted_body"] or charter.content["formatted_body"]
    assert welcome.sender == cercle.user_id
    # The charter privately, in a direct room, with what to answer.
    private = await ann.notice("please read our charter")
    assert private.room_id != room
    assert "!agree" in private.body
    assert private.event.decrypted, "the direct room is end-to-end encrypted"
    # Answered in the direct room, it acts in the group.
    await ann.say(private.room_id, "!agree")
    await ann.notice("Thank you, Ann: you have accepted the charter", room_id=room)


async def test_only_allowed_inviters_are_followed(member: MakeMember, bot: MakeBot) -> None:
    mona, eve = await member("mona"), await member("eve")
    cercle = await bot(allowed_inviters=[mona.user_id])
    refused = await eve.create_room(invite=(cercle.user_id,))
    await eve.wait_for(
        lambda s: (
            s.room_id == refused
            and getattr(s.event, "state_key", None) == cercle.user_id
            and getattr(s.event, "membership", None) == "leave"
        )
    )
    room = await mona.create_room(invite=(cercle.user_id,))
    await mona.notice("Our charter", room_id=room)
    assert not eve.notices("")


async def test_nothing_from_before_the_bot_joined_is_answered(
    member: MakeMember, bot: MakeBot
) -> None:
    """An invitation that arrived while the bot was offline is accepted at start-up; what was
    said before it joined stays unanswered."""
    cercle = await bot()
    await cercle.stop()
    mona = await member("mona")
    room = await mona.create_room()
    await mona.say(room, "!rules")
    await mona.say(room, "!hand")
    await mona.invite(room, cercle.user_id)
    await cercle.start()
    await mona.notice("Our charter", room_id=room)
    mark = mona.mark()
    await mona.say(room, "!queue")
    await mona.notice("No session is open", after=mark)
    assert len(mona.notices("Our charter", room)) == 1, "the old !rules went unanswered"
    assert len(mona.notices("No session is open")) == 1, "the old !hand went unanswered"


async def test_the_first_sync_backlog_is_history(member: MakeMember, bot: MakeBot) -> None:
    """A bot that starts for the first time (no sync token) in a room it is already in does not
    answer what was said there."""
    mona = await member("mona")
    cercle = await bot(start=False)
    room = await mona.create_room(invite=(cercle.user_id,))
    await cercle.server.admin(
        "POST", f"/_matrix/client/v3/join/{room}", cercle.account.access_token, {}
    )
    await mona.say(room, "!rules")
    await cercle.start()
    mark = mona.mark()
    await mona.say(room, "!queue")
    await mona.notice("No session is open", after=mark)
    assert not mona.notices("Our charter", room)
    assert len(mona.notices("No session is open")) == 1


async def test_a_direct_chat_opened_by_a_member(member: MakeMember, bot: MakeBot) -> None:
    """A member who opens a direct chat with the bot gets their private replies there, and may
    type commands there for the group that last wrote to them."""
    cercle = await bot()
    mona = await member("mona")
    group = await mona.create_room(invite=(cercle.user_id,))
    await mona.notice("Our charter", room_id=group)
    direct = await mona.create_room(is_direct=True, invite=(cercle.user_id,))
    await mona.wait_until(lambda: cercle.user_id in mona.client.rooms[direct].users)
    mark = mona.mark()
    await mona.say(group, "!queue")
    answer = await mona.notice("No session is open", after=mark)
    assert answer.room_id == direct
    await mona.say(direct, "!agree")
    await mona.notice("Thank you, Mona: you have accepted the charter", room_id=group)
    assert not mona.notices("Our charter", direct), "a direct chat is not a group"
