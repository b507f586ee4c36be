"""Turning schedules into outbox jobs: occurrences of series, reminders, automatic opening.

Occurrences of a series are stored as sessions up to :data:`HORIZON` ahead, and their jobs
(one reminder per lead time, one opening) only once they come within :data:`PLAN_WINDOW`: the
outbox stays small and a group that changes its lead times changes what is still to come.
:func:`extend` does both and runs at start-up and every :data:`PLANNING_EVERY`.

Everything here is set-based: a batch of sessions or series costs a few statements, not a few
per row (:func:`plan_many`, :func:`materialize_many`), so that thousands of groups are planned
in seconds.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Group, Job, JobKind, Series, Session, SessionState
from bot.ports import UnitOfWork
from bot.recurrence import occurrences, to_utc

log = logging.getLogger("cercle.planning")

HORIZON = timedelta(weeks=10)
"""How far ahead occurrences of a series are stored as sessions."""
PLAN_WINDOW = timedelta(days=8)
"""How far ahead reminders and openings are put in the outbox (the longest lead is a week)."""
FURTHEST_AHEAD = timedelta(days=2 * 365 + 1)
"""How far ahead a session may be planned: next term, next year, not a typo's year 9999."""
PLANNING_EVERY = timedelta(hours=1)
BATCH = 500


@contextmanager
def _many_objects() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch makes its thousands of objects.

    They hold no reference cycles (reference counting frees them), but while they live the
    collector keeps walking the whole heap: 8 full collections, ~0.5 s of the ~4 s it took to
    plan 10,000 groups.  It resumes afterwards (if it was running), whatever happens."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def reminder_key(session_id: int, lead: int, moves: int = 0) -> str:
    """A reminder's job key; a session moved (``moves``) gets new ones, so that a reminder
    already sent for its earlier time does not stop the one for its new time, and a job
    planned for the earlier time is known as such when it runs (see :func:`is_current`)."""
    return f"remind:{session_id}:{lead}" + (f":m{moves}" if moves else "")


def open_key(session_id: int, moves: int = 0) -> str:
    return f"open:{session_id}" + (f":m{moves}" if moves else "")


def is_current(job: Job, session: Session) -> bool:
    """The job was planned for the session as it is now (not for a time it has left)."""
    if job.kind is JobKind.REMINDER:
        lead = int(job.payload.get("lead", "0"))
        return job.key == reminder_key(session.id, lead, session.moves)
    if job.kind is JobKind.SESSION_OPEN:
        return job.key == open_key(session.id, session.moves)
    return True


def jobs_for(group: Group, session: Session, now: datetime) -> list[Job]:
    """A session's reminders (those whose time has not passed yet) and its opening."""
    jobs = [
        Job.new(
            JobKind.REMINDER,
            reminder_key(session.id, lead, session.moves),
            group.id,
            session.planned_start - timedelta(minutes=lead),
            session_id=session.id,
            payload={"lead": str(lead)},
        )
        for lead in group.reminder_leads
        if session.planned_start - timedelta(minutes=lead) > now
    ]
    jobs.append(
        Job.new(
            JobKind.SESSION_OPEN,
            open_key(session.id, session.moves),
            group.id,
            session.planned_start,
            session_id=session.id,
        )
    )
    return jobs


async def plan(uow: UnitOfWork, group: Group, sessions: list[Session], now: datetime) -> None:
    """Put the jobs of these scheduled sessions in the outbox, if they start soon enough."""
    await plan_many(uow, {group.id: group}, sessions, now)


async def plan_many(
    uow: UnitOfWork, groups: Mapping[int, Group], sessions: Iterable[Session], now: datetime
) -> int:
    """:func:`plan` for the sessions of several groups (given by id) in two statements; a
    session whose group is not given is left alone.  Returns how many sessions were planned."""
    soon = [
        s
        for s in sessions
        if s.state is SessionState.SCHEDULED
        and s.planned_start < now + PLAN_WINDOW
        and s.group_id in groups
    ]
    if not soon:
        return 0
    with _many_objects():
        jobs = [j for s in soon for j in jobs_for(groups[s.group_id], s, now)]
        await uow.jobs.schedule_many(jobs)
    await uow.sessions.mark_planned([s.id for s in soon])
    return len(soon)


