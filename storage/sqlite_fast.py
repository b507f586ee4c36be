"""The statements every stick command makes, run straight on SQLite's driver connection.

Through SQLAlchemy a statement costs ~0.25 ms of Python besides SQLite's own work (a greenlet
switch, the compiled-cache lookup, parameter and result processing): more than half of a
``hand`` command.  On SQLite the unit of work uses the repositories below, which run the hot
statements themselves on the sqlite3 connection, on aiosqlite's worker thread, in the unit of
work's own transaction.  Everything else (and everything on PostgreSQL) stays on SQLAlchemy.

- The SQL is compiled once from the very SQLAlchemy Core statements of
  :mod:`storage.repositories` (on the tables of :mod:`storage.tables`): the schema and the
  queries live in one place, and the text sent is the text SQLAlchemy sends.
- Values are converted by hand exactly as SQLAlchemy's types do on SQLite: instants as naive
  UTC text ``YYYY-MM-DD HH:MM:SS.ffffff`` (naive datetimes refused), JSON through
  ``json.dumps``, booleans as 0/1.  A storage test compares both conversions.
- The transaction is SQLAlchemy's: a statement first makes the connection begin (so
  ``BEGIN IMMEDIATE`` still travels with the first statement), and ``commit``/``rollback`` of
  the unit of work end it as before.
- Several reads whose parameters follow from each other run in one trip to the worker thread
  (:meth:`FastGroups.get_with_member`, :meth:`FastSticks.of_active_session`), and writes
  whose outcome nobody reads (stick, speaking turn, member) travel with the next trip, often
  COMMIT: a ``hand`` command makes three trips where it made seven.  A deferred write's error
  is raised by that next trip (in the same transaction, which is then dropped whole).
- SQLAlchemy's ``before_cursor_execute`` listeners are still told of every statement, in the
  order they run (with ``cursor`` and ``context`` None; reads once their trip is back), and
  driver errors are raised as SQLAlchemy's exceptions (``IntegrityError``…).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, func, literal_column, select
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

from bot.domain import (
    AccompanyingPolicy,
    Group,
    Member,
    Need,
    Role,
    Session,
    SessionState,
    SpeakingTurn,
    Stick,
)
from bot.ports import ActiveStick
from storage import repositories as sql
from storage.repositories import (
    ConnectionSource,
    SqlGroups,
    SqlHandledEvents,
    SqlMembers,
    SqlSessions,
    SqlSticks,
)
from storage.sqlite_driver import PrefetchingConnection
from storage.tables import groups, members, sessions, sticks

_T = TypeVar("_T")
_DIALECT = SQLiteDialect_aiosqlite()
_Trace = list[tuple[str, tuple[Any, ...]]]


class _Sql:
    """One statement compiled for SQLite, with its positional parameters in order."""

    __slots__ = ("_constants", "_names", "text")

    def __init__(self, statement: ClauseElement, column_keys: Sequence[str] | None = None) -> None:
        compiled = statement.compile(
            dialect=_DIALECT, column_keys=list(column_keys) if column_keys else None
        )
        assert isinstance(compiled, SQLCompiler)
        self.text = str(compiled)
        self._names = tuple(compiled.positiontup or ())
        # Values the statement carries itself (states compared with, LIMIT 1…).
        self._constants = {
            name: value
            for name, value in compiled.params.items()
            if name not in (column_keys or ())
        }

    def bind(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        constants = self._constants
        return tuple(values[n] if n in values else constants[n] for n in self._names)


def _columns(table: Table, *names: str) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """Picks ``names`` out of a ``SELECT table.*`` row, by the table's column order."""
    keys = list(table.c.keys())
    return itemgetter(*(keys.index(name) for name in names))


# --- values, as SQLAlchemy's types store them on SQLite ----------------------------------


def _instant_out(value: datetime | None) -> str | None:
    """:class:`storage.coltypes.UTCDateTime` then SQLAlchemy's SQLite ``DATETIME``."""
    if value is None:
        return None
    if value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: storage needs timezone-aware values")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _instant_in(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _maybe_instant_in(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)


def _json_out(value: object) -> str:
    return json.dumps(value)


def _bool_in(value: int | None) -> bool:
    return bool(value)


# --- running statements on the worker thread ---------------------------------------------


def _rows(
    connection: sqlite3.Connection, trace: _Trace | None, sql: str, parameters: tuple[Any, ...]
) -> list[Any]:
    """On the worker thread: one statement, every row."""
    if trace is not None:
        trace.append((sql, parameters))
    try:
        cursor = connection.execute(sql, parameters)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()
    except sqlite3.Error as error:
        raise DBAPIError.instance(sql, parameters, error, sqlite3.Error) from error


