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
