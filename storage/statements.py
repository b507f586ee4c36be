"""Running a SQLAlchemy Core statement: on SQLite straight on the ``sqlite3`` connection.

Through SQLAlchemy's execution a statement costs ~50 µs of Python besides SQLite's own ~10 µs
(the compiled-cache lookup, an execution context, parameter and result processing): a
``hand`` command makes seven.  On SQLite the repositories' statements are therefore compiled
once, with SQLAlchemy's public compiler, and run on the driver's connection (the one the
SQLAlchemy :class:`~sqlalchemy.engine.Connection` holds, in its transaction), converting every
value with its column type's own bind and result processors: the very conversions SQLAlchemy
applies.  A storage test compares both paths row for row.

- :func:`rows` returns the rows (as mappings keyed like SQLAlchemy's ``.mappings()``) of a
  SELECT or a statement with RETURNING; :func:`execute` returns how many rows changed;
  :func:`execute_many` runs one statement for many rows (one ``executemany``).
- The transaction is SQLAlchemy's: a statement first makes the connection begin (so the
  ``begin`` event sends ``BEGIN IMMEDIATE``); ``commit``/``rollback`` end it.
- Driver errors are raised as SQLAlchemy's (``IntegrityError``…), a value the type refuses as
  :class:`~sqlalchemy.exc.StatementError`, as SQLAlchemy does.
- Statements with an ``IN`` list bound at execution (``expanding``) and every statement on
  PostgreSQL go through SQLAlchemy's own execution.
- :func:`storage.database.Database.on_statement` listeners are told of every statement.

Only public APIs: ``ClauseElement.compile``, ``SQLCompiler.positiontup``/``binds``/``params``,
``exported_columns``, ``TypeEngine.dialect_impl``/``bind_processor``/``result_processor``, and
``PoolProxiedConnection.driver_connection``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol, TypeVar

from sqlalchemy import exc
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

Row = Mapping[str, Any]
T_co = TypeVar("T_co", covariant=True)
Processor = Callable[[Any], Any]
StatementListener = Callable[[str, Any], None]
LISTENERS = "cercle.statement_listeners"
"""Key of ``Connection.info`` holding the listeners of :meth:`Database.on_statement`."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """A statement compiled for SQLite, with the conversions of its parameters and results."""

    sql: str
    keys: tuple[str, ...]
    """Per position: the parameter's key, or "" for a constant of the statement."""
    processors: tuple[Processor | None, ...]
    """None where the driver takes the value as it is."""
    constants: tuple[Any, ...]
    """A constant's bound value; for a parameter, what its processor makes of None."""
    columns: tuple[tuple[str, Processor | None], ...]
    """The result's keys and their conversions."""
    readers: dict[int, Callable[[Sequence[Any]], Any]] = field(default_factory=dict)
    """Row readers of :func:`fetch`, by id of the entity's mapping."""

    def bind(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        bound: list[Any] = []
        for key, processor, constant in zip(
            self.keys, self.processors, self.constants, strict=True
        ):
            if not key or (value := values[key]) is None:
                bound.append(constant)
            elif processor is None:
                bound.append(value)
            else:
                bound.append(processor(value))
        return tuple(bound)

    def read(self, raw: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
        columns = self.columns
        return [
            {
                key: value if processor is None or value is None else processor(value)
                for (key, processor), value in zip(columns, row, strict=True)
            }
            for row in raw
        ]


_PREPARED: dict[tuple[int, str, tuple[str, ...]], tuple[Executable, Prepared | None]] = {}


def prepare(statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> Prepared | None:
    """``statement`` compiled for ``dialect`` with parameters ``keys`` (cached); None when it
    binds an ``IN`` list at execution."""
    cache_key = (id(statement), dialect.name, keys)
    cached = _PREPARED.get(cache_key)
    if cached is not None and cached[0] is statement:
        return cached[1]
    prepared = _compile(statement, dialect, keys)
    _PREPARED[cache_key] = (statement, prepared)
    return prepared


def _compile(statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> Prepared | None:
    assert isinstance(statement, ClauseElement)
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    assert isinstance(compiled, SQLCompiler)
    if compiled.positiontup is None:
        raise ValueError(f"{dialect.name} does not use positional parameters")
    if any(bind.expanding for bind in compiled.binds.values()):
        return None
    constants_of_statement = compiled.params
    names: list[str] = []
    processors: list[Processor | None] = []
    constants: list[Any] = []
    for name in compiled.positiontup:
        bind = compiled.binds.get(name)
        processor = None if bind is None else _bind_processor(bind.type, dialect)
        if name in keys:
            names.append(name)
            processors.append(processor)
            constants.append(None if processor is None else processor(None))
        else:  # a value written in the statement itself (a state compared with, LIMIT 1…)
            value = constants_of_statement[name]
            names.append("")
            processors.append(None)
            constants.append(value if processor is None or value is None else processor(value))
    exported = getattr(statement, "exported_columns", ())
    columns = tuple(
        (column.key, column.type.dialect_impl(dialect).result_processor(dialect, None))
        for column in exported
    )
    return Prepared(compiled.string, tuple(names), tuple(processors), tuple(constants), columns)


def _bind_processor(type_: Any, dialect: Dialect) -> Processor | None:
    processor: Processor | None = type_.dialect_impl(dialect).bind_processor(dialect)
    return processor


def driver_statement(connection: Connection, sql: str) -> None:
    """``sql`` (without parameters nor rows) on the driver's connection, outside SQLAlchemy's
    transaction bookkeeping (``BEGIN IMMEDIATE`` from the ``begin`` event)."""
    driver: sqlite3.Connection = connection.connection.driver_connection  # type: ignore[assignment]
    for listener in connection.info.get(LISTENERS, ()):
        listener(sql, ())
    try:
        driver.execute(sql).close()
    except sqlite3.Error as error:
        _raise(error, sql, ())


def _raise(error: Exception, sql: str, parameters: Any) -> NoReturn:
    """As SQLAlchemy raises: the DB-API's error wrapped in SQLAlchemy's class of that name."""
    if isinstance(error, sqlite3.Error):
        wrapper = getattr(exc, type(error).__name__, exc.DBAPIError)
        if not (isinstance(wrapper, type) and issubclass(wrapper, exc.DBAPIError)):
            wrapper = exc.DBAPIError
        raise wrapper(sql, parameters, error) from error
    raise exc.StatementError(f"({type(error).__name__}) {error}", sql, parameters, error)


def _on_driver(
    connection: Connection,
    statement: Executable,
    parameters: Sequence[Mapping[str, Any]],
    many: bool = False,
) -> tuple[Prepared | None, sqlite3.Cursor | None]:
    """Bind ``parameters`` (one row of them, or ``many``) and run the statement on the sqlite3
    connection, in the SQLAlchemy connection's transaction (begun if not yet); (None, None)
    when the statement must go through SQLAlchemy."""
    prepared = prepare(statement, connection.dialect, tuple(parameters[0]))
    if prepared is None:
        return None, None
    try:
        bound = [prepared.bind(row) for row in parameters]
    except (ValueError, TypeError) as error:
        _raise(error, prepared.sql, parameters)
    if not connection.in_transaction():
        connection.begin()
    driver: sqlite3.Connection = connection.connection.driver_connection  # type: ignore[assignment]
    sent: Any = bound if many else bound[0]
    for listener in connection.info.get(LISTENERS, ()):
        listener(prepared.sql, sent)
    try:
        if many:
            return prepared, driver.executemany(prepared.sql, bound)
        return prepared, driver.execute(prepared.sql, sent)
    except sqlite3.Error as error:
        _raise(error, prepared.sql, sent)


def rows(
    connection: Connection, statement: Executable, parameters: Mapping[str, Any] | None = None
) -> list[Row]:
    """Every row of a SELECT, or of a statement with RETURNING."""
    if connection.dialect.name == "sqlite":
        prepared, cursor = _on_driver(connection, statement, [parameters or {}])
        if prepared is not None and cursor is not None:
            try:
                return prepared.read(cursor.fetchall())  # type: ignore[return-value]
            finally:
                cursor.close()
    found: list[Row] = [*connection.execute(statement, parameters).mappings()]
    return found


class Entity(Protocol[T_co]):
    """How rows become values (a :class:`storage.rows.RowMap`)."""

    def load(self, row: Mapping[Any, Any]) -> T_co: ...

    def reader(
        self, columns: Sequence[tuple[str, Processor | None]]
    ) -> Callable[[Sequence[Any]], T_co]: ...


def fetch(
    connection: Connection,
    statement: Executable,
    parameters: Mapping[str, Any] | None,
    entity: Entity[T_co],
) -> list[T_co]:
    """The rows of a SELECT (or a statement with RETURNING) that selects ``entity``'s columns,
    as values: on SQLite, read from the driver's rows in one step."""
    if connection.dialect.name == "sqlite":
        prepared, cursor = _on_driver(connection, statement, [parameters or {}])
        if prepared is not None and cursor is not None:
            try:
                raw = cursor.fetchall()
            finally:
                cursor.close()
            read = prepared.readers.get(id(entity))
            if read is None:
                read = prepared.readers[id(entity)] = entity.reader(prepared.columns)
            return [read(row) for row in raw]
    return [entity.load(row) for row in connection.execute(statement, parameters).mappings()]


def one(
    connection: Connection,
    statement: Executable,
    parameters: Mapping[str, Any] | None,
    entity: Entity[T_co],
) -> T_co | None:
    """The first row of :func:`fetch`, or None."""
    found = fetch(connection, statement, parameters, entity)
    return found[0] if found else None


def scalar(
    connection: Connection, statement: Executable, parameters: Mapping[str, Any] | None = None
) -> Any:
    """The first column of the first row, or None without rows."""
    found = rows(connection, statement, parameters)
    return next(iter(found[0].values())) if found else None


def execute(
    connection: Connection, statement: Executable, parameters: Mapping[str, Any] | None = None
) -> int:
    """A statement without rows; how many rows it changed."""
    if connection.dialect.name == "sqlite":
        _, cursor = _on_driver(connection, statement, [parameters or {}])
        if cursor is not None:
            try:
                return cursor.rowcount
            finally:
                cursor.close()
    return connection.execute(statement, parameters).rowcount


def execute_many(
    connection: Connection, statement: Executable, parameters: Sequence[Mapping[str, Any]]
) -> None:
    """``statement`` (without RETURNING) once per row of parameters (every row has the keys of
    the first one), in one ``executemany``.

    SQLAlchemy's own ``executemany`` binds every row through the compiled statement's generic
    machinery (~20 µs a row, when sqlite3 itself inserts a row of the outbox in ~5 µs)."""
    if not parameters:
        return
    if connection.dialect.name == "sqlite":
        _, cursor = _on_driver(connection, statement, parameters, many=True)
        if cursor is not None:
            cursor.close()
            return
    connection.execute(statement, list(parameters))
