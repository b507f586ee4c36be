"""What happens when a job of the outbox falls due.

Each handler checks the job still applies (a nudge for a turn that already ended, a break a
moderator already ended… do nothing) and is safe to run twice: the dispatcher stores a job's
change, then sends its messages, then marks it done, so a crash in between makes it run again.
A handler that changes something records it (``applied``); run again, it only says it again,
and the platform's idempotency keys make the second send invisible.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot import planning
from bot.commands.context import Context
from bot.commands.parser import Registry, command_line
from bot.domain import Group, Job, JobKind, JobState, Member, Session
from bot.domain import stick as rules
from bot.domain.attendance import declined
from bot.domain.session import SessionState
from bot.handlers.attendance import answer_choices
from bot.handlers.common import charter_text, notify_moderators, ref
from bot.handlers.session import break_end_key, open_session, opened_replies
from bot.handlers.stick_flow import apply_change
from bot.ports import UnitOfWork
from bot.replies import (
    Choice,
    Duration,
    InZone,
    Key,
    Param,
    Place,
    Reply,
    UserText,
    ZoneCity,
    private,
    room,
)

log = logging.getLogger("cercle.jobs")

SUPERSEDE_CHECK_AFTER = timedelta(minutes=1)
"""Shorter than any gap between two lead times (the smallest lead is a minute)."""


@dataclass(frozen=True, slots=True)
class JobResult:
    replies: list[Reply] = field(default_factory=list)
    state: JobState = JobState.DONE
    applied: bool = False
    """The handler stored a change: run again, it must not apply it twice."""


JobHandler = Callable[[UnitOfWork, datetime, Group, Job, Registry], Awaitable[JobResult]]
"""Runs one due job; the registry names commands in what it says (e.g. how to start a break)."""
BatchHandler = Callable[
    [UnitOfWork, datetime, Sequence[tuple[Group, Job]]], Awaitable[list[JobResult]]
]
"""Runs many jobs of one kind at once (one query per table, not per job); one result each."""


async def turn_nudge(
    uow: UnitOfWork, now: datetime, group: Group, job: Job, registry: Registry
) -> JobResult:
    if job.session_id is None:
        return JobResult()
    stick = await uow.sticks.get(job.session_id)
    if (
        stick is None
        or stick.holder is None
        or stick.holder != job.payload.get("holder")
        or stick.holder_since is None
        or stick.holder_since.isoformat() != job.payload.get("since")
        or stick.turn_minutes is None
    ):
        return JobResult()
    return JobResult([private(stick.holder, "stick.nudge", minutes=Duration(stick.turn_minutes))])


async def hand_check(
    uow: UnitOfWork, now: datetime, group: Group, job: Job, registry: Registry
) -> JobResult:
    """One gentle private check for a hand up long: only if that same raise still waits (not
    lowered, not given the stick, not raised again since) and the group still wants it."""
    user = job.payload.get("user", "")
    stick = await uow.sticks.get(job.session_id) if job.session_id else None
    if stick is None or group.hand_check_minutes is None or user not in stick.queue:
        return JobResult()
    since = stick.raised_at.get(user)
    if since is None or since.isoformat() != job.payload.get("since"):
        return JobResult()
    return JobResult(
        [
            private(
                user,
                "stick.hand_check",
                minutes=Duration(max(1, round((now - since).total_seconds() / 60))),
                position=stick.queue.index(user) + 1,
                lower=command_line(registry, group.language, "lower"),
            )
        ]
    )


async def left_room(
    uow: UnitOfWork, now: datetime, group: Group, job: Job, registry: Registry
) -> JobResult:
    """Someone in line left the room and did not come back within the grace period: out of
    the line (the stick passes on if they held it), the room told.  Run again after a crash
    (the change stored, the messages maybe not sent), it says so again without changing
    anything: the platform's idempotency keys show it once."""
    user = job.payload.get("user", "")
    if job.payload.get("applied"):
        member = await uow.members.get(group.id, user)
        return JobResult([room("stick.left_line", member=ref(member))] if member else [])
    session = await uow.sessions.get(job.session_id) if job.session_id else None
    stick = await uow.sticks.get(job.session_id) if job.session_id else None
    if session is None or not session.is_active or stick is None:
        return JobResult()
    since = stick.away.get(user)
    if since is None or since.isoformat() != job.payload.get("since"):
        return JobResult()
    member = await uow.members.get(group.id, user)
    if member is None:
        return JobResult()
    ctx = Context(uow, now, group, member, group.language, registry)
    left = rules.leave(stick, user, now)
    replies = [room("stick.left_line", member=ref(member))]
    replies += await apply_change(ctx, session, left)
    return JobResult(replies, applied=True)


