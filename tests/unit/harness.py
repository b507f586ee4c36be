"""A small driver for the core: a group on the in-memory store, a fake clock, typed commands."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.app import Cercle
from bot.clock import ManualClock
from bot.domain import GroupDefaults
from bot.events import Incoming
from bot.i18n import render
from bot.ports import UnitOfWorkFactory
from bot.replies import Audience, Outgoing, Tone
from bot.resources import Resources
from tests.fakes import InMemoryStore

START = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


@dataclass
class Said:
    outgoing: list[Outgoing]

    @property
    def room(self) -> list[str]:
        return [
            render(o)
            for o in self.outgoing
            if o.reply.audience is Audience.ROOM and o.reply.tone is not Tone.PANEL
        ]

    def private(self, user: str) -> list[str]:
        return [
            render(o)
            for o in self.outgoing
            if o.reply.audience is Audience.PRIVATE and o.reply.user_id == user
        ]

    @property
    def keys(self) -> list[str]:
        return [o.reply.key for o in self.outgoing]

    @property
    def errors(self) -> list[str]:
        return [o.reply.key for o in self.outgoing if o.reply.tone is Tone.ERROR]


@dataclass
class Harness:
    store: UnitOfWorkFactory = field(default_factory=InMemoryStore)
    clock: ManualClock = field(default_factory=lambda: ManualClock(START))
    language: str = "en"
    moderators: set[str] = field(default_factory=lambda: {"mod"})
    room: str = "room-1"
    resources: Resources | dict[str, tuple[str, ...]] | None = None
    timezone: str = "Europe/Paris"
    app: Cercle = field(init=False)
    _ids: itertools.count[int] = field(default_factory=itertools.count)
    _run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    """Event ids are unique per platform: two harnesses may share a store."""

    def __post_init__(self) -> None:
        self.app = Cercle(
            self.store,
            self.clock,
            GroupDefaults(language=self.language, timezone=self.timezone),
            resources=self.resources,
        )

    async def say(
        self, user: str, text: str, *, private: bool = False, room: str | None = None
    ) -> Said:
        """``private``: typed to the bot alone; ``room``: another group's room."""
        incoming = Incoming(
            "test",
            room or self.room,
            user,
            user.capitalize(),
            text,
            f"e{self._run}-{next(self._ids)}",
            is_moderator=user in self.moderators,
            private=private,
        )
        return Said(await self.app.handle(incoming))

    async def ok(
        self, user: str, text: str, *, private: bool = False, room: str | None = None
    ) -> Said:
        said = await self.say(user, text, private=private, room=room)
        assert not said.errors, (text, said.errors, [render(o) for o in said.outgoing])
        return said

    async def advance(self, delta: timedelta) -> Said:
        """Move the clock, running whatever falls due on the way, in order."""
        target = self.clock.now() + delta
        out: list[Outgoing] = []
        while (due := await self.app.next_due()) is not None and due <= target:
            self.clock.set(max(due, self.clock.now()))
            await self.app.run_due(self._collect(out))
        self.clock.set(target)
        return Said(out)

    @staticmethod
    def _collect(into: list[Outgoing]) -> Callable[[Sequence[Outgoing]], Awaitable[None]]:
        async def deliver(items: Sequence[Outgoing]) -> None:
            into.extend(items)

        return deliver

    async def open_with(self, *members: str) -> None:
        """A session open, each member having accepted the charter."""
        await self.ok("mod", "agree")
        for member in members:
            await self.ok(member, "agree")
        await self.ok("mod", "session start")
        self.clock.advance(timedelta(minutes=1))
