"""Who is a moderator, as Discord says it: the configured role, or Manage Channels in the
group's channel.  The core still decides what that allows."""

from __future__ import annotations

import logging

import discord

log = logging.getLogger("cercle.discord")


class Moderators:
    def __init__(self, client: discord.Client, role_name: str) -> None:
        self.client = client
        self.role_name = role_name.casefold()

    def of_member(self, member: discord.Member, channel: discord.abc.GuildChannel) -> bool:
        if any(role.name.casefold() == self.role_name for role in member.roles):
            return True
        return channel.permissions_for(member).manage_channels

    async def check(self, interaction: discord.Interaction, room_id: int) -> bool:
        """For an interaction run in ``room_id``: in that channel Discord tells us the member's
        roles and permissions; elsewhere (a button in a direct message) we ask the guild."""
        user = interaction.user
        if isinstance(user, discord.Member) and interaction.channel_id == room_id:
            if any(role.name.casefold() == self.role_name for role in user.roles):
                return True
            return interaction.permissions.manage_channels
        channel = self.client.get_channel(room_id)
        if not isinstance(channel, discord.abc.GuildChannel):
            return False
        member = channel.guild.get_member(user.id)
        if member is None:
            try:
                member = await channel.guild.fetch_member(user.id)
            except discord.NotFound:
                return False
        return self.of_member(member, channel)

    async def now(self, room_id: str, user_id: str) -> bool | None:
        """For the core (:class:`bot.ports.ModeratorCheck`): the member's roles and permissions
        in the group's channel as Discord has them now; None when Discord cannot say."""
        if not (room_id.isdigit() and user_id.isdigit()):
            return None
        channel = self.client.get_channel(int(room_id))
        if not isinstance(channel, discord.abc.GuildChannel):
            return None
        member = channel.guild.get_member(int(user_id))
        if member is None:
            try:
                member = await channel.guild.fetch_member(int(user_id))
            except discord.NotFound:
                return False  # no longer in the server
            except discord.HTTPException:
                log.warning("could not ask Discord who moderates a channel")
                return None
        return self.of_member(member, channel)
