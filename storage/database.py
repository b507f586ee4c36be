"""The database Cercle stores into, and the transaction a unit of work holds on it.

Storage code is written once, as plain synchronous functions of a SQLAlchemy
:class:`~sqlalchemy.engine.Connection` (``def get(connection, group_id) -> Group``).  A
:class:`Database` runs such a function, with everything it executes, in one *trip*:

- **SQLite**: on a thread of its own that owns the process's one ``sqlite3`` connection (the
  standard library's, through SQLAlchemy's ``pysqlite`` dialect).  A trip is one hand-off to
  that thread and back, whatever the number of statements it runs; a ``hand`` command makes
  four (the event's record, the group with the member, the stick with what it needs, then the
  writes with COMMIT).  SQLite lets one writer at a time in, and every transaction here begins
  with ``BEGIN IMMEDIATE``: units of work take turns on the connection (an :class:`asyncio.Lock`,
  first come first served, given up after the busy timeout as SQLite itself would), instead
  of each blocking a thread of its own in SQLite's busy handler.
- **PostgreSQL**: through asyncpg's pool and :meth:`AsyncConnection.run_sync`, which runs the
  same function with SQLAlchemy's own bridge.

Only public APIs of SQLAlchemy and of the standard library are used.  Every connection is
closed deterministically: a unit of work ends its transaction when it leaves (shielded from
cancellation), and :meth:`Database.dispose` closes the SQLite connection on its thread, then
ends the thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import partial
from queue import SimpleQueue
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Dialect, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry, NullPool

from storage.statements import LISTENERS, StatementListener, driver_statement

_T = TypeVar("_T")
_P = ParamSpec("_P")
Work = Callable[..., Any]
"""A function of a :class:`Connection` (and arguments) run on the database."""
_Deferred = list[tuple[Work, tuple[Any, ...]]]


class DatabaseClosed(RuntimeError):
    """The database was disposed of; nothing more can run on it."""


class Database(ABC):
    """A SQLite file or a PostgreSQL database (see :func:`storage.engine.create_engine`)."""

    url: URL
    """As configured (passwords hidden when rendered with ``render_as_string()``)."""
    sync_engine: Engine
    """SQLAlchemy's engine: listen to its events (``before_cursor_execute``…) here."""

    def __init__(self) -> None:
        self._listeners: list[StatementListener] = []

    @property
    def dialect(self) -> Dialect:
        return self.sync_engine.dialect

    def on_statement(self, listener: StatementListener) -> Callable[[], None]:
        """Call ``listener(sql, parameters)`` for every statement sent to the database from
        now on, whichever way it goes (tests and benchmarks record them); returns the function
        that stops it.  Called on the thread that runs the statement."""
        if not self._listeners:
            event.listen(self.sync_engine, "before_cursor_execute", self._tell)
        self._listeners.append(listener)

        def stop() -> None:
            self._listeners.remove(listener)
            if not self._listeners:
                event.remove(self.sync_engine, "before_cursor_execute", self._tell)

        return stop

    def _tell(
        self,
        _connection: Connection,
        _cursor: Any,
        statement: str,
        parameters: Any,
        _context: Any,
        _executemany: bool,
    ) -> None:
        for listener in self._listeners:
            listener(statement, parameters)

    @abstractmethod
    async def run(
        self, work: Callable[Concatenate[Connection, _P], _T], *args: _P.args, **kwargs: _P.kwargs
    ) -> _T:
        """``work(connection, *args)`` in a transaction of its own, committed when it returns
        and rolled back when it raises."""

    @abstractmethod
    def transaction(self) -> Transaction:
        """A transaction for one unit of work, begun by its first statement."""

    @abstractmethod
    def connections_in_use(self) -> int:
        """How many units of work hold a connection (or, on SQLite, the connection) now."""

    @abstractmethod
    async def dispose(self) -> None:
        """Close every connection; the database cannot be used afterwards."""


class Transaction(ABC):
    """What a unit of work holds: runs work in trips, keeps writes nobody reads the outcome of
    for the next trip, ends with :meth:`commit`, :meth:`rollback` or :meth:`close`."""

    __slots__ = ("_deferred",)

    def __init__(self) -> None:
        self._deferred: _Deferred = []

    def defer(self, work: Work, *args: Any) -> None:
        """Run ``work(connection, *args)`` first thing in the next trip (the next :meth:`run`,
        or :meth:`commit`): a write whose outcome nobody reads costs no trip of its own.  Its
        error, if any, is raised by that trip; :meth:`rollback` drops it unsent."""
        self._deferred.append((work, args))

    def _take(self) -> _Deferred:
        deferred, self._deferred = self._deferred, []
        return deferred

    @abstractmethod
    async def run(
        self, work: Callable[Concatenate[Connection, _P], _T], *args: _P.args, **kwargs: _P.kwargs
    ) -> _T:
        """The deferred writes, then ``work(connection, *args)``, in the transaction (begun
        here if it is not yet), in one trip."""

    @abstractmethod
    async def commit(self) -> None:
        """The deferred writes and COMMIT; if one fails, nothing of the transaction is kept."""

    @abstractmethod
    async def rollback(self) -> None: ...

    @abstractmethod
    async def close(self) -> None:
        """Roll back what was not committed and give the connection back."""

    @property
    @abstractmethod
    def open(self) -> bool:
        """Whether it holds a connection or writes to send (:meth:`close` has work to do)."""


