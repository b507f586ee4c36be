"""Autocompletion: members in the queue (holder first), time zones and the other settings whose
values form a list, and long choice lists."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import discord
from discord import app_commands

from adapters.discord.commands import Complete
from bot.app import Cercle
from bot.commands.parser import fold
from bot.domain import SpeakingOrder
from bot.domain.group import LANGUAGES, AccompanyingPolicy, Need
from bot.i18n import translate
from bot.i18n.cleaning import clean_name
from bot.replies import UserRef
from bot.timezones import known_zones

PLATFORM = "discord"
MAX_SUGGESTIONS = 25
MAX_NAME = 100

_LISTS: dict[str, tuple[str, ...]] = {
    "need": tuple(n.value for n in Need),
    "accompanying": tuple(p.value for p in AccompanyingPolicy),
    "language": LANGUAGES,
    "first-speakers-first": ("on", "off"),
    "charter-required": ("on", "off"),
    "order": tuple(o.value for o in SpeakingOrder),
    "replies": ("on", "off"),
}
"""Group settings whose value is one of a few words (labels come from the catalogs)."""


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(known_zones()))


def language_of(interaction: discord.Interaction) -> str:
    return "fr" if interaction.locale.value.startswith("fr") else "en"


class Suggestions:
    def __init__(
        self, cercle: Cercle, shown: Callable[[int], list[UserRef] | None] | None = None
    ) -> None:
        self.cercle = cercle
        self.shown = shown
        """Who is in line as the room's panel shows it, when known: no need to ask the core
        (and load the group's members) at every key typed."""

    async def members(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        room_id = interaction.channel_id or 0
        people = self.shown(room_id) if self.shown is not None else None
        if people is None:
            people = await self.cercle.in_line(PLATFORM, str(room_id))
        wanted = fold(current.strip().lstrip("@"))
        return [
            app_commands.Choice(
                name=clean_name(p.display_name, p.user_id)[:MAX_NAME], value=p.user_id
            )
            for p in people
            if wanted in fold(p.display_name) or wanted in p.user_id
        ][:MAX_SUGGESTIONS]

    def values_of(self, choice_option: str) -> Complete:
        async def complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            chosen = getattr(interaction.namespace, choice_option, None)
            if chosen == "timezone":
                return _zone_choices(current)
            values = _LISTS.get(str(chosen), ())
            language = language_of(interaction)
            labelled = [(_label(str(chosen), v, language), v) for v in values]
            wanted = fold(current.strip())
            return [
                app_commands.Choice(name=label, value=value)
                for label, value in labelled
                if wanted in fold(label) or wanted in fold(value)
            ][:MAX_SUGGESTIONS]

        return complete

    def among(self, choices: list[app_commands.Choice[str]]) -> Complete:
        async def complete(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            wanted = fold(current.strip())
            return [
                app_commands.Choice(name=c.name, value=c.value)
                for c in choices
                if wanted in fold(c.name) or wanted in fold(c.value)
            ][:MAX_SUGGESTIONS]

        return complete


def _zone_choices(current: str) -> list[app_commands.Choice[str]]:
    wanted = fold(current.strip().replace(" ", "_"))
    starts = [z for z in _zones() if fold(z).startswith(wanted)]
    inside = [z for z in _zones() if wanted in fold(z) and z not in starts]
    return [app_commands.Choice(name=z, value=z) for z in (starts + inside)[:MAX_SUGGESTIONS]]


def _label(setting: str, value: str, language: str) -> str:
    try:
        return translate(f"{setting}.{value}", language)[:MAX_NAME]
    except KeyError:
        return value
