"""An aiosqlite connection that makes one trip to its worker thread per statement.

aiosqlite runs every sqlite3 call on a worker thread; each call costs a thread hand-off and an
event-loop wake-up (~0.1 ms).  Through SQLAlchemy's aiosqlite adapter a statement makes four of
them (create cursor, execute, fetch all, close) and a connection returned to the pool makes one
more for a rollback even after a commit.  A command of five statements made ~26 trips; this
connection makes one per statement plus BEGIN and COMMIT:

- ``cursor()`` makes a :class:`PrefetchingCursor` without touching the thread;
- its ``execute`` creates the sqlite3 cursor, executes, fetches every row and closes it in a
  single call on the worker thread, keeping the rows, description, rowcount and lastrowid;
- ``BEGIN IMMEDIATE`` (see :func:`storage.engine.begin_immediate`) is sent with the first
  statement of the transaction, in the same trip, instead of as a statement of its own;
- ``commit``/``rollback`` do nothing when no transaction is open (the pool's reset-on-return);
- :meth:`PrefetchingConnection.call` runs any function of the sqlite3 connection in one trip
  (several statements at once, see :mod:`storage.sqlite_fast`), and
  :meth:`PrefetchingConnection.defer` holds a write whose outcome nobody reads until the next
  trip: the next statement, or COMMIT (a failed deferred write then rolls everything back).

All sqlite3 calls still happen on aiosqlite's thread.  This leans on aiosqlite's
``Connection._execute`` and ``_conn`` (as SQLAlchemy's own adapter leans on ``_tx``); the
pinned aiosqlite range in pyproject and the storage tests guard it.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Sequence
from functools import partial
from types import TracebackType
from typing import Any, Self, TypeVar

import aiosqlite

_Description = tuple[tuple[Any, ...], ...] | None
_Outcome = tuple[_Description, int, int | None, list[Any]]
_T = TypeVar("_T")
_Deferred = tuple[str, Sequence[Any]]


def _run(
    connection: sqlite3.Connection,
    sql: str,
    parameters: Any,
    *,
    many: bool = False,
) -> _Outcome:
    """On the worker thread: execute, fetch everything, close."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _begin_then(
    connection: sqlite3.Connection,
    begin: str | None,
    deferred: list[_Deferred] | None,
    work: Callable[[sqlite3.Connection], _T],
) -> _T:
    """On the worker thread: the pending BEGIN, the deferred writes, then ``work``."""
    if begin is not None:
        connection.execute(begin).close()
    for sql, parameters in deferred or ():
        connection.execute(sql, parameters).close()
    return work(connection)


def _write_and_commit(
    connection: sqlite3.Connection, begin: str | None, deferred: list[_Deferred]
) -> None:
    """On the worker thread: the last writes and COMMIT; if one fails, nothing is kept (and
    the connection goes back to the pool without a transaction open)."""
    try:
        _begin_then(connection, begin, deferred, sqlite3.Connection.commit)
    except BaseException:
        if connection.in_transaction:
            connection.rollback()
        raise


class PrefetchingCursor:
    """The async cursor interface SQLAlchemy's adapter expects, with results already in memory."""

    def __init__(self, connection: PrefetchingConnection) -> None:
        self._connection = connection
        self._rows: deque[Any] = deque()
        self.description: _Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Self:
        outcome = await self._connection.run(partial(_run, sql=sql, parameters=parameters or ()))
        self._keep(outcome)
        return self

    async def executemany(self, sql: str, parameters: Sequence[Sequence[Any]]) -> Self:
        outcome = await self._connection.run(
            partial(_run, sql=sql, parameters=parameters, many=True)
        )
        self._keep(outcome)
        return self

    def _keep(self, outcome: _Outcome) -> None:
        self.description, self.rowcount, self.lastrowid, rows = outcome
        self._rows = deque(rows)

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(size or self.arraysize, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()


class PrefetchingConnection(aiosqlite.Connection):
    _pending_begin: str | None = None
    _deferred: list[_Deferred] | None = None

    def begin_with_next_statement(self, sql: str) -> None:
        """Send ``sql`` (a BEGIN) just before the next statement, in the same trip."""
        self._pending_begin = sql

    def defer(self, sql: str, parameters: Sequence[Any]) -> None:
        """Send a write whose outcome nobody reads with the next trip (the next statement, or
        COMMIT), in order.  Its error, if any, is raised by that trip; ROLLBACK drops it."""
        if self._deferred is None:
            self._deferred = []
        self._deferred.append((sql, parameters))

    def _take(self) -> tuple[str | None, list[_Deferred] | None]:
        begin, deferred = self._pending_begin, self._deferred
        self._pending_begin = self._deferred = None
        return begin, deferred

    async def run(self, call: partial[_Outcome]) -> _Outcome:
        """Run ``call(sqlite3_connection)`` on the worker thread."""
        return await self.call(call)

    async def call(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``work(sqlite3_connection)`` on the worker thread, in one trip, after the pending
        BEGIN and deferred writes (several statements in one trip: see storage.sqlite_fast)."""
        begin, deferred = self._take()
        if begin is None and deferred is None:
            return await self._execute(work, self._conn)  # type: ignore[no-untyped-call,no-any-return]
        return await self._execute(_begin_then, self._conn, begin, deferred, work)  # type: ignore[no-untyped-call,no-any-return]

    def cursor(self) -> PrefetchingCursor:  # type: ignore[override]
        return PrefetchingCursor(self)

    async def commit(self) -> None:
        begin, deferred = self._take()
        if deferred is not None:  # the last writes and COMMIT in one trip
            await self._execute(_write_and_commit, self._conn, begin, deferred)  # type: ignore[no-untyped-call]
        elif self.in_transaction:  # (a BEGIN without statements has nothing to commit)
            await super().commit()

    async def rollback(self) -> None:
        self._take()
        if self.in_transaction:
            await super().rollback()


async def connect(database: str, **kwargs: Any) -> PrefetchingConnection:
    """Like ``aiosqlite.connect(database, **kwargs)`` (kwargs go to ``sqlite3.connect``)."""
    connection = PrefetchingConnection(partial(sqlite3.connect, database, **kwargs), 64)
    # As SQLAlchemy does for aiosqlite: a connection nobody closed must not keep the process
    # alive at exit (aiosqlite >= 0.22 otherwise uses a non-daemon thread).
    connection._thread.daemon = True
    await connection  # starts the thread and opens the database
    return connection
