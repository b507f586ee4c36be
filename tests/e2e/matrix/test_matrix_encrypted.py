"""The same round trip in an end-to-end encrypted room; an undecryptable event gets a notice."""

from __future__ import annotations

import secrets

import pytest
from conftest import MakeBot, MakeMember
from matrix_members import is_edit_of, open_group

pytestmark = pytest.mark.e2e


async def test_a_session_in_an_encrypted_room(member: MakeMember, bot: MakeBot) -> None:
    cercle = await bot()
    mona, bob = await member("mona"), await member("bob")
    group = await open_group(cercle, mona, [bob], encrypted=True)
    room = group.room_id
    assert mona.client.rooms[room].encrypted

    mark = mona.mark()
    await mona.say(room, "!session start")
    opened = await mona.notice("The session is open", room_id=room, after=mark)
    assert opened.event.decrypted, "the bot's reply was end-to-end encrypted"
    panel = await mona.notice("Speaking: nobody", room_id=room, after=mark)
    await bob.say(room, "!hand")
    await mona.notice("Bob has the talking stick", room_id=room, after=mark)
    await mona.react(room, panel.event.event_id, "✋")
    await mona.notice("Mona raised their hand (number 1 in line)", room_id=room, after=mark)
    edit = await mona.wait_for(is_edit_of(panel.event.event_id, "Speaking: Bob · waiting: Mona"))
    assert edit.event.decrypted
    await bob.say(room, "!pass")
    await mona.notice("Mona has the talking stick", room_id=room, after=mark)


async def test_an_undecryptable_message_gets_a_notice(member: MakeMember, bot: MakeBot) -> None:
    cercle = await bot()
    mona = await member("mona")
    group = await open_group(cercle, mona, [], encrypted=True)
    room = group.room_id
    # An encrypted event whose key the bot never received (its session does not exist).
    olm = mona.client.olm
    assert olm is not None
    content = {
        "algorithm": "m.megolm.v1.aes-sha2",
        "sender_key": olm.account.identity_keys["curve25519"],
        "device_id": mona.client.device_id,
        "session_id": "lost" + secrets.token_hex(8),
        "ciphertext": "AwgAEnACgAkLmt6qF84IK++J7UDH2Za1YVchHyprqTqsg2yyOwAtHaZTwyNg37afzg8f3r9IsN9r4RNFg7MaZencUJe4qvELiDiopUjy5wYVDAtqdBzer5bWRD9ldxp1FLgbQvBcjkkywYjCsmsq6+hArLd9oAQZnGKn/qLsK+5uNX3PaWzDRC9wZPQvWYYPCTov3jCwXKTPsLKIiTrcCXDqMvnn8m+T3zF/I2zqxg158tnUwWWIw51UO",
    }
    mark = mona.mark()
    lost = await mona.send_raw(room, "m.room.encrypted", content)
    notice = await mona.notice("could not decrypt", room_id=room, after=mark)
    assert notice.content["m.relates_to"]["m.in_reply_to"]["event_id"] == lost
    # Commands still work after it.
    await mona.say(room, "!rules")
    await mona.notice("Our charter", room_id=room, after=mark)
