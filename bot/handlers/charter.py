"""The confidentiality charter: show it (``rules``) and accept it (``agree``)."""

from __future__ import annotations

from dataclasses import replace

from bot.commands.arguments import NoArgs
from bot.commands.context import Context
from bot.handlers.common import agree_choice, charter_text, ref
from bot.replies import Reply, UserText, private, room


async def rules(ctx: Context, args: NoArgs) -> list[Reply]:
    reply = room("charter.show", charter=UserText(charter_text(ctx.group), multiline=True))
    if ctx.member.charter_accepted_at is None:
        reply = replace(reply, choices=agree_choice(ctx.registry, ctx.language))
    return [reply]


async def agree(ctx: Context, args: NoArgs) -> list[Reply]:
    if ctx.member.charter_accepted_at is not None:
        return [
            private(ctx.user_id, "charter.already_accepted", when=ctx.member.charter_accepted_at)
        ]
    ctx.member = replace(ctx.member, charter_accepted_at=ctx.now)
    await ctx.uow.members.update(ctx.member)
    return [room("charter.accepted", member=ref(ctx.member))]
