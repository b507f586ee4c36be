"""Sessions and the series that plan them."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, bindparam, false, insert, or_, select, update
from sqlalchemy.engine import Connection

from bot.domain import Series, Session, SessionState
from bot.domain.session import ACTIVE_STATES
from storage.base import Repository, chunks, ids, insert_many, with_ids
from storage.rows import SERIES, SESSION
from storage.statements import execute, fetch, one, scalar
from storage.tables import series, sessions

_NEW = {"id"}
"""Left out of an insert's values: the database gives the id."""

# --- sessions -------------------------------------------------------------------------------

_GET_SESSION = select(sessions).where(sessions.c.id == bindparam("session_id"))
_ACTIVE_SESSION = (
    select(sessions)
    .where(
        sessions.c.group_id == bindparam("group_id"),
        # OR of equalities, not IN: an IN list is re-rendered at every execution.
        or_(*(sessions.c.state == state.value for state in sorted(ACTIVE_STATES))),
    )
    .order_by(sessions.c.id)
    .limit(1)
)
_ADD_SESSION = insert(sessions).returning(sessions.c.id)
_SESSIONS_BY_IDS = select(sessions).where(sessions.c.id.in_(ids()))
_MARK_PLANNED = update(sessions).where(sessions.c.id.in_(ids())).values(reminders_planned=True)
_UPDATE_SESSION = update(sessions).where(sessions.c.id == bindparam("b_id"))
_SCHEDULED = SessionState.SCHEDULED.value
_UPCOMING = (
    select(sessions)
    .where(
        sessions.c.group_id == bindparam("group_id"),
        or_(
            *(sessions.c.state == state.value for state in sorted(ACTIVE_STATES)),
            (sessions.c.state == _SCHEDULED) & (sessions.c.planned_start >= bindparam("after")),
        ),
    )
    .order_by((sessions.c.state == _SCHEDULED).asc(), sessions.c.planned_start, sessions.c.id)
    .limit(bindparam("limit", type_=Integer))
)
_UNPLANNED = (
    select(sessions)
    .where(
        sessions.c.state == _SCHEDULED,
        sessions.c.reminders_planned == false(),
        sessions.c.planned_start < bindparam("before"),
    )
    .order_by(sessions.c.planned_start, sessions.c.id)
    .limit(bindparam("limit", type_=Integer))
    .with_for_update(skip_locked=True)
)
_OF_SERIES = (
    select(sessions)
    .where(sessions.c.series_id == bindparam("series_id"))
    .order_by(sessions.c.planned_start, sessions.c.id)
)


def active_session(connection: Connection, group_id: int) -> Session | None:
    """The group's open or on-break session, if any."""
    return one(connection, _ACTIVE_SESSION, {"group_id": group_id}, SESSION)


def _get_session(connection: Connection, session_id: int) -> Session | None:
    return one(connection, _GET_SESSION, {"session_id": session_id}, SESSION)


def _sessions(
    connection: Connection, statement: Select[Any], parameters: dict[str, Any]
) -> list[Session]:
    return fetch(connection, statement, parameters, SESSION)


def _add_session(connection: Connection, session: Session) -> Session:
    return replace(
        session, id=scalar(connection, _ADD_SESSION, SESSION.values(session, without=_NEW))
    )


def _add_sessions(connection: Connection, items: Sequence[Session]) -> list[Session]:
    rows = [SESSION.values(s, without=_NEW) for s in items]
    return with_ids(items, insert_many(connection, sessions, rows))


def _update_session(connection: Connection, session: Session) -> None:
    values = SESSION.values(session, without=_NEW)
    execute(connection, _UPDATE_SESSION, {"b_id": session.id, **values})


def _sessions_by_ids(connection: Connection, session_ids: Collection[int]) -> dict[int, Session]:
    found: dict[int, Session] = {}
    for chunk in chunks(session_ids):
        found.update(
            (s.id, s) for s in fetch(connection, _SESSIONS_BY_IDS, {"ids": chunk}, SESSION)
        )
    return found


def _mark_planned(connection: Connection, session_ids: Collection[int]) -> None:
    for chunk in chunks(session_ids):
        execute(connection, _MARK_PLANNED, {"ids": chunk})


