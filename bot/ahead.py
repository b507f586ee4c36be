"""Private reminders started ahead of their time, so that the last one arrives by it.

A homeserver that lets the bot send one message every five seconds needs a minute for twelve
private reminders: sent when the reminder falls due, the last would come a minute late.  Each
platform that paces its messages says how long ``n`` of them take (``Cercle.send_ahead``); a
reminder job with ``n`` private reminders (the members of its group who asked) is then run that
much earlier — still one job, leased and marked done once, so never sent twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from bot.domain import Job, JobKind
from bot.ports import UnitOfWork

HORIZON = timedelta(minutes=30)
"""No reminder starts earlier than this before its time."""
LOOKED_AT = 200
"""Coming reminders looked at each time (the soonest)."""

SendAhead = Callable[[int], timedelta]
"""How long before its time ``n`` private messages must start to all arrive by it."""


async def starts(
    uow: UnitOfWork, now: datetime, send_ahead: Mapping[str, SendAhead]
) -> Sequence[tuple[datetime, Job]]:
    """The coming reminders of platforms that pace their messages, each with when it must
    start (at most ``HORIZON`` before its time), earliest start first."""
    if not send_ahead:
        return []
    coming = await uow.jobs.coming(JobKind.REMINDER, now, now + HORIZON, LOOKED_AT)
    if not coming:
        return []
    group_ids = {job.group_id for job in coming}
    groups = await uow.groups.get_many(group_ids)
    members = await uow.members.of_groups(group_ids)
    found: list[tuple[datetime, Job]] = []
    for job in coming:
        group = groups.get(job.group_id)
        ahead = send_ahead.get(group.platform) if group is not None else None
        if ahead is None:
            continue
        asked = sum(1 for m in members.get(job.group_id, ()) if m.dm_reminders)
        lead = min(ahead(asked + 1), HORIZON)  # and the room's own reminder
        found.append((job.due_at - lead, job))
    return sorted(found, key=lambda pair: (pair[0], pair[1].id))
