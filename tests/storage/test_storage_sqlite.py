"""SQLite specifics: connection settings, start-up and shutdown, and a restart on the same file."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.domain import JobState, PauseRequest, Role, SpeakingTurn, Stick
from bot.domain.stick import raise_hand
from storage import SqlStore, create_engine, current_revision, dispose, upgrade
from storage.errors import DatabaseError
from storage.repositories import SqlGroups, SqlMembers, SqlSessions, SqlSticks
from storage.sqlite_fast import FastGroups, FastMembers, FastSessions, FastSticks
from storage.uow import SqlUnitOfWork
from tests.storage.conftest import Backend
from tests.storage.samples import at, group, job, member, opened, seed_group, seed_session
from tests.storage.test_storage_migrations import head


async def test_connections_use_wal_and_foreign_keys(sqlite_backend: Backend) -> None:
    assert sqlite_backend.engine is not None
    async with sqlite_backend.engine.connect() as connection:
        pragmas = {
            name: (await connection.execute(text(f"PRAGMA {name}"))).scalar()
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
        with pytest.raises(ValueError, match=r"storage\.create_engine"):
            SqlStore(engine)
    finally:
        await dispose(engine)


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
            await uow.sticks.save(raise_hand(stick, user, at(1), first_speakers_first=False).stick)
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


async def test_a_hand_command_makes_five_trips_to_the_sqlite_thread(
    sqlite_backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each trip to aiosqlite's worker thread costs a thread hand-off and a loop wake-up:
    one per read (BEGIN travels with the first), and the write travels with COMMIT."""
    store = sqlite_backend.store
    async with store() as uow:
        g = await uow.groups.add(group())
        await uow.members.add(member(g.id, "@ana:x"))
        session = await uow.sessions.add(opened(g.id))
        await uow.sticks.save(Stick(session.id))
        await uow.commit()
    trips: list[object] = []
    execute = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: object, *args: object) -> object:
        trips.append(fn)
        return await execute(self, fn, *args)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    async with store() as uow:
        assert await uow.groups.get("matrix", g.room_id, for_update=True) == g
        assert await uow.members.get(g.id, "@ana:x") is not None
        assert await uow.sessions.active(g.id) == session
        stick = await uow.sticks.get(session.id)
        assert stick is not None
        await uow.sticks.save(raise_hand(stick, "@ana:x", at(1), first_speakers_first=False).stick)
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
    trips: list[object] = []
    execute = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: object, *args: object) -> object:
        trips.append(fn)
        return await execute(self, fn, *args)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    async with store() as uow:
        locked, ana = await uow.groups.get_with_member("matrix", g.room_id, "@ana:x")
        assert locked == g
        assert ana is not None
        found = await uow.sticks.of_active_session(g.id)
        assert found is not None
        assert found.stick is not None
        assert [m.user_id for m in found.members] == ["@bob:x", "@cy:x"]
        await uow.sticks.save(
            raise_hand(found.stick, "@ana:x", at(1), first_speakers_first=False).stick
        )
        await uow.commit()
    assert len(trips) == 3


PARIS = ZoneInfo("Europe/Paris")


