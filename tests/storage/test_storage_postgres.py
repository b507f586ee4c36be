"""PostgreSQL specifics: several dispatchers claiming due jobs never get the same one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import JobState
from storage import SqlStore, create_engine, dispose
from tests.storage.conftest import Backend, query
from tests.storage.samples import at, job, lease, seed_group

pytestmark = pytest.mark.postgres

# A regression to a plain FOR UPDATE would block the second claimer: fail instead of hanging.
NO_HANG = 30


async def test_a_locked_job_is_skipped_by_the_next_claimer(postgres_backend: Backend) -> None:
    store = postgres_backend.store
    g = await seed_group(store)
    async with store() as uow:
        for i in range(10):
            await uow.jobs.schedule(job(g.id, f"k{i}", i))
        await uow.commit()
    async with asyncio.timeout(NO_HANG), store() as first, store() as second:
        mine = await first.jobs.claim_due(at(60), 4, lease(at(60)))
        theirs = await second.jobs.claim_due(at(60), 100, lease(at(60)))
        assert [j.key for j in mine] == ["k0", "k1", "k2", "k3"]
        assert [j.key for j in theirs] == [f"k{i}" for i in range(4, 10)]
        for claimed in mine:
            await first.jobs.mark(claimed.id, JobState.DONE)
        await first.commit()
        for claimed in theirs:
            await second.jobs.mark(claimed.id, JobState.DONE)
        await second.commit()
    async with store() as uow:
        assert await uow.jobs.claim_due(at(60), 100, lease(at(60))) == []
        assert await uow.jobs.next_due() is None


async def test_concurrent_dispatchers_share_the_work_without_duplicates(
    postgres_backend: Backend,
) -> None:
    store = postgres_backend.store
    g = await seed_group(store)
    async with store() as uow:
        for i in range(60):
            await uow.jobs.schedule(job(g.id, f"k{i:02}", i % 7))
        await uow.commit()

    async def dispatcher() -> list[int]:
        claimed_ids: list[int] = []
        while True:
            async with store() as uow:
                batch = await uow.jobs.claim_due(at(10), 3, lease(at(10)))
                if not batch:
                    return claimed_ids
                for claimed in batch:
                    await uow.jobs.mark(claimed.id, JobState.DONE)
                await uow.commit()
            claimed_ids += [claimed.id for claimed in batch]

    async with asyncio.timeout(NO_HANG), asyncio.TaskGroup() as dispatchers:
        running = [dispatchers.create_task(dispatcher()) for _ in range(4)]
    everything = [job_id for task in running for job_id in task.result()]
    assert len(everything) == len(set(everything)) == 60
    async with store() as uow:
        assert {j.state for j in await uow.jobs.list(g.id)} == {JobState.DONE}


async def test_two_bot_processes_send_each_due_reminder_exactly_once(
    postgres_backend: Backend,
) -> None:
    """Two Cercle instances, each with its own engine (as two processes would have), share one
    PostgreSQL database: every due reminder is delivered by exactly one of them."""
    from bot import planning
    from bot.app import Cercle
    from bot.clock import ManualClock
    from bot.domain import Group, GroupDefaults, Session

    assert postgres_backend.engine is not None
    store = postgres_backend.store
    now = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    async with store() as uow:
        group = await uow.groups.add(
            Group.new("test", "room", GroupDefaults(reminder_leads=(60,)), now)
        )
        sessions = await uow.sessions.add_many(
            [Session.scheduled(group.id, now + timedelta(minutes=61), 90) for _ in range(300)]
        )
        await planning.plan(uow, group, sessions, now)
        await uow.commit()
    clock = ManualClock(now + timedelta(minutes=1))
    first = Cercle(store, clock)
    ((schema,),) = await query(postgres_backend.engine, "SHOW search_path")
    other = create_engine(
        str(postgres_backend.engine.url.render_as_string(hide_password=False)),
        connect_args={"server_settings": {"search_path": schema}},
    )
    second = Cercle(SqlStore(other), clock)
    received: dict[str, list[str]] = {"first": [], "second": []}

    def into(name: str):  # type: ignore[no-untyped-def]
        async def deliver(items):  # type: ignore[no-untyped-def]
            received[name] += [o.idempotency_key for o in items]

        return deliver

    async def drain(cercle: Cercle, name: str) -> None:
        while await cercle.run_due(into(name), limit=25):
            pass

    try:
        async with asyncio.timeout(NO_HANG):
            await asyncio.gather(drain(first, "first"), drain(second, "second"))
    finally:
        await dispose(other)
    everything = received["first"] + received["second"]
    assert len(everything) == len(set(everything)) == 300
    assert received["first"]
    assert received["second"]
