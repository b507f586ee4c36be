"""Lookups and notices shared by several handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from bot.commands.args import ID_MAX
from bot.commands.arguments import MemberName, Number, OneOf
from bot.commands.context import Context
from bot.commands.parser import Registry, command_line, fold
from bot.domain import Group, Member, Session
from bot.errors import NotFound, StateError
from bot.i18n import translate
from bot.ports import UnitOfWork
from bot.replies import Audience, Choice, Param, Reply, UserRef, UserText, room


@dataclass(frozen=True, slots=True)
class OnOff:
    """``observer on``, ``rappels non``…"""

    state: Annotated[
        Literal["on", "off"], OneOf(aliases={"oui": "on", "non": "off", "yes": "on", "no": "off"})
    ]


@dataclass(frozen=True, slots=True)
class OneMember:
    """``stick give Ann``, ``accompagnant admettre Lou``…"""

    member: Annotated[str, MemberName()]


ANONYMOUS = OneOf(aliases={"anonyme": "anon", "anonymous": "anon"})
"""``pause anon``, ``inquiet anonyme``: the moderators are not told who asked."""

SESSION_ID = Number(minimum=1, maximum=ID_MAX, unknown="error.session_not_found")
"""A session's number: one out of range is "no such session"."""


def ref(member: Member) -> UserRef:
    return UserRef(member.user_id, member.display_name)


async def active_session(ctx: Context) -> Session:
    session = await ctx.uow.sessions.active(ctx.group.id)
    if session is None:
        raise StateError("error.no_open_session")
    return session


async def find_member(ctx: Context, name: str) -> Member:
    """A member of this group by exact id, then by name (case- and accent-insensitive), then by
    a unique beginning of their name.  The member found becomes known to ``ctx``."""
    member = await _find_member(ctx, name)
    ctx.known[member.user_id] = member
    return member


async def _find_member(ctx: Context, name: str) -> Member:
    member = await ctx.uow.members.get(ctx.group.id, name)
    if member is not None:
        return member
    wanted = fold(name.strip().lstrip("@"))
    everyone = await ctx.uow.members.list(ctx.group.id)
    exact = [m for m in everyone if fold(m.display_name) == wanted or fold(m.user_id) == wanted]
    if len(exact) == 1:
        return exact[0]
    starts = [m for m in everyone if fold(m.display_name).startswith(wanted)]
    if len(starts) == 1 and wanted:
        return starts[0]
    if len(exact) > 1 or len(starts) > 1:
        matches = tuple(ref(m) for m in (exact or starts))
        raise NotFound("error.member_ambiguous", {"name": UserText(name), "matches": matches})
    raise NotFound("error.member_not_found", {"name": UserText(name)})


async def notify_moderators(
    uow: UnitOfWork, group_id: int, key: str, choices: tuple[Choice, ...] = (), **params: Param
) -> list[Reply]:
    """A private notice to every moderator the group knows; each is checked with the platform
    again as it leaves (someone demoted since they last typed is not told)."""
    return [
        Reply(key, params, Audience.PRIVATE, m.user_id, choices=choices, for_moderators=True)
        for m in await uow.members.list(group_id)
        if m.is_moderator
    ]


def charter_text(group: Group) -> str:
    """The group's own charter, or the default one of its language."""
    return group.charter or translate("charter.default", group.language)


def charter_reply(ctx: Context, key: str = "charter.reminder") -> Reply:
    """The confidentiality reminder, posted in the room."""
    return room(key, charter=UserText(charter_text(ctx.group), multiline=True))


def agree_choice(registry: Registry, language: str) -> tuple[Choice, ...]:
    line = command_line(registry, language, "agree")
    return (Choice(translate("choice.agree", language), line),)
