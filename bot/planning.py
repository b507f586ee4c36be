"""Turning schedules into outbox jobs: occurrences of series, reminders, automatic opening.

Occurrences of a series are stored as sessions up to :data:`HORIZON` ahead, and their jobs
(one reminder per lead time, one opening) only once they come within :data:`PLAN_WINDOW`: the
outbox stays small and a group that changes its lead times changes what is still to come.
:func:`extend` does both and runs at start-up and every :data:`PLANNING_EVERY`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import Group, Job, JobKind, Series, Session, SessionState
from bot.ports import UnitOfWork
from bot.recurrence import occurrences

log = logging.getLogger("cercle.planning")

HORIZON = timedelta(weeks=10)
"""How far ahead occurrences of a series are stored as sessions."""
PLAN_WINDOW = timedelta(days=8)
"""How far ahead reminders and openings are put in the outbox (the longest lead is a week)."""
PLANNING_EVERY = timedelta(hours=1)
BATCH = 500


def reminder_key(session_id: int, lead: int) -> str:
    return f"remind:{session_id}:{lead}"


def open_key(session_id: int) -> str:
    return f"open:{session_id}"


def jobs_for(group: Group, session: Session, now: datetime) -> list[Job]:
    """A session's reminders (those whose time has not passed yet) and its opening."""
    jobs = [
        Job.new(
            JobKind.REMINDER,
            reminder_key(session.id, lead),
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
            open_key(session.id),
            group.id,
            session.planned_start,
            session_id=session.id,
        )
    )
    return jobs


async def plan(uow: UnitOfWork, group: Group, sessions: list[Session], now: datetime) -> None:
    """Put the jobs of these scheduled sessions in the outbox, if they start soon enough."""
    soon = [
        s
        for s in sessions
        if s.state is SessionState.SCHEDULED and s.planned_start < now + PLAN_WINDOW
    ]
    if not soon:
        return
    await uow.jobs.schedule_many([job for s in soon for job in jobs_for(group, s, now)])
    for session in soon:
        await uow.sessions.update(replace(session, reminders_planned=True))


async def replan(uow: UnitOfWork, group: Group, now: datetime) -> None:
    """The group's lead times changed: redo the reminders of its coming sessions."""
    for session in await uow.sessions.upcoming(group.id, now, 1000):
        if session.state is not SessionState.SCHEDULED or not session.reminders_planned:
            continue
        for job in await uow.jobs.pending_for_session(session.id):
            if job.kind is JobKind.REMINDER:
                await uow.jobs.cancel(job.key)
        await uow.jobs.schedule_many(
            [j for j in jobs_for(group, session, now) if j.kind is JobKind.REMINDER]
        )


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
        )
        for start in occurrences(series.rule, series.first_start, zone, after, until)
    ]


async def materialize(
    uow: UnitOfWork, group: Group, series: Series, now: datetime, *, first: datetime | None = None
) -> list[Session]:
    """Store the series' occurrences up to the horizon; returns the new sessions."""
    until = now + HORIZON
    after = series.materialized_until if first is None else first - timedelta(seconds=1)
    added = await uow.sessions.add_many(occurrences_of(series, group, after, until))
    await uow.series.update(replace(series, materialized_until=until))
    return added


async def extend(uow: UnitOfWork, now: datetime) -> int:
    """Move every series' horizon forward and plan what comes within the window; returns how
    many sessions were planned.  Idempotent: job keys are unique."""
    planned = 0
    groups: dict[int, Group | None] = {}

    async def group_of(group_id: int) -> Group | None:
        if group_id not in groups:
            groups[group_id] = await uow.groups.get_by_id(group_id)
        return groups[group_id]

    for series in await uow.series.behind(now + HORIZON - PLANNING_EVERY, BATCH):
        group = await group_of(series.group_id)
        if group is not None:
            await materialize(uow, group, series, now)
    while batch := await uow.sessions.unplanned(now + PLAN_WINDOW, BATCH):
        by_group: dict[int, list[Session]] = {}
        for session in batch:
            by_group.setdefault(session.group_id, []).append(session)
        for group_id, sessions in by_group.items():
            group = await group_of(group_id)
            if group is not None:
                await plan(uow, group, sessions, now)
        planned += len(batch)
        if len(batch) < BATCH:
            break
    if planned:
        log.info("planned sessions", extra={"count": planned})
    return planned
