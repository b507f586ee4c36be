"""Members' answers to ``rsvp`` (who comes to a session), private to them and the moderators."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.domain import Attendance
from storage.base import Repository, chunks, ids, upserts
from storage.rows import ATTENDANCE
from storage.statements import execute, fetch
from storage.tables import attendance

_ORDER = (attendance.c.session_id, attendance.c.answered_at, attendance.c.user_id)
_OF_SESSION = (
    select(attendance).where(attendance.c.session_id == bindparam("session_id")).order_by(*_ORDER)
)
_OF_SESSIONS = select(attendance).where(attendance.c.session_id.in_(ids())).order_by(*_ORDER)
_CLEAR = delete(attendance).where(attendance.c.session_id == bindparam("session_id"))


def _upsert(stmt: postgresql.Insert | sqlite.Insert) -> postgresql.Insert | sqlite.Insert:
    kept = [name for name in ATTENDANCE.fields if name not in ("session_id", "user_id")]
    return stmt.on_conflict_do_update(
        index_elements=[attendance.c.session_id, attendance.c.user_id],
        set_={name: stmt.excluded[name] for name in kept},
    )


_SAVE = {name: _upsert(stmt) for name, stmt in upserts(attendance).items()}


def _of_session(connection: Connection, session_id: int) -> list[Attendance]:
    return fetch(connection, _OF_SESSION, {"session_id": session_id}, ATTENDANCE)


def _of_sessions(
    connection: Connection, session_ids: Collection[int]
) -> dict[int, list[Attendance]]:
    found: dict[int, list[Attendance]] = {}
    for chunk in chunks(session_ids):
        for item in fetch(connection, _OF_SESSIONS, {"ids": chunk}, ATTENDANCE):
            found.setdefault(item.session_id, []).append(item)
    return found


def _save(connection: Connection, item: Attendance) -> None:
    execute(connection, _SAVE[connection.dialect.name], ATTENDANCE.values(item))


def _clear(connection: Connection, session_id: int) -> None:
    execute(connection, _CLEAR, {"session_id": session_id})


class SqlAttendance(Repository):
    __slots__ = ()

    async def of_session(self, session_id: int) -> Sequence[Attendance]:
        return await self._tx.run(_of_session, session_id)

    async def of_sessions(self, session_ids: Collection[int]) -> Mapping[int, Sequence[Attendance]]:
        return await self._tx.run(_of_sessions, session_ids)

    async def save(self, attendance: Attendance) -> None:
        await self._tx.run(_save, attendance)

    async def clear(self, session_id: int) -> None:
        await self._tx.run(_clear, session_id)
