"""The link that adds the bot to a Discord server with exactly the permissions it uses."""

from __future__ import annotations

import discord

SCOPES = ("bot", "applications.commands")


def needed_permissions(*, voice_mode: bool) -> discord.Permissions:
    """What the bot does: read and answer in its rooms (View Channels, Send Messages, Read
    Message History), show panels (Embed Links), keep sessions in the Events tab (Manage
    Events) and, in voice mode, let only the stick holder speak (Mute Members)."""
    permissions = discord.Permissions(
        view_channel=True,
        send_messages=True,
        embed_links=True,
        read_message_history=True,
        manage_events=True,
    )
    if voice_mode:
        permissions.mute_members = True
    return permissions


def invite_url(client_id: int, *, voice_mode: bool) -> str:
    return discord.utils.oauth_url(
        client_id, permissions=needed_permissions(voice_mode=voice_mode), scopes=SCOPES
    )
