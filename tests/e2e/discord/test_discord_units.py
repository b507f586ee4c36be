"""The adapter's pure parts: command lines, nonces, rendering, and the command tree built from
a registry with awkward declarations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import discord
from discord import app_commands

from adapters.discord.autocomplete import Suggestions
from adapters.discord.commands import build_commands
from adapters.discord.lines import command_line
from adapters.discord.render import nonce, panel_embed, text
from adapters.discord.translator import RegistryTranslator
from bot.commands.arguments import OneOf, Text
from bot.commands.context import Context
from bot.commands.parser import Registry
from bot.commands.spec import Command, Permission
from bot.registry import REGISTRY
from bot.replies import Outgoing, Reply, TimeOfDay, room

MANY = tuple(f"c{i}" for i in range(30))


@dataclass(frozen=True, slots=True)
class Odd:
    interaction: str
    """The name discord.py gives the callback's first parameter."""
    pick: Annotated[str, OneOf(choices=MANY)]
    note: Annotated[str | None, Text(max_length=9000)]


async def odd(ctx: Context, args: Odd) -> list[Reply]:
    return []


def test_an_interaction_becomes_a_command_line() -> None:
    move = (REGISTRY.get("stick"), REGISTRY.get("stick", "move"))
    assert command_line(move, {"member": "123456", "position": 2}) == "stick move 123456 2"
    start = (REGISTRY.get("session"), REGISTRY.get("session", "start"))
    assert command_line(start, {"duration": None}) == "session start"
    assert command_line((REGISTRY.get("pause"),), {"mode": "anon"}) == "pause anon"


def test_nonces_are_short_and_stable() -> None:
    first = nonce("job:12:room:0")
    assert first == nonce("job:12:room:0")
    assert first != nonce("job:12:room:1")
    assert len(first) <= 25


def test_times_become_discord_timestamps() -> None:
    when = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)
    reply = room("session.break_started", minutes="10 min", until=TimeOfDay(when))
    outgoing = Outgoing("discord", "1", reply, "en", "Europe/Paris", "k")
    assert f"<t:{int(when.timestamp())}:t>" in text(outgoing)
    closed = panel_embed(None, "fr").description or ""
    assert "rangé" in closed


async def _payload(registry: Registry) -> list[dict[str, Any]]:
    async def run(*_: object) -> None:
        return None

    client = discord.Client(intents=discord.Intents.none())
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
    await tree.set_translator(RegistryTranslator())
    for command in build_commands(registry, run, Suggestions(None)):  # type: ignore[arg-type]
        tree.add_command(command)
    translator = tree.translator
    assert translator is not None
    payload = [await c.get_translated_payload(tree, translator) for c in tree.get_commands()]
    await client.close()
    return payload


async def test_awkward_declarations_still_make_valid_commands() -> None:
    registry = Registry(
        (
            Command(name="Bad Name", help_key="help.help"),
            Command(
                name="theme",
                help_key="help.help",
                aliases={"fr": ("thème",)},
                subcommands=(
                    Command(name="list", help_key="help.help"),
                    Command(name="pick", help_key="help.help", permission=Permission.MODERATOR),
                ),
            ),
            Command(name="odd", help_key="help.help", handler=odd),
        )
    )
    payload = {item["name"]: item for item in await _payload(registry)}
    assert set(payload) == {"theme", "odd"}, "a name Discord refuses is left out"
    assert payload["theme"]["default_member_permissions"] is None, "members use some of it"
    assert payload["theme"]["name_localizations"] == {"fr": "thème"}
    options = {o["name"]: o for o in payload["odd"]["options"]}
    assert set(options) == {"interaction", "pick", "note"}
    assert options["pick"]["autocomplete"] is True, "more than 25 choices: suggested instead"
    assert "choices" not in options["pick"]
    assert options["note"]["max_length"] == 6000
