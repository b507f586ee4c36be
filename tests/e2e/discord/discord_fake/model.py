"""The fake Discord's world: users, guilds, roles, channels, members, voice states, messages,
scheduled events, and each as Discord sends it (JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .snowflakes import iso

ALL_PERMISSIONS = (1 << 50) - 1
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
VIEW_AND_SEND = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 31) | (1 << 20) | (1 << 21)
"""View channel, send messages, embed links, read history, use application commands, connect,
speak."""

TEXT, DM, VOICE, CATEGORY, STAGE = 0, 1, 2, 4, 13
EPHEMERAL, LOADING = 1 << 6, 1 << 7


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    accepts_dms: bool = True
    locale: str = "fr"

    def json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "avatar": None,
            "discriminator": "0",
            "public_flags": 0,
            "flags": 0,
            "global_name": self.global_name,
            "primary_guild": None,
        }
        if self.bot:
            found["bot"] = True
        return found

    def private_json(self) -> dict[str, Any]:
        return {**self.json(), "mfa_enabled": False, "locale": "en-US", "verified": True}


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int

    def json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "description": None,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }


@dataclass
class Channel:
    id: int
    type: int
    name: str | None
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    recipient: User | None = None

    def json(self) -> dict[str, Any]:
        if self.type == DM:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": None,
                "flags": 0,
                "recipients": [self.recipient.json()],
            }
        found: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "last_message_id": None,
            "flags": 0,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "position": self.position,
            "permission_overwrites": [],
            "nsfw": False,
        }
        if self.type in (TEXT, VOICE, STAGE):
            found["rate_limit_per_user"] = 0
        if self.type == TEXT:
            found["topic"] = None
        if self.type in (VOICE, STAGE):
            found |= {"bitrate": 64000, "user_limit": 0, "rtc_region": None}
        return found


@dataclass
class VoiceState:
    channel_id: int
    session_id: str
    deaf: bool = False
    self_mute: bool = False


@dataclass
class Member:
    user: User
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    voice: VoiceState | None = None
    mute: bool = False

    def json(self, guild_id: int | None = None) -> dict[str, Any]:
        found: dict[str, Any] = {
            "avatar": None,
            "banner": None,
            "communication_disabled_until": None,
            "flags": 0,
            "joined_at": iso(self.joined_at),
            "nick": self.nick,
            "pending": False,
            "premium_since": None,
            "roles": [str(r) for r in self.roles],
            "user": self.user.json(),
            "mute": self.mute,
            "deaf": False,
        }
        return found


@dataclass
class Message:
    id: int
    channel_id: int
    author: User
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    nonce: str | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_id: int | None = None
    for_user: int | None = None
    """Who sees an ephemeral message."""
    type: int = 0
    timestamp: datetime = field(default_factory=lambda: datetime.now(UTC))
    edited: datetime | None = None
    allowed_mentions: list[Any] = field(default_factory=list)
    """Every ``allowed_mentions`` the bot sent for this message (creation and edits)."""
    attachments: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    guild_id: int | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def custom_ids(self) -> list[str]:
        return [
            c["custom_id"]
            for row in self.components
            for c in row.get("components", [])
            if "custom_id" in c
        ]

    @property
    def labels(self) -> list[str]:
        return [
            str(c.get("label", ""))
            for row in self.components
            for c in row.get("components", [])
            if "custom_id" in c
        ]

    @property
    def text(self) -> str:
        """Content and embed descriptions: what a member reads."""
        parts = [self.content] + [str(e.get("description", "")) for e in self.embeds]
        return "\n".join(p for p in parts if p)

    def json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "type": self.type,
            "content": self.content,
            "mentions": [],
            "mention_roles": [],
            "attachments": self.attachments,
            "embeds": self.embeds,
            "timestamp": iso(self.timestamp),
            "edited_timestamp": iso(self.edited) if self.edited else None,
            "flags": self.flags,
            "components": self.components,
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.json(),
            "pinned": False,
            "mention_everyone": False,
            "tts": False,
        }
        if self.nonce is not None:
            found["nonce"] = self.nonce
        if self.webhook_id is not None:
            found["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            found["application_id"] = str(self.application_id)
        return found


@dataclass
class ScheduledEvent:
    id: int
    guild_id: int
    creator: User
    data: dict[str, Any]
    status: int = 1

    def json(self) -> dict[str, Any]:
        entity_type = self.data["entity_type"]
        return {
            "id": str(self.id),
            "guild_id": str(self.guild_id),
            "name": self.data["name"],
            "description": self.data.get("description"),
            "channel_id": str(self.data["channel_id"]) if entity_type != 3 else None,
            "creator_id": str(self.creator.id),
            "creator": self.creator.json(),
            "image": None,
            "scheduled_start_time": self.data["scheduled_start_time"],
            "scheduled_end_time": self.data.get("scheduled_end_time"),
            "status": self.status,
            "entity_type": entity_type,
            "entity_id": None,
            "recurrence_rule": None,
            "privacy_level": self.data.get("privacy_level", 2),
            "guild_scheduled_event_exceptions": [],
            "entity_metadata": self.data.get("entity_metadata") if entity_type == 3 else None,
            "user_count": 0,
        }


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    events: dict[int, ScheduledEvent] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def permissions(self, member: Member) -> int:
        if member.user.id == self.owner_id:
            return ALL_PERMISSIONS
        value = self.everyone.permissions
        for role_id in member.roles:
            value |= self.roles[role_id].permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def voice_states(self) -> list[dict[str, Any]]:
        return [voice_state_json(self, m) for m in self.members.values() if m.voice is not None]

    def json(self, bot: User) -> dict[str, Any]:
        """The guild as GUILD_CREATE sends it (members: the bot and people in voice)."""
        shown = [m for m in self.members.values() if m.user.id == bot.id or m.voice is not None]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.json() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "fr",
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "home_header": None,
            "application_id": None,
            "region": "deprecated",
            "widget_enabled": False,
            "widget_channel_id": None,
            "max_presences": None,
            "max_members": 25000,
            "max_stage_video_channel_users": 50,
            "max_video_channel_users": 25,
            "nsfw": False,
            "incidents_data": None,
            "joined_at": iso(),
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "voice_states": self.voice_states(),
            "members": [m.json() for m in shown],
            "channels": [c.json() for c in self.channels.values()],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [e.json() for e in self.events.values()],
            "soundboard_sounds": [],
        }


def voice_state_json(guild: Guild, member: Member) -> dict[str, Any]:
    voice = member.voice
    return {
        "guild_id": str(guild.id),
        "channel_id": str(voice.channel_id) if voice else None,
        "user_id": str(member.user.id),
        "member": member.json(),
        "session_id": voice.session_id if voice else "",
        "deaf": member.voice.deaf if voice else False,
        "mute": member.mute,
        "self_deaf": False,
        "self_mute": voice.self_mute if voice else False,
        "self_video": False,
        "self_stream": False,
        "suppress": False,
        "request_to_speak_timestamp": None,
    }
