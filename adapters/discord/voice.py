"""Voice mode (off by default): in the voice or stage channel linked to a group's room, only the
stick holder (and the moderators) may speak while a session is open.

Every server mute the bot applies is written down before it is applied and lifted when the
session ends, when the member leaves the channel, when the bot stops, and at start-up after a
crash.  Discord cannot unmute someone who is not connected to voice: their record stays until they
connect again.  The linked channel is the room itself when the group lives in a voice channel's
chat, otherwise the only voice or stage channel of the room's category."""

from __future__ import annotations

import logging

import discord

from adapters.discord.moderators import Moderators
from adapters.discord.state import AdapterState, MuteRecord
from bot.replies import Outgoing, UserRef

log = logging.getLogger("cercle.discord")

NOT_CONNECTED = 40032
"""Discord's error code for changing the voice state of someone who is not in voice."""

Voice = discord.VoiceChannel | discord.StageChannel


def linked_voice(room: object) -> Voice | None:
    if isinstance(room, Voice):
        return room
    category = getattr(room, "category", None)
    if not isinstance(category, discord.CategoryChannel):
        return None
    found = [c for c in category.channels if isinstance(c, Voice)]
    return found[0] if len(found) == 1 else None


def holder_of(panel: Outgoing | None) -> int | None:
    holder = panel.reply.params.get("holder") if panel is not None else None
    if isinstance(holder, UserRef) and holder.user_id.isdigit():
        return int(holder.user_id)
    return None


class VoiceGate:
    def __init__(
        self,
        client: discord.Client,
        state: AdapterState,
        moderators: Moderators,
        *,
        enabled: bool,
    ) -> None:
        self.client = client
        self.state = state
        self.moderators = moderators
        self.enabled = enabled

    async def sync(self, room_id: int, panel: Outgoing | None) -> None:
        """Mute or unmute the linked channel's members for the room's stick (``panel`` is the
        open session's panel, ``None`` when no session is open)."""
        records = {r.user_id: r for r in await self.state.mutes(room_id)}
        voice = linked_voice(self.client.get_channel(room_id))
        if not self.enabled or panel is None or voice is None:
            for record in records.values():
                await self.lift(record)
            return
        holder = holder_of(panel)
        present: set[int] = set()
        for member in voice.members:
            if member.bot:
                continue
            present.add(member.id)
            muted = records.get(member.id)
            may_speak = member.id == holder or self.moderators.of_member(member, voice)
            if may_speak:
                if muted is not None:
                    await self.lift(muted)
            elif muted is None and not (member.voice is not None and member.voice.mute):
                await self._mute(MuteRecord(room_id, voice.guild.id, member.id), member)
        for user_id, left in records.items():
            if user_id not in present:  # a server mute follows them out of the channel
                await self.lift(left)

    async def lift(self, record: MuteRecord) -> None:
        guild = self.client.get_guild(record.guild_id)
        if guild is None:  # the bot left the guild: nothing it can do any more
            await self.state.drop_mute(record)
            return
        member = guild.get_member(record.user_id)
        try:
            if member is None:
                member = await guild.fetch_member(record.user_id)
            await member.edit(mute=False)
        except discord.NotFound:  # they left the guild
            await self.state.drop_mute(record)
            return
        except discord.HTTPException as error:
            if error.code == NOT_CONNECTED:
                return  # lifted when they connect again
            raise
        await self.state.drop_mute(record)
        log.info("voice: unmuted", extra={"room": record.room_id})

    async def lift_all(self) -> None:
        for record in await self.state.mutes():
            await self.lift(record)

    async def rooms_for(
        self, member: discord.Member, channels: tuple[discord.abc.Connectable | None, ...]
    ) -> set[int]:
        """The rooms a voice change of ``member`` concerns: those where the bot muted them and
        those whose linked channel they left or joined."""
        rooms = {r.room_id for r in await self.state.mutes() if r.user_id == member.id}
        for room_id in await self.state.rooms_with_panels():
            voice = linked_voice(self.client.get_channel(room_id))
            if voice is not None and voice in channels:
                rooms.add(room_id)
        return rooms

    async def rooms_linked_to(self, channel: discord.abc.Connectable | None) -> set[int]:
        """The rooms with an open session whose linked voice channel is ``channel``."""
        if channel is None:
            return set()
        return {
            room_id
            for room_id in await self.state.rooms_with_panels()
            if linked_voice(self.client.get_channel(room_id)) == channel
        }

    async def _mute(self, record: MuteRecord, member: discord.Member) -> None:
        await self.state.put_mute(record)  # written down first: a crash cannot lose it
        try:
            await member.edit(mute=True)
        except discord.HTTPException as error:
            await self.state.drop_mute(record)
            if isinstance(error, discord.Forbidden):
                log.warning("voice mode: give the bot Mute Members in the voice channel")
            elif error.code != NOT_CONNECTED:
                raise
            return
        log.info("voice: muted", extra={"room": record.room_id})
