"""Planning a session over another one of the same group asks first: two sessions at once is
most often a typo (the wrong day, 7 pm for 7 am).  Typed again within a few minutes (or the
offered choice pressed), the command goes through; nothing is stored before."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.commands.context import Context
from bot.commands.parser import fold
from bot.domain import Session, SessionState
from bot.replies import Choice, Reply, private

LONGEST = timedelta(hours=4)
"""The longest session (240 min): an earlier one cannot reach further."""


async def overlapping(
    ctx: Context, start: datetime, minutes: int, *, besides: int | None = None
) -> Session | None:
    """A planned or open session of the group that ``[start, start + minutes)`` overlaps."""
    end = start + timedelta(minutes=minutes)
    for other in await ctx.uow.sessions.upcoming(ctx.group.id, start - LONGEST, 50):
        if other.id == besides or other.state is SessionState.CANCELLED:
            continue
        other_start = other.opened_at or other.planned_start
        if other_start < end and start < other.planned_end:
            return other
    return None


async def ask_first(
    ctx: Context, start: datetime, minutes: int, *, besides: int | None = None
) -> list[Reply] | None:
    """The question to ask before planning at ``start`` (None: go ahead, nothing overlaps or
    the moderator already answered by typing the command again)."""
    other = await overlapping(ctx, start, minutes, besides=besides)
    if other is None:
        return None
    asked = f"{ctx.user_id}\n{fold(ctx.text)}"
    if ctx.asked_to_confirm.recent(ctx.group.id, asked, ctx.now):
        ctx.after_commit.append(lambda: ctx.asked_to_confirm.forget(asked))
        return None
    ctx.after_commit.append(lambda: ctx.asked_to_confirm.noted(ctx.group.id, asked, ctx.now))
    line = ctx.text
    question = private(
        ctx.user_id, "schedule.overlap", id=other.id, when=other.planned_start, command=line
    )
    return [replace(question, choices=(Choice(line, line),)) if line else question]
