"""The outbox: jobs due at a time (reminders, nudges, session ends…)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, or_, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.domain import Job, JobKind, JobState
from storage.base import Repository, chunks, ids, upserts
from storage.coltypes import UTCDateTime
from storage.rows import JOB
from storage.statements import execute, execute_many, fetch, rows, scalar
from storage.tables import jobs

_PENDING = JobState.PENDING.value
_CANCELLED = JobState.CANCELLED.value


def _schedule_statement(stmt: postgresql.Insert | sqlite.Insert) -> Any:
    """Insert, or bring back a cancelled job with the same key; leave any other one alone."""
    kept = [name for name in JOB.fields if name not in ("id", "key", "claimed_until")]
    return stmt.on_conflict_do_update(
        index_elements=[jobs.c.key],
        set_={**{name: stmt.excluded[name] for name in kept}, "claimed_until": None},
        where=jobs.c.state == _CANCELLED,
    )


_SCHEDULE_JOB = {
    name: _schedule_statement(stmt).returning(jobs.c.id) for name, stmt in upserts(jobs).items()
}
SCHEDULE_JOBS = {name: _schedule_statement(stmt) for name, stmt in upserts(jobs).items()}
"""Many jobs at once, by dialect name (no RETURNING)."""
# SQLite inserts ~3x slower under an ON CONFLICT … DO UPDATE that sets indexed columns, even
# when nothing conflicts: in bulk, the cancelled keys are brought back first, then the rest
# inserted with DO NOTHING (which leaves pending, done and just revived jobs alone).
_INSERT_NEW_JOBS = sqlite.insert(jobs).on_conflict_do_nothing(index_elements=[jobs.c.key])
_CANCELLED_KEYS = select(jobs.c.key).where(jobs.c.key.in_(ids()), jobs.c.state == _CANCELLED)
_CANCEL_JOB = (
    update(jobs)
    .where(jobs.c.key == bindparam("b_key"), jobs.c.state == _PENDING)
    .values(state=_CANCELLED)
)
_CANCEL_SESSION_JOBS = (
    update(jobs)
    .where(jobs.c.session_id == bindparam("b_session_id"), jobs.c.state == _PENDING)
    .values(state=_CANCELLED)
)
# FOR UPDATE SKIP LOCKED on PostgreSQL: concurrent dispatchers skip the rows another one holds.
# SQLite ignores the clause; there a transaction holds the database's only write lock.
_CLAIMABLE = (
    select(jobs.c.id)
    .where(
        jobs.c.state == _PENDING,
        jobs.c.due_at <= bindparam("now"),
        or_(jobs.c.claimed_until.is_(None), jobs.c.claimed_until <= bindparam("now")),
    )
    .order_by(jobs.c.due_at, jobs.c.id)
    .limit(bindparam("limit", type_=Integer))
    .with_for_update(skip_locked=True)
    .scalar_subquery()
)
_CLAIM_DUE = (
    update(jobs)
    .where(jobs.c.id.in_(_CLAIMABLE))
    .values(claimed_until=bindparam("lease_until"))
    .returning(*jobs.c)
)
_FREE_LEASE = or_(jobs.c.claimed_until.is_(None), jobs.c.claimed_until <= bindparam("now"))
_COMING = (
    select(jobs)
    .where(
        jobs.c.state == _PENDING,
        jobs.c.kind == bindparam("kind"),
        jobs.c.due_at > bindparam("now"),
        jobs.c.due_at <= bindparam("until"),
        _FREE_LEASE,
    )
    .order_by(jobs.c.due_at, jobs.c.id)
    .limit(bindparam("limit", type_=Integer))
)
_CLAIM_IDS = (
    update(jobs)
    .where(
        jobs.c.id.in_(
            select(jobs.c.id)
            .where(jobs.c.id.in_(ids()), jobs.c.state == _PENDING, _FREE_LEASE)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
    )
    .values(claimed_until=bindparam("lease_until"))
    .returning(*jobs.c)
)
_MARK_JOB = update(jobs).where(jobs.c.id == bindparam("b_id"))
_MARK_JOBS = (
    update(jobs).where(jobs.c.id.in_(ids())).values(state=bindparam("b_state"), claimed_until=None)
)
_CANCEL_JOBS = (
    update(jobs).where(jobs.c.key.in_(ids()), jobs.c.state == _PENDING).values(state=_CANCELLED)
)
_PENDING_FOR_SESSIONS = select(jobs).where(jobs.c.session_id.in_(ids()), jobs.c.state == _PENDING)
_RELEASE_CLAIMS = update(jobs).where(jobs.c.claimed_until.is_not(None)).values(claimed_until=None)
_PENDING_FOR_SESSION = (
    select(jobs)
    .where(jobs.c.session_id == bindparam("session_id"), jobs.c.state == _PENDING)
    .order_by(jobs.c.due_at, jobs.c.id)
)
# A leased job is due again when its lease ends (its dispatcher may have died): the next due
# time is the least of max(due_at, claimed_until) over pending jobs.  Read from the (state,
# due_at) index rather than over every pending job (~13 ms for 30,000, after every dispatch):
# the earliest job without a live lease, and the leases of the jobs due before it (the few
# being sent), since a job due later cannot come due sooner.
_NEVER = datetime(9999, 12, 31, tzinfo=UTC)
_FIRST_FREE = (
    select(jobs.c.due_at)
    .where(
        jobs.c.state == _PENDING,
        or_(jobs.c.claimed_until.is_(None), jobs.c.claimed_until <= jobs.c.due_at),
    )
    .order_by(jobs.c.due_at)
    .limit(1)
    .scalar_subquery()
)
_NEXT_DUE_CANDIDATES = union_all(
    select(_FIRST_FREE.label("due")),
    select(jobs.c.claimed_until.label("due")).where(
        jobs.c.state == _PENDING,
        jobs.c.claimed_until > jobs.c.due_at,
        # (A range of the index: no OR.)  Without a free job, every lease counts.
        jobs.c.due_at <= func.coalesce(_FIRST_FREE, bindparam("never", _NEVER, UTCDateTime())),
    ),
).subquery()
_NEXT_DUE = select(func.min(_NEXT_DUE_CANDIDATES.c.due))
_GET_PAYLOAD = select(jobs.c.payload).where(jobs.c.id == bindparam("job_id"))
_LIST_JOBS = select(jobs).where(jobs.c.group_id == bindparam("group_id")).order_by(jobs.c.id)


def _by_due(found: Sequence[Job]) -> list[Job]:
    return sorted(found, key=lambda j: (j.due_at, j.id))


def _jobs(connection: Connection, statement: Select[Any], parameters: dict[str, Any]) -> list[Job]:
    return fetch(connection, statement, parameters, JOB)


def _schedule(connection: Connection, job: Job) -> bool:
    values = JOB.values(job, without={"id", "claimed_until"})
    return scalar(connection, _SCHEDULE_JOB[connection.dialect.name], values) is not None


def _schedule_many(connection: Connection, jobs_: Sequence[Job]) -> None:
    values = [
        {**JOB.values(job, without={"id"}), "state": _PENDING, "claimed_until": None}
        for job in jobs_
    ]
    dialect = connection.dialect.name
    if dialect != "sqlite" or len(values) == 1:
        execute_many(connection, SCHEDULE_JOBS[dialect], values)
        return
    cancelled: set[str] = set()
    for chunk in chunks([row["key"] for row in values]):
        cancelled.update(row["key"] for row in rows(connection, _CANCELLED_KEYS, {"ids": chunk}))
    revived = [row for row in values if row["key"] in cancelled]
    execute_many(connection, SCHEDULE_JOBS["sqlite"], revived)
    execute_many(connection, _INSERT_NEW_JOBS, values)


def _claim_due(
    connection: Connection, now: datetime, limit: int, lease_until: datetime
) -> list[Job]:
    parameters = {"now": now, "limit": limit, "lease_until": lease_until}
    return _by_due(fetch(connection, _CLAIM_DUE, parameters, JOB))


def _claim(
    connection: Connection, job_ids: Collection[int], now: datetime, lease_until: datetime
) -> list[Job]:
    claimed: list[Job] = []
    for chunk in chunks(job_ids):
        parameters = {"ids": chunk, "now": now, "lease_until": lease_until}
        claimed.extend(fetch(connection, _CLAIM_IDS, parameters, JOB))
    return _by_due(claimed)


def _note_applied(connection: Connection, job_id: int) -> None:
    payload = dict(scalar(connection, _GET_PAYLOAD, {"job_id": job_id}))
    payload["applied"] = "1"
    execute(connection, _MARK_JOB, {"b_id": job_id, "payload": payload})


def _mark(connection: Connection, job_id: int, state: JobState) -> None:
    parameters = {"b_id": job_id, "state": state.value, "claimed_until": None}
    if execute(connection, _MARK_JOB, parameters) == 0:
        raise KeyError(job_id)


def _mark_many(connection: Connection, job_ids: Collection[int], state: JobState) -> None:
    marked = wanted = 0
    for chunk in chunks(job_ids):
        changed = execute(connection, _MARK_JOBS, {"ids": chunk, "b_state": state.value})
        marked, wanted = marked + changed, wanted + len(chunk)
    if marked != wanted:
        raise KeyError(f"{wanted - marked} of {wanted} jobs do not exist")


def _cancel_many(connection: Connection, keys: Collection[str]) -> None:
    for chunk in chunks(keys):
        execute(connection, _CANCEL_JOBS, {"ids": chunk})


def _pending_for_sessions(connection: Connection, session_ids: Collection[int]) -> list[Job]:
    found: list[Job] = []
    for chunk in chunks(session_ids):
        found.extend(_jobs(connection, _PENDING_FOR_SESSIONS, {"ids": chunk}))
    return _by_due(found)


def _next_due(connection: Connection) -> datetime | None:
    due: datetime | None = scalar(connection, _NEXT_DUE)
    return due


class SqlJobs(Repository):
    __slots__ = ()

    async def schedule(self, job: Job) -> bool:
        return await self._tx.run(_schedule, job)

    async def schedule_many(self, jobs_: Sequence[Job]) -> None:
        if jobs_:
            await self._tx.run(_schedule_many, jobs_)

    async def cancel(self, key: str) -> None:
        await self._tx.run(execute, _CANCEL_JOB, {"b_key": key})

    async def cancel_for_session(self, session_id: int) -> None:
        await self._tx.run(execute, _CANCEL_SESSION_JOBS, {"b_session_id": session_id})

    async def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> Sequence[Job]:
        return await self._tx.run(_claim_due, now, limit, lease_until)

    async def coming(
        self, kind: JobKind, now: datetime, until: datetime, limit: int
    ) -> Sequence[Job]:
        parameters = {"kind": kind.value, "now": now, "until": until, "limit": limit}
        return await self._tx.run(_jobs, _COMING, parameters)

    async def claim(
        self, job_ids: Collection[int], now: datetime, lease_until: datetime
    ) -> Sequence[Job]:
        if not job_ids:
            return []
        return await self._tx.run(_claim, job_ids, now, lease_until)

    async def note_applied(self, job_id: int) -> None:
        await self._tx.run(_note_applied, job_id)

    async def release_claims(self) -> None:
        await self._tx.run(execute, _RELEASE_CLAIMS, {})

    async def pending_for_session(self, session_id: int) -> Sequence[Job]:
        return await self._tx.run(_jobs, _PENDING_FOR_SESSION, {"session_id": session_id})

    async def mark(self, job_id: int, state: JobState) -> None:
        await self._tx.run(_mark, job_id, state)

    async def next_due(self) -> datetime | None:
        return await self._tx.run(_next_due)

    async def list(self, group_id: int) -> Sequence[Job]:
        return await self._tx.run(_jobs, _LIST_JOBS, {"group_id": group_id})

    async def mark_many(self, job_ids: Collection[int], state: JobState) -> None:
        await self._tx.run(_mark_many, job_ids, state)

    async def cancel_many(self, keys: Collection[str]) -> None:
        await self._tx.run(_cancel_many, keys)

    async def pending_for_sessions(self, session_ids: Collection[int]) -> Sequence[Job]:
        return await self._tx.run(_pending_for_sessions, session_ids)
