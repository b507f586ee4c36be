"""Open sessions mirrored as guild scheduled events, so members see them in the Events tab.

The core tells adapters about a session only through its replies: ``session.opened`` creates an
event (in the linked voice channel when there is one, otherwise an external event pointing at the
room) and starts it; once the room has no open session any more the event is completed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.commands.registry import REGISTRY
from bot.replies import Duration, Outgoing, TimeOfDay

import discord
from adapters.discord.render import text
from adapters.discord.state import AdapterState, EventRecord
from adapters.discord.voice import linked_voice

log = logging.getLogger("cercle.discord")

START_MARGIN = timedelta(seconds=5)
"""Discord refuses a start time in the past: the event starts just ahead, then is started."""
MIN_LENGTH = timedelta(minutes=15)
MAX_NAME = 100
MAX_DESCRIPTION = 1000


class EventMirror:
    def __init__(self, client: discord.Client, state: AdapterState) -> None:
        self.client = client
        self.state = state

    async def opened(self, room_id: int, outgoing: Outgoing) -> None:
        if await self.state.event(room_id) is not None:
            return
        channel = self.client.get_channel(room_id)
        if not isinstance(channel, discord.abc.GuildChannel):
            return
        start = discord.utils.utcnow() + START_MARGIN
        end = max(_planned_end(outgoing, start), start + MIN_LENGTH)
        session = REGISTRY.get("session").display_name(outgoing.language).capitalize()
        details = {
            "name": f"{session} · #{channel.name}"[:MAX_NAME],
            "start_time": start,
            "end_time": end,
            "privacy_level": discord.PrivacyLevel.guild_only,
            "description": text(outgoing)[:MAX_DESCRIPTION],
        }
        voice = linked_voice(channel)
        try:
            if isinstance(voice, discord.VoiceChannel):
                event = await channel.guild.create_scheduled_event(
                    **details, entity_type=discord.EntityType.voice, channel=voice
                )
            else:
                event = await channel.guild.create_scheduled_event(
                    **details, entity_type=discord.EntityType.external, location=channel.jump_url
                )
        except discord.Forbidden:
            log.warning("cannot create scheduled events: give the bot Manage Events")
            return
        await self.state.put_event(room_id, EventRecord(channel.guild.id, event.id))
        await event.start()
        log.info("scheduled event started", extra={"room": room_id})

    async def closed(self, room_id: int) -> None:
        record = await self.state.event(room_id)
        if record is None:
            return
        guild = self.client.get_guild(record.guild_id)
        if guild is not None:
            try:
                event = guild.get_scheduled_event(record.event_id)
                if event is None:
                    event = await guild.fetch_scheduled_event(record.event_id)
                if event.status is discord.EventStatus.active:
                    await event.end()
                elif event.status is discord.EventStatus.scheduled:
                    await event.cancel()
            except discord.NotFound:
                pass
        await self.state.drop_event(room_id)
        log.info("scheduled event ended", extra={"room": room_id})

    async def deleted(self, event: discord.ScheduledEvent) -> None:
        """Someone deleted the event in Discord: forget it."""
        for room_id, record in (await self.state.events()).items():
            if record.event_id == event.id:
                await self.state.drop_event(room_id)


def _planned_end(outgoing: Outgoing, start: datetime) -> datetime:
    end = outgoing.reply.params.get("end")
    if isinstance(end, TimeOfDay):
        return end.at
    length = outgoing.reply.params.get("duration")
    minutes = length.minutes if isinstance(length, Duration) else 90
    return start + timedelta(minutes=minutes)
