"""The bot under test (the core on a SQLite file plus the real Discord platform) and the small
Discord world the scenarios use."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from discord_fake import (
    MANAGE_CHANNELS,
    VOICE,
    Channel,
    Exchange,
    FakeDiscord,
    Guild,
    Message,
    Role,
    User,
)

from adapters.config import Config, DiscordConfig
from adapters.discord import DiscordPlatform
from adapters.discord.interactions import DEFER_AFTER
from adapters.platform import Dispatcher
from adapters.startup import Runtime, start
from bot.app import Cercle
from bot.clock import ManualClock

MODERATOR_ROLE = "Animateur"


@dataclass
class World:
    guild: Guild
    moderators: Role
    """The configured moderator role (no Discord permission of its own)."""
    staff: Role
    """A role with Manage Channels: its members are moderators too."""
    room: Channel
    voice: Channel
    alice: User
    """A moderator by role."""
    mona: User
    """A moderator by Manage Channels."""
    bob: User
    cat: User
    dan: User


def build_world(fake: FakeDiscord) -> World:
    guild = fake.add_guild("Entraide deuil")
    moderators = fake.add_role(guild, MODERATOR_ROLE)
    staff = fake.add_role(guild, "Équipe", MANAGE_CHANNELS)
    category = fake.add_category(guild, "Groupe du mardi")
    room = fake.add_channel(guild, "groupe-mardi", parent=category)
    voice = fake.add_channel(guild, "salon-vocal", VOICE, parent=category)
    world = World(
        guild=guild,
        moderators=moderators,
        staff=staff,
        room=room,
        voice=voice,
        alice=fake.add_member(guild, "alice", roles=[moderators]),
        mona=fake.add_member(guild, "mona", roles=[staff]),
        bob=fake.add_member(guild, "bob"),
        cat=fake.add_member(guild, "cat"),
        dan=fake.add_member(guild, "dan", locale="en-US"),
    )
    # The server admin lets the moderator role use the moderators' commands (Integrations).
    for command in ("session", "stick", "group"):
        fake.allow(command, moderators.id)
    return world


class Bot:
    """One run of the bot process: ``start``, then ``stop`` (clean) or ``crash``."""

    def __init__(
        self,
        fake: FakeDiscord,
        world: World,
        database: Path,
        *,
        voice_mode: bool = False,
        member_events: bool = False,
        dev_guild_id: int | None = None,
        defer_after: float = DEFER_AFTER,
        new_dms_per_second: float = 5.0,
    ) -> None:
        self.fake = fake
        self.world = world
        self.database = database
        self.config = DiscordConfig(
            enabled=True,
            moderator_role=MODERATOR_ROLE,
            dev_guild_id=dev_guild_id,
            voice_mode=voice_mode,
            member_events=member_events,
            new_dms_per_second=new_dms_per_second,
        )
        self.defer_after = defer_after
        self.clock = ManualClock(datetime.now(UTC))
        self._runtime: Runtime | None = None
        self._platform: DiscordPlatform | None = None

    @property
    def platform(self) -> DiscordPlatform:
        assert self._platform is not None
        return self._platform

    @property
    def cercle(self) -> Cercle:
        assert self._runtime is not None
        return self._runtime.cercle

    async def start(self) -> Bot:
        config = Config(discord=self.config).with_database(f"sqlite+aiosqlite:///{self.database}")
        self._runtime = await start(config, self.clock)
        platform = DiscordPlatform(
            self.config,
            self.fake.token,
            guild_ready_timeout=0,
            defer_after=self.defer_after,
            look_spacing=0,  # a look at coming reminders after every command
        )
        self._platform = platform
        self.fake.watch(platform.connection_error)
        try:
            await platform.start(self._runtime.cercle, Dispatcher({platform.name: platform}))
        except BaseException:
            await self._runtime.close()
            raise
        return self

    async def stop(self) -> None:
        if self._platform is not None:
            await self.platform.stop()
        await self._close_runtime()

    async def crash(self) -> None:
        """The process dies: the connection drops, no clean-up of the platform runs."""
        with contextlib.suppress(Exception):
            await self.platform.client.close()
        await self._close_runtime()

    async def _close_runtime(self) -> None:
        if self._runtime is not None:
            await self._runtime.close()
            self._runtime = None

    async def settle(self) -> None:
        """Wait until every interaction the bot received has been fully handled."""
        await self.platform.drain()

    def advance(self, minutes: float) -> None:
        self.clock.advance(timedelta(minutes=minutes))

    async def until_due(self, when: datetime) -> None:
        """Until the core's next job falls due at ``when``: e.g. it has noted that someone left
        (their grace period is the next thing due), which the bot does without a word."""
        async with asyncio.timeout(10):
            while await self.cercle.next_due() != when:
                await asyncio.sleep(0.01)

    async def run(self, exchange: Exchange) -> Exchange:
        """Wait for the bot's answer to an interaction and everything that follows it."""
        await self.fake.answered(exchange)
        await self.settle()
        return exchange

    async def agree(self, *users: User) -> None:
        for user in users:
            await self.run(self.fake.slash(user, self.room, "agree"))

    @property
    def room(self) -> Channel:
        return self.world.room


def panels(fake: FakeDiscord, channel: Channel) -> list[Message]:
    """The stick panels posted in a channel (embeds by the bot), oldest first."""
    return [m for m in fake.messages(channel) if m.embeds and m.author.id == fake.bot.id]


def texts(exchange: Exchange) -> str:
    return "\n".join(exchange.texts())
