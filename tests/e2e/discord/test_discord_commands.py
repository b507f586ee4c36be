"""Slash commands built from the registry, synced once, localized in French, and the charter
(``/rules``, ``/agree`` and its button)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from discord_fake import FakeDiscord
from discord_harness import Bot, World, texts

from bot.commands.arguments import ArgType
from bot.commands.spec import Command, Permission

MANAGE_CHANNELS = str(1 << 4)


def _options(item: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["name"]: o for o in item.get("options") or []}


def _check_arguments(command: Command, item: dict[str, Any]) -> None:
    options = _options(item)
    assert set(options) == {a.name for a in command.args}, command.name
    for arg in command.args:
        option = options[arg.name]
        assert option["required"] == arg.required, arg.name
        if arg.type is ArgType.CHOICE and len(arg.choices) <= 25:
            assert [c["value"] for c in option["choices"]] == list(arg.choices)
        if arg.type in (ArgType.INT, ArgType.MINUTES):
            assert option["type"] == 4
            assert option.get("min_value") == arg.minimum
            assert option.get("max_value") == arg.maximum
        if arg.type is ArgType.MEMBER:
            assert option["autocomplete"] is True


async def test_every_registry_command_is_a_slash_command(fake: FakeDiscord, bot: Bot) -> None:
    synced = {item["name"]: item for item in fake.commands[None]}
    registry = bot.cercle.registry
    assert set(synced) == {c.name for c in registry.commands}
    for command in registry.commands:
        item = synced[command.name]
        french = (item.get("name_localizations") or {}).get("fr", command.name)
        assert french == command.display_name("fr")
        assert item["description_localizations"]["fr"]
        assert item["contexts"] == [0], "guild only"
        if command.subcommands:
            subs = _options(item)
            assert set(subs) == {s.name for s in command.subcommands}
            for sub in command.subcommands:
                assert subs[sub.name]["name_localizations"].get("fr", sub.name) == (
                    sub.display_name("fr")
                )
                _check_arguments(sub, subs[sub.name])
            moderators_only = all(s.permission is Permission.MODERATOR for s in command.subcommands)
            expected = MANAGE_CHANNELS if moderators_only else None
        else:
            _check_arguments(command, item)
            expected = MANAGE_CHANNELS if command.permission is Permission.MODERATOR else None
        assert item["default_member_permissions"] == expected, command.name


async def test_options_are_typed_localized_and_completed(fake: FakeDiscord, bot: Bot) -> None:
    group_set = _options(_options(fake.command("group"))["set"])
    key, value = group_set["key"], group_set["value"]
    labels = {c["value"]: c for c in key["choices"]}
    assert labels["timezone"]["name_localizations"]["fr"] == "fuseau horaire"
    assert key["name_localizations"]["fr"] == "réglage"
    assert value["autocomplete"] is True, "time zones are suggested"
    move = _options(_options(fake.command("stick"))["move"])
    assert move["member"]["name_localizations"]["fr"] == "membre"
    assert (move["position"]["min_value"], move["position"]["max_value"]) == (1, 500)


async def test_commands_are_synced_once_across_restarts(
    fake: FakeDiscord, world: World, database: Path
) -> None:
    first = await Bot(fake, world, database).start()
    await first.stop()
    assert fake.rest.command_writes == 1
    second = await Bot(fake, world, database).start()
    try:
        exchange = await second.run(fake.slash(world.bob, world.room, "rules"))
        assert "confidentialité" in texts(exchange)
    finally:
        await second.stop()
    assert fake.rest.command_writes == 1, "nothing changed: no second sync"


async def test_a_dev_guild_gets_the_commands_at_once(
    fake: FakeDiscord, world: World, database: Path
) -> None:
    bot = await Bot(fake, world, database, dev_guild_id=world.guild.id).start()
    try:
        assert None not in fake.commands, "nothing synced globally"
        assert {c["name"] for c in fake.commands[world.guild.id]} >= {"hand", "session"}
        exchange = await bot.run(fake.slash(world.bob, world.room, "hand"))
        assert exchange.data["guild_id"] == str(world.guild.id)
        assert exchange.acknowledged
    finally:
        await bot.stop()


async def test_rules_welcome_and_agree_button(fake: FakeDiscord, world: World, bot: Bot) -> None:
    exchange = await bot.run(fake.slash(world.bob, world.room, "charte"))  # the French name
    public = exchange.public
    # A slash command is seen by the bot alone: reading the charter does not name Bob.
    assert not any("Bob" in m.text for m in public)
    assert any("Notre charte" in m.text and "confidentialité" in m.text for m in public)
    welcome = next(m for m in [*exchange.private, *public] if m.custom_ids)
    assert welcome.labels == ["J'accepte"]

    pressed = await bot.run(fake.press(world.bob, welcome, welcome.custom_ids[0]))
    assert [m.text for m in pressed.public] == ["🤝 Merci Bob, vous avez accepté la charte."]

    again = await bot.run(fake.slash(world.bob, world.room, "agree"))
    assert again.public == []
    assert "déjà accepté" in again.private[0].text
