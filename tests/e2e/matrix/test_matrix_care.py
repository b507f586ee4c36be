"""Care features through Matrix: theme text never pings, journal commands typed in the group room
are answered in the direct room only, and a member's data arrives as an encrypted file there."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import MakeBot, MakeMember
from matrix_members import Seen, eventually, open_group
from nio.crypto.attachments import decrypt_attachment
from nio.responses import DownloadResponse

pytestmark = pytest.mark.e2e


async def test_theme_text_never_pings_anyone(member: MakeMember, bot: MakeBot) -> None:
    cercle = await bot()
    mona, bob = await member("mona"), await member("bob")
    group = await open_group(cercle, mona, [bob])
    room = group.room_id
    mark = mona.mark()
    await bob.say(room, f"!theme propose Holidays @room @everyone {mona.user_id} alone")
    proposed = await mona.notice("A theme was proposed", room_id=room, after=mark)
    assert "@room" not in proposed.body and "@\u2060room" in proposed.body
    assert proposed.content["m.mentions"] == {}
    assert "@room" not in proposed.content["formatted_body"]
    assert "href" not in proposed.content["formatted_body"]  # no pill for the named member


async def test_journal_in_the_group_room_is_answered_privately(
    member: MakeMember, bot: MakeBot
) -> None:
    cercle = await bot()
    mona, bob = await member("mona"), await member("bob")
    group = await open_group(cercle, mona, [bob])
    room = group.room_id
    mark = mona.mark()
    await bob.say(room, "!journal add I miss him every morning")
    added = await bob.notice("is in your journal")
    assert added.room_id != room
    await bob.notice("what you type in the group's room can be seen there")
    dm = added.room_id
    assert bob.direct_room_with(cercle.user_id) == dm

    # Typed in the direct room, it acts for the same person and is private already.
    await bob.say(dm, "!journal add written privately")
    second = await bob.notice("Note #2 is in your journal", room_id=dm)
    assert second.room_id == dm
    await bob.say(room, "!journal list")
    listed = await bob.notice("Your journal (only you can see this)")
    assert listed.room_id == dm
    assert "I miss him every morning" in listed.body and "written privately" in listed.body

    # The room never saw any of the bot's answers about the journal.
    await bob.say(room, "!rules")  # a last command whose answer marks the end of the exchange
    await mona.notice("Our charter", room_id=room, after=mark)
    from_bot_in_room = [
        seen for seen in mona.seen[mark:] if seen.room_id == room and seen.sender == cercle.user_id
    ]
    assert not any("journal" in seen.body or "miss him" in seen.body for seen in from_bot_in_room)


async def test_my_data_arrives_as_an_encrypted_file_in_the_direct_room(
    member: MakeMember, bot: MakeBot
) -> None:
    cercle = await bot()
    mona, bob = await member("mona"), await member("bob")
    group = await open_group(cercle, mona, [bob])
    await bob.say(group.room_id, "!theme propose Anger")
    await bob.notice("Thank you for proposing theme")
    await bob.say(group.room_id, "!my-data")
    told = await bob.notice("Here is everything I keep about you")

    def is_file(seen: Seen) -> bool:
        return seen.content.get("msgtype") == "m.file" and seen.room_id == told.room_id

    found = await bob.wait_for(is_file)
    assert found.sender == cercle.user_id
    assert found.content["body"] == "my-data.json"
    encrypted = found.content["file"]
    assert "url" not in found.content, "a direct room is encrypted: so is the file"
    downloaded = await bob.client.download(encrypted["url"])
    assert isinstance(downloaded, DownloadResponse)
    data = decrypt_attachment(
        downloaded.body, encrypted["key"]["k"], encrypted["hashes"]["sha256"], encrypted["iv"]
    )
    exported = json.loads(data)
    assert exported["user_id"] == bob.user_id and exported["platform"] == "matrix"
    assert [t["text"] for t in exported["themes_proposed"]] == ["Anger"]


async def test_forget_me_leaves_no_row_and_no_direct_room(member: MakeMember, bot: MakeBot) -> None:
    cercle = await bot()
    mona, bob = await member("mona"), await member("bob")
    group = await open_group(cercle, mona, [bob])
    await bob.say(group.room_id, "!remind on")
    await bob.say(group.room_id, "!journal add something")
    asked = await bob.notice("is in your journal")
    dm = asked.room_id
    await bob.say(dm, "!forget-me confirm")
    await bob.notice("Done: I no longer keep anything about you", room_id=dm)

    def left(seen: Seen) -> bool:
        return (
            seen.room_id == dm
            and seen.sender == cercle.user_id
            and seen.content.get("membership") == "leave"
        )

    await bob.wait_for(left)
    database = cercle.folder / "cercle.db"

    def rows_about_bob() -> list[str]:
        with sqlite3.connect(database) as connection:
            tables = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            ]
            return [
                f"{table}: {row!r}"
                for table in tables
                for row in connection.execute(f'SELECT * FROM "{table}"')
                if bob.user_id in repr(row)
            ]

    await eventually(lambda: rows_about_bob() == [])
