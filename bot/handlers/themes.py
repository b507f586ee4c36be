"""Themes for coming meetings: members propose and vote, a moderator picks one for a session.

The room sees a new theme without its author's name: a theme can say a lot about the person who
proposed it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Annotated

from bot.commands.args import ID_MAX
from bot.commands.arguments import NoArgs, Number, Text
from bot.commands.context import Context
from bot.domain import RankedTheme, Session, SessionState, Theme, ThemeVote
from bot.domain.care import THEME_MAX_LENGTH
from bot.errors import NotFound, StateError, UsageError
from bot.handlers.common import SESSION_ID
from bot.i18n import format_when, how_many_fit, translate
from bot.replies import Key, Lines, Reply, UserText, private, room

MIN_LENGTH = 3
MAX_LISTED = 25
THEME_ID = Number(
    minimum=1, maximum=ID_MAX, unknown="error.theme_not_found", listing=("theme", "list")
)
"""A theme's number: one out of range is "no such theme"."""


@dataclass(frozen=True, slots=True)
class Propose:
    text: Annotated[str, Text(max_length=THEME_MAX_LENGTH)]


@dataclass(frozen=True, slots=True)
class OneTheme:
    id: Annotated[int, THEME_ID]


@dataclass(frozen=True, slots=True)
class Pick:
    id: Annotated[int, THEME_ID]
    session: Annotated[int | None, SESSION_ID]


async def propose(ctx: Context, args: Propose) -> list[Reply]:
    text = " ".join(args.text.split())
    if len(text) < MIN_LENGTH:
        raise UsageError("error.theme_too_short", {"min": MIN_LENGTH})
    theme = await ctx.uow.themes.add(Theme(0, ctx.group.id, ctx.user_id, text, ctx.now))
    vote = ctx.command_line("theme", "vote")
    return [
        room("theme.proposed", id=theme.id, theme=UserText(text), command=f"{vote} {theme.id}"),
        private(ctx.user_id, "theme.thanks", id=theme.id),
    ]


async def list_(ctx: Context, args: NoArgs) -> list[Reply]:
    ranked = await ctx.uow.themes.ranked(ctx.group.id, ctx.user_id)
    if not ranked:
        line = ctx.command_line("theme", "propose")
        return [private(ctx.user_id, "theme.none", command=line)]
    picked = await _picked_sessions(ctx, ranked)
    # A theme whose session took place has done its work; the rest, most wanted first.
    current = [
        item
        for item in ranked
        if picked.get(item.theme.session_id or 0) is None
        or picked[item.theme.session_id or 0].state is not SessionState.CLOSED
    ]
    if not current:
        line = ctx.command_line("theme", "propose")
        return [private(ctx.user_id, "theme.none", command=line)]
    lines = [_line(ctx, item, picked) for item in current[:MAX_LISTED]]
    shown = lines[: how_many_fit(lines, ctx.language, ctx.group.timezone)]
    key = "theme.list" if len(shown) == len(current) else "theme.list_partial"
    return [private(ctx.user_id, key, lines=Lines(tuple(shown)))]


async def _picked_sessions(ctx: Context, ranked: Sequence[RankedTheme]) -> dict[int, Session]:
    found: dict[int, Session] = {}
    for item in ranked:
        session_id = item.theme.session_id
        if session_id is not None and session_id not in found:
            session = await ctx.uow.sessions.get(session_id)
            if session is not None:
                found[session_id] = session
    return found


def _line(ctx: Context, item: RankedTheme, picked: dict[int, Session]) -> Key:
    language = ctx.language
    parts = [translate("theme.votes", language, n=item.votes)]
    if item.voted:
        parts.append(translate("theme.your_vote", language))
    session = picked.get(item.theme.session_id or 0)
    if session is not None and session.state is not SessionState.CANCELLED:
        when = format_when(session.planned_start, ctx.locale, ctx.group.timezone)
        parts.append(translate("theme.picked_for", language, when=when))
    details = " · ".join(parts)
    return Key(
        "theme.line", {"id": item.theme.id, "theme": UserText(item.theme.text), "details": details}
    )


async def _theme(ctx: Context, theme_id: int) -> Theme:
    theme = await ctx.uow.themes.get(ctx.group.id, theme_id)
    if theme is None:
        line = ctx.command_line("theme", "list")
        raise NotFound("error.theme_not_found", {"id": theme_id, "command": line})
    return theme


async def vote(ctx: Context, args: OneTheme) -> list[Reply]:
    theme = await _theme(ctx, args.id)
    if not await ctx.uow.themes.vote(ThemeVote(theme.id, ctx.user_id, ctx.now)):
        line = ctx.command_line("theme", "unvote")
        raise StateError(
            "error.theme_already_voted", {"id": theme.id, "command": f"{line} {theme.id}"}
        )
    return [private(ctx.user_id, "theme.voted", id=theme.id, theme=UserText(theme.text))]


async def unvote(ctx: Context, args: OneTheme) -> list[Reply]:
    theme = await _theme(ctx, args.id)
    if not await ctx.uow.themes.unvote(theme.id, ctx.user_id):
        raise StateError("error.theme_not_voted", {"id": theme.id})
    return [private(ctx.user_id, "theme.unvoted", id=theme.id)]


async def pick(ctx: Context, args: Pick) -> list[Reply]:
    theme = await _theme(ctx, args.id)
    session = await _target_session(ctx, args.session)
    for other in await ctx.uow.themes.ranked(ctx.group.id, ctx.user_id):
        if other.theme.session_id == session.id and other.theme.id != theme.id:
            await ctx.uow.themes.update(replace(other.theme, session_id=None))
    await ctx.uow.themes.update(replace(theme, session_id=session.id))
    await ctx.uow.sessions.update(replace(session, theme=theme.text))
    if session.is_active:
        return [room("theme.picked_now", theme=UserText(theme.text))]
    return [room("theme.picked", theme=UserText(theme.text), when=session.planned_start)]


async def _target_session(ctx: Context, session_id: int | None) -> Session:
    if session_id is None:
        coming = await ctx.uow.sessions.upcoming(ctx.group.id, ctx.now, 1)
        if not coming:
            line = ctx.command_line("session", "schedule")
            raise StateError("error.theme_no_session", {"command": line})
        return coming[0]
    session = await ctx.uow.sessions.get(session_id)
    if session is None or session.group_id != ctx.group.id:
        raise NotFound("error.session_not_found", {"id": session_id})
    if session.state in (SessionState.CLOSED, SessionState.CANCELLED):
        raise StateError("error.theme_session_over", {"id": session_id})
    return session
