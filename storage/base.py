"""What every repository module shares: the base class, ``IN`` lists in chunks, the dialects'
``INSERT … ON CONFLICT`` constructs, and inserting many rows with their new ids."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import BindParameter

from bot.domain import Series, Session
from storage.database import Transaction
from storage.statements import execute_many, scalar
from storage.tables import series, sessions


class Repository:
    """A port of :mod:`bot.ports` on the transaction of a unit of work.

    A method is one trip to the database (:meth:`Transaction.run` of a plain function of the
    connection), or none for a write nobody reads the outcome of (:meth:`Transaction.defer`).
    """

    __slots__ = ("_tx",)

    def __init__(self, transaction: Transaction) -> None:
        self._tx = transaction


def upserts(table: Table) -> dict[str, postgresql.Insert | sqlite.Insert]:
    """The INSERT … ON CONFLICT constructs of both databases, by dialect name (a statement
    picks its own with ``connection.dialect.name``)."""
    return {"postgresql": postgresql.insert(table), "sqlite": sqlite.insert(table)}


IN_CHUNK = 1000
"""Ids per ``IN (…)`` list: far below SQLite's and asyncpg's limits on bound parameters."""


def chunks(values: Collection[Any]) -> Iterator[list[Any]]:
    """The distinct values, sorted, in lists of at most :data:`IN_CHUNK`."""
    distinct = sorted(set(values))
    for start in range(0, len(distinct), IN_CHUNK):
        yield distinct[start : start + IN_CHUNK]


def ids() -> BindParameter[Any]:
    """An ``IN`` list bound at execution (``{"ids": [...]}``)."""
    return bindparam("ids", expanding=True)


Item = TypeVar("Item", Session, Series)


def with_ids(items: Sequence[Item], new_ids: Sequence[int]) -> list[Item]:
    """``[replace(item, id=i) …]`` without running each dataclass's ``__init__`` again (half the
    time, for the thousands of occurrences a batch of series adds)."""
    made: list[Item] = []
    for item, new_id in zip(items, new_ids, strict=True):
        copy = object.__new__(type(item))
        for name in type(item).__slots__:
            object.__setattr__(copy, name, getattr(item, name))
        object.__setattr__(copy, "id", new_id)
        made.append(copy)
    return made


_INSERT_RETURNING_IDS = {
    t.name: insert(t).returning(t.c.id, sort_by_parameter_order=True) for t in (sessions, series)
}
_INSERT_WITH_IDS = {t.name: insert(t) for t in (sessions, series)}
_MAX_ID = {t.name: select(func.coalesce(func.max(t.c.id), 0)) for t in (sessions, series)}


def insert_many(connection: Connection, table: Table, values: list[dict[str, Any]]) -> list[int]:
    """Insert ``values`` (a row each) in order and return their new ids: one statement.

    PostgreSQL: ``INSERT … RETURNING id`` sorted by parameter order.  SQLite cannot sort
    RETURNING rows that way (SQLAlchemy then sends one statement per row), so the ids are chosen
    here, ``max(id) + 1`` onwards as SQLite itself chooses them for an INTEGER PRIMARY KEY: every
    SQLite transaction of ours begins with ``BEGIN IMMEDIATE`` and holds the database's only
    write lock, so no other writer can take them in between.
    """
    if connection.dialect.name != "sqlite":
        result = connection.execute(_INSERT_RETURNING_IDS[table.name], values)
        return list(result.scalars().all())
    last = scalar(connection, _MAX_ID[table.name])
    new_ids = list(range(last + 1, last + 1 + len(values)))
    execute_many(
        connection,
        _INSERT_WITH_IDS[table.name],
        [{"id": i, **row} for i, row in zip(new_ids, values, strict=True)],
    )
    return new_ids
