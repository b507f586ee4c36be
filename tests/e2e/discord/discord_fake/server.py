"""The fake Discord: an aiohttp server on 127.0.0.1 that the real discord.py client talks to.

It keeps a small world (guilds, channels, members, messages, scheduled events, synced commands),
serves the REST routes the bot uses and a gateway, and lets a test act as Discord's users (slash
commands, buttons, autocompletion, joining voice).  Anything it does not know, any payload that
does not match Discord's OpenAPI description (when ``CERCLE_DISCORD_OPENAPI`` is set), and any
interaction answered after 3 s is recorded in ``failures``; the test fixtures fail on them."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import discord
import yarl
from aiohttp import web

from .acting import Acting, CommandUnavailable
from .exchanges import (
    APPLICATION_COMMAND,
    Exchange,
)
from .gateway import Gateway, Session
from .limits import Limits
from .model import (
    CATEGORY,
    DM,
    EPHEMERAL,
    TEXT,
    VIEW_AND_SEND,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    User,
    VoiceState,
    voice_state_json,
)
from .openapi import OpenApi
from .plumbing import API, Fault, Plumbing, Request
from .rest import Rest
from .snowflakes import Snowflakes


class FakeDiscord(Acting, Plumbing):
    def __init__(self, openapi: OpenApi | None = None) -> None:
        self.openapi = openapi
        self.ids = Snowflakes()
        self.token = "fake." + secrets.token_urlsafe(24)
        self.bot = User(self.ids.next(), "cercle", "Cercle", bot=True)
        self.owner = User(self.ids.next(), "owner", "Server Owner")
        self.application_id = self.bot.id
        self.users: dict[int, User] = {self.bot.id: self.bot, self.owner.id: self.owner}
        self.guilds: dict[int, Guild] = {}
        self.dm_channels: dict[int, Channel] = {}
        self.messages_by_id: dict[int, Message] = {}
        self.channel_messages: dict[int, list[Message]] = {}
        self.nonces: dict[tuple[int, str], tuple[float, Message]] = {}
        self.nonce_hits = 0
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.command_ids: dict[tuple[int | None, str], int] = {}
        self.overrides: dict[str, set[int]] = {}
        """Integration settings: role ids (the guild id for everyone) allowed to use a
        command whatever its default permissions."""
        self.exchanges: dict[int, Exchange] = {}
        self.by_token: dict[str, Exchange] = {}
        self.mute_log: list[tuple[int, bool]] = []
        self.failures: list[str] = []
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.limits = Limits()
        """Discord's rate limits, when a test sets them (none by default)."""
        self.dm_opens: list[float] = []
        """When the bot asked for a direct-message channel (``time.monotonic``), each time."""
        self.checks: list[Callable[[], BaseException | None]] = []
        self.rest = Rest(self)
        self.gateway = Gateway(
            self.token,
            self._ready,
            self._guild_payloads,
            self.fail,
            self.changed,
            openapi.check_dispatch if openapi is not None else None,
        )
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._saved: tuple[str, yarl.URL] | None = None
        self.port = 0

    # --- life cycle ---
    @classmethod
    @contextlib.asynccontextmanager
    async def running(cls, openapi: OpenApi | None = None) -> AsyncIterator[FakeDiscord]:
        fake = cls(openapi)
        await fake.start()
        try:
            yield fake
        finally:
            await fake.close()

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware])
        for method, template, handler in self.rest.routes():
            app.router.add_route(method, API + template, self._endpoint(template, handler))
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
        discord.http.Route.BASE = f"http://127.0.0.1:{self.port}{API}"
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)

    async def close(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
        if self._saved is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- failures and waiting ---
    def fail(self, problem: str) -> None:
        self.failures.append(problem)
        self.changed()

    def changed(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def watch(self, check: Callable[[], BaseException | None]) -> None:
        """Something that may go wrong outside the fake (the client's connection task): waits
        raise as soon as it reports an error."""
        self.checks.append(check)

    async def until(
        self,
        condition: Callable[[], object | Awaitable[object]],
        timeout: float = 5.0,
        what: str = "",
    ) -> None:
        """Wait until ``condition()`` is true (it may be a coroutine); re-checked on every
        change of the fake, and every 20 ms for conditions on the bot's side."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for check in self.checks:
                problem = check()
                if problem is not None:
                    raise AssertionError(f"the bot failed: {problem!r}") from problem
            if self.failures:
                raise AssertionError(f"the fake Discord saw problems: {self.failures}")
            result = condition()
            if inspect.isawaitable(result):
                result = await result
            if result:
                return
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 0.02))

    # --- building the world ---
    def add_guild(self, name: str = "Entraide") -> Guild:
        guild = Guild(self.ids.next(), name, self.owner.id)
        guild.roles[guild.id] = Role(guild.id, "@everyone", VIEW_AND_SEND, 0)
        guild.members[self.owner.id] = Member(self.owner)
        guild.members[self.bot.id] = Member(self.bot)
        self.guilds[guild.id] = guild
        return guild

    def add_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        role = Role(self.ids.next(), name, permissions, len(guild.roles))
        guild.roles[role.id] = role
        return role

    def add_channel(
        self, guild: Guild, name: str, kind: int = TEXT, parent: Channel | None = None
    ) -> Channel:
        channel = Channel(
            self.ids.next(),
            kind,
            name,
            guild.id,
            parent.id if parent else None,
            len(guild.channels),
        )
        guild.channels[channel.id] = channel
        return channel

    def add_category(self, guild: Guild, name: str) -> Channel:
        return self.add_channel(guild, name, CATEGORY)

    def add_member(
        self,
        guild: Guild,
        username: str,
        *,
        roles: Iterable[Role] = (),
        nick: str | None = None,
        accepts_dms: bool = True,
        locale: str = "fr",
    ) -> User:
        user = User(self.ids.next(), username, username.capitalize(), accepts_dms=accepts_dms)
        user.locale = locale
        self.users[user.id] = user
        guild.members[user.id] = Member(user, [r.id for r in roles], nick)
        return user

    def allow(self, command: str, role_or_guild_id: int) -> None:
        """What a server admin does in Server Settings → Integrations."""
        self.overrides.setdefault(command, set()).add(role_or_guild_id)

    def join_voice(self, guild: Guild, user: User, channel: Channel) -> None:
        member = guild.members[user.id]
        member.voice = VoiceState(channel.id, secrets.token_hex(8))
        self.gateway.dispatch("VOICE_STATE_UPDATE", voice_state_json(guild, member))
        self.changed()

    def remove_member(self, guild: Guild, user: User) -> None:
        """The member leaves the server (or is kicked)."""
        del guild.members[user.id]
        self.gateway.dispatch(
            "GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": user.json()}
        )
        self.changed()

    def leave_voice(self, guild: Guild, user: User) -> None:
        member = guild.members[user.id]
        member.voice = None
        self.gateway.dispatch("VOICE_STATE_UPDATE", voice_state_json(guild, member))
        self.changed()

    def delete_event(self, guild: Guild, event_id: int) -> None:
        """A member with Manage Events deletes a scheduled event in Discord."""
        event = guild.events.pop(event_id)
        self.gateway.dispatch("GUILD_SCHEDULED_EVENT_DELETE", event.json())
        self.changed()

    # --- what the bot did ---
    def messages(self, channel: Channel, *, ephemeral: bool = False) -> list[Message]:
        """The channel's messages in order; ephemeral ones only when asked for."""
        return [
            m
            for m in self.channel_messages.get(channel.id, [])
            if not m.deleted and (ephemeral or not m.ephemeral)
        ]

    def texts(self, channel: Channel) -> list[str]:
        return [m.text for m in self.messages(channel)]

    def dms(self, user: User) -> list[Message]:
        channel = self.dm_channels.get(user.id)
        return self.messages(channel) if channel else []

    def bot_messages(self) -> list[Message]:
        return [m for m in self.messages_by_id.values() if m.author.id == self.bot.id]

    def most_dm_opens(self, within: float = 1.0) -> int:
        """The most direct-message channels the bot asked for within any ``within`` seconds
        (Discord quarantines a bot that opens many in a burst)."""
        opens = sorted(self.dm_opens)
        most, first = 0, 0
        for last, at in enumerate(opens):
            while at - opens[first] >= within:
                first += 1
            most = max(most, last - first + 1)
        return most

    def requests_to(self, method: str, template: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.template == template]

    def command(self, name: str, guild: Guild | None = None) -> dict[str, Any]:
        for scope in ((guild.id if guild else None), None):
            for item in self.commands.get(scope, []):
                if name in (item["name"], *(item.get("name_localizations") or {}).values()):
                    return item
        raise CommandUnavailable(f"no command {name!r} was synced")

    # --- used by the REST routes ---
    def channel_by_id(self, channel_id: int) -> Channel | None:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        return next((c for c in self.dm_channels.values() if c.id == channel_id), None)

    def dm_channel(self, user: User) -> Channel:
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(self.ids.next(), DM, None, recipient=user)
            self.dm_channels[user.id] = channel
        return channel

    def new_message(
        self,
        channel: Channel,
        author: User,
        body: dict[str, Any],
        files: list[dict[str, Any]],
        **extra: Any,
    ) -> Message:
        message = Message(self.ids.next(), channel.id, author, guild_id=channel.guild_id, **extra)
        self._apply(message, body, files)
        self.messages_by_id[message.id] = message
        self.channel_messages.setdefault(channel.id, []).append(message)
        self.changed()
        return message

    def interaction_message(
        self, exchange: Exchange, body: dict[str, Any], files: list[dict[str, Any]] | None = None
    ) -> Message:
        return self.new_message(
            exchange.channel,
            self.bot,
            body,
            files or [],
            webhook_id=self.application_id,
            application_id=self.application_id,
            interaction_id=exchange.id,
            for_user=exchange.user.id if body.get("flags", 0) & EPHEMERAL else None,
            type=20 if exchange.type == APPLICATION_COMMAND else 19,
        )

    def update_message(
        self, message: Message, body: dict[str, Any], files: list[dict[str, Any]]
    ) -> None:
        message.edited = datetime.now(UTC)
        self._apply(message, body, files)
        self.changed()

    def _apply(self, message: Message, body: dict[str, Any], files: list[dict[str, Any]]) -> None:
        if "content" in body:
            message.content = body["content"] or ""
        if "embeds" in body:
            message.embeds = list(body["embeds"] or [])
        if "components" in body:
            ids = iter(range(1, 1000))
            message.components = [_component_row(row, ids) for row in body["components"] or []]
        if "flags" in body:
            message.flags = (message.flags & ~EPHEMERAL) | int(body["flags"] or 0)
        if "allowed_mentions" in body or "content" in body or "embeds" in body:
            message.allowed_mentions.append(body.get("allowed_mentions"))
        if files:
            message.attachments = [
                {
                    "id": str(self.ids.next()),
                    "filename": f["filename"],
                    "size": len(f["data"]),
                    "url": f"https://cdn.example/{f['filename']}",
                    "proxy_url": f"https://cdn.example/{f['filename']}",
                    "content_type": f["content_type"],
                }
                for f in files
            ]
            message.files = files

    def dispatch_message(self, event: str, message: Message) -> None:
        self.gateway.dispatch(
            event, {**message.json(), "mentions": []}, guild=bool(message.guild_id)
        )

    def store_commands(self, guild_id: int | None, items: list[dict[str, Any]]) -> list[Any]:
        stored = []
        for item in items:
            key = (guild_id, item["name"])
            command_id = self.command_ids.setdefault(key, self.ids.next())
            stored.append(
                {
                    "id": str(command_id),
                    "application_id": str(self.application_id),
                    "version": str(self.ids.next()),
                    "type": item.get("type", 1),
                    "name": item["name"],
                    "name_localizations": item.get("name_localizations") or None,
                    "description": item.get("description", ""),
                    "description_localizations": item.get("description_localizations") or None,
                    "default_member_permissions": (
                        None
                        if item.get("default_member_permissions") is None
                        else str(item["default_member_permissions"])
                    ),
                    "dm_permission": item.get("dm_permission", True),
                    "contexts": item.get("contexts"),
                    "integration_types": item.get("integration_types") or [0],
                    "options": item.get("options") or [],
                    "nsfw": bool(item.get("nsfw", False)),
                    **({"guild_id": str(guild_id)} if guild_id else {}),
                }
            )
        self.commands[guild_id] = stored
        self.changed()
        return stored

    def _ready(self, session: Session) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.bot.private_json(),
            "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
            "session_id": session.id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "auth": {},
        }

    def _guild_payloads(self) -> list[dict[str, Any]]:
        return [g.json(self.bot) for g in self.guilds.values()]


def _component_row(row: dict[str, Any], ids: Iterator[int]) -> dict[str, Any]:
    """A row of components as Discord returns it: each with a numeric ``id``."""
    return {
        "type": row.get("type", 1),
        "id": next(ids),
        "components": [_component(item, next(ids)) for item in row.get("components", [])],
    }


def _component(item: dict[str, Any], number: int) -> dict[str, Any]:
    found = {**item, "id": number}
    if isinstance(item.get("emoji"), dict):  # a unicode emoji comes back without an id
        found["emoji"] = {k: v for k, v in item["emoji"].items() if v is not None}
    return found