class SqlSessions(Repository):
    __slots__ = ()

    async def get(self, session_id: int) -> Session | None:
        return await self._tx.run(_get_session, session_id)

    async def active(self, group_id: int) -> Session | None:
        return await self._tx.run(active_session, group_id)

    async def add(self, session: Session) -> Session:
        return await self._tx.run(_add_session, session)

    async def add_many(self, sessions_: Sequence[Session]) -> list[Session]:
        if not sessions_:
            return []
        return await self._tx.run(_add_sessions, sessions_)

    async def update(self, session: Session) -> None:
        await self._tx.run(_update_session, session)

    async def get_many(self, session_ids: Collection[int]) -> Mapping[int, Session]:
        return await self._tx.run(_sessions_by_ids, session_ids)

    async def mark_planned(self, session_ids: Collection[int]) -> None:
        await self._tx.run(_mark_planned, session_ids)

    async def upcoming(self, group_id: int, after: datetime, limit: int) -> Sequence[Session]:
        parameters = {"group_id": group_id, "after": after, "limit": limit}
        return await self._tx.run(_sessions, _UPCOMING, parameters)

    async def unplanned(self, before: datetime, limit: int) -> Sequence[Session]:
        return await self._tx.run(_sessions, _UNPLANNED, {"before": before, "limit": limit})

    async def of_series(self, series_id: int) -> Sequence[Session]:
        return await self._tx.run(_sessions, _OF_SERIES, {"series_id": series_id})


# --- series ---------------------------------------------------------------------------------

_ADD_SERIES = insert(series).returning(series.c.id)
_SET_MATERIALIZED = (
    update(series).where(series.c.id.in_(ids())).values(materialized_until=bindparam("until"))
)
_GET_SERIES = select(series).where(series.c.id == bindparam("series_id"))
_UPDATE_SERIES = update(series).where(series.c.id == bindparam("b_id"))
_GROUP_SERIES = (
    select(series).where(series.c.group_id == bindparam("group_id")).order_by(series.c.id)
)
_SERIES_BEHIND = (
    select(series)
    .where(series.c.cancelled == false(), series.c.materialized_until < bindparam("until"))
    .order_by(series.c.materialized_until, series.c.id)
    .limit(bindparam("limit", type_=Integer))
    # Several processes extending the horizon at once each take other series.
    .with_for_update(skip_locked=True)
)


def _add_series(connection: Connection, item: Series) -> Series:
    return replace(item, id=scalar(connection, _ADD_SERIES, SERIES.values(item, without=_NEW)))


def _add_many_series(connection: Connection, items: Sequence[Series]) -> list[Series]:
    rows = [SERIES.values(s, without=_NEW) for s in items]
    return with_ids(items, insert_many(connection, series, rows))


def _get_series(connection: Connection, series_id: int) -> Series | None:
    return one(connection, _GET_SERIES, {"series_id": series_id}, SERIES)


def _update_series(connection: Connection, item: Series) -> None:
    execute(connection, _UPDATE_SERIES, {"b_id": item.id, **SERIES.values(item, without=_NEW)})


def _many_series(
    connection: Connection, statement: Select[Any], parameters: dict[str, Any]
) -> list[Series]:
    return fetch(connection, statement, parameters, SERIES)


def _set_materialized(connection: Connection, series_ids: Collection[int], until: datetime) -> None:
    for chunk in chunks(series_ids):
        execute(connection, _SET_MATERIALIZED, {"ids": chunk, "until": until})


class SqlSeries(Repository):
    __slots__ = ()

    async def add(self, item: Series) -> Series:
        return await self._tx.run(_add_series, item)

    async def get(self, series_id: int) -> Series | None:
        return await self._tx.run(_get_series, series_id)

    async def update(self, item: Series) -> None:
        await self._tx.run(_update_series, item)

    async def of_group(self, group_id: int) -> Sequence[Series]:
        return await self._tx.run(_many_series, _GROUP_SERIES, {"group_id": group_id})

    async def behind(self, until: datetime, limit: int) -> Sequence[Series]:
        return await self._tx.run(_many_series, _SERIES_BEHIND, {"until": until, "limit": limit})

    async def add_many(self, items: Sequence[Series]) -> list[Series]:
        if not items:
            return []
        return await self._tx.run(_add_many_series, items)

    async def set_materialized(self, series_ids: Collection[int], until: datetime) -> None:
        await self._tx.run(_set_materialized, series_ids, until)