def _charter(group: Group) -> Reply:
    return room("charter.after_break", charter=UserText(charter_text(group), multiline=True))


async def break_end(
    uow: UnitOfWork, now: datetime, group: Group, job: Job, registry: Registry
) -> JobResult:
    replies = [room("session.break_over"), _charter(group)]
    if job.payload.get("applied"):
        return JobResult(replies)
    session = await uow.sessions.get(job.session_id) if job.session_id else None
    if session is None or session.state is not SessionState.ON_BREAK:
        return JobResult()
    if break_end_key(session) != job.key:
        return JobResult()
    await uow.sessions.update(session.resume())
    return JobResult(replies, applied=True)


async def half_time(
    uow: UnitOfWork, now: datetime, group: Group, job: Job, registry: Registry
) -> JobResult:
    session = await uow.sessions.get(job.session_id) if job.session_id else None
    if session is None or session.state is not SessionState.OPEN:
        return JobResult()
    line = command_line(registry, group.language, "session", "break")
    replies = await notify_moderators(
        uow,
        group.id,
        "session.half_time",
        (Choice(line, line),),
        minutes=Duration(group.break_minutes),
        command=line,
    )
    return JobResult(replies)


async def reminder(
    uow: UnitOfWork, now: datetime, group: Group, job: Job, registry: Registry
) -> JobResult:
    """Remind the room (and, privately, those who asked) that a session is coming.

    Sent late if the bot was down at its time but the session has not started, worded for the
    time actually left; dropped (and logged as missed) once the session has started, or when a
    later reminder of the same session is due as well (only the latest one is sent)."""
    (result,) = await reminders(uow, now, [(group, job)])
    return result


async def reminders(
    uow: UnitOfWork, now: datetime, batch: Sequence[tuple[Group, Job]]
) -> list[JobResult]:
    """:func:`reminder` for many reminders at once (a burst due in the same second): their
    sessions, the later reminders of those that waited, and the members of the groups to
    remind are read with one query each."""
    session_ids = {job.session_id for _, job in batch if job.session_id is not None}
    sessions = await uow.sessions.get_many(session_ids) if session_ids else {}
    # Only a job that waited (downtime) can have a later reminder of its session due as well.
    waited = {
        job.session_id
        for _, job in batch
        if job.session_id is not None and now - job.due_at > SUPERSEDE_CHECK_AFTER
    }
    pending: dict[int, list[Job]] = {}
    for other in await uow.jobs.pending_for_sessions(waited) if waited else ():
        if other.session_id is not None and other.kind is JobKind.REMINDER:
            pending.setdefault(other.session_id, []).append(other)
    results: list[JobResult | None] = []
    to_send: list[tuple[int, Group, Job, Session]] = []
    for group, job in batch:
        session = sessions.get(job.session_id) if job.session_id is not None else None
        if (
            session is None
            or session.state is not SessionState.SCHEDULED
            or not planning.is_current(job, session)
        ):
            results.append(JobResult())
        elif now >= session.planned_start:
            log.warning("reminder missed: the session has started", extra=_where(job))
            results.append(JobResult(state=JobState.MISSED))
        elif now - job.due_at > SUPERSEDE_CHECK_AFTER and any(
            job.due_at < j.due_at <= now for j in pending.get(session.id, ())
        ):
            log.warning("reminder missed: a later one is due too", extra=_where(job))
            results.append(JobResult(state=JobState.MISSED))
        else:
            to_send.append((len(results), group, job, session))
            results.append(None)
    groups = {group.id for _, group, _, _ in to_send}
    members = await uow.members.of_groups(groups) if groups else {}
    reminded = {session.id for _, _, _, session in to_send}
    answers = await uow.attendance.of_sessions(reminded) if reminded else {}
    for index, group, _, session in to_send:
        # Those who said they will not come are not reminded privately of it.
        absent = declined(answers.get(session.id, ()))
        wanted = [m for m in members.get(group.id, ()) if m.user_id not in absent]
        results[index] = _reminded(now, group, session, wanted)
    return [r if r is not None else JobResult() for r in results]


