"""Opening and closing the database: SQLite (a file) or PostgreSQL (asyncpg).

See :mod:`storage.database` for how statements reach either.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage.database import Database, PostgresDatabase, SqliteDatabase, sqlite_database
from storage.errors import DatabaseError

log = logging.getLogger(__name__)


def create_engine(
    url: str,
    *,
    busy_timeout: float = 10.0,
    connect_args: Mapping[str, Any] | None = None,
    echo: bool = False,
) -> Database:
    """The database at ``sqlite+aiosqlite:///path`` or ``postgresql+asyncpg://…``.

    SQLite: the file's directory is created, the connection uses WAL, ``synchronous=NORMAL``,
    foreign keys and a busy timeout of ``busy_timeout`` seconds, and every transaction starts
    with ``BEGIN IMMEDIATE`` so that concurrent units of work queue for the write lock instead
    of failing with "database is locked" when a reader tries to become a writer.  (The URL
    names aiosqlite, as configurations always have; the statements go through the standard
    library's ``sqlite3`` on a thread of Cercle's own, see :mod:`storage.database`.)

    ``connect_args`` go to the driver (tests use asyncpg's ``server_settings`` to pick a schema).
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite(parsed, busy_timeout, dict(connect_args or {}), echo)
    if backend == "postgresql":
        if parsed.get_driver_name() != "asyncpg":
            raise DatabaseError(
                f"use postgresql+asyncpg:// for PostgreSQL, not {parsed.drivername}"
            )
        # pre-ping: a long-running bot outlives server restarts and dropped connections.
        return PostgresDatabase(
            create_async_engine(
                parsed, connect_args=dict(connect_args or {}), echo=echo, pool_pre_ping=True
            )
        )
    raise DatabaseError(
        f"unsupported database URL {parsed.render_as_string()!r}: SQLite or PostgreSQL"
    )


def _sqlite(url: URL, busy_timeout: float, connect_args: dict[str, Any], echo: bool) -> Database:
    if url.get_driver_name() != "aiosqlite":
        raise DatabaseError(f"use sqlite+aiosqlite:/// for SQLite, not {url.drivername}")
    database = url.database or ""
    if database in ("", ":memory:") or "mode=memory" in database or url.query.get("mode"):
        raise DatabaseError(
            "the SQLite database must be a file Cercle can write, such as "
            "'sqlite+aiosqlite:///cercle.db' (in-memory and read-only databases cannot keep "
            "what members entrust to the bot)"
        )
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    return sqlite_database(url, database, busy_timeout, connect_args, echo)


async def dispose(database: Database, timeout: float = 5) -> bool:  # noqa: ASYNC109
    """Close the database's connections, giving up after ``timeout`` seconds.

    Shutdown must not hang on a connection that does not close (a SQLite trip stuck behind
    another process's lock, a PostgreSQL server gone).  Returns False (and logs) when the
    database did not close in time.  Disposing twice is harmless.
    """
    try:
        async with asyncio.timeout(timeout):
            await database.dispose()
    except TimeoutError:
        log.warning("the database did not close within %.1f s; not waiting longer", timeout)
        return False
    return True


__all__ = ["Database", "PostgresDatabase", "SqliteDatabase", "create_engine", "dispose"]
