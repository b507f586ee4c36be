"""SQLite specifics: connection settings, start-up and shutdown, and a restart on the same file."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.domain import JobState, PauseRequest, Role, SpeakingTurn, Stick
from bot.domain.stick import raise_hand
from storage import (
    Database,
    SqlStore,
    create_engine,
    current_revision,
    dispose,
    statements,
    upgrade,
)
from storage.database import DatabaseClosed, SqliteDatabase
from storage.errors import DatabaseError
from storage.rows import MEMBER
from storage.tables import members, metadata
from tests.storage.conftest import Backend, query, stored_pauses
from tests.storage.samples import at, group, job, member, opened, seed_group, seed_session
from tests.storage.test_storage_migrations import head


async def test_connections_use_wal_and_foreign_keys(sqlite_backend: Backend) -> None:
    assert sqlite_backend.engine is not None
    pragmas = {
        name: (await query(sqlite_backend.engine, f"PRAGMA {name}"))[0][0]
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    }
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL
        "foreign_keys": 1,
        "busy_timeout": 10_000,
    }


async def test_foreign_keys_are_enforced(sqlite_backend: Backend) -> None:
    async with sqlite_backend.store() as uow:
        with pytest.raises(IntegrityError):
            await uow.members.add(member(4242, "@ana:example.org"))


async def test_the_database_directory_is_created(tmp_path: Path) -> None:
    path = tmp_path / "data" / "deeper" / "cercle.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        assert await current_revision(engine) is None
        await upgrade(engine)
        assert await current_revision(engine) == head()
    finally:
        assert await dispose(engine)
    assert path.is_file()


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("sqlite+aiosqlite://", "must be a file"),
        ("sqlite+aiosqlite:///:memory:", "must be a file"),
        ("sqlite:///cercle.db", "sqlite\\+aiosqlite"),
        ("postgresql://u@h/db", "postgresql\\+asyncpg"),
        ("mysql+aiomysql://u:secret@h/db", "SQLite or PostgreSQL"),
    ],
)
def test_unsupported_urls_are_refused(url: str, complaint: str) -> None:
    with pytest.raises(DatabaseError, match=complaint) as refused:
        create_engine(url)
    assert "secret" not in str(refused.value)


async def test_sqlite_engines_must_come_from_create_engine(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'plain.db'}")
    try:
        with pytest.raises(TypeError, match=r"storage\.create_engine"):
            SqlStore(engine)  # type: ignore[arg-type]
    finally:
        await engine.dispose()


async def test_concurrent_writers_queue_instead_of_failing(sqlite_backend: Backend) -> None:
    """Twenty commands at once, none with a row lock: BEGIN IMMEDIATE serialises them."""
    store = sqlite_backend.store
    async with store() as uow:
        g = await uow.groups.add(group())
        session = await uow.sessions.add(opened(g.id))
        await uow.sticks.save(Stick(session.id))
        await uow.commit()

    async def hand(user: str) -> None:
        async with store() as uow:
            stick = await uow.sticks.get(session.id)
            assert stick is not None
            await uow.sticks.save(raise_hand(stick, user, at(1)).stick)
            await uow.commit()

    users = [f"@u{i}:example.org" for i in range(20)]
    # A TaskGroup waits for every command even when one fails (nothing left holding a connection).
    async with asyncio.TaskGroup() as commands:
        for user in users:
            commands.create_task(hand(user))
    async with store() as uow:
        final = await uow.sticks.get(session.id)
    assert final is not None
    assert final.holder is not None
    assert sorted((final.holder, *final.queue)) == sorted(users)


async def test_the_first_statement_takes_the_write_lock(
    sqlite_backend: Backend, tmp_path: Path
) -> None:
    """BEGIN IMMEDIATE: after a mere SELECT, no other connection can start writing."""
    impatient = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'cercle.db'}", busy_timeout=0)
    try:
        async with sqlite_backend.store() as uow:
            assert await uow.groups.get("matrix", "!room:example.org") is None
            async with SqlStore(impatient)() as other:
                with pytest.raises(OperationalError, match="database is locked"):
                    await other.groups.get("matrix", "!room:example.org")
        async with SqlStore(impatient)() as other:  # released at the end of the first
            assert await other.groups.get("matrix", "!room:example.org") is None
    finally:
        assert await dispose(impatient)


def count_trips(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every trip to the SQLite thread from now on (the work it ran)."""
    trips: list[object] = []
    call = SqliteDatabase.call

    async def counted(self: SqliteDatabase, work: Any, *args: Any) -> Any:
        trips.append(work)
        return await call(self, work, *args)

    monkeypatch.setattr(SqliteDatabase, "call", counted)
    return trips


