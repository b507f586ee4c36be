"""The shape of a command declaration: name, aliases, typed arguments, help key, permission."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot.commands.arguments import Arg, NoArgs, declared_by, read

if TYPE_CHECKING:
    from bot.commands.context import Context
    from bot.replies import Reply

Handler = Callable[["Context", Any], Awaitable[list["Reply"]]]
"""``async def move(ctx: Context, args: Move) -> list[Reply]``: ``Move`` declares the arguments."""


class Permission(StrEnum):
    EVERYONE = "everyone"
    MODERATOR = "moderator"


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    name: str
    help_key: str
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per language; the first alias of a language is the name shown in that language."""
    permission: Permission = Permission.EVERYONE
    handler: Handler | None = None
    args: tuple[Arg, ...] = field(init=False)
    """Read from the handler's arguments class (see :mod:`bot.commands.arguments`)."""
    arguments: type[object] = field(init=False)
    """The class the handler's ``args`` is an instance of."""
    subcommands: tuple[Command, ...] = ()
    discreet: bool = False
    """Using it says something private (``concern``, ``my-data``…): typed where the room sees it,
    the person is told once, privately, that the room saw it and how to write privately."""
    enrols: bool = True
    """Running it privately makes a newcomer a member of the group (stored, welcomed privately).
    Commands that only read, or act on what a person keeps across groups (journal, my-data,
    forget-me), do not: someone who asked to be forgotten is not written down again by a private
    ``help`` or ``my-data``.  (Any command typed in the room, where everyone saw it, enrols.)"""

    def __post_init__(self) -> None:
        arguments = NoArgs if self.handler is None else declared_by(self.handler)
        object.__setattr__(self, "arguments", arguments)
        object.__setattr__(self, "args", read(arguments))

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
