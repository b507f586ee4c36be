"""Autocompletion: members in the queue (holder first) and time zones."""

from __future__ import annotations

from discord_fake import FakeDiscord
from discord_harness import Bot, World

from bot.i18n import translate
from bot.replies import Key


async def test_members_in_line_are_suggested(fake: FakeDiscord, world: World, bot: Bot) -> None:
    await bot.agree(world.bob, world.cat, world.dan)
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    for user in (world.bob, world.cat, world.dan):
        await bot.run(fake.slash(user, world.room, "hand"))

    every = await bot.run(fake.complete(world.alice, world.room, ("stick", "move"), "member"))
    assert every.choices == [
        {"name": "Bob", "value": str(world.bob.id)},
        {"name": "Cat", "value": str(world.cat.id)},
        {"name": "Dan", "value": str(world.dan.id)},
    ]
    some = await bot.run(
        fake.complete(world.alice, world.room, ("stick", "move"), "member", member="d")
    )
    assert some.choices == [{"name": "Dan", "value": str(world.dan.id)}]

    # The chosen value is the member's id: the core finds them by it.
    moved = await bot.run(
        fake.slash(world.alice, world.room, "stick", "move", member=str(world.dan.id), position=1)
    )
    assert moved.public[-1].text == "Dan est maintenant n° 1 dans la file."


async def test_time_zones_and_setting_values_are_suggested(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    zones = await bot.run(
        fake.complete(
            world.alice, world.room, ("group", "set"), "value", key="timezone", value="america/mont"
        )
    )
    assert {"name": "America/Montreal", "value": "America/Montreal"} in (zones.choices or [])
    needs = await bot.run(
        fake.complete(world.alice, world.room, ("group", "set"), "value", key="need", value="")
    )
    assert {"name": "deuil", "value": "grief"} in (needs.choices or [])
    orders = await bot.run(
        fake.complete(world.alice, world.room, ("group", "set"), "value", key="order", value="")
    )
    assert [c["value"] for c in orders.choices or []] == ["arrival", "first-time", "balanced"]

    changed = await bot.run(
        fake.slash(
            world.alice, world.room, "group", "set", key="timezone", value="America/Montreal"
        )
    )
    expected = translate(
        "group.updated", "fr", setting=Key("setting.timezone"), value="America/Montreal"
    )
    assert changed.public[-1].text == expected
