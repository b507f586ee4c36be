"""What happens when a job of the outbox falls due.  Each checks it still applies: a nudge for a
turn that already ended, or a break a moderator already ended, does nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.domain import Group, Job, JobKind
from bot.domain.session import SessionState
from bot.handlers.common import command_line, notify_moderators
from bot.handlers.session import break_end_key
from bot.i18n import translate
from bot.ports import UnitOfWork
from bot.replies import Choice, Duration, Reply, UserText, private, room

JobHandler = Callable[[UnitOfWork, datetime, Group, Job], Awaitable[list[Reply]]]


async def turn_nudge(uow: UnitOfWork, now: datetime, group: Group, job: Job) -> list[Reply]:
    if job.session_id is None:
        return []
    stick = await uow.sticks.get(job.session_id)
    if (
        stick is None
        or stick.holder is None
        or stick.holder != job.payload.get("holder")
        or stick.holder_since is None
        or stick.holder_since.isoformat() != job.payload.get("since")
        or stick.turn_minutes is None
    ):
        return []
    return [private(stick.holder, "stick.nudge", minutes=Duration(stick.turn_minutes))]


async def break_end(uow: UnitOfWork, now: datetime, group: Group, job: Job) -> list[Reply]:
    session = await uow.sessions.get(job.session_id) if job.session_id else None
    if session is None or session.state is not SessionState.ON_BREAK:
        return []
    if break_end_key(session) != job.key:
        return []
    await uow.sessions.update(session.resume())
    charter = group.charter or translate("charter.default", group.language)
    return [room("session.break_over"), room("charter.after_break", charter=UserText(charter))]


async def half_time(uow: UnitOfWork, now: datetime, group: Group, job: Job) -> list[Reply]:
    session = await uow.sessions.get(job.session_id) if job.session_id else None
    if session is None or session.state is not SessionState.OPEN:
        return []
    line = command_line(group.language, "session", "break")
    return await notify_moderators(
        uow,
        group.id,
        "session.half_time",
        (Choice(line, line),),
        minutes=Duration(group.break_minutes),
        command=line,
    )


JOB_HANDLERS: dict[JobKind, JobHandler] = {
    JobKind.TURN_NUDGE: turn_nudge,
    JobKind.BREAK_END: break_end,
    JobKind.HALF_TIME: half_time,
}
