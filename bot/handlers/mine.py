"""``my timezone <zone>`` (fr ``mon fuseau``): a member's own time zone, so that the times in
their private messages (reminders) are theirs, with the group's time named beside them.  Only
for that member, in that group; ``off`` goes back to the group's zone."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated

from bot.commands.arguments import Word
from bot.commands.context import Context
from bot.commands.parser import fold
from bot.errors import UsageError
from bot.replies import InZone, Reply, UserText, ZoneCity, private
from bot.timezones import close_zones, is_zone

BACK_TO_THE_GROUP = frozenset({"off", "non", "no", "groupe", "group", "aucun", "none", "reset"})


@dataclass(frozen=True, slots=True)
class Zone:
    zone: Annotated[str, Word(max_length=64)]
    """An IANA name (``Europe/Paris``, ``America/Montreal``) or ``off``."""


async def timezone(ctx: Context, args: Zone) -> list[Reply]:
    wanted = args.zone.strip()
    if fold(wanted) in BACK_TO_THE_GROUP:
        ctx.member = replace(ctx.member, timezone=None)
        await ctx.uow.members.update(ctx.member)
        return [private(ctx.user_id, "my.timezone_reset", zone=ZoneCity(ctx.group.timezone))]
    if not is_zone(wanted):
        close = close_zones(wanted)
        key = "error.my_timezone_close" if close else "error.my_timezone_unknown"
        raise UsageError(key, {"value": UserText(wanted[:50]), "suggestions": close})
    ctx.member = replace(ctx.member, timezone=None if wanted == ctx.group.timezone else wanted)
    await ctx.uow.members.update(ctx.member)
    return [
        private(
            ctx.user_id,
            "my.timezone_set",
            zone=wanted,
            city=ZoneCity(wanted),
            now=InZone(ctx.now, wanted, time_only=True),
        )
    ]
