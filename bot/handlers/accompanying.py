"""Attending as an accompanying person (a relative, a carer), as the group's policy allows:
welcome → at once; not admitted → refused, kindly; ask → the moderators decide, privately."""

from __future__ import annotations

from dataclasses import replace

from bot.commands.arguments import NoArgs
from bot.commands.context import Context
from bot.domain import AccompanyingPolicy, Member, Role
from bot.errors import PermissionDenied, StateError
from bot.handlers.common import OneMember, find_member, notify_moderators, ref
from bot.i18n import translate
from bot.replies import Choice, Reply, private, room


async def on(ctx: Context, args: NoArgs) -> list[Reply]:
    if ctx.member.role is Role.ACCOMPANYING:
        raise StateError("error.accompanying_already")
    policy = ctx.group.accompanying
    if policy is AccompanyingPolicy.NOT_ADMITTED:
        raise PermissionDenied("error.accompanying_not_admitted")
    if policy is AccompanyingPolicy.WELCOME:
        return await _become(ctx, ctx.member)
    if ctx.member.accompanying_requested_at is not None:
        raise StateError("error.accompanying_pending")
    ctx.member = replace(ctx.member, accompanying_requested_at=ctx.now)
    await ctx.uow.members.update(ctx.member)
    admit = f"{ctx.command_line('accompanying', 'admit')} {ctx.user_id}"
    decline = f"{ctx.command_line('accompanying', 'decline')} {ctx.user_id}"
    choices = (
        Choice(translate("choice.admit", ctx.language), admit),
        Choice(translate("choice.decline", ctx.language), decline),
    )
    told = await notify_moderators(
        ctx.uow,
        ctx.group.id,
        "accompanying.ask_moderators",
        choices,
        member=ref(ctx.member),
        admit=admit,
        decline=decline,
    )
    return [private(ctx.user_id, "accompanying.asked"), *told]


async def off(ctx: Context, args: NoArgs) -> list[Reply]:
    if ctx.member.role is not Role.ACCOMPANYING and ctx.member.accompanying_requested_at is None:
        raise StateError("error.accompanying_not")
    # A request withdrawn changes nothing else (an observer who asked stays an observer); an
    # accompanying person goes back to the role they had before (observer or participant).
    role = ctx.member.role
    if role is Role.ACCOMPANYING:
        role = ctx.member.role_before_accompanying or Role.PARTICIPANT
    ctx.member = replace(
        ctx.member, role=role, accompanying_requested_at=None, role_before_accompanying=None
    )
    await ctx.uow.members.update(ctx.member)
    return [private(ctx.user_id, "accompanying.off")]


async def admit(ctx: Context, args: OneMember) -> list[Reply]:
    member = await _requester(ctx, args)
    return await _become(ctx, member)


async def decline(ctx: Context, args: OneMember) -> list[Reply]:
    member = await _requester(ctx, args)
    await ctx.uow.members.update(replace(member, accompanying_requested_at=None))
    return [
        private(member.user_id, "accompanying.declined"),
        private(ctx.user_id, "accompanying.declined_done", member=ref(member)),
    ]


async def _requester(ctx: Context, args: OneMember) -> Member:
    member = await find_member(ctx, args.member)
    if member.accompanying_requested_at is None:
        raise StateError("error.accompanying_no_request", {"member": ref(member)})
    return member


async def _become(ctx: Context, member: Member) -> list[Reply]:
    updated = replace(
        member,
        role=Role.ACCOMPANYING,
        accompanying_requested_at=None,
        role_before_accompanying=member.role,
    )
    await ctx.uow.members.update(updated)
    if member.user_id == ctx.user_id:
        ctx.member = updated
    replies = [room("accompanying.joined", member=ref(updated))]
    if member.user_id != ctx.user_id:
        replies.append(private(member.user_id, "accompanying.admitted"))
    return replies
