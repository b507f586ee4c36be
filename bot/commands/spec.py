"""The shape of a command declaration: name, aliases, typed arguments, help key, permission."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.commands.args import Args
    from bot.commands.context import Context
    from bot.replies import Reply

Handler = Callable[["Context", "Args"], Awaitable[list["Reply"]]]


class Permission(StrEnum):
    EVERYONE = "everyone"
    MODERATOR = "moderator"


class ArgType(StrEnum):
    WORD = "word"
    """One word."""
    TEXT = "text"
    """The rest of the line, spaces included."""
    INT = "int"
    MINUTES = "minutes"
    """A length: ``90``, ``90m``, ``1h30``, ``2h``."""
    MEMBER = "member"
    """A member's name or id; may contain spaces when nothing follows but numbers."""
    CHOICE = "choice"


@dataclass(frozen=True, slots=True)
class Arg:
    name: str
    """Canonical (English) name; shown translated through the message key ``arg.<name>``."""
    type: ArgType
    required: bool = True
    choices: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Other words accepted for a choice (e.g. French), mapped to the canonical choice."""
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 2000
    unknown: str | None = None
    """For a number that names something (a theme, a session): the message key of "no such
    thing", given instead of a range error when the number is out of range — such a thing cannot
    exist, and the person only needs to know that."""
    listing: tuple[str, ...] = ()
    """The command that lists those things, shown in the ``unknown`` message (``theme list``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    name: str
    help_key: str
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per language; the first alias of a language is the name shown in that language."""
    permission: Permission = Permission.EVERYONE
    args: tuple[Arg, ...] = ()
    handler: Handler | None = None
    subcommands: tuple[Command, ...] = ()
    discreet: bool = False
    """Using it says something private (``concern``, ``my-data``…): typed where the room sees it,
    the person is told once, privately, that the room saw it and how to write privately."""
    enrols: bool = True
    """Running it privately makes a newcomer a member of the group (stored, welcomed privately).
    Commands that only read, or act on what a person keeps across groups (journal, my-data,
    forget-me), do not: someone who asked to be forgotten is not written down again by a private
    ``help`` or ``my-data``.  (Any command typed in the room, where everyone saw it, enrols.)"""

    def display_name(self, language: str) -> str:
        names = self.aliases.get(language, ())
        return names[0] if names else self.name

    def every_name(self) -> tuple[str, ...]:
        return (self.name, *(a for names in self.aliases.values() for a in names))


def effective_permission(path: Sequence[Command]) -> Permission:
    """Who may run what ``path`` names (the one rule for the core and every adapter):
    moderators only if any command on the path says so; a group named alone (its last command
    has subcommands) is moderator-only when every subcommand is."""
    if any(c.permission is Permission.MODERATOR for c in path):
        return Permission.MODERATOR
    last = path[-1]
    if last.subcommands and all(
        effective_permission((*path, sub)) is Permission.MODERATOR for sub in last.subcommands
    ):
        return Permission.MODERATOR
    return Permission.EVERYONE