def _driver(connection: AsyncConnection) -> tuple[Connection, PrefetchingConnection]:
    sync = connection.sync_connection
    assert sync is not None
    driver = sync.connection.driver_connection
    assert isinstance(driver, PrefetchingConnection)
    return sync, driver


async def _defer(uow: ConnectionSource, sql_text: str, parameters: tuple[Any, ...]) -> None:
    """A write whose outcome the caller does not read: it travels with the next trip."""
    connection = uow.connection
    if not connection.in_transaction():
        await connection.begin()
    sync, driver = _driver(connection)
    driver.defer(sql_text, parameters)
    for listener in sync.dispatch.before_cursor_execute:
        listener(sync, None, sql_text, parameters, None, False)


async def _run(uow: ConnectionSource, work: Callable[..., _T], *args: Any) -> _T:
    """``work(sqlite3_connection, trace, *args)`` in one trip, inside the unit of work's
    transaction (begun through SQLAlchemy if it is not yet)."""
    connection = uow.connection
    if not connection.in_transaction():
        await connection.begin()
    sync, driver = _driver(connection)
    listeners = sync.dispatch.before_cursor_execute
    trace: _Trace | None = [] if listeners else None

    def trip(sqlite: sqlite3.Connection) -> _T:
        return work(sqlite, *args, trace=trace)

    try:
        return await driver.call(trip)
    except sqlite3.Error as error:  # BEGIN or a deferred write (the others raise DBAPIError)
        raise DBAPIError.instance(None, None, error, sqlite3.Error) from error
    finally:
        for statement, parameters in trace or ():
            for listener in listeners:
                listener(sync, None, statement, parameters, None, False)


# --- groups and members -------------------------------------------------------------------

_GROUP_BY_ROOM = _Sql(sql._GROUP_BY_ROOM)
_GROUP_ROW = _columns(
    groups,
    "id",
    "platform",
    "room_id",
    "name",
    "need",
    "language",
    "timezone",
    "charter",
    "accompanying",
    "reminder_leads",
    "session_minutes",
    "break_minutes",
    "first_speakers_first",
    "charter_required",
    "listed",
    "created_at",
    "country",
    "region",
)


def _group(row: Sequence[Any]) -> Group:
    (
        id_,
        platform,
        room_id,
        name,
        need,
        language,
        timezone,
        charter,
        accompanying,
        leads,
        session_minutes,
        break_minutes,
        first_speakers_first,
        charter_required,
        listed,
        created_at,
        country,
        region,
    ) = _GROUP_ROW(row)
    return Group(
        id=id_,
        platform=platform,
        room_id=room_id,
        name=name,
        need=Need(need),
        language=language,
        timezone=timezone,
        charter=charter,
        accompanying=AccompanyingPolicy(accompanying),
        reminder_leads=tuple(json.loads(leads)),
        session_minutes=session_minutes,
        break_minutes=break_minutes,
        first_speakers_first=_bool_in(first_speakers_first),
        charter_required=_bool_in(charter_required),
        listed=_bool_in(listed),
        created_at=_instant_in(created_at),
        country=country,
        region=region,
    )


_MEMBER_FIELDS = (
    "group_id",
    "user_id",
    "display_name",
    "role",
    "is_moderator",
    "charter_accepted_at",
    "dm_reminders",
    "journal_prompt",
    "accompanying_requested_at",
    "language",
    "joined_at",
    "last_seen_at",
)
_MEMBER_ROW = _columns(members, *_MEMBER_FIELDS)
_GET_MEMBER = _Sql(sql._GET_MEMBER)
_UPDATE_MEMBER = _Sql(sql._UPDATE_MEMBER, ["b_group_id", "b_user_id", *_MEMBER_FIELDS[2:]])
# Only the members asked for, in one statement whatever their number: a JSON array of ids.
_SOME_MEMBERS = _Sql(
    select(members)
    .where(
        members.c.group_id == bindparam("group_id"),
        members.c.user_id.in_(
            select(literal_column("value")).select_from(func.json_each(bindparam("user_ids")))
        ),
    )
    .order_by(members.c.joined_at, members.c.user_id)
)