def _trip(
    connection: Connection,
    deferred: _Deferred,
    work: Work | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    for write, write_args in deferred:
        write(connection, *write_args)
    return None if work is None else work(connection, *args, **kwargs)


def _commit_trip(connection: Connection, deferred: _Deferred) -> None:
    try:
        _trip(connection, deferred, None, (), {})
        connection.commit()
    except BaseException:
        connection.rollback()
        raise


def _rollback(connection: Connection) -> None:
    connection.rollback()


# --- SQLite ---------------------------------------------------------------------------------


_Job = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", Callable[..., Any], tuple[Any, ...]]


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():  # its caller was cancelled: the work was done all the same
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


class _Thread:
    """One thread running functions in the order they are given: the SQLite connection's.

    A function is run even when its caller was cancelled meanwhile (what it does is then
    undone by the next one, a rollback).  The thread is a daemon (a database nobody disposed
    of must not keep the process alive); :meth:`stop` ends it and waits for it."""

    def __init__(self) -> None:
        self._jobs: SimpleQueue[_Job | None] = SimpleQueue()
        self._thread: threading.Thread | None = None

    async def call(self, work: Callable[..., _T], *args: Any) -> _T:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="cercle-sqlite", daemon=True)
            self._thread.start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[_T] = loop.create_future()
        self._jobs.put((loop, future, work, args))
        return await future

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            loop, future, work, args = job
            try:
                outcome: tuple[Any, BaseException | None] = (work(*args), None)
            except BaseException as error:
                outcome = (None, error)
            # (A loop closed meanwhile has nobody waiting: the work is done all the same.)
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, future, *outcome)
            del job, future, work, args, outcome  # nothing of a trip is kept until the next

    def stop(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join()
            self._thread = None


class SqliteDatabase(Database):
    """One ``sqlite3`` connection, used only on one thread of its own."""

    def __init__(self, url: URL, engine: Engine, busy_timeout: float) -> None:
        super().__init__()
        self.url = url
        self.sync_engine = engine
        self._busy_timeout = busy_timeout
        self._thread = _Thread()
        self._connection: Connection | None = None  # opened and used on the thread only
        self._closed = False
        self._turn = asyncio.Lock()

    # On the thread -------------------------------------------------------------------------

    def _connected(self) -> Connection:
        if self._connection is None:
            if self._closed:
                raise DatabaseClosed("the database was closed")
            self._connection = self.sync_engine.connect()
            # Statements run on the driver's connection tell the same listeners.
            self._connection.info[LISTENERS] = self._listeners
        return self._connection

    def _on_thread(self, work: Callable[..., _T], *args: Any) -> _T:
        return work(self._connected(), *args)

    def _close_on_thread(self) -> None:
        self._closed = True
        connection, self._connection = self._connection, None
        try:
            if connection is not None:
                connection.close()  # rolls back whatever is open, closes the sqlite3 connection
        finally:
            self.sync_engine.dispose()

    # On the event loop ---------------------------------------------------------------------

    async def call(self, work: Callable[..., _T], *args: Any) -> _T:
        """``work(connection, *args)`` on the thread: one trip."""
        if self._closed:
            raise DatabaseClosed("the database was closed")
        return await self._thread.call(self._on_thread, work, *args)

    async def take_turn(self) -> None:
        """Wait for the connection (held until :meth:`end_turn`), as long as SQLite's busy
        timeout; then fail as SQLite does when another writer keeps the database."""
        try:
            async with asyncio.timeout(self._busy_timeout):
                await self._turn.acquire()
        except TimeoutError:
            locked = sqlite3.OperationalError("database is locked")
            raise OperationalError(None, None, locked) from None

    def end_turn(self) -> None:
        self._turn.release()

    async def run(
        self, work: Callable[Concatenate[Connection, _P], _T], *args: _P.args, **kwargs: _P.kwargs
    ) -> _T:
        transaction = SqliteTransaction(self)
        try:
            result = await transaction.run(work, *args, **kwargs)
            await transaction.commit()
            return result
        finally:
            await asyncio.shield(transaction.close())

    def transaction(self) -> SqliteTransaction:
        return SqliteTransaction(self)

    def connections_in_use(self) -> int:
        return 1 if self._turn.locked() else 0

    async def dispose(self) -> None:
        if self._closed:
            return
        # After whatever trip is under way (the thread runs them in order).
        await self._thread.call(self._close_on_thread)
        self._thread.stop()


class SqliteTransaction(Transaction):
    __slots__ = ("_database", "_holding")

    def __init__(self, database: SqliteDatabase) -> None:
        super().__init__()
        self._database = database
        self._holding = False

    async def _hold(self) -> None:
        if not self._holding:
            await self._database.take_turn()
            self._holding = True

    def _release(self) -> None:
        if self._holding:
            self._holding = False
            self._database.end_turn()

    async def run(
        self, work: Callable[Concatenate[Connection, _P], _T], *args: _P.args, **kwargs: _P.kwargs
    ) -> _T:
        await self._hold()
        result: _T = await self._database.call(_trip, self._take(), work, args, kwargs)
        return result

    async def commit(self) -> None:
        if not self._holding and not self._deferred:
            return
        await self._hold()
        try:
            await self._database.call(_commit_trip, self._take())
        finally:
            # (A trip still running after a cancellation finishes before the next one starts:
            # the thread runs them in order.)
            self._release()

    async def rollback(self) -> None:
        self._take()
        if not self._holding:
            return
        try:
            await self._database.call(_rollback)
        finally:
            self._release()

    async def close(self) -> None:
        with contextlib.suppress(DatabaseClosed):  # disposed of: nothing is left open
            await self.rollback()

    @property
    def open(self) -> bool:
        return self._holding or bool(self._deferred)


def sqlite_database(
    url: URL, path: str, busy_timeout: float, connect_args: dict[str, Any], echo: bool
) -> SqliteDatabase:
    """The database in the file ``path``; ``url`` is kept to name it in messages."""
    # isolation_level=None: the sqlite3 module issues no BEGIN of its own; ours is IMMEDIATE.
    creator = partial(
        sqlite3.connect, path, isolation_level=None, timeout=busy_timeout, **connect_args
    )
    engine = create_sync_engine(
        URL.create("sqlite", database=path), creator=creator, poolclass=NullPool, echo=echo
    )
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", begin_immediate)
    return SqliteDatabase(url, engine, busy_timeout)


SQLITE_PRAGMAS = (
    # Readers never block the writer, and a commit appends to the log without an fsync
    # (one durable transaction measured ~1.5 ms, against ~2.4 ms with the rollback journal).
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    # Up to 16 MB of pages per connection (SQLite's default is 2 MB), taken as pages are read:
    # planning thousands of groups inserts into indexes all over the file, and with 2 MB of
    # cache a third of that time went to reading pages back (measured on 100,000 sessions).
    "PRAGMA cache_size=-16000",
)


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    for pragma in SQLITE_PRAGMAS:
        dbapi_connection.execute(pragma).close()


def begin_immediate(connection: Connection) -> None:
    """Start every SQLite transaction by taking the write lock (a command reads then writes;
    a deferred transaction that tries to upgrade can fail instead of waiting).  SQLAlchemy's
    documented recipe for pysqlite, sent on the driver's connection as the repositories'
    statements are (:mod:`storage.statements`), in the trip of the transaction's first one."""
    driver_statement(connection, "BEGIN IMMEDIATE")


# --- PostgreSQL -----------------------------------------------------------------------------


class PostgresDatabase(Database):
    """asyncpg's pool, through SQLAlchemy's asyncio extension."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__()
        self.async_engine = engine
        self.url = engine.url
        self.sync_engine = engine.sync_engine
        self._in_use = 0

    async def run(
        self, work: Callable[Concatenate[Connection, _P], _T], *args: _P.args, **kwargs: _P.kwargs
    ) -> _T:
        async with self.async_engine.begin() as connection:
            return await connection.run_sync(work, *args, **kwargs)

    def transaction(self) -> PostgresTransaction:
        return PostgresTransaction(self)

    def connections_in_use(self) -> int:
        return self._in_use

    async def connect(self) -> AsyncConnection:
        connection = await self.async_engine.connect()
        self._in_use += 1
        return connection

    async def give_back(self, connection: AsyncConnection) -> None:
        try:
            await connection.close()  # rolls back what was not committed
        finally:
            self._in_use -= 1

    async def dispose(self) -> None:
        await self.async_engine.dispose()


class PostgresTransaction(Transaction):
    __slots__ = ("_connection", "_database")

    def __init__(self, database: PostgresDatabase) -> None:
        super().__init__()
        self._database = database
        self._connection: AsyncConnection | None = None

    async def _connected(self) -> AsyncConnection:
        if self._connection is None:
            self._connection = await self._database.connect()
        return self._connection

    async def run(
        self, work: Callable[Concatenate[Connection, _P], _T], *args: _P.args, **kwargs: _P.kwargs
    ) -> _T:
        connection = await self._connected()
        result: _T = await connection.run_sync(_trip, self._take(), work, args, kwargs)
        return result

    async def commit(self) -> None:
        if self._connection is None and not self._deferred:
            return
        connection = await self._connected()
        deferred = self._take()
        try:
            if deferred:
                await connection.run_sync(_trip, deferred, None, (), {})
            await connection.commit()
        except Exception:
            await connection.rollback()
            raise

    async def rollback(self) -> None:
        self._take()
        if self._connection is not None:
            await self._connection.rollback()

    async def close(self) -> None:
        self._take()
        connection, self._connection = self._connection, None
        if connection is not None:
            await self._database.give_back(connection)

    @property
    def open(self) -> bool:
        return self._connection is not None or bool(self._deferred)
