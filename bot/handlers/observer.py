"""``observer on|off``: listen without being put in the turn order (newcomers often start so)."""

from __future__ import annotations

from dataclasses import replace

from bot.commands.context import Context
from bot.domain import stick as rules
from bot.domain.member import Role
from bot.errors import StateError
from bot.handlers.common import OnOff, ref
from bot.handlers.stick_flow import apply_change, load_stick
from bot.replies import Reply, room


async def observer(ctx: Context, args: OnOff) -> list[Reply]:
    turning_on = args.state == "on"
    wanted = Role.OBSERVER if turning_on else Role.PARTICIPANT
    if ctx.member.role is wanted:
        raise StateError(
            "error.observer_already_on" if turning_on else "error.observer_already_off"
        )
    ctx.member = replace(ctx.member, role=wanted, role_before_accompanying=None)
    await ctx.uow.members.update(ctx.member)
    replies = [room("observer.on" if turning_on else "observer.off", member=ref(ctx.member))]
    session = await ctx.uow.sessions.active(ctx.group.id)
    if turning_on and session is not None:
        stick = await load_stick(ctx, session)
        if stick.involves(ctx.user_id):
            replies += await apply_change(ctx, session, rules.leave(stick, ctx.user_id, ctx.now))
    return replies