async def test_a_hand_command_makes_five_trips_to_the_sqlite_thread(
    sqlite_backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each trip to the SQLite thread costs a thread hand-off and a loop wake-up: one per
    read (BEGIN travels with the first), and the write travels with COMMIT."""
    store = sqlite_backend.store
    async with store() as uow:
        g = await uow.groups.add(group())
        await uow.members.add(member(g.id, "@ana:x"))
        session = await uow.sessions.add(opened(g.id))
        await uow.sticks.save(Stick(session.id))
        await uow.commit()
    trips = count_trips(monkeypatch)
    async with store() as uow:
        assert await uow.groups.get("matrix", g.room_id, for_update=True) == g
        assert await uow.members.get(g.id, "@ana:x") is not None
        assert await uow.sessions.active(g.id) == session
        stick = await uow.sticks.get(session.id)
        assert stick is not None
        await uow.sticks.save(raise_hand(stick, "@ana:x", at(1)).stick)
        await uow.commit()
    assert len(trips) == 5


async def test_a_folded_hand_command_makes_three_trips_to_the_sqlite_thread(
    sqlite_backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Group and member in one trip, session, stick and the members in line in another."""
    store = sqlite_backend.store
    async with store() as uow:
        g = await uow.groups.add(group())
        for user in ("@ana:x", "@bob:x", "@cy:x"):
            await uow.members.add(member(g.id, user))
        session = await uow.sessions.add(opened(g.id))
        await uow.sticks.save(Stick(session.id, "@bob:x", at(0), ("@cy:x",)))
        await uow.commit()
    trips = count_trips(monkeypatch)
    async with store() as uow:
        locked, ana = await uow.groups.get_with_member("matrix", g.room_id, "@ana:x")
        assert locked == g
        assert ana is not None
        found = await uow.sticks.of_active_session(g.id)
        assert found is not None
        assert found.stick is not None
        assert [m.user_id for m in found.members] == ["@bob:x", "@cy:x"]
        await uow.sticks.save(raise_hand(found.stick, "@ana:x", at(1)).stick)
        await uow.commit()
    assert len(trips) == 3


async def test_a_deferred_write_fails_with_the_next_trip_and_nothing_is_kept(
    sqlite_backend: Backend,
) -> None:
    """Writes nobody reads the outcome of travel with the next statement or with COMMIT:
    their error comes from there, as SQLAlchemy's, and the whole transaction is dropped."""
    store = sqlite_backend.store
    g = await seed_group(store)
    session = await seed_session(store, g.id)
    async with store() as uow:
        await uow.sticks.save(Stick(session.id, "@ana:x", at(1)))
        await uow.sticks.save(Stick(4242))  # no such session
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            await uow.commit()
        await uow.rollback()  # as the core does after a failure: the unit of work goes on
        assert await uow.sticks.get(session.id) is None
    async with store() as uow:
        assert await uow.sticks.get(session.id) is None
        await uow.sticks.add_turn(SpeakingTurn(4242, "@ana:x", at(1), at(2)))
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            await uow.sticks.get(session.id)
    async with store() as uow:
        await uow.sticks.save(Stick(session.id, "@ana:x", at(1)))
        await uow.rollback()  # the deferred write is dropped, not sent
        await uow.sticks.save(Stick(session.id, "@bob:x", at(2)))
        await uow.commit()
    async with store() as uow:
        kept = await uow.sticks.get(session.id)
        assert kept is not None
        assert kept.holder == "@bob:x"


async def test_restart_reads_back_identical_values(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cercle.db'}"
    engine = create_engine(url)
    try:
        await upgrade(engine)
        store = SqlStore(engine)
        async with store() as uow:
            g = await uow.groups.add(group())
            await uow.members.add(member(g.id, "@ana:example.org"))
            await uow.members.add(member(g.id, "@bob:example.org", joined_minute=1))
            session = await uow.sessions.add(opened(g.id))
            stick = Stick(
                session.id,
                holder="@ana:example.org",
                holder_since=at(4.5),
                queue=("@bob:example.org", "@zoé:example.org"),
                turn_minutes=5,
            )
            await uow.sticks.save(stick)
            await uow.sticks.add_turn(SpeakingTurn(session.id, "@bob:example.org", at(1), at(4.5)))
            pause = await uow.pauses.add(PauseRequest(0, session.id, None, at(30)))
            await uow.jobs.schedule(job(g.id, "nudge", 9.5, session_id=session.id))
            await uow.commit()
        before_pauses = await stored_pauses(Backend("sqlite", store, engine), session.id)
        async with store() as uow:
            before = (
                (await uow.groups.get_many([g.id])).get(g.id),
                await uow.members.list(g.id),
                await uow.sessions.active(g.id),
                await uow.sticks.get(session.id),
                await uow.sticks.turns(session.id),
                await uow.jobs.list(g.id),
            )
    finally:
        assert await dispose(engine)

    engine = create_engine(url)
    try:
        await upgrade(engine)  # nothing to do on an up-to-date file
        store = SqlStore(engine)
        after_pauses = await stored_pauses(Backend("sqlite", store, engine), session.id)
        async with store() as uow:
            after = (
                (await uow.groups.get_many([g.id])).get(g.id),
                await uow.members.list(g.id),
                await uow.sessions.active(g.id),
                await uow.sticks.get(session.id),
                await uow.sticks.turns(session.id),
                await uow.jobs.list(g.id),
            )
            assert await uow.jobs.next_due() == at(9.5)
    finally:
        assert await dispose(engine)

    assert after == before
    assert after_pauses == before_pauses == [pause]
    assert before[0] == g
    assert before[3] == Stick(
        session.id,
        "@ana:example.org",
        at(4.5),
        ("@bob:example.org", "@zoé:example.org"),
        5,
        spoken={"@ana:example.org", "@bob:example.org"},
    )
    assert [j.state for j in before[5]] == [JobState.PENDING]


class HangingEngine:
    """Stands for a database that never finishes closing (a trip stuck behind a lock)."""

    def __init__(self) -> None:
        self.closing = asyncio.Event()

    async def dispose(self) -> None:
        self.closing.set()
        await asyncio.Event().wait()


async def test_dispose_gives_up_instead_of_hanging() -> None:
    hanging = HangingEngine()
    assert await dispose(cast(Database, hanging), timeout=0) is False
    assert hanging.closing.is_set()


async def test_dispose_closes_a_real_engine(sqlite_backend: Backend) -> None:
    assert sqlite_backend.engine is not None
    async with sqlite_backend.store() as uow:
        assert await uow.groups.get("matrix", "!room:example.org") is None
    assert await dispose(sqlite_backend.engine, timeout=5) is True
    # Disposing twice (start-up failure paths do) is harmless.
    assert await dispose(sqlite_backend.engine) is True


def sqlite_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("cercle-sqlite")]


async def test_dispose_closes_the_connection_and_ends_its_thread(tmp_path: Path) -> None:
    before = sqlite_threads()
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'cercle.db'}")
    await upgrade(engine)
    async with SqlStore(engine)() as uow:
        await uow.groups.add(group())
        await uow.commit()
    assert len(sqlite_threads()) == len(before) + 1
    assert await dispose(engine)
    assert sqlite_threads() == before
    with pytest.raises(DatabaseClosed):
        await current_revision(engine)


