"""The Discord platform for ``cercle run``: starts the client, answers interactions, delivers
the core's timed replies, and cleans up after itself."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import discord

from adapters.config import DiscordConfig
from adapters.discord.announce import Announcer
from adapters.discord.autocomplete import Suggestions
from adapters.discord.buttons import choice_button, panel_view
from adapters.discord.client import CercleClient
from adapters.discord.commands import build_commands
from adapters.discord.delivery import Delivery
from adapters.discord.direct import DirectChannels
from adapters.discord.events import EventMirror
from adapters.discord.interactions import DEFER_AFTER, InteractionRunner, log_failure
from adapters.discord.lanes import Lanes
from adapters.discord.moderators import Moderators
from adapters.discord.panel import PanelMessages
from adapters.discord.state import AdapterState
from adapters.discord.sync import sync_commands
from adapters.discord.translator import RegistryTranslator
from adapters.discord.voice import VoiceGate
from adapters.discord.watch import StickWatch
from adapters.platform import Dispatcher, PermanentFailure
from bot.app import Cercle
from bot.replies import Outgoing

log = logging.getLogger("cercle.discord")

PLATFORM = "discord"
START_TIMEOUT = 120.0
"""Seconds to wait for the gateway's READY before giving up (``cercle run`` then exits)."""
DRAIN_TIMEOUT = 3.0
STOP_CLEANUP_TIMEOUT = 3.0
"""Together well under the 10 s ``cercle run`` gives a platform to stop."""
EVENTS_EVERY = 3600.0
"""Seconds between two looks at every room's scheduled events (sessions come into range)."""
LOOK_EVERY = 60.0
"""Seconds between two looks at the private reminders coming (their channels opened ahead)."""
LOOK_SPACING = 10.0
"""At least this long between two looks when commands ask for one (they change things often
during a session)."""


