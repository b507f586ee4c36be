"""The set-based repository methods that scheduling at scale uses (several rows per statement),
on every backend: the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, event, insert
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import TypeDecorator

from bot.domain import JobKind, JobState, Series, SessionState
from bot.ports import UnitOfWorkFactory
from storage.coltypes import UTCDateTime
from storage.jobs import SCHEDULE_JOBS
from storage.rows import SESSION
from storage.statements import prepare
from storage.tables import sessions as sessions_table
from tests.storage.conftest import Backend
from tests.storage.samples import (
    at,
    job,
    lease,
    member,
    opened,
    scheduled,
    seed_group,
    seed_session,
)


def weekly(group_id: int, title: str) -> Series:
    return Series(
        0, group_id, "FREQ=WEEKLY;INTERVAL=1", datetime(2026, 12, 1, 19, 30), 90, title, at(0)
    )


async def test_series_added_together_keep_their_order_and_ids(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        one = await uow.series.add(weekly(g.id, "first alone"))
        many = await uow.series.add_many([weekly(g.id, f"#{n}") for n in range(5)])
        later = await uow.series.add(weekly(g.id, "after"))
        assert await uow.series.add_many([]) == []
        await uow.commit()
    assert [s.title for s in many] == [f"#{n}" for n in range(5)]
    ids = [one.id, *(s.id for s in many), later.id]
    assert ids == sorted(set(ids))
    async with store() as uow:
        assert await uow.series.of_group(g.id) == [one, *many, later]


async def test_sessions_added_together_after_others_get_new_ids(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        first = await uow.sessions.add(scheduled(g.id, 10))
        many = await uow.sessions.add_many([scheduled(g.id, m) for m in (30, 20, 40)])
        await uow.commit()
    assert [s.planned_start for s in many] == [at(30), at(20), at(40)]
    assert len({first.id, *(s.id for s in many)}) == 4
    async with store() as uow:
        for session in many:
            assert await uow.sessions.get(session.id) == session


async def test_series_materialized_until_is_set_for_the_given_ones(
    store: UnitOfWorkFactory,
) -> None:
    g = await seed_group(store)
    async with store() as uow:
        a, b, c = await uow.series.add_many([weekly(g.id, t) for t in "abc"])
        await uow.series.set_materialized([a.id, c.id, c.id], at(500))
        await uow.series.set_materialized([], at(900))
        await uow.commit()
    async with store() as uow:
        assert await uow.series.get(a.id) == replace(a, materialized_until=at(500))
        assert await uow.series.get(b.id) == b
        assert await uow.series.get(c.id) == replace(c, materialized_until=at(500))
        assert await uow.series.behind(at(100), 10) == [b]


async def test_sessions_get_many_and_mark_planned(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        a, b, c = await uow.sessions.add_many([scheduled(g.id, m) for m in (10, 20, 30)])
        await uow.commit()
    async with store() as uow:
        assert await uow.sessions.get_many([c.id, a.id, 424242]) == {a.id: a, c.id: c}
        assert await uow.sessions.get_many([]) == {}
        await uow.sessions.mark_planned([a.id, c.id])
        await uow.sessions.mark_planned([])
        await uow.commit()
    async with store() as uow:
        assert await uow.sessions.unplanned(at(100), 10) == [b]
        found = await uow.sessions.get_many([a.id, b.id, c.id])
    assert found == {
        a.id: replace(a, reminders_planned=True),
        b.id: b,
        c.id: replace(c, reminders_planned=True),
    }
    assert found[a.id].state is SessionState.SCHEDULED


async def test_groups_get_many(store: UnitOfWorkFactory) -> None:
    first = await seed_group(store, "!one:x")
    second = await seed_group(store, "!two:x")
    await seed_group(store, "!three:x")
    async with store() as uow:
        assert await uow.groups.get_many([second.id, first.id, second.id, 424242]) == {
            first.id: first,
            second.id: second,
        }
        assert await uow.groups.get_many([]) == {}


async def test_members_of_several_groups_in_join_order(store: UnitOfWorkFactory) -> None:
    first = await seed_group(store, "!one:x")
    second = await seed_group(store, "!two:x")
    empty = await seed_group(store, "!three:x")
    other = await seed_group(store, "!four:x")
    async with store() as uow:
        for g, user, minute in (
            (first, "@cy:x", 1),
            (first, "@ana:x", 2),
            (second, "@bob:x", 0),
            (first, "@ann:x", 1),
            (other, "@dan:x", 0),
        ):
            await uow.members.add(member(g.id, user, minute))
        await uow.commit()
    async with store() as uow:
        found = await uow.members.of_groups([first.id, second.id, empty.id])
        assert {g: [m.user_id for m in ms] for g, ms in found.items()} == {
            first.id: ["@ann:x", "@cy:x", "@ana:x"],
            second.id: ["@bob:x"],
        }
        assert list(found[first.id]) == list(await uow.members.list(first.id))
        assert await uow.members.of_groups([]) == {}


async def test_jobs_marked_together(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        await uow.jobs.schedule_many([job(g.id, f"k{n}", n) for n in range(4)])
        await uow.commit()
    async with store() as uow:
        claimed = await uow.jobs.claim_due(at(10), 10, lease(at(10)))
        await uow.commit()
    ids = [j.id for j in claimed]
    async with store() as uow:
        await uow.jobs.mark_many(ids[:3], JobState.DONE)
        await uow.jobs.mark_many([ids[3]], JobState.MISSED)
        await uow.jobs.mark_many([], JobState.DONE)
        await uow.commit()
    async with store() as uow:
        stored = {j.key: j for j in await uow.jobs.list(g.id)}
        assert {k: j.state for k, j in stored.items()} == {
            "k0": JobState.DONE,
            "k1": JobState.DONE,
            "k2": JobState.DONE,
            "k3": JobState.MISSED,
        }
        assert all(j.claimed_until is None for j in stored.values())
        with pytest.raises(KeyError):
            await uow.jobs.mark_many([ids[0], 424242], JobState.DONE)


async def test_jobs_of_several_sessions_and_cancel_many(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    s1 = await seed_session(store, g.id, open_now=False)
    s2 = await seed_session(store, g.id, open_now=False)
    s3 = await seed_session(store, g.id, open_now=False)
    async with store() as uow:
        await uow.jobs.schedule_many(
            [
                job(g.id, "s1-late", 9, s1.id),
                job(g.id, "s2", 5, s2.id),
                job(g.id, "s1-early", 1, s1.id),
                job(g.id, "s3", 2, s3.id),
                job(g.id, "s1-done", 0, s1.id),
                job(g.id, "none", 3),
            ]
        )
        await uow.commit()
    async with store() as uow:
        (done,) = [j for j in await uow.jobs.list(g.id) if j.key == "s1-done"]
        await uow.jobs.mark(done.id, JobState.DONE)
        pending = await uow.jobs.pending_for_sessions([s2.id, s1.id])
        assert [j.key for j in pending] == ["s1-early", "s2", "s1-late"]
        assert await uow.jobs.pending_for_sessions([]) == []
        await uow.jobs.cancel_many(["s1-early", "s2", "s1-done", "unknown"])
        await uow.jobs.cancel_many([])
        await uow.commit()
    async with store() as uow:
        states = {j.key: j.state for j in await uow.jobs.list(g.id)}
        assert states == {
            "s1-late": JobState.PENDING,
            "s2": JobState.CANCELLED,
            "s1-early": JobState.CANCELLED,
            "s3": JobState.PENDING,
            "s1-done": JobState.DONE,
            "none": JobState.PENDING,
        }
        # A cancelled key can be scheduled again.
        await uow.jobs.schedule(replace(job(g.id, "s2", 6, s2.id), kind=JobKind.REMINDER))
        assert [j.key for j in await uow.jobs.pending_for_sessions([s2.id])] == ["s2"]


async def test_more_ids_than_one_in_list_holds(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        added = await uow.sessions.add_many([scheduled(g.id, m) for m in range(2500)])
        await uow.sessions.mark_planned([s.id for s in added[:2100]])
        await uow.commit()
    async with store() as uow:
        found = await uow.sessions.get_many([s.id for s in added])
        assert len(found) == 2500
        assert sum(s.reminders_planned for s in found.values()) == 2100


async def test_bulk_rows_are_bound_as_sqlalchemy_binds_them(sqlite_backend: Backend) -> None:
    """storage.statements converts values itself on SQLite: exactly as SQLAlchemy would."""
    engine = sqlite_backend.engine
    assert engine is not None
    g = await seed_group(sqlite_backend.store)
    s = await seed_session(sqlite_backend.store, g.id)
    paris = datetime(2026, 12, 1, 18, 30, 15, 123456, tzinfo=ZoneInfo("Europe/Paris"))
    cases = {
        SCHEDULE_JOBS["sqlite"]: [
            {
                "key": f"k{n}",
                "kind": "reminder",
                "group_id": g.id,
                "session_id": None if n else s.id,
                "due_at": paris + timedelta(microseconds=n),
                "state": "pending",
                "payload": {"lead": "15"} if n else {},
                "claimed_until": None if n else at(3),
            }
            for n in range(3)
        ],
        insert(sessions_table): [
            {
                "id": 5 + n,
                **SESSION.values(replace(opened(g.id), reminders_planned=bool(n)), without={"id"}),
            }
            for n in range(2)
        ],
    }
    sent: list[tuple[str, Any]] = []

    def insert_and_forget(connection: Connection, statement: Any, rows: Any) -> None:
        connection.execute(statement, rows)
        connection.rollback()

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement != "BEGIN IMMEDIATE":
            sent.append((statement, parameters))

    for statement, rows in cases.items():
        sent.clear()
        event.listen(engine.sync_engine, "before_cursor_execute", record)
        try:
            await engine.run(insert_and_forget, statement, rows)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", record)
        ((sql, parameters),) = sent
        prepared = prepare(statement, engine.dialect, tuple(rows[0]))
        assert prepared is not None
        assert prepared.sql == sql
        assert [prepared.bind(row) for row in rows] == [tuple(p) for p in parameters]


async def test_next_due_weighs_leases_against_the_first_free_job(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        await uow.jobs.schedule_many([job(g.id, k, m) for k, m in (("a", 1), ("b", 2), ("c", 5))])
        await uow.commit()
    steps = [
        (2, 4, 4),  # a and b leased until 4, before c at 5
        (4, 9, 5),  # their leases ended and were taken again, until 9: c comes first
        (5, 7, 7),  # everything leased: the earliest lease to end
    ]
    for now, until, expected in steps:
        async with store() as uow:
            assert await uow.jobs.claim_due(at(now), 10, at(until))
            assert await uow.jobs.next_due() == at(expected)
            await uow.commit()


@pytest.mark.parametrize(
    "value",
    [
        None,
        datetime(2026, 12, 1, 17, 0, tzinfo=UTC),
        datetime(2026, 12, 1, 17, 0, 0, 7, tzinfo=UTC),
        datetime(2026, 3, 29, 2, 30, 59, 999999, tzinfo=ZoneInfo("Europe/Paris")),
        datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")),
        datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=-3))),
        datetime(9999, 12, 31, tzinfo=UTC),
    ],
)
def test_instants_are_bound_for_sqlite_as_sqlalchemy_would(value: datetime | None) -> None:
    dialect = sqlite.dialect()
    column_type = UTCDateTime().dialect_impl(dialect)
    ours = column_type.bind_processor(dialect)
    theirs = TypeDecorator.bind_processor(column_type, dialect)  # process_bind_param + DATETIME
    assert ours is not None
    assert theirs is not None
    assert ours(value) == theirs(value)
    with pytest.raises(ValueError, match="naive datetime"):
        ours(datetime(2026, 12, 1, 17, 0))


async def test_scheduling_many_adds_new_revives_cancelled_and_leaves_the_rest(
    store: UnitOfWorkFactory,
) -> None:
    g = await seed_group(store)
    async with store() as uow:
        await uow.jobs.schedule_many(
            [job(g.id, k, 1) for k in ("pending", "done", "cancelled", "cancelled-too")]
        )
        await uow.commit()
    async with store() as uow:
        stored = {j.key: j for j in await uow.jobs.list(g.id)}
        await uow.jobs.mark(stored["done"].id, JobState.DONE)
        await uow.jobs.cancel_many(["cancelled", "cancelled-too"])
        await uow.commit()
    again = [
        replace(job(g.id, k, 7), payload={"again": k})
        for k in ("new", "pending", "done", "cancelled", "new", "cancelled-too", "cancelled")
    ]
    async with store() as uow:
        await uow.jobs.schedule_many(again)
        await uow.commit()
    async with store() as uow:
        after = {j.key: j for j in await uow.jobs.list(g.id)}
    assert sorted(after) == ["cancelled", "cancelled-too", "done", "new", "pending"]
    assert after["pending"] == stored["pending"]  # left alone
    assert (after["done"].state, after["done"].due_at) == (JobState.DONE, at(1))
    for key in ("new", "cancelled", "cancelled-too"):  # the first of each key counts
        assert (after[key].state, after[key].due_at) == (JobState.PENDING, at(7))
        assert after[key].payload == {"again": key}
        assert after[key].claimed_until is None
    assert after["cancelled"].id == stored["cancelled"].id


async def test_coming_jobs_of_a_kind_and_claiming_them_by_id(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        nudges = [job(g.id, f"n{n}", n) for n in (5, 10, 40)]
        reminder = replace(job(g.id, "r", 20), kind=JobKind.REMINDER)
        await uow.jobs.schedule_many([*nudges, reminder])
        await uow.commit()
    async with store() as uow:
        coming = await uow.jobs.coming(JobKind.TURN_NUDGE, at(5), at(40), 10)
        assert [j.key for j in coming] == ["n10", "n40"]  # after now, up to until, this kind
        assert [j.key for j in await uow.jobs.coming(JobKind.TURN_NUDGE, at(0), at(60), 1)] == [
            "n5"
        ]
        claimed = await uow.jobs.claim([coming[0].id], at(5), at(7))
        assert [(j.key, j.claimed_until) for j in claimed] == [("n10", at(7))]
        await uow.commit()
    async with store() as uow:
        # Leased: neither coming nor claimable again until the lease ends; done jobs never.
        assert [j.key for j in await uow.jobs.coming(JobKind.TURN_NUDGE, at(6), at(40), 10)] == [
            "n40"
        ]
        assert await uow.jobs.claim([coming[0].id], at(6), at(9)) == []
        await uow.jobs.mark(coming[1].id, JobState.DONE)
        assert await uow.jobs.claim([coming[1].id, 424242], at(6), at(9)) == []
        again = await uow.jobs.claim([coming[0].id], at(7), at(9))
        assert [j.key for j in again] == ["n10"]
        await uow.commit()
