"""The Discord adapter: slash commands built from the core's registry, the stick panel with
persistent buttons, sessions mirrored as scheduled events and an optional voice mode.

``cercle run`` calls :func:`build` when ``[discord] enabled = true``; the bot token comes from the
``CERCLE_DISCORD_TOKEN`` environment variable.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping

from adapters.config import ConfigError, DiscordConfig

TOKEN_ENV = "CERCLE_DISCORD_TOKEN"  # noqa: S105 - the name of a variable

with warnings.catch_warnings():
    # discord.py imports audioop for voice playback (unused here); Python 3.11 deprecates it.
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    import discord  # noqa: F401

from adapters.discord.platform import DiscordPlatform  # noqa: E402


def build(config: DiscordConfig, environ: Mapping[str, str] | None = None) -> DiscordPlatform:
    """The Discord platform for ``cercle run``; the token must be in the environment."""
    env = os.environ if environ is None else environ
    token = env.get(TOKEN_ENV, "").strip()
    if not token:
        raise ConfigError(
            f"the bot token is missing: set the {TOKEN_ENV} environment variable",
            "discord.enabled",
        )
    return DiscordPlatform(config, token)


__all__ = ["TOKEN_ENV", "DiscordPlatform", "build"]