def _reminded(
    now: datetime, group: Group, session: Session, members: Sequence[Member]
) -> JobResult:
    left = (session.planned_start - now) / timedelta(minutes=1)
    params: dict[str, Param] = {
        "when": session.planned_start,
        "left": Duration(max(1, round(left))),
        # A note (a video-call link) shown literally, never as a link the bot made.
        "noted": Key("reminder.note", {"note": UserText(session.note)}) if session.note else "",
    }
    # A private message is read away from the room: say which group, and link to its room.
    private_params: dict[str, Param] = {
        **params,
        "group": UserText(group.name),
        "place": Place(group.platform, group.room_id),
    }
    key = "reminder.room"
    if session.theme or session.title:
        params["title"] = UserText(session.theme or session.title or "")
        key = "reminder.room_titled"
    in_room = replace(room(key, **params), choices=answer_choices(group.language, session.id))
    return JobResult(
        [
            in_room,
            *(
                _private_reminder(group, session, m, private_params)
                for m in members
                if m.dm_reminders
            ),
        ]
    )


def _private_reminder(
    group: Group, session: Session, member: Member, params: dict[str, Param]
) -> Reply:
    """In the member's own time zone when they gave one (``my timezone``), the group's time
    named beside it."""
    if member.timezone is None or member.timezone == group.timezone:
        return private(member.user_id, "reminder.private", **params)
    elsewhere: dict[str, Param] = {
        **params,
        "when": InZone(session.planned_start, member.timezone),
        "group_time": InZone(session.planned_start, group.timezone, time_only=True),
        "group_city": ZoneCity(group.timezone),
    }
    return private(member.user_id, "reminder.private_elsewhere", **elsewhere)


async def session_open(
    uow: UnitOfWork, now: datetime, group: Group, job: Job, registry: Registry
) -> JobResult:
    """A scheduled session opens by itself at its time, unless a moderator opened it already;
    after downtime, late if its planned time is not over yet."""
    session = await uow.sessions.get(job.session_id) if job.session_id else None
    if session is None:
        return JobResult()
    if job.payload.get("applied"):
        stick = await uow.sticks.get(session.id)
        if stick is None or not session.is_active:
            return JobResult()
        return JobResult(opened_replies(group, session, stick))
    if session.state is not SessionState.SCHEDULED or not planning.is_current(job, session):
        return JobResult()
    if now >= session.planned_end:
        log.warning("automatic opening missed: the session's time is over", extra=_where(job))
        return JobResult(state=JobState.MISSED)
    if await uow.sessions.active(group.id) is not None:
        log.warning("automatic opening skipped: another session is open", extra=_where(job))
        replies = await notify_moderators(
            uow, group.id, "session.not_opened_busy", when=session.planned_start
        )
        return JobResult(replies, state=JobState.MISSED)
    replies = await open_session(uow, group, session, now, by_hand=False)
    if group.opening_round:  # people arrive after the opening: a moderator starts it then
        replies.append(room("round.opening_when_ready"))
    return JobResult(replies, applied=True)


def _where(job: Job) -> dict[str, object]:
    return {"group": job.group_id, "session": job.session_id, "job": job.id}


async def journal_prompt(
    uow: UnitOfWork, now: datetime, group: Group, job: Job, registry: Registry
) -> JobResult:
    """Members who asked for it are invited, privately, to note their impressions."""
    line = command_line(registry, group.language, "journal", "add")
    return JobResult(
        [
            private(m.user_id, "journal.prompt", command=line)
            for m in await uow.members.list(group.id)
            if m.journal_prompt
        ]
    )


BATCH_HANDLERS: dict[JobKind, BatchHandler] = {JobKind.REMINDER: reminders}
"""Kinds whose jobs the dispatcher runs together; the others run one by one."""

JOB_HANDLERS: dict[JobKind, JobHandler] = {
    JobKind.TURN_NUDGE: turn_nudge,
    JobKind.BREAK_END: break_end,
    JobKind.HALF_TIME: half_time,
    JobKind.REMINDER: reminder,
    JobKind.SESSION_OPEN: session_open,
    JobKind.JOURNAL_PROMPT: journal_prompt,
    JobKind.HAND_CHECK: hand_check,
    JobKind.LEFT_ROOM: left_room,
}
