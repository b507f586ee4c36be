"""The unit of work: one database transaction per command, on SQLite or PostgreSQL."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from bot.ports import (
    AttendanceRepository,
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
from storage.attendance import SqlAttendance
from storage.care import SqlJournal, SqlPersonalData, SqlThemes
from storage.database import Database, Transaction
from storage.groups import SqlGroups, SqlMembers
from storage.jobs import SqlJobs
from storage.journal_crypto import JournalCipher
from storage.platform import SqlHandledEvents, SqlPlatformState
from storage.sessions import SqlSeries, SqlSessions
from storage.sticks import SqlPauses, SqlSticks


class SqlUnitOfWork:
    """Implements :class:`bot.ports.UnitOfWork`.

    The transaction begins with the first statement (``BEGIN IMMEDIATE`` on SQLite).
    ``commit()`` ends it, and a later statement starts a new one.  Leaving the block without
    committing rolls back, exception or not.
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
    attendance: AttendanceRepository

    def __init__(self, database: Database, cipher: JournalCipher | None = None) -> None:
        self._database = database
        self._transaction: Transaction | None = None
        self.transaction = database.transaction()
        self.groups = SqlGroups(self.transaction)
        self.members = SqlMembers(self.transaction)
        self.sessions = SqlSessions(self.transaction)
        self.series = SqlSeries(self.transaction)
        self.sticks = SqlSticks(self.transaction)
        self.pauses = SqlPauses(self.transaction)
        self.jobs = SqlJobs(self.transaction)
        self.platform_state = SqlPlatformState(self.transaction)
        self.handled = SqlHandledEvents(self.transaction)
        self.themes = SqlThemes(self.transaction)
        journal = SqlJournal(self.transaction, cipher)
        self.journal = journal
        self.personal_data = SqlPersonalData(self.transaction, journal)
        self.attendance = SqlAttendance(self.transaction)

    @property
    def dialect(self) -> str:
        return self._database.dialect.name

    async def __aenter__(self) -> Self:
        if self._transaction is not None:
            raise RuntimeError("this unit of work is already in use")
        self._transaction = self.transaction
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        transaction, self._transaction = self._transaction, None
        if transaction is not None and transaction.open:
            # Rolls back whatever was not committed and gives the connection back.  Shielded:
            # a command cancelled (timeout, shutdown) must not leak it.
            await asyncio.shield(transaction.close())

    async def commit(self) -> None:
        await self.transaction.commit()

    async def rollback(self) -> None:
        await self.transaction.rollback()


class SqlStore:
    """A :data:`bot.ports.UnitOfWorkFactory`: ``store()`` returns a new unit of work."""

    def __init__(self, database: Database, cipher: JournalCipher | None = None) -> None:
        """``cipher`` encrypts journal notes; without one the journal refuses to work."""
        if not isinstance(database, Database):
            # (An engine of SQLAlchemy's own would lack BEGIN IMMEDIATE and the SQLite thread.)
            raise TypeError("open the database with storage.create_engine()")
        self.database = database
        self.cipher = cipher

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.database, self.cipher)
