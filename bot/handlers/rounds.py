"""Opening and closing rounds (tours de table): everyone present is called in turn, in the
order they arrived, each free to speak or pass; observers are never called.

An opening round (``session start round``, or ``group set opening-round on``) asks for one
word about how one arrives (« météo »); a closing round (``session end round``, or ``group set
closing-round on``) for one word to leave with, and the session ends when it is over.  Hands
raised during a round wait for its end; a moderator may end it early (``stick round stop``),
and ``session end`` during a closing round ends the session at once.  The round is part of the
stored stick, so a restart changes nothing.
"""

from __future__ import annotations

from bot.commands.context import Context
from bot.domain import Member, Role, Session
from bot.domain import stick as rules
from bot.domain.stick import RoundKind
from bot.errors import StateError
from bot.handlers.common import ref
from bot.handlers.stick_flow import apply_change, load_stick, open_stick, remember
from bot.replies import Reply, room


async def present(ctx: Context, session: Session) -> list[Member]:
    """Who is called (in a round, or queued by ``stick round``): participants (and accompanying
    persons) seen during this session who may speak (charter accepted where required), in the
    order they arrived in the group; observers never."""
    opened = session.opened_at or session.planned_start
    everyone = await ctx.uow.members.list(ctx.group.id)
    remember(ctx, everyone)
    called = [
        m
        for m in everyone
        if m.role is not Role.OBSERVER
        and m.present_since(opened)
        and (m.charter_accepted_at is not None or not ctx.group.charter_required)
    ]
    return sorted(called, key=lambda m: m.joined_at)


async def begin(ctx: Context, session: Session, kind: RoundKind) -> list[Reply] | None:
    """Start a round of everyone present; None when nobody is there to call."""
    stick = await load_stick(ctx, session)
    if stick.round is not None:
        raise StateError("error.round_running")
    people = tuple(m.user_id for m in await present(ctx, session) if m.user_id != stick.holder)
    if not people:
        return None
    change = rules.start_round(stick, kind, people, ctx.now)
    called = tuple(ref(ctx.known[u]) for u in people)
    return [
        room(f"round.{kind.value}_prompt", members=called),
        *await apply_change(ctx, session, change),
    ]


async def stop(ctx: Context) -> list[Reply]:
    session, stick = await open_stick(ctx)
    if stick.round is None:
        raise StateError("error.no_round")
    return await apply_change(ctx, session, rules.stop_round(stick, ctx.now))