async def replan(uow: UnitOfWork, group: Group, now: datetime) -> None:
    """The group's lead times changed: redo the reminders of its coming sessions."""
    coming = [
        s
        for s in await uow.sessions.upcoming(group.id, now, 1000)
        if s.state is SessionState.SCHEDULED and s.reminders_planned
    ]
    if not coming:
        return
    pending = await uow.jobs.pending_for_sessions([s.id for s in coming])
    await uow.jobs.cancel_many([j.key for j in pending if j.kind is JobKind.REMINDER])
    await uow.jobs.schedule_many(
        [j for s in coming for j in jobs_for(group, s, now) if j.kind is JobKind.REMINDER]
    )


async def rezone(uow: UnitOfWork, before: Group, after: Group, now: datetime) -> int:
    """The group's time zone changed: coming occurrences of its recurring series keep their
    wall-clock time (19:30 stays 19:30, now in the new zone) and their reminders follow; one-off
    sessions keep their instant.  Returns how many sessions moved."""
    if before.timezone == after.timezone:
        return 0
    old, new = ZoneInfo(before.timezone), ZoneInfo(after.timezone)
    moved: list[Session] = []
    for series in await uow.series.of_group(after.id):
        for session in await uow.sessions.of_series(series.id):
            if session.state not in (SessionState.SCHEDULED, SessionState.CANCELLED):
                continue
            wall = session.planned_start.astimezone(old).replace(tzinfo=None)
            start = to_utc(wall, new)
            if session.planned_start > now and start > now and start != session.planned_start:
                moved.append(replace(session, planned_start=start))
    for session in moved:
        await uow.sessions.update(session)
    planned = [s for s in moved if s.state is SessionState.SCHEDULED and s.reminders_planned]
    if planned:
        pending = await uow.jobs.pending_for_sessions([s.id for s in planned])
        await uow.jobs.cancel_many([j.key for j in pending])
        await uow.jobs.schedule_many([j for s in planned for j in jobs_for(after, s, now)])
    return len(moved)


def occurrences_of(series: Series, group: Group, after: datetime, until: datetime) -> list[Session]:
    zone = ZoneInfo(group.timezone)
    return [
        Session(
            id=0,
            group_id=group.id,
            state=SessionState.SCHEDULED,
            planned_start=start,
            planned_minutes=series.minutes,
            title=series.title,
            series_id=series.id,
            note=series.note,
        )
        for start in occurrences(series.rule, series.first_start, zone, after, until)
    ]


async def materialize(
    uow: UnitOfWork, group: Group, series: Series, now: datetime, *, first: datetime | None = None
) -> list[Session]:
    """Store the series' occurrences up to the horizon; returns the new sessions."""
    return await materialize_many(uow, {group.id: group}, [series], now, first=first)


async def materialize_many(
    uow: UnitOfWork,
    groups: Mapping[int, Group],
    series: Sequence[Series],
    now: datetime,
    *,
    first: datetime | None = None,
) -> list[Session]:
    """:func:`materialize` for several series (their groups given by id) in two statements;
    a series whose group is not given is left alone.  ``first``: the series are new, store
    their occurrences from then on (a series that starts months ahead gets its first
    :data:`HORIZON` of occurrences at once).  Returns the new sessions, series after series."""
    until = now + HORIZON
    if first is not None and first >= until:
        until = first + HORIZON
    done: list[int] = []
    found: list[Session] = []
    with _many_objects():
        for item in series:
            group = groups.get(item.group_id)
            if group is None:
                continue
            after = item.materialized_until if first is None else first - timedelta(seconds=1)
            found += occurrences_of(item, group, after, until)
            done.append(item.id)
        added = await uow.sessions.add_many(found)
    await uow.series.set_materialized(done, until)
    return added


async def extend(uow: UnitOfWork, now: datetime) -> int:
    """Move every series' horizon forward and plan what comes within the window; returns how
    many sessions were planned.  Idempotent: job keys are unique."""
    planned = 0
    groups: dict[int, Group] = {}

    async def load(group_ids: Iterable[int]) -> None:
        missing = set(group_ids) - groups.keys()
        if missing:
            groups.update(await uow.groups.get_many(missing))

    behind = await uow.series.behind(now + HORIZON - PLANNING_EVERY, BATCH)
    await load(s.group_id for s in behind)
    await materialize_many(uow, groups, behind, now)
    while batch := await uow.sessions.unplanned(now + PLAN_WINDOW, BATCH):
        await load(s.group_id for s in batch)
        await plan_many(uow, groups, batch, now)
        planned += len(batch)
        if len(batch) < BATCH:
            break
    if planned:
        log.info("planned sessions", extra={"count": planned})
    return planned
