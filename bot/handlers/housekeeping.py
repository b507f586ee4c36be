"""Someone in line leaves the room, or comes back: the platform says so, the core decides.

A member who holds or waits for the stick and leaves the room (a Matrix leave, a Discord member
removed, leaving the voice channel in voice mode) keeps their place for the group's grace period
(``group set leave-grace``, 2 minutes by default): a dropped connection or a wrong click costs
nothing.  Back within it, everything is as before and they are told so privately; after it, a
job (:func:`bot.handlers.jobs.left_room`) takes them out of the line and the stick passes on if
they held it.  Nobody is told when someone leaves: the room hears only if they do not return.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.domain import Group, Job, JobKind
from bot.domain import stick as rules
from bot.ports import UnitOfWork
from bot.replies import Reply, private


def left_room_key(session_id: int, user_id: str, since: datetime) -> str:
    return f"left-room:{session_id}:{user_id}:{since.isoformat()}"


async def stepped_out(uow: UnitOfWork, now: datetime, group: Group, user_id: str) -> bool:
    """Note that ``user_id`` left the room, if they are in line; True when something changed."""
    session = await uow.sessions.active(group.id)
    stick = await uow.sticks.get(session.id) if session is not None else None
    if session is None or stick is None:
        return False
    away = rules.stepped_out(stick, user_id, now)
    if away is stick:
        return False
    await uow.sticks.save(away)
    since = away.away[user_id]
    await uow.jobs.schedule(
        Job.new(
            JobKind.LEFT_ROOM,
            left_room_key(session.id, user_id, since),
            group.id,
            since + timedelta(minutes=group.leave_grace_minutes),
            session_id=session.id,
            payload={"user": user_id, "since": since.isoformat()},
        )
    )
    return True


async def came_back(uow: UnitOfWork, group: Group, user_id: str) -> list[Reply]:
    """``user_id`` is in the room again: if they were away from the line, nothing is lost."""
    session = await uow.sessions.active(group.id)
    stick = await uow.sticks.get(session.id) if session is not None else None
    if session is None or stick is None or user_id not in stick.away:
        return []
    since = stick.away[user_id]
    await uow.sticks.save(rules.came_back(stick, user_id))
    await uow.jobs.cancel(left_room_key(session.id, user_id, since))
    key = "stick.back_holding" if stick.holder == user_id else "stick.back_in_line"
    return [private(user_id, key)]