def _member(row: Sequence[Any]) -> Member:
    (
        group_id,
        user_id,
        display_name,
        role,
        is_moderator,
        charter_accepted_at,
        dm_reminders,
        journal_prompt,
        accompanying_requested_at,
        language,
        joined_at,
        last_seen_at,
    ) = _MEMBER_ROW(row)
    return Member(
        group_id=group_id,
        user_id=user_id,
        display_name=display_name,
        role=Role(role),
        is_moderator=_bool_in(is_moderator),
        charter_accepted_at=_maybe_instant_in(charter_accepted_at),
        dm_reminders=_bool_in(dm_reminders),
        journal_prompt=_bool_in(journal_prompt),
        accompanying_requested_at=_maybe_instant_in(accompanying_requested_at),
        language=language,
        joined_at=_instant_in(joined_at),
        last_seen_at=_instant_in(last_seen_at),
    )


def _group_and_member(
    connection: sqlite3.Connection,
    platform: str,
    room_id: str,
    user_id: str,
    *,
    trace: _Trace | None,
) -> tuple[Group | None, Member | None]:
    found = _rows(
        connection,
        trace,
        _GROUP_BY_ROOM.text,
        _GROUP_BY_ROOM.bind({"platform": platform, "room_id": room_id}),
    )
    if not found:
        return None, None
    group = _group(found[0])
    return group, _get_member(connection, group.id, user_id, trace=trace)


def _get_member(
    connection: sqlite3.Connection, group_id: int, user_id: str, *, trace: _Trace | None
) -> Member | None:
    found = _rows(
        connection,
        trace,
        _GET_MEMBER.text,
        _GET_MEMBER.bind({"group_id": group_id, "user_id": user_id}),
    )
    return _member(found[0]) if found else None


def _statement(
    connection: sqlite3.Connection,
    sql_text: str,
    parameters: tuple[Any, ...],
    *,
    trace: _Trace | None,
) -> list[Any]:
    return _rows(connection, trace, sql_text, parameters)


_RECORD_EVENT = _Sql(sql._RECORD_EVENT["sqlite"], ["platform", "event_id", "handled_at"])


class FastHandledEvents(SqlHandledEvents):
    __slots__ = ()

    async def first_time(self, platform: str, event_id: str, at: datetime) -> bool:
        rows = await _run(
            self._uow,
            _statement,
            _RECORD_EVENT.text,
            _RECORD_EVENT.bind(
                {"platform": platform, "event_id": event_id, "handled_at": _instant_out(at)}
            ),
        )
        return bool(rows)


class FastGroups(SqlGroups):
    __slots__ = ()

    async def get(self, platform: str, room_id: str, *, for_update: bool = False) -> Group | None:
        # FOR UPDATE means nothing on SQLite: the transaction began with the write lock.
        rows = await _run(
            self._uow,
            _statement,
            _GROUP_BY_ROOM.text,
            _GROUP_BY_ROOM.bind({"platform": platform, "room_id": room_id}),
        )
        return _group(rows[0]) if rows else None

    async def get_with_member(
        self, platform: str, room_id: str, user_id: str, *, for_update: bool = False
    ) -> tuple[Group | None, Member | None]:
        return await _run(self._uow, _group_and_member, platform, room_id, user_id)


class FastMembers(SqlMembers):
    __slots__ = ()

    async def get(self, group_id: int, user_id: str) -> Member | None:
        return await _run(self._uow, _get_member, group_id, user_id)

    async def update(self, member: Member) -> None:
        await _defer(
            self._uow,
            _UPDATE_MEMBER.text,
            _UPDATE_MEMBER.bind(
                {
                    "b_group_id": member.group_id,
                    "b_user_id": member.user_id,
                    "display_name": member.display_name,
                    "role": member.role.value,
                    "is_moderator": member.is_moderator,
                    "charter_accepted_at": _instant_out(member.charter_accepted_at),
                    "dm_reminders": member.dm_reminders,
                    "journal_prompt": member.journal_prompt,
                    "accompanying_requested_at": _instant_out(member.accompanying_requested_at),
                    "language": member.language,
                    "joined_at": _instant_out(member.joined_at),
                    "last_seen_at": _instant_out(member.last_seen_at),
                }
            ),
        )

    async def get_many(self, group_id: int, user_ids: Collection[str]) -> Sequence[Member]:
        if not user_ids:
            return []
        return await _run(self._uow, _some_members, group_id, user_ids)


# --- sessions and sticks ------------------------------------------------------------------