async def test_the_fast_path_stores_and_reads_what_sqlalchemy_does(
    sqlite_backend: Backend,
) -> None:
    """storage.sqlite_fast converts values by hand: the rows it writes are the rows SQLAlchemy
    writes for the same values, and it reads back the same objects."""
    store = sqlite_backend.store
    g = await seed_group(store)
    first = await seed_session(store, g.id)
    second = await seed_session(store, g.id, open_now=False)
    when = datetime(2026, 12, 1, 18, 30, 15, 123456, tzinfo=PARIS)
    async with store() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        slow_members, fast_members = SqlMembers(uow), FastMembers(uow)
        slow_sticks, fast_sticks = SqlSticks(uow), FastSticks(uow)
        for user in ("@ana:x", "@bob:x"):
            await slow_members.add(member(g.id, user))
        change = {
            "display_name": "Zoé « Z »",
            "role": Role.OBSERVER,
            "is_moderator": True,
            "charter_accepted_at": when,
            "dm_reminders": True,
            "journal_prompt": True,
            "accompanying_requested_at": when,
            "language": "fr",
            "last_seen_at": when + timedelta(days=200),  # summer time in Paris
        }
        await slow_members.update(replace(member(g.id, "@ana:x"), **change))
        await fast_members.update(replace(member(g.id, "@bob:x"), **change))
        stick = Stick(0, "@zoé:x", when, ("@ana:x", "@bøb:x"), turn_minutes=5)
        await slow_sticks.save(replace(stick, session_id=first.id))
        await fast_sticks.save(replace(stick, session_id=second.id))
        turn = SpeakingTurn(0, "@ana:x", when, when + timedelta(minutes=3))
        await slow_sticks.add_turn(replace(turn, session_id=first.id))
        await fast_sticks.add_turn(replace(turn, session_id=second.id))

        async def raw(query: str) -> list[tuple[object, ...]]:
            return [tuple(row) for row in (await uow.connection.execute(text(query))).all()]

        ana, bob = await raw("SELECT * FROM members ORDER BY user_id")
        assert ana[2:] == bob[2:]
        assert await raw("SELECT session_id FROM sticks ORDER BY session_id") == [
            (first.id,),
            (second.id,),
        ]
        slow_stick, fast_stick = await raw("SELECT * FROM sticks ORDER BY session_id")
        assert slow_stick[1:] == fast_stick[1:]
        slow_turn, fast_turn = await raw("SELECT * FROM speaking_turns ORDER BY id")
        assert slow_turn[2:] == fast_turn[2:]

        assert await FastGroups(uow).get("matrix", g.room_id) == await SqlGroups(uow).get(
            "matrix", g.room_id
        )
        for user in ("@ana:x", "@bob:x", "@nobody:x"):
            assert await fast_members.get(g.id, user) == await slow_members.get(g.id, user)
        everyone = ["@ana:x", "@bob:x", "@nobody:x"]
        assert await fast_members.get_many(g.id, everyone) == await slow_members.get_many(
            g.id, everyone
        )
        assert await FastSessions(uow).active(g.id) == await SqlSessions(uow).active(g.id)
        for session_id in (first.id, second.id, second.id + 1000):
            assert await fast_sticks.get(session_id) == await slow_sticks.get(session_id)
        with pytest.raises(ValueError, match="naive datetime"):
            await fast_sticks.save(replace(stick, holder_since=datetime(2026, 12, 1, 17, 0)))


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
        async with store() as uow:
            before = (
                (await uow.groups.get_many([g.id])).get(g.id),
                await uow.members.list(g.id),
                await uow.sessions.active(g.id),
                await uow.sticks.get(session.id),
                await uow.sticks.turns(session.id),
                await uow.pauses.for_session(session.id),
                await uow.jobs.list(g.id),
            )
    finally:
        assert await dispose(engine)

    engine = create_engine(url)
    try:
        await upgrade(engine)  # nothing to do on an up-to-date file
        store = SqlStore(engine)
        async with store() as uow:
            after = (
                (await uow.groups.get_many([g.id])).get(g.id),
                await uow.members.list(g.id),
                await uow.sessions.active(g.id),
                await uow.sticks.get(session.id),
                await uow.sticks.turns(session.id),
                await uow.pauses.for_session(session.id),
                await uow.jobs.list(g.id),
            )
            assert await uow.jobs.next_due() == at(9.5)
    finally:
        assert await dispose(engine)

    assert after == before
    assert before[0] == g
    assert before[3] == Stick(
        session.id,
        "@ana:example.org",
        at(4.5),
        ("@bob:example.org", "@zoé:example.org"),
        5,
        spoken={"@ana:example.org", "@bob:example.org"},
    )
    assert list(before[5]) == [pause]
    assert [j.state for j in before[6]] == [JobState.PENDING]


class HangingEngine:
    """Stands for an engine whose driver never finishes closing (aiosqlite #369/#371)."""

    def __init__(self) -> None:
        self.closing = asyncio.Event()

    async def dispose(self) -> None:
        self.closing.set()
        await asyncio.Event().wait()


async def test_dispose_gives_up_instead_of_hanging() -> None:
    hanging = HangingEngine()
    assert await dispose(cast(AsyncEngine, hanging), timeout=0) is False
    assert hanging.closing.is_set()


async def test_dispose_closes_a_real_engine(sqlite_backend: Backend) -> None:
    assert sqlite_backend.engine is not None
    async with sqlite_backend.store() as uow:
        assert await uow.groups.get("matrix", "!room:example.org") is None
    assert await dispose(sqlite_backend.engine, timeout=5) is True
    # Disposing twice (start-up failure paths do) is harmless.
    assert await dispose(sqlite_backend.engine) is True
