"""French names and descriptions for the slash commands, through discord.py's translator.

Every user-visible string of the command tree is a ``locale_str`` whose extras carry its French
text (taken from the registry's aliases and the core's catalogs when the tree is built), so the
translator only has to pick it."""

from __future__ import annotations

import discord
from discord import app_commands

LOCALES: dict[discord.Locale, str] = {discord.Locale.french: "fr"}
"""Discord locales we localize to, and the extra that holds their text."""


def localized(english: str, **others: str | None) -> app_commands.locale_str:
    """``english`` for Discord's default, with translations by language code (``fr=...``)."""
    return app_commands.locale_str(english, **{k: v for k, v in others.items() if v})


class RegistryTranslator(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = LOCALES.get(locale)
        if language is None:
            return None
        text = string.extras.get(language)
        return text if isinstance(text, str) else None