class _RateLimitCounter(logging.Filter):
    """Counts discord.py's "being rate limited" log records (it has no public counter)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if message.startswith(("We are being rate limited", "Webhook ID %s is rate limited")):
            self.count += 1
        return True


RATE_LIMITS = _RateLimitCounter()
for _logger in ("discord.http", "discord.webhook.async_"):  # REST, and interaction answers
    logging.getLogger(_logger).addFilter(RATE_LIMITS)


class _Parts:
    """Everything built around one client."""

    def __init__(self, client: CercleClient, cercle: Cercle, config: DiscordConfig) -> None:
        self.state = AdapterState(cercle.state(PLATFORM))
        self.moderators = Moderators(client, config.moderator_role)
        self.voice = VoiceGate(client, self.state, self.moderators, enabled=config.voice_mode)
        self.events = EventMirror(client, self.state, cercle)
        self.watch = StickWatch(cercle, PanelMessages(client, self.state), self.voice)
        self.lanes = Lanes()
        self.direct = DirectChannels(
            client, self.state, self.lanes, per_second=config.new_dms_per_second
        )
        self.announcer = Announcer(client, self.state, self.lanes)
        self.delivery = Delivery(
            client,
            self.watch,
            self.events,
            self.state,
            direct=self.direct,
            lanes=self.lanes,
            announcer=self.announcer,
        )


class DiscordPlatform:
    name = PLATFORM

    def __init__(
        self,
        config: DiscordConfig,
        token: str,
        *,
        guild_ready_timeout: float = 2.0,
        defer_after: float = DEFER_AFTER,
        look_spacing: float = LOOK_SPACING,
    ) -> None:
        self.config = config
        self._token = token
        self._guild_ready_timeout = guild_ready_timeout
        self._defer_after = defer_after
        self._look_spacing = look_spacing
        self._look_again = asyncio.Event()
        self._look_task: asyncio.Task[None] | None = None
        self._client: CercleClient | None = None
        self._parts: _Parts | None = None
        self._runner: InteractionRunner | None = None
        self._cercle: Cercle | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._recovery_started = False
        self._events_task: asyncio.Task[None] | None = None

    def _room_url(self, room_id: str) -> str | None:
        """The channel's web address (``https://discord.com/channels/<guild>/<channel>``)."""
        if self._client is None or not room_id.isdigit():
            return None
        channel = self._client.get_channel(int(room_id))
        return channel.jump_url if isinstance(channel, discord.abc.GuildChannel) else None

    # --- the Platform protocol ---
    async def start(self, cercle: Cercle, dispatcher: Dispatcher) -> None:
        """Log in (which syncs the commands), connect, and return once the gateway is ready and
        the state left by a previous run has been looked at."""
        self._cercle = cercle
        client = CercleClient(
            self,
            voice_mode=self.config.voice_mode,
            guild_ready_timeout=self._guild_ready_timeout,
            member_events=self.config.member_events,
        )
        self._client = client
        self._parts = _Parts(client, cercle, self.config)
        cercle.moderator_checks[PLATFORM] = self._parts.moderators.now
        cercle.room_links[PLATFORM] = self._room_url
        self._runner = InteractionRunner(
            cercle, self._parts.moderators, self._parts.delivery, defer_after=self._defer_after
        )
        # A command may have asked for reminders or planned a session: look again (once its
        # aftermath is done: the room's sessions are known to the adapter by then).
        self._runner.handled.append(self._look_again.set)
        try:
            try:
                await client.login(self._token)
            except discord.LoginFailure:
                raise PermanentFailure(
                    "Discord refused the bot's token (CERCLE_DISCORD_TOKEN): reset it in the "
                    "Developer Portal (Bot → Reset Token) and set it again"
                ) from None
            self._task = asyncio.create_task(client.connect(reconnect=True), name="discord-gateway")
            ready = asyncio.create_task(self._ready.wait())
            await asyncio.wait(
                {self._task, ready}, timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
            )
            ready.cancel()
        except BaseException:
            await self._close_client()
            raise
        if not self._ready.is_set():
            error = self.connection_error()
            await self._close_client()
            raise error or RuntimeError("Discord's gateway did not become ready")

    async def send(self, outgoing: Outgoing) -> None:
        """A reply that is not an answer to an interaction (reminders, end of a break, nudges).
        Raises when it could not be delivered, so the core tries again with the same key."""
        await self.parts.delivery.send(outgoing)

    @property
    def rate_limits(self) -> int:
        """discord.py waits out 429s itself and only says so in its log: counted from there."""
        return RATE_LIMITS.count

    @property
    def connected(self) -> bool:
        """Ready once, and the gateway connection is up now."""
        client = self._client
        return self._ready.is_set() and client is not None and client.is_ready()

    async def stop(self) -> None:
        """Finish the interactions under way, lift the voice mutes (nobody stays muted while
        the bot is away), then disconnect."""
        if self._runner is not None:
            try:
                await asyncio.wait_for(self._runner.drain(), DRAIN_TIMEOUT)
            except TimeoutError:
                log.warning("stopping with interactions still under way")
        if self._parts is not None and self.config.voice_mode and self._ready.is_set():
            self._parts.voice.enabled = False  # from now on a sync only lifts
            try:
                await asyncio.wait_for(self._parts.voice.lift_all(), STOP_CLEANUP_TIMEOUT)
            except Exception as error:
                log_failure("lifting voice mutes", error)
        await self._close_client()

    # --- for tests and ``cercle run`` ---
    @property
    def client(self) -> CercleClient:
        if self._client is None:
            raise RuntimeError("the Discord platform is not started")
        return self._client

    @property
    def parts(self) -> _Parts:
        if self._parts is None:
            raise RuntimeError("the Discord platform is not started")
        return self._parts

    async def drain(self) -> None:
        """Wait until no interaction is being handled (tests, and a clean stop)."""
        if self._runner is not None:
            await self._runner.drain()

    def connection_error(self) -> BaseException | None:
        """Why the gateway connection ended, if it ended with an error."""
        task = self._task
        if task is None or not task.done() or task.cancelled():
            return None
        return task.exception()

    # --- client hooks ---
    async def setup(self) -> None:
        """Once per login, before the gateway connects: commands, persistent buttons, sync."""
        client, runner = self.client, self._runner
        assert runner is not None
        assert self._cercle is not None
        await client.tree.set_translator(RegistryTranslator())
        for command in build_commands(
            self._cercle.registry, runner.slash, Suggestions(self._cercle, self.parts.watch.in_line)
        ):
            client.tree.add_command(command)
        client.add_view(panel_view("en", runner.press))
        client.add_dynamic_items(choice_button(runner.press))
        await sync_commands(client.tree, self.parts.state, self.config.dev_guild_id)

    async def ready(self) -> None:
        """READY comes after every new gateway session: the start-up work runs only once."""
        if self._recovery_started:
            log.info("gateway session ready again")
            return
        self._recovery_started = True
        try:
            await self._recover()
        finally:
            self._ready.set()
        self._events_task = asyncio.create_task(self._mirror_events(), name="discord-events")
        self._look_task = asyncio.create_task(self._look_ahead(), name="discord-look-ahead")

    async def voice_changed(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        if member.bot or before.channel == after.channel:
            return  # mute changes included: most are the bot's own
        parts = self.parts
        for room_id in await parts.voice.rooms_for(member, (before.channel, after.channel)):
            await parts.watch.refresh_voice(room_id)
        await self._report_presence(member, before.channel, after.channel)

    async def _report_presence(
        self,
        member: discord.Member,
        before: discord.abc.Connectable | None,
        after: discord.abc.Connectable | None,
    ) -> None:
        """In voice mode the voice channel is where the group meets: leaving it is leaving the
        room (the core keeps the place in line for the grace period), coming back is returning."""
        left = await self.parts.voice.rooms_linked_to(before)
        back = await self.parts.voice.rooms_linked_to(after)
        for room_id in sorted(left - back):
            await self.cercle.member_left(PLATFORM, str(room_id), str(member.id))
        for room_id in sorted(back - left):
            for outgoing in await self.cercle.member_back(PLATFORM, str(room_id), str(member.id)):
                await self.parts.delivery.send(outgoing)

    async def member_removed(self, guild_id: int, user_id: int) -> None:
        """Someone left the server (or was removed): they have left every room of it."""
        for room_id in sorted(await self.parts.state.rooms_with_panels()):
            channel = self.client.get_channel(room_id)
            if isinstance(channel, discord.abc.GuildChannel) and channel.guild.id == guild_id:
                await self.cercle.member_left(PLATFORM, str(room_id), str(user_id))

    async def event_deleted(self, event: discord.ScheduledEvent) -> None:
        await self.parts.events.deleted(event)

    # --- internals ---
    async def _recover(self) -> None:
        """Bring every room the adapter kept something for in line with the core: panels edited
        or closed, mutes left by a crash lifted, scheduled events reconciled."""
        parts = self.parts
        try:
            await parts.state.prune_merged(time.time())
        except Exception as error:
            log_failure("forgetting old merged messages", error)
        for room_id in sorted(
            await parts.state.rooms_with_panels() | {m.room_id for m in await parts.state.mutes()}
        ):
            try:
                await parts.watch.refresh(room_id)
            except Exception as error:
                log_failure("start-up check of a room", error)
        await parts.events.reconcile_all()

    async def _mirror_events(self) -> None:
        """Every hour, sessions that came within range get their events (and so on)."""
        while True:
            await asyncio.sleep(EVENTS_EVERY)
            try:
                await self.parts.events.reconcile_all()
            except Exception as error:  # the database is away: next hour
                log_failure("the hourly look at scheduled events", error)

    async def _look_ahead(self) -> None:
        """Open ahead the direct-message channels that coming private reminders will need: at
        start-up, every minute, and soon after a command (reminders asked for, a session
        planned…)."""
        while True:
            parts = self.parts
            try:
                await parts.direct.look_ahead(self.cercle, await parts.state.event_rooms())
            except Exception as error:  # the database is away: next time
                log_failure("the look at coming reminders", error)
            await asyncio.sleep(self._look_spacing)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._look_again.wait(), LOOK_EVERY)
            self._look_again.clear()

    @property
    def cercle(self) -> Cercle:
        if self._cercle is None:
            raise RuntimeError("the Discord platform is not started")
        return self._cercle

    async def _close_client(self) -> None:
        for task in (self._events_task, self._look_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._events_task = self._look_task = None
        if self._parts is not None:
            await self._parts.announcer.close()
            await self._parts.direct.close()
        if self._client is not None and not self._client.is_closed():
            await self._client.close()
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._task
