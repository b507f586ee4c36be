"""Care features through the real discord.py client and the fake Discord: theme text never pings
anyone, journal answers are ephemeral and never reach the channel, my-data comes as a private
file, the directory links the group's channel."""

from __future__ import annotations

import json

from discord_fake import FakeDiscord
from discord_harness import Bot, World, texts


async def test_theme_text_never_pings_anyone(fake: FakeDiscord, world: World, bot: Bot) -> None:
    await bot.agree(world.bob)
    said = await bot.run(
        fake.slash(
            world.bob,
            world.room,
            "theme",
            "propose",
            text=f"Noël @everyone @here <@{world.alice.id}> <@&{world.moderators.id}>",
        )
    )
    [announced] = [m for m in said.public if "thème a été proposé" in m.text]
    assert "@everyone" not in announced.text and "@here" not in announced.text
    assert f"<@{world.alice.id}>" not in announced.text
    assert f"<@&{world.moderators.id}>" not in announced.text
    for sent in announced.allowed_mentions:
        assert sent is not None and sent.get("parse") == []
        assert not sent.get("users") and not sent.get("roles")


async def test_journal_answers_are_ephemeral_and_never_in_the_channel(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    await bot.agree(world.bob)
    words = "Je pense à lui chaque matin"
    added = await bot.run(fake.slash(world.bob, world.room, "journal", "add", text=words))
    assert added.public == []
    assert "note n° 1" in texts(added)
    assert "salon" not in texts(added), "a slash command is private: no warning needed"
    listed = await bot.run(fake.slash(world.bob, world.room, "journal", "list"))
    assert listed.public == []
    [private] = listed.private
    assert words in private.text
    assert all(words not in m.text for m in fake.messages(world.room, ephemeral=False))
    assert all(words not in m.text for m in fake.dms(world.bob))


async def test_my_data_is_a_private_file(fake: FakeDiscord, world: World, bot: Bot) -> None:
    await bot.agree(world.bob)
    await bot.run(fake.slash(world.bob, world.room, "journal", "add", text="une note"))
    exported = await bot.run(fake.slash(world.bob, world.room, "my-data"))
    assert exported.public == []
    [message] = exported.private
    [attachment] = message.files
    assert attachment["filename"] == "mes-donnees.json"  # the group speaks French
    data = json.loads(attachment["data"])
    assert data["plateforme"] == "discord" and data["identifiant"] == str(world.bob.id)
    assert [entry["texte"] for entry in data["journal"]] == ["une note"]


async def test_the_directory_links_the_groups_channel(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    await bot.agree(world.alice, world.bob)
    await bot.run(fake.slash(world.alice, world.room, "group", "set", key="directory", value="on"))
    listed = await bot.run(fake.slash(world.bob, world.room, "groups"))
    [private] = listed.private
    assert f"<#{world.room.id}>" in private.text
