"""Read-only views of the core's state for adapters that mirror it elsewhere (e.g. a room's
sessions as Discord scheduled events).  Plain frozen data: no repository, no domain method."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from bot.domain import Group, JobKind, Session, SessionState
from bot.domain.attendance import declined
from bot.ports import UnitOfWork
from bot.replies import Key, Reply, UserRef


@dataclass(frozen=True, slots=True)
class SessionView:
    id: int
    title: str | None
    """The theme picked for it, else its title, else None."""
    start: datetime
    """When it opened, or when it is planned to start."""
    end: datetime
    """When it is planned to end."""
    state: SessionState
    break_ends_at: datetime | None = None
    note: str | None = None
    """The moderators' note for it (a video-call link…), as they wrote it."""

    @classmethod
    def of(cls, session: Session) -> SessionView:
        return cls(
            id=session.id,
            title=session.theme or session.title,
            start=session.opened_at or session.planned_start,
            end=session.planned_end,
            state=session.state,
            break_ends_at=session.break_ends_at,
            note=session.note,
        )


@dataclass(frozen=True, slots=True)
class RoomSessions:
    language: str
    timezone: str
    upcoming: tuple[SessionView, ...]
    """The open (or on-break) session first, then scheduled ones starting at or after
    ``after``, soonest first, at most ``limit`` in all."""
    others: tuple[SessionView, ...] = ()
    """The sessions asked for by id that are not in ``upcoming``, whatever their state (ids
    unknown or of another group are left out)."""


async def room_sessions(
    uow: UnitOfWork, group: Group, after: datetime, limit: int, include: Collection[int] = ()
) -> RoomSessions:
    upcoming = [SessionView.of(s) for s in await uow.sessions.upcoming(group.id, after, limit)]
    shown = {view.id for view in upcoming}
    others: list[SessionView] = []
    for session_id in sorted(set(include) - shown):
        session = await uow.sessions.get(session_id)
        if session is not None and session.group_id == group.id:
            others.append(SessionView.of(session))
    return RoomSessions(group.language, group.timezone, tuple(upcoming), tuple(others))


COMING_SESSIONS = 20
"""How many coming sessions of a group are looked at for reminders due soon (they are the
soonest: a reminder due within the hour belongs to one of them)."""


async def private_reminders(
    uow: UnitOfWork, group: Group, now: datetime, until: datetime
) -> list[tuple[datetime, tuple[str, ...]]]:
    """When the group's pending reminders fall due before ``until``, and who gets one
    privately (the members who asked), soonest first."""
    sessions = await uow.sessions.upcoming(group.id, now, COMING_SESSIONS)
    scheduled = [s.id for s in sessions if s.state is SessionState.SCHEDULED]
    jobs = await uow.jobs.pending_for_sessions(scheduled) if scheduled else ()
    due = [j for j in jobs if j.kind is JobKind.REMINDER and j.due_at <= until]
    if not due:
        return []
    people = tuple(m.user_id for m in await uow.members.list(group.id) if m.dm_reminders)
    if not people:
        return []
    answers = await uow.attendance.of_sessions({j.session_id for j in due if j.session_id})
    reminded: dict[datetime, set[str]] = {}
    for job in due:  # those who said they will not come are not reminded of that session
        absent = declined(answers.get(job.session_id, ())) if job.session_id else frozenset()
        reminded.setdefault(job.due_at, set()).update(p for p in people if p not in absent)
    return [
        (when, tuple(p for p in people if p in reminded[when]))
        for when in sorted(reminded)
        if reminded[when]
    ]


def people_in_panel(panel: Reply) -> list[UserRef]:
    """Who holds the stick and who waits, in order, from a stick panel (a typed hand shows as
    ``Key("stick.queue_item.…", {"member": …})``: its member is taken out)."""
    holder = panel.params.get("holder")
    queue = panel.params.get("queue", ())
    people = [holder] if isinstance(holder, UserRef) else []
    if isinstance(queue, tuple):
        for item in queue:
            person = item.params.get("member") if isinstance(item, Key) else item
            if isinstance(person, UserRef):
                people.append(person)
    return people
