"""Asking for a break, openly or anonymously.  Anyone may ask, observers included."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from bot.commands.context import Context
from bot.domain import PauseRequest
from bot.domain.session import SessionState
from bot.errors import StateError
from bot.handlers.common import ANONYMOUS, active_session, notify_moderators, ref
from bot.replies import Choice, Key, Param, Reply, private, room


@dataclass(frozen=True, slots=True)
class Ask:
    mode: Annotated[Literal["anon"] | None, ANONYMOUS]


async def request(ctx: Context, args: Ask) -> list[Reply]:
    session = await active_session(ctx)
    if session.state is SessionState.ON_BREAK:
        raise StateError("error.already_on_break")
    anonymous = args.mode == "anon"
    if ctx.pending_asks.has_asked(session.id, ctx.user_id):
        # Already asked and waiting: tell them it was heard, tell nobody again.
        return [private(ctx.user_id, "pause.already_asked")]
    ctx.after_commit.append(lambda: ctx.pending_asks.asked(session.id, ctx.user_id))
    await ctx.uow.pauses.add(
        PauseRequest(
            id=0,
            session_id=session.id,
            requested_by=None if anonymous else ctx.user_id,
            requested_at=ctx.now,
        )
    )
    line = ctx.command_line("session", "break")
    who: Param = Key("pause.someone") if anonymous else ref(ctx.member)
    told = await notify_moderators(
        ctx.uow, ctx.group.id, "pause.moderators", (Choice(line, line),), member=who, command=line
    )
    public = (
        room("pause.requested_anonymous")
        if anonymous
        else room("pause.requested", member=ref(ctx.member))
    )
    seen = ctx.seen_by_the_room() if anonymous else []
    return [public, *told, private(ctx.user_id, "pause.thanks"), *seen]
