"""What adapters keep: events already handled, and their own small state."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.engine import Connection

from storage.base import Repository, upserts
from storage.statements import execute, rows, scalar
from storage.tables import handled_events, platform_state

# --- events already handled -----------------------------------------------------------------

_RECORD_EVENT = {
    name: stmt.on_conflict_do_nothing(
        index_elements=[handled_events.c.platform, handled_events.c.event_id]
    ).returning(handled_events.c.event_id)
    for name, stmt in upserts(handled_events).items()
}
_FORGET_EVENTS = delete(handled_events).where(handled_events.c.handled_at < bindparam("before"))


def _first_time(connection: Connection, platform: str, event_id: str, at: datetime) -> bool:
    statement = _RECORD_EVENT[connection.dialect.name]
    values = {"platform": platform, "event_id": event_id, "handled_at": at}
    return scalar(connection, statement, values) is not None


def _forget_before(connection: Connection, before: datetime) -> None:
    execute(connection, _FORGET_EVENTS, {"before": before})


class SqlHandledEvents(Repository):
    __slots__ = ()

    async def first_time(self, platform: str, event_id: str, at: datetime) -> bool:
        return await self._tx.run(_first_time, platform, event_id, at)

    async def forget_before(self, before: datetime) -> None:
        await self._tx.run(_forget_before, before)


# --- adapters' own state --------------------------------------------------------------------

_GET_STATE = select(platform_state.c.value).where(
    platform_state.c.platform == bindparam("platform"), platform_state.c.key == bindparam("key")
)
_PUT_STATE = {
    name: stmt.on_conflict_do_update(
        index_elements=[platform_state.c.platform, platform_state.c.key],
        set_={"value": stmt.excluded.value},
    )
    for name, stmt in upserts(platform_state).items()
}
_DELETE_STATE = delete(platform_state).where(
    platform_state.c.platform == bindparam("platform"), platform_state.c.key == bindparam("key")
)
_STATE_WITH_PREFIX = (
    select(platform_state.c.key, platform_state.c.value)
    .where(
        platform_state.c.platform == bindparam("platform"),
        # Not LIKE: a prefix may hold "_" or "%".
        func.substr(platform_state.c.key, 1, func.length(bindparam("prefix")))
        == bindparam("prefix"),
    )
    .order_by(platform_state.c.key)
)


def _get_state(connection: Connection, platform: str, key: str) -> str | None:
    value: str | None = scalar(connection, _GET_STATE, {"platform": platform, "key": key})
    return value


def _put_state(connection: Connection, platform: str, key: str, value: str) -> None:
    statement = _PUT_STATE[connection.dialect.name]
    execute(connection, statement, {"platform": platform, "key": key, "value": value})


def _delete_state(connection: Connection, platform: str, key: str) -> None:
    execute(connection, _DELETE_STATE, {"platform": platform, "key": key})


def _with_prefix(connection: Connection, platform: str, prefix: str) -> dict[str, str]:
    found = rows(connection, _STATE_WITH_PREFIX, {"platform": platform, "prefix": prefix})
    return {row["key"]: row["value"] for row in found}


class SqlPlatformState(Repository):
    __slots__ = ()

    async def get(self, platform: str, key: str) -> str | None:
        return await self._tx.run(_get_state, platform, key)

    async def put(self, platform: str, key: str, value: str) -> None:
        await self._tx.run(_put_state, platform, key, value)

    async def delete(self, platform: str, key: str) -> None:
        await self._tx.run(_delete_state, platform, key)

    async def with_prefix(self, platform: str, prefix: str) -> Mapping[str, str]:
        return await self._tx.run(_with_prefix, platform, prefix)
