"""``concern [anon] [member]`` — "I'm worried", about oneself or about someone.

Never posted in the room: the moderators are told privately at once (named or anonymous, as the
member chooses), with the group's crisis lines, and the member gets a kind answer with the same
lines.  Once per person and group every quarter of an hour (the moderators are not flooded); the
limit lives in the process's memory only, like that of break requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from bot.commands.arguments import MemberName
from bot.commands.context import Context
from bot.handlers.common import ANONYMOUS, find_member, notify_moderators, ref
from bot.handlers.directory import crisis_lines
from bot.replies import Key, Param, Reply, private


@dataclass(frozen=True, slots=True)
class Concern:
    mode: Annotated[Literal["anon"] | None, ANONYMOUS]
    member: Annotated[str | None, MemberName()]
    """Who they worry about; themselves when left out."""


async def concern(ctx: Context, args: Concern) -> list[Reply]:
    if ctx.concerns.recent(ctx.group.id, ctx.user_id, ctx.now):
        return [private(ctx.user_id, "concern.already", resources=crisis_lines(ctx))]
    anonymous = args.mode == "anon"
    named = args.member
    about = await find_member(ctx, named) if named else None
    who: Param = Key("concern.someone") if anonymous else ref(ctx.member)
    if about is None or about.user_id == ctx.user_id:
        told = await notify_moderators(
            ctx.uow, ctx.group.id, "concern.moderators_self", who=who, resources=crisis_lines(ctx)
        )
    else:
        told = await notify_moderators(
            ctx.uow,
            ctx.group.id,
            "concern.moderators_about",
            who=who,
            about=ref(about),
            resources=crisis_lines(ctx),
        )
    told = [reply for reply in told if reply.user_id != ctx.user_id]
    group_id, user_id, now = ctx.group.id, ctx.user_id, ctx.now
    ctx.after_commit.append(lambda: ctx.concerns.noted(group_id, user_id, now))
    key = "concern.thanks" if told else "concern.no_moderators"
    return [*told, private(ctx.user_id, key, resources=crisis_lines(ctx))]