async def test_a_command_cancelled_in_its_trip_is_rolled_back(sqlite_backend: Backend) -> None:
    """Cancelled while the SQLite thread runs its statements (a timeout, shutdown): the trip
    ends on the thread, then the unit of work rolls back and gives the connection back."""
    engine = sqlite_backend.engine
    assert isinstance(engine, SqliteDatabase)
    store = sqlite_backend.store
    g = await seed_group(store)
    on_thread, go_on = threading.Event(), threading.Event()

    def stuck(connection: Any) -> None:
        on_thread.set()
        assert go_on.wait(10)

    async def command() -> None:
        async with store() as uow:
            await uow.jobs.schedule(job(g.id, "never", 5))
            await engine.call(stuck)

    task = asyncio.create_task(command())
    assert await asyncio.to_thread(on_thread.wait, 10)
    task.cancel()
    go_on.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert engine.connections_in_use() == 0
    async with store() as uow:
        assert await uow.jobs.list(g.id) == []


async def test_a_unit_of_work_waits_for_the_connection_as_long_as_the_busy_timeout(
    tmp_path: Path,
) -> None:
    """Units of work take turns on the connection; one that cannot have it within the busy
    timeout fails as SQLite would (here: two at once in one task, which could never end)."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'cercle.db'}", busy_timeout=0.05)
    try:
        await upgrade(engine)
        store = SqlStore(engine)
        async with store() as first:
            assert await first.groups.get("matrix", "!room:example.org") is None
            async with store() as second:
                with pytest.raises(OperationalError, match="database is locked"):
                    await second.groups.get("matrix", "!room:example.org")
            await first.groups.add(group())
            await first.commit()
        async with store() as third:
            assert await third.groups.get("matrix", group().room_id) is not None
    finally:
        assert await dispose(engine)


PARIS = ZoneInfo("Europe/Paris")


async def test_the_driver_path_reads_and_writes_what_sqlalchemy_does(
    sqlite_backend: Backend,
) -> None:
    """storage.statements runs statements on the sqlite3 connection and converts values with
    the column types' own processors: every row of every table reads back as SQLAlchemy reads
    it, and a row written either way is stored the same."""
    engine, store = sqlite_backend.engine, sqlite_backend.store
    assert engine is not None
    g = await seed_group(store)
    session = await seed_session(store, g.id)
    when = datetime(2026, 12, 1, 18, 30, 15, 123456, tzinfo=PARIS)
    ana = replace(
        member(g.id, "@ana:x"),
        display_name="Zoé « Z »",
        role=Role.OBSERVER,
        is_moderator=True,
        charter_accepted_at=when,
        accompanying_requested_at=when + timedelta(days=200),  # summer time in Paris
        language="fr",
    )
    async with store() as uow:
        await uow.members.add(ana)
        await uow.sticks.save(Stick(session.id, "@zoé:x", when, ("@ana:x", "@bøb:x"), 5))
        await uow.sticks.add_turn(SpeakingTurn(session.id, "@ana:x", when, at(3)))
        await uow.jobs.schedule(replace(job(g.id, "k", 5), payload={"lead": "15"}))
        await uow.commit()

    def compare(connection: Connection) -> None:
        for table in metadata.sorted_tables:
            statement = select(table)
            expected = [dict(row) for row in connection.execute(statement).mappings()]
            assert statements.rows(connection, statement) == expected, table.name
        bob = replace(ana, user_id="@bob:x")
        insert_member = insert(members)
        statements.execute(connection, insert_member, MEMBER.values(bob))
        connection.execute(insert_member, MEMBER.values(replace(bob, user_id="@cy:x")))
        stored = connection.exec_driver_sql(
            "SELECT * FROM members WHERE user_id IN ('@bob:x', '@cy:x') ORDER BY user_id"
        ).all()
        assert [row[2:] for row in stored] == [stored[0][2:]] * 2
        assert (
            stored[0][2:]
            == connection.exec_driver_sql("SELECT * FROM members WHERE user_id = '@ana:x'").one()[
                2:
            ]
        )

    await engine.run(compare)
