"""Creating and closing the database engine (SQLite via aiosqlite, PostgreSQL via asyncpg)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from storage import sqlite_driver
from storage.errors import DatabaseError

log = logging.getLogger(__name__)

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


def create_engine(
    url: str,
    *,
    busy_timeout: float = 10.0,
    connect_args: Mapping[str, Any] | None = None,
    echo: bool = False,
) -> AsyncEngine:
    """An engine for ``sqlite+aiosqlite:///path`` or ``postgresql+asyncpg://…``.

    SQLite: the file's directory is created, the connection uses WAL, ``synchronous=NORMAL``,
    foreign keys and a busy timeout of ``busy_timeout`` seconds, and every transaction starts
    with ``BEGIN IMMEDIATE`` so that concurrent units of work queue for the write lock instead
    of failing with "database is locked" when a reader tries to become a writer.

    ``connect_args`` go to the driver (tests use asyncpg's ``server_settings`` to pick a schema).
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, busy_timeout, dict(connect_args or {}), echo)
    if backend == "postgresql":
        if parsed.get_driver_name() != "asyncpg":
            raise DatabaseError(
                f"use postgresql+asyncpg:// for PostgreSQL, not {parsed.drivername}"
            )
        # pre-ping: a long-running bot outlives server restarts and dropped connections.
        return create_async_engine(
            parsed, connect_args=dict(connect_args or {}), echo=echo, pool_pre_ping=True
        )
    raise DatabaseError(
        f"unsupported database URL {parsed.render_as_string()!r}: SQLite or PostgreSQL"
    )


def _sqlite_engine(
    url: URL, busy_timeout: float, connect_args: dict[str, Any], echo: bool
) -> AsyncEngine:
    if url.get_driver_name() != "aiosqlite":
        raise DatabaseError(f"use sqlite+aiosqlite:/// for SQLite, not {url.drivername}")
    database = url.database or ""
    if database in ("", ":memory:") or "mode=memory" in database or url.query.get("mode"):
        # Every pooled connection would see its own empty database.
        raise DatabaseError(
            "the SQLite database must be a file Cercle can write, such as "
            "'sqlite+aiosqlite:///cercle.db' (in-memory and read-only databases cannot keep "
            "what members entrust to the bot)"
        )
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None stops the sqlite3 module from issuing its own (deferred) BEGIN;
    # begin_immediate() below issues ours.  ``timeout`` is sqlite3's busy timeout.
    connect_args = {"isolation_level": None, "timeout": busy_timeout, **connect_args}
    engine = create_async_engine(
        url, async_creator=partial(sqlite_driver.connect, database, **connect_args), echo=echo
    )
    event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
    event.listen(engine.sync_engine, "begin", begin_immediate)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def begin_immediate(connection: Connection) -> None:
    """Start every SQLite transaction by taking the write lock (a command reads then writes;
    a deferred transaction that tries to upgrade can fail instead of waiting)."""
    driver = connection.connection.driver_connection
    if isinstance(driver, sqlite_driver.PrefetchingConnection):
        # Sent together with the transaction's first statement: one trip to the thread less.
        driver.begin_with_next_statement("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


async def dispose(engine: AsyncEngine, timeout: float = 5) -> bool:  # noqa: ASYNC109
    """Close the engine's pooled connections, giving up after ``timeout`` seconds.

    aiosqlite has been seen to hang while closing (aiosqlite issues #369/#371); shutdown must
    not.  Returns False (and logs) when the engine did not close in time.
    """
    try:
        async with asyncio.timeout(timeout):
            await engine.dispose()
    except TimeoutError:
        log.warning("the database engine did not close within %.1f s; not waiting longer", timeout)
        return False
    return True
