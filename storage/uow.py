"""The unit of work: one database transaction per command, on SQLite or PostgreSQL."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.ports import (
    GroupRepository,
    HandledEventRepository,
    JobRepository,
    JournalRepository,
    MemberRepository,
    PauseRepository,
    PersonalDataRepository,
    PlatformStateRepository,
    SeriesRepository,
    SessionRepository,
    StickRepository,
    ThemeRepository,
)
from storage import sqlite_fast
from storage.care import SqlJournal, SqlPersonalData, SqlThemes
from storage.engine import begin_immediate
from storage.journal_crypto import JournalCipher
from storage.repositories import (
    SqlGroups,
    SqlHandledEvents,
    SqlJobs,
    SqlMembers,
    SqlPauses,
    SqlPlatformState,
    SqlSeries,
    SqlSessions,
    SqlSticks,
)

SUPPORTED_DIALECTS = ("sqlite", "postgresql")


class SqlUnitOfWork:
    """Implements :class:`bot.ports.UnitOfWork`.

    Entering checks a connection out of the pool; the transaction begins with the first
    statement (``BEGIN IMMEDIATE`` on SQLite).  ``commit()`` ends it, and a later statement
    starts a new one.  Leaving the block without committing rolls back, exception or not.
    """

    groups: GroupRepository
    members: MemberRepository
    sessions: SessionRepository
    series: SeriesRepository
    sticks: StickRepository
    pauses: PauseRepository
    jobs: JobRepository
    platform_state: PlatformStateRepository
    handled: HandledEventRepository
    themes: ThemeRepository
    journal: JournalRepository
    personal_data: PersonalDataRepository

    def __init__(self, engine: AsyncEngine, cipher: JournalCipher | None = None) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self.groups = SqlGroups(self)
        self.members = SqlMembers(self)
        self.sessions = SqlSessions(self)
        self.series = SqlSeries(self)
        self.sticks = SqlSticks(self)
        self.handled = SqlHandledEvents(self)
        if engine.dialect.name == "sqlite":  # the hot statements skip SQLAlchemy's execution
            self.handled = sqlite_fast.FastHandledEvents(self)
            self.groups = sqlite_fast.FastGroups(self)
            self.members = sqlite_fast.FastMembers(self)
            self.sessions = sqlite_fast.FastSessions(self)
            self.sticks = sqlite_fast.FastSticks(self)
        self.pauses = SqlPauses(self)
        self.jobs = SqlJobs(self)
        self.platform_state = SqlPlatformState(self)
        self.themes = SqlThemes(self)
        journal = SqlJournal(self, cipher)
        self.journal = journal
        self.personal_data = SqlPersonalData(self, journal, self.sticks)

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    @property
    def connection(self) -> AsyncConnection:
        if self._connection is None:
            raise RuntimeError("use the unit of work inside 'async with'")
        return self._connection

    async def __aenter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("this unit of work is already in use")
        self._connection = await self._engine.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            # Closing rolls back whatever was not committed and returns the connection to the
            # pool.  Shielded: a command cancelled (timeout, shutdown) must not leak it.
            await asyncio.shield(connection.close())

    async def commit(self) -> None:
        await self.connection.commit()

    async def rollback(self) -> None:
        await self.connection.rollback()


class SqlStore:
    """A :data:`bot.ports.UnitOfWorkFactory`: ``store()`` returns a new unit of work."""

    def __init__(self, engine: AsyncEngine, cipher: JournalCipher | None = None) -> None:
        """``cipher`` encrypts journal notes; without one the journal refuses to work."""
        dialect = engine.dialect.name
        if dialect not in SUPPORTED_DIALECTS:
            raise ValueError(f"unsupported database {dialect!r}: SQLite or PostgreSQL")
        if dialect == "sqlite" and not event.contains(engine.sync_engine, "begin", begin_immediate):
            # Without BEGIN IMMEDIATE concurrent commands fail with "database is locked".
            raise ValueError("create SQLite engines with storage.create_engine()")
        self.engine = engine
        self.cipher = cipher

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.cipher)
