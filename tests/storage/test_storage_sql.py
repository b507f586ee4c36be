"""What only the real databases can show: type conversion, statement counts, schema checks."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import StatementError

from bot.domain import SpeakingTurn, Stick
from storage import Database
from tests.storage.conftest import Backend
from tests.storage.samples import at, job, lease, member, seed_group, seed_session


@contextmanager
def recorded_statements(engine: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(statement: str, _parameters: Any) -> None:
        if statement != "BEGIN IMMEDIATE":  # SQLite's, with the first statement
            statements.append(statement)

    stop = engine.on_statement(record)
    try:
        yield statements
    finally:
        stop()


async def test_other_time_zones_are_stored_as_the_same_instant(sql_backend: Backend) -> None:
    g = await seed_group(sql_backend.store)
    paris = datetime(2026, 12, 1, 18, 30, 15, 123456, tzinfo=ZoneInfo("Europe/Paris"))
    async with sql_backend.store() as uow:
        await uow.jobs.schedule(replace(job(g.id, "k", 0), due_at=paris))
        await uow.commit()
    async with sql_backend.store() as uow:
        (stored,) = await uow.jobs.list(g.id)
        when = datetime(2026, 12, 1, 17, 30, 15, 123456, tzinfo=UTC)
        due = await uow.jobs.claim_due(when, 5, lease(when))
    assert stored.due_at == paris
    assert stored.due_at.tzinfo is UTC
    assert stored.due_at == datetime(2026, 12, 1, 17, 30, 15, 123456, tzinfo=UTC)
    assert [j.key for j in due] == ["k"]  # compared as instants, not as local wall times


async def test_naive_datetimes_are_refused(sql_backend: Backend) -> None:
    g = await seed_group(sql_backend.store)
    wall_time = datetime(2026, 12, 1, 17, 0)
    naive = replace(member(g.id, "@ana:example.org"), joined_at=wall_time)
    async with sql_backend.store() as uow:
        with pytest.raises(StatementError, match="naive datetime"):
            await uow.members.add(naive)


async def test_stick_and_spoken_set_in_one_query(sql_backend: Backend) -> None:
    assert sql_backend.engine is not None
    g = await seed_group(sql_backend.store)
    session = await seed_session(sql_backend.store, g.id)
    async with sql_backend.store() as uow:
        await uow.sticks.save(Stick(session.id, "@cy:x", at(5), ("@dan:x",)))
        for user in ("@ana:x", "@bob:x", "@ana:x"):
            await uow.sticks.add_turn(SpeakingTurn(session.id, user, at(1), at(2)))
        await uow.commit()
    with recorded_statements(sql_backend.engine) as statements:
        async with sql_backend.store() as uow:
            stick = await uow.sticks.get(session.id)
    assert stick == Stick(
        session.id, "@cy:x", at(5), ("@dan:x",), spoken={"@ana:x", "@bob:x", "@cy:x"}
    )
    assert len(statements) == 1


async def test_a_hand_command_is_one_statement_per_call(sql_backend: Backend) -> None:
    """The repository calls a `hand` command makes, each one round trip, in one transaction."""
    assert sql_backend.engine is not None
    g = await seed_group(sql_backend.store)
    session = await seed_session(sql_backend.store, g.id)
    async with sql_backend.store() as uow:
        await uow.members.add(member(g.id, "@ana:x"))
        await uow.sticks.save(Stick(session.id))
        await uow.commit()
    with recorded_statements(sql_backend.engine) as statements:
        async with sql_backend.store() as uow:
            locked = await uow.groups.get("matrix", g.room_id, for_update=True)
            ana = await uow.members.get(g.id, "@ana:x")
            active = await uow.sessions.active(g.id)
            stick = await uow.sticks.get(session.id)
            assert locked is not None
            assert ana is not None
            assert active is not None
            assert stick is not None
            await uow.sticks.save(Stick(session.id, "@ana:x", at(1)))
            await uow.commit()
    # (asyncpg starts transactions itself; SQLite's BEGIN IMMEDIATE is left out above.)
    assert len(statements) == 5
    if sql_backend.engine.dialect.name == "postgresql":
        assert statements[0].rstrip().endswith("FOR UPDATE")


async def test_claim_due_locks_rows_on_postgresql_only(sql_backend: Backend) -> None:
    assert sql_backend.engine is not None
    g = await seed_group(sql_backend.store)
    async with sql_backend.store() as uow:
        await uow.jobs.schedule(job(g.id, "k", 0))
        await uow.commit()
    with recorded_statements(sql_backend.engine) as statements:
        async with sql_backend.store() as uow:
            when = at(1) + timedelta(days=1)
            assert len(await uow.jobs.claim_due(when, 10, lease(when))) == 1
    (claim,) = statements
    if sql_backend.engine.dialect.name == "postgresql":
        assert "FOR UPDATE SKIP LOCKED" in claim
    else:
        assert "FOR UPDATE" not in claim


async def test_a_cancelled_command_rolls_back_and_returns_its_connection(
    sql_backend: Backend,
) -> None:
    engine = sql_backend.engine
    assert engine is not None
    g = await seed_group(sql_backend.store)
    started = asyncio.Event()

    async def command() -> None:
        async with sql_backend.store() as uow:
            await uow.jobs.schedule(job(g.id, "never", 5))
            started.set()
            await asyncio.Event().wait()  # stuck until cancelled (e.g. shutdown)

    task = asyncio.create_task(command())
    await started.wait()
    assert engine.connections_in_use() == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert engine.connections_in_use() == 0
    async with sql_backend.store() as uow:
        assert await uow.jobs.list(g.id) == []