_ACTIVE_SESSION = _Sql(sql._ACTIVE_SESSION)
_SESSION_ROW = _columns(
    sessions,
    "id",
    "group_id",
    "state",
    "planned_start",
    "planned_minutes",
    "title",
    "theme",
    "series_id",
    "opened_at",
    "closed_at",
    "break_ends_at",
    "reminders_planned",
)
_GET_STICK = _Sql(sql._GET_STICK)
_STICK_ROW = _columns(sticks, "session_id", "holder", "holder_since", "queue", "turn_minutes")
_STICK_FIELDS = ("session_id", "holder", "holder_since", "queue", "turn_minutes")
_SAVE_STICK = _Sql(sql._SAVE_STICK["sqlite"], _STICK_FIELDS)
_TURN_FIELDS = ("session_id", "user_id", "started_at", "ended_at")
_ADD_TURN = _Sql(sql._ADD_TURN, _TURN_FIELDS)


def _session(row: Sequence[Any]) -> Session:
    (
        id_,
        group_id,
        state,
        planned_start,
        planned_minutes,
        title,
        theme,
        series_id,
        opened_at,
        closed_at,
        break_ends_at,
        reminders_planned,
    ) = _SESSION_ROW(row)
    return Session(
        id=id_,
        group_id=group_id,
        state=SessionState(state),
        planned_start=_instant_in(planned_start),
        planned_minutes=planned_minutes,
        title=title,
        theme=theme,
        series_id=series_id,
        opened_at=_maybe_instant_in(opened_at),
        closed_at=_maybe_instant_in(closed_at),
        break_ends_at=_maybe_instant_in(break_ends_at),
        reminders_planned=_bool_in(reminders_planned),
    )


def _active_session(
    connection: sqlite3.Connection, group_id: int, *, trace: _Trace | None
) -> Session | None:
    found = _rows(
        connection, trace, _ACTIVE_SESSION.text, _ACTIVE_SESSION.bind({"group_id": group_id})
    )
    return _session(found[0]) if found else None


def _get_stick(
    connection: sqlite3.Connection, session_id: int, *, trace: _Trace | None
) -> Stick | None:
    rows = _rows(connection, trace, _GET_STICK.text, _GET_STICK.bind({"session_id": session_id}))
    if not rows:
        return None
    spoken_at = len(sticks.c)  # the speaker follows the stick's columns
    spoken = {row[spoken_at] for row in rows if row[spoken_at] is not None}
    session_id_, holder, holder_since, queue, turn_minutes = _STICK_ROW(rows[0])
    if holder is not None:
        spoken.add(holder)
    return Stick(
        session_id=session_id_,
        holder=holder,
        holder_since=_maybe_instant_in(holder_since),
        queue=tuple(json.loads(queue)),
        turn_minutes=turn_minutes,
        spoken=frozenset(spoken),
    )


def _some_members(
    connection: sqlite3.Connection,
    group_id: int,
    user_ids: Collection[str],
    *,
    trace: _Trace | None,
) -> list[Member]:
    if not user_ids:
        return []
    values = {"group_id": group_id, "user_ids": json.dumps(list(user_ids))}
    rows = _rows(connection, trace, _SOME_MEMBERS.text, _SOME_MEMBERS.bind(values))
    return [_member(row) for row in rows]


def _active_stick(
    connection: sqlite3.Connection, group_id: int, *, trace: _Trace | None
) -> ActiveStick | None:
    session = _active_session(connection, group_id, trace=trace)
    if session is None:
        return None
    stick = _get_stick(connection, session.id, trace=trace)
    named = () if stick is None else stick.in_line
    return ActiveStick(session, stick, _some_members(connection, group_id, named, trace=trace))


class FastSessions(SqlSessions):
    __slots__ = ()

    async def active(self, group_id: int) -> Session | None:
        return await _run(self._uow, _active_session, group_id)


class FastSticks(SqlSticks):
    __slots__ = ()

    async def get(self, session_id: int) -> Stick | None:
        return await _run(self._uow, _get_stick, session_id)

    async def of_active_session(self, group_id: int) -> ActiveStick | None:
        return await _run(self._uow, _active_stick, group_id)

    async def save(self, stick: Stick) -> None:
        await _defer(
            self._uow,
            _SAVE_STICK.text,
            _SAVE_STICK.bind(
                {
                    "session_id": stick.session_id,
                    "holder": stick.holder,
                    "holder_since": _instant_out(stick.holder_since),
                    "queue": _json_out(list(stick.queue)),
                    "turn_minutes": stick.turn_minutes,
                }
            ),
        )

    async def add_turn(self, turn: SpeakingTurn) -> None:
        await _defer(
            self._uow,
            _ADD_TURN.text,
            _ADD_TURN.bind(
                {
                    "session_id": turn.session_id,
                    "user_id": turn.user_id,
                    "started_at": _instant_out(turn.started_at),
                    "ended_at": _instant_out(turn.ended_at),
                }
            ),
        )
