"""The discord.py client: only the intents the bot needs, mentions disabled by default, and
every event handed to the platform."""

from __future__ import annotations

import logging
import sys
from typing import Any, Protocol

import discord
from discord import app_commands

from adapters.discord.render import NO_MENTIONS

log = logging.getLogger("cercle.discord")


class Hooks(Protocol):
    async def setup(self) -> None: ...
    async def ready(self) -> None: ...
    async def voice_changed(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None: ...
    async def event_deleted(self, event: discord.ScheduledEvent) -> None: ...
    async def member_removed(self, guild_id: int, user_id: int) -> None: ...


def intents(*, voice_mode: bool, member_events: bool = False) -> discord.Intents:
    """Guilds (channels, roles), scheduled events (to notice one deleted by hand), voice states
    only in voice mode, members (privileged) only when asked for, to see someone leave the
    server.  No message content or presences."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_scheduled_events = True
    wanted.voice_states = voice_mode
    wanted.members = member_events
    return wanted


class CercleTree(app_commands.CommandTree[discord.Client]):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        log.error("slash command failed with %s", type(cause).__name__)


class CercleClient(discord.Client):
    def __init__(
        self,
        hooks: Hooks,
        *,
        voice_mode: bool,
        guild_ready_timeout: float,
        member_events: bool = False,
    ) -> None:
        # The bot never joins a voice channel (voice mode only mutes members): no need for the
        # voice libraries, nor for discord.py's warning that they are missing.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            intents=intents(voice_mode=voice_mode, member_events=member_events),
            allowed_mentions=NO_MENTIONS,
            guild_ready_timeout=guild_ready_timeout,
            max_messages=None,
            chunk_guilds_at_startup=False,
        )
        self.hooks = hooks
        self.tree = CercleTree(self)

    async def setup_hook(self) -> None:
        await self.hooks.setup()

    async def on_ready(self) -> None:
        await self.hooks.ready()

    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        await self.hooks.voice_changed(member, before, after)

    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        await self.hooks.member_removed(payload.guild_id, payload.user.id)

    async def on_scheduled_event_delete(self, event: discord.ScheduledEvent) -> None:
        await self.hooks.event_deleted(event)

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        error = sys.exc_info()[1]
        log.error("%s failed with %s", event_method, type(error).__name__)
