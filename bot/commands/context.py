"""What a handler gets: the unit of work, the instant, the group, the person and their rights."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.commands.parser import Registry, command_line
from bot.domain import Cooldown, Group, Member, PendingAsks
from bot.ports import RoomLink, UnitOfWork
from bot.replies import Audience, Reply
from bot.resources import Resources

CONFIRM_WITHIN = timedelta(minutes=10)
"""A command that asked "are you sure?" (a session overlapping another) runs when typed again
this soon."""
CONCERN_COOLDOWN = timedelta(minutes=15)
"""One "I'm worried" per person and group in this long: the moderators are told once."""


@dataclass
class Context:
    uow: UnitOfWork
    now: datetime
    group: Group
    member: Member
    language: str
    registry: Registry
    """The commands this bot understands (for help, and to name a command in a reply)."""
    extra: list[Reply] = field(default_factory=list)
    """Replies produced while preparing the command (e.g. a newcomer's welcome)."""
    private: bool = False
    """The command was seen by the bot alone (see :attr:`bot.events.Incoming.private`)."""
    resources: Resources = field(default_factory=Resources)
    """Crisis lines the bot's configuration adds to the shipped ones."""
    known: dict[str, Member] = field(default_factory=dict)
    """Members this command has already read, by user id (see ``stick_flow.members_named``)."""
    pending_asks: PendingAsks = field(default_factory=PendingAsks)
    """Who asked for a break and is still waiting (the process's memory, never stored)."""
    concerns: Cooldown = field(default_factory=lambda: Cooldown(CONCERN_COOLDOWN))
    asked_to_confirm: Cooldown = field(default_factory=lambda: Cooldown(CONFIRM_WITHIN))
    """Commands that asked to be typed again to confirm, by whom (the process's memory)."""
    text: str = ""
    """The command line as typed (after the prefix), to offer it again as a choice."""
    """Who said "I'm worried" lately (the process's memory, never stored)."""
    told_in_room: set[tuple[str, str]] = field(default_factory=set)
    """(platform, person) already told that the room saw a discreet command (memory only)."""
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    """Changes to the process's memory, made only once the command's transaction committed."""
    elsewhere: list[tuple[Group, list[Reply]]] = field(default_factory=list)
    """Replies for the rooms of other groups (e.g. forget-me hands the stick on everywhere)."""
    feed_base: str | None = None
    """Where private calendar links start (``[http] public_url``); None: not served here."""
    room_links: Mapping[str, RoomLink] = field(default_factory=dict)
    """Per platform, the web address of a room (see :attr:`bot.app.Cercle.room_links`)."""

    def __post_init__(self) -> None:
        self.known.setdefault(self.member.user_id, self.member)

    @property
    def locale(self) -> str:
        """How the group writes dates and times (``en_US``: 12-hour clock); see ``Group.locale``."""
        return self.group.locale

    @property
    def user_id(self) -> str:
        return self.member.user_id

    def seen_by_the_room(self) -> list[Reply]:
        """Once per person: the room saw a command whose use is private; say so privately."""
        who = (self.group.platform, self.user_id)
        if self.private or who in self.told_in_room:
            return []
        self.after_commit.append(lambda: self.told_in_room.add(who))
        return [Reply("privacy.seen_by_room", audience=Audience.PRIVATE, user_id=self.user_id)]

    def command_line(self, *names: str) -> str:
        """How a command is typed here, e.g. ``("session", "break")`` → ``séance pause``."""
        return command_line(self.registry, self.language, *names)
