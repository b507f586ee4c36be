"""One repository per port of :mod:`bot.ports`, on the connection of a :class:`SqlUnitOfWork`.

Every method is one statement (one round trip).  Statements are built once at import time
with named parameters, so a call only binds values; SQLAlchemy caches their compiled form.
Inserts that may collide use ``INSERT … ON CONFLICT DO NOTHING RETURNING`` rather than catching
an integrity error, because on PostgreSQL a failed statement aborts the whole transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import (
    Integer,
    Table,
    bindparam,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain import (
    AccompanyingPolicy,
    Group,
    Job,
    JobKind,
    JobState,
    Member,
    Need,
    PauseRequest,
    Role,
    Series,
    Session,
    SessionState,
    SpeakingTurn,
    Stick,
)
from bot.domain.session import ACTIVE_STATES
from bot.ports import ActiveStick
from storage.bulk import execute_many
from storage.coltypes import UTCDateTime
from storage.tables import (
    groups,
    handled_events,
    jobs,
    members,
    pause_requests,
    platform_state,
    series,
    sessions,
    speaking_turns,
    sticks,
)


class ConnectionSource(Protocol):
    """What a repository needs from its unit of work."""

    @property
    def connection(self) -> AsyncConnection: ...

    @property
    def dialect(self) -> str: ...


class _Repository:
    __slots__ = ("_uow",)

    def __init__(self, uow: ConnectionSource) -> None:
        self._uow = uow


def _by_dialect(table: Table) -> dict[str, postgresql.Insert | sqlite.Insert]:
    """The INSERT … ON CONFLICT constructs of both databases (picked per unit of work)."""
    return {"postgresql": postgresql.insert(table), "sqlite": sqlite.insert(table)}


# --- set-based helpers (scheduling at scale) ----------------------------------------------

IN_CHUNK = 1000
"""Ids per ``IN (…)`` list: far below SQLite's and asyncpg's limits on bound parameters."""


def _chunks(values: Collection[Any]) -> Iterator[list[Any]]:
    """The distinct values, sorted, in lists of at most :data:`IN_CHUNK`."""
    distinct = sorted(set(values))
    for start in range(0, len(distinct), IN_CHUNK):
        yield distinct[start : start + IN_CHUNK]


def _ids() -> Any:
    """An ``IN`` list bound at execution (``{"ids": [...]}``)."""
    return bindparam("ids", expanding=True)


_Row = TypeVar("_Row", Session, Series)


def _with_ids(items: Sequence[_Row], ids: Sequence[int]) -> list[_Row]:
    """``[replace(item, id=i) …]`` without running each dataclass's ``__init__`` again (half the
    time, for the thousands of occurrences a batch of series adds)."""
    made: list[_Row] = []
    for item, new_id in zip(items, ids, strict=True):
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


async def _insert_many(
    uow: ConnectionSource, table: Table, rows: list[dict[str, Any]]
) -> list[int]:
    """Insert ``rows`` in order and return their new ids: one statement for all the rows.

    PostgreSQL: ``INSERT … RETURNING id`` sorted by parameter order.  SQLite cannot sort
    RETURNING rows that way (SQLAlchemy then sends one statement per row), so the ids are chosen
    here, ``max(id) + 1`` onwards as SQLite itself chooses them for an INTEGER PRIMARY KEY: every
    SQLite transaction of ours begins with ``BEGIN IMMEDIATE`` and holds the database's only
    write lock, so no other writer can take them in between.
    """
    if uow.dialect != "sqlite":
        result = await uow.connection.execute(_INSERT_RETURNING_IDS[table.name], rows)
        return list(result.scalars().all())
    last = (await uow.connection.execute(_MAX_ID[table.name])).scalar_one()
    ids = list(range(last + 1, last + 1 + len(rows)))
    await execute_many(
        uow.connection,
        _INSERT_WITH_IDS[table.name],
        [{"id": i, **row} for i, row in zip(ids, rows, strict=True)],
    )
    return ids


# --- groups -------------------------------------------------------------------------------


def _group(row: Mapping[Any, Any]) -> Group:
    return Group(
        id=row["id"],
        platform=row["platform"],
        room_id=row["room_id"],
        name=row["name"],
        need=Need(row["need"]),
        language=row["language"],
        timezone=row["timezone"],
        charter=row["charter"],
        accompanying=AccompanyingPolicy(row["accompanying"]),
        reminder_leads=tuple(row["reminder_leads"]),
        session_minutes=row["session_minutes"],
        break_minutes=row["break_minutes"],
        first_speakers_first=row["first_speakers_first"],
        charter_required=row["charter_required"],
        listed=row["listed"],
        created_at=row["created_at"],
        country=row["country"],
        region=row["region"],
    )


def _group_values(group: Group) -> dict[str, Any]:
    return {
        "platform": group.platform,
        "room_id": group.room_id,
        "name": group.name,
        "need": group.need.value,
        "language": group.language,
        "timezone": group.timezone,
        "charter": group.charter,
        "accompanying": group.accompanying.value,
        "reminder_leads": list(group.reminder_leads),
        "session_minutes": group.session_minutes,
        "break_minutes": group.break_minutes,
        "first_speakers_first": group.first_speakers_first,
        "charter_required": group.charter_required,
        "listed": group.listed,
        "created_at": group.created_at,
        "country": group.country,
        "region": group.region,
    }


_GROUP_BY_ROOM = select(groups).where(
    groups.c.platform == bindparam("platform"), groups.c.room_id == bindparam("room_id")
)
# FOR UPDATE on PostgreSQL; SQLite ignores it (its transactions already start with the write lock).
_GROUP_BY_ROOM_FOR_UPDATE = _GROUP_BY_ROOM.with_for_update()
_ADD_GROUP = {
    name: stmt.on_conflict_do_nothing(
        index_elements=[groups.c.platform, groups.c.room_id]
    ).returning(groups.c.id)
    for name, stmt in _by_dialect(groups).items()
}
_UPDATE_GROUP = update(groups).where(groups.c.id == bindparam("b_id"))
_LISTED_GROUPS = (
    select(groups)
    .where(groups.c.platform == bindparam("platform"), groups.c.listed == true())
    .order_by(func.lower(groups.c.name), groups.c.id)
)
_GROUPS_BY_IDS = select(groups).where(groups.c.id.in_(_ids()))


class SqlGroups(_Repository):
    __slots__ = ()

    async def get(self, platform: str, room_id: str, *, for_update: bool = False) -> Group | None:
        stmt = _GROUP_BY_ROOM_FOR_UPDATE if for_update else _GROUP_BY_ROOM
        result = await self._uow.connection.execute(
            stmt, {"platform": platform, "room_id": room_id}
        )
        row = result.mappings().first()
        return None if row is None else _group(row)

    async def get_with_member(
        self, platform: str, room_id: str, user_id: str, *, for_update: bool = False
    ) -> tuple[Group | None, Member | None]:
        group = await self.get(platform, room_id, for_update=for_update)
        if group is None:
            return None, None
        return group, await SqlMembers(self._uow).get(group.id, user_id)

    async def add(self, group: Group) -> Group:
        result = await self._uow.connection.execute(
            _ADD_GROUP[self._uow.dialect], _group_values(group)
        )
        new_id = result.scalar()
        if new_id is None:
            raise ValueError("a group already exists for this room")
        return replace(group, id=new_id)

    async def update(self, group: Group) -> None:
        await self._uow.connection.execute(
            _UPDATE_GROUP, {"b_id": group.id, **_group_values(group)}
        )

    async def listed(self, platform: str) -> Sequence[Group]:
        result = await self._uow.connection.execute(_LISTED_GROUPS, {"platform": platform})
        return [_group(row) for row in result.mappings()]

    async def get_many(self, group_ids: Collection[int]) -> Mapping[int, Group]:
        found: dict[int, Group] = {}
        for chunk in _chunks(group_ids):
            result = await self._uow.connection.execute(_GROUPS_BY_IDS, {"ids": chunk})
            found.update((row["id"], _group(row)) for row in result.mappings())
        return found


# --- members ------------------------------------------------------------------------------


def _member(row: Mapping[Any, Any]) -> Member:
    return Member(
        group_id=row["group_id"],
        user_id=row["user_id"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        is_moderator=row["is_moderator"],
        charter_accepted_at=row["charter_accepted_at"],
        dm_reminders=row["dm_reminders"],
        journal_prompt=row["journal_prompt"],
        accompanying_requested_at=row["accompanying_requested_at"],
        language=row["language"],
        joined_at=row["joined_at"],
        last_seen_at=row["last_seen_at"],
    )


def _member_values(member: Member) -> dict[str, Any]:
    return {
        "group_id": member.group_id,
        "user_id": member.user_id,
        "display_name": member.display_name,
        "role": member.role.value,
        "is_moderator": member.is_moderator,
        "charter_accepted_at": member.charter_accepted_at,
        "dm_reminders": member.dm_reminders,
        "journal_prompt": member.journal_prompt,
        "accompanying_requested_at": member.accompanying_requested_at,
        "language": member.language,
        "joined_at": member.joined_at,
        "last_seen_at": member.last_seen_at,
    }


_GET_MEMBER = select(members).where(
    members.c.group_id == bindparam("group_id"), members.c.user_id == bindparam("user_id")
)
_ADD_MEMBER = {
    name: stmt.on_conflict_do_nothing(
        index_elements=[members.c.group_id, members.c.user_id]
    ).returning(members.c.user_id)
    for name, stmt in _by_dialect(members).items()
}
_UPDATE_MEMBER = update(members).where(
    members.c.group_id == bindparam("b_group_id"), members.c.user_id == bindparam("b_user_id")
)
_LIST_MEMBERS = (
    select(members)
    .where(members.c.group_id == bindparam("group_id"))
    .order_by(members.c.joined_at, members.c.user_id)
)
_SOME_MEMBERS = (
    select(members)
    .where(
        members.c.group_id == bindparam("group_id"),
        members.c.user_id.in_(bindparam("user_ids", expanding=True)),
    )
    .order_by(members.c.joined_at, members.c.user_id)
)
_MEMBERS_OF_GROUPS = (
    select(members)
    .where(members.c.group_id.in_(_ids()))
    .order_by(members.c.group_id, members.c.joined_at, members.c.user_id)
)


class SqlMembers(_Repository):
    __slots__ = ()

    async def get(self, group_id: int, user_id: str) -> Member | None:
        result = await self._uow.connection.execute(
            _GET_MEMBER, {"group_id": group_id, "user_id": user_id}
        )
        row = result.mappings().first()
        return None if row is None else _member(row)

    async def add(self, member: Member) -> None:
        result = await self._uow.connection.execute(
            _ADD_MEMBER[self._uow.dialect], _member_values(member)
        )
        if result.scalar() is None:
            raise ValueError("member already exists")

    async def update(self, member: Member) -> None:
        values = _member_values(member)
        del values["group_id"], values["user_id"]
        await self._uow.connection.execute(
            _UPDATE_MEMBER, {"b_group_id": member.group_id, "b_user_id": member.user_id, **values}
        )

    async def list(self, group_id: int) -> Sequence[Member]:
        result = await self._uow.connection.execute(_LIST_MEMBERS, {"group_id": group_id})
        return [_member(row) for row in result.mappings()]

    async def get_many(self, group_id: int, user_ids: Collection[str]) -> Sequence[Member]:
        if not user_ids:
            return []
        result = await self._uow.connection.execute(
            _SOME_MEMBERS, {"group_id": group_id, "user_ids": sorted(set(user_ids))}
        )
        return [_member(row) for row in result.mappings()]

    async def of_groups(self, group_ids: Collection[int]) -> Mapping[int, Sequence[Member]]:
        found: dict[int, list[Member]] = {}
        for chunk in _chunks(group_ids):
            result = await self._uow.connection.execute(_MEMBERS_OF_GROUPS, {"ids": chunk})
            for row in result.mappings():
                found.setdefault(row["group_id"], []).append(_member(row))
        return found


# --- sessions -----------------------------------------------------------------------------


def _session(row: RowMapping) -> Session:
    return Session(
        id=row["id"],
        group_id=row["group_id"],
        state=SessionState(row["state"]),
        planned_start=row["planned_start"],
        planned_minutes=row["planned_minutes"],
        title=row["title"],
        theme=row["theme"],
        series_id=row["series_id"],
        opened_at=row["opened_at"],
        closed_at=row["closed_at"],
        break_ends_at=row["break_ends_at"],
        reminders_planned=row["reminders_planned"],
    )


def _session_values(session: Session) -> dict[str, Any]:
    return {
        "group_id": session.group_id,
        "state": session.state.value,
        "planned_start": session.planned_start,
        "planned_minutes": session.planned_minutes,
        "title": session.title,
        "theme": session.theme,
        "series_id": session.series_id,
        "opened_at": session.opened_at,
        "closed_at": session.closed_at,
        "break_ends_at": session.break_ends_at,
        "reminders_planned": session.reminders_planned,
    }


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
_SESSIONS_BY_IDS = select(sessions).where(sessions.c.id.in_(_ids()))
_MARK_PLANNED = update(sessions).where(sessions.c.id.in_(_ids())).values(reminders_planned=True)
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


class SqlSessions(_Repository):
    __slots__ = ()

    async def get(self, session_id: int) -> Session | None:
        result = await self._uow.connection.execute(_GET_SESSION, {"session_id": session_id})
        row = result.mappings().first()
        return None if row is None else _session(row)

    async def active(self, group_id: int) -> Session | None:
        result = await self._uow.connection.execute(_ACTIVE_SESSION, {"group_id": group_id})
        row = result.mappings().first()
        return None if row is None else _session(row)

    async def add_many(self, sessions_: Sequence[Session]) -> list[Session]:
        if not sessions_:
            return []
        ids = await _insert_many(self._uow, sessions, [_session_values(s) for s in sessions_])
        return _with_ids(sessions_, ids)

    async def get_many(self, session_ids: Collection[int]) -> Mapping[int, Session]:
        found: dict[int, Session] = {}
        for chunk in _chunks(session_ids):
            result = await self._uow.connection.execute(_SESSIONS_BY_IDS, {"ids": chunk})
            found.update((row["id"], _session(row)) for row in result.mappings())
        return found

    async def mark_planned(self, session_ids: Collection[int]) -> None:
        for chunk in _chunks(session_ids):
            await self._uow.connection.execute(_MARK_PLANNED, {"ids": chunk})

    async def upcoming(self, group_id: int, after: datetime, limit: int) -> Sequence[Session]:
        result = await self._uow.connection.execute(
            _UPCOMING, {"group_id": group_id, "after": after, "limit": limit}
        )
        return [_session(row) for row in result.mappings()]

    async def unplanned(self, before: datetime, limit: int) -> Sequence[Session]:
        result = await self._uow.connection.execute(_UNPLANNED, {"before": before, "limit": limit})
        return [_session(row) for row in result.mappings()]

    async def of_series(self, series_id: int) -> Sequence[Session]:
        result = await self._uow.connection.execute(_OF_SERIES, {"series_id": series_id})
        return [_session(row) for row in result.mappings()]

    async def add(self, session: Session) -> Session:
        result = await self._uow.connection.execute(_ADD_SESSION, _session_values(session))
        return replace(session, id=result.scalar_one())

    async def update(self, session: Session) -> None:
        await self._uow.connection.execute(
            _UPDATE_SESSION, {"b_id": session.id, **_session_values(session)}
        )


# --- series -------------------------------------------------------------------------------


def _series(row: RowMapping) -> Series:
    return Series(
        id=row["id"],
        group_id=row["group_id"],
        rule=row["rule"],
        first_start=datetime.fromisoformat(row["first_start"]),
        minutes=row["minutes"],
        title=row["title"],
        materialized_until=row["materialized_until"],
        cancelled=row["cancelled"],
    )


def _series_values(item: Series) -> dict[str, Any]:
    if item.first_start.tzinfo is not None:
        raise ValueError("a series starts at a wall-clock time: a naive datetime")
    return {
        "group_id": item.group_id,
        "rule": item.rule,
        "first_start": item.first_start.isoformat(timespec="minutes"),
        "minutes": item.minutes,
        "title": item.title,
        "materialized_until": item.materialized_until,
        "cancelled": item.cancelled,
    }


_ADD_SERIES = insert(series).returning(series.c.id)
_SET_MATERIALIZED = (
    update(series).where(series.c.id.in_(_ids())).values(materialized_until=bindparam("until"))
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


class SqlSeries(_Repository):
    __slots__ = ()

    async def add(self, item: Series) -> Series:
        result = await self._uow.connection.execute(_ADD_SERIES, _series_values(item))
        return replace(item, id=result.scalar_one())

    async def get(self, series_id: int) -> Series | None:
        result = await self._uow.connection.execute(_GET_SERIES, {"series_id": series_id})
        row = result.mappings().first()
        return None if row is None else _series(row)

    async def update(self, item: Series) -> None:
        await self._uow.connection.execute(
            _UPDATE_SERIES, {"b_id": item.id, **_series_values(item)}
        )

    async def of_group(self, group_id: int) -> Sequence[Series]:
        result = await self._uow.connection.execute(_GROUP_SERIES, {"group_id": group_id})
        return [_series(row) for row in result.mappings()]

    async def behind(self, until: datetime, limit: int) -> Sequence[Series]:
        result = await self._uow.connection.execute(
            _SERIES_BEHIND, {"until": until, "limit": limit}
        )
        return [_series(row) for row in result.mappings()]

    async def add_many(self, items: Sequence[Series]) -> list[Series]:
        if not items:
            return []
        ids = await _insert_many(self._uow, series, [_series_values(s) for s in items])
        return _with_ids(items, ids)

    async def set_materialized(self, series_ids: Collection[int], until: datetime) -> None:
        for chunk in _chunks(series_ids):
            await self._uow.connection.execute(_SET_MATERIALIZED, {"ids": chunk, "until": until})


# --- sticks and the speaking log ----------------------------------------------------------

_spoken = (
    select(speaking_turns.c.user_id)
    .where(speaking_turns.c.session_id == bindparam("session_id"))
    .distinct()
    .subquery("spoken")
)
# One round trip for the stick and everyone who has spoken: one row per distinct speaker
# (or a single row with a NULL speaker), the stick's columns repeated on each.
_GET_STICK = (
    select(sticks, _spoken.c.user_id.label("spoken_by"))
    .select_from(sticks.outerjoin(_spoken, true()))
    .where(sticks.c.session_id == bindparam("session_id"))
)


def _upsert_stick(stmt: postgresql.Insert | sqlite.Insert) -> postgresql.Insert | sqlite.Insert:
    kept = ("holder", "holder_since", "queue", "turn_minutes")
    return stmt.on_conflict_do_update(
        index_elements=[sticks.c.session_id], set_={name: stmt.excluded[name] for name in kept}
    )


_SAVE_STICK = {name: _upsert_stick(stmt) for name, stmt in _by_dialect(sticks).items()}
_ADD_TURN = insert(speaking_turns)
_LIST_TURNS = (
    select(
        speaking_turns.c.session_id,
        speaking_turns.c.user_id,
        speaking_turns.c.started_at,
        speaking_turns.c.ended_at,
    )
    .where(speaking_turns.c.session_id == bindparam("session_id"))
    .order_by(speaking_turns.c.id)
)


class SqlSticks(_Repository):
    __slots__ = ()

    async def get(self, session_id: int) -> Stick | None:
        result = await self._uow.connection.execute(_GET_STICK, {"session_id": session_id})
        rows = result.mappings().all()
        if not rows:
            return None
        first = rows[0]
        spoken = {row["spoken_by"] for row in rows if row["spoken_by"] is not None}
        if first["holder"] is not None:
            spoken.add(first["holder"])
        return Stick(
            session_id=first["session_id"],
            holder=first["holder"],
            holder_since=first["holder_since"],
            queue=tuple(first["queue"]),
            turn_minutes=first["turn_minutes"],
            spoken=frozenset(spoken),
        )

    async def of_active_session(self, group_id: int) -> ActiveStick | None:
        session = await SqlSessions(self._uow).active(group_id)
        if session is None:
            return None
        stick = await self.get(session.id)
        named = () if stick is None else stick.in_line
        found = await SqlMembers(self._uow).get_many(group_id, named)
        return ActiveStick(session, stick, found)

    async def save(self, stick: Stick) -> None:
        await self._uow.connection.execute(
            _SAVE_STICK[self._uow.dialect],
            {
                "session_id": stick.session_id,
                "holder": stick.holder,
                "holder_since": stick.holder_since,
                "queue": list(stick.queue),
                "turn_minutes": stick.turn_minutes,
            },
        )

    async def add_turn(self, turn: SpeakingTurn) -> None:
        await self._uow.connection.execute(
            _ADD_TURN,
            {
                "session_id": turn.session_id,
                "user_id": turn.user_id,
                "started_at": turn.started_at,
                "ended_at": turn.ended_at,
            },
        )

    async def turns(self, session_id: int) -> Sequence[SpeakingTurn]:
        result = await self._uow.connection.execute(_LIST_TURNS, {"session_id": session_id})
        return [
            SpeakingTurn(
                session_id=row["session_id"],
                user_id=row["user_id"],
                started_at=row["started_at"],
                ended_at=row["ended_at"],
            )
            for row in result.mappings()
        ]


# --- pause requests -----------------------------------------------------------------------

_ADD_PAUSE = insert(pause_requests).returning(pause_requests.c.id)
_LIST_PAUSES = (
    select(pause_requests)
    .where(pause_requests.c.session_id == bindparam("session_id"))
    .order_by(pause_requests.c.id)
)


class SqlPauses(_Repository):
    __slots__ = ()

    async def add(self, request: PauseRequest) -> PauseRequest:
        result = await self._uow.connection.execute(
            _ADD_PAUSE,
            {
                "session_id": request.session_id,
                "requested_by": request.requested_by,
                "requested_at": request.requested_at,
            },
        )
        return replace(request, id=result.scalar_one())

    async def for_session(self, session_id: int) -> Sequence[PauseRequest]:
        result = await self._uow.connection.execute(_LIST_PAUSES, {"session_id": session_id})
        return [
            PauseRequest(
                id=row["id"],
                session_id=row["session_id"],
                requested_by=row["requested_by"],
                requested_at=row["requested_at"],
            )
            for row in result.mappings()
        ]


# --- jobs (the outbox) --------------------------------------------------------------------


def _job(row: RowMapping) -> Job:
    return Job(
        id=row["id"],
        key=row["key"],
        kind=JobKind(row["kind"]),
        group_id=row["group_id"],
        due_at=row["due_at"],
        state=JobState(row["state"]),
        session_id=row["session_id"],
        payload=dict(row["payload"]),
        claimed_until=row["claimed_until"],
    )


_PENDING = JobState.PENDING.value
_CANCELLED = JobState.CANCELLED.value


def _schedule_statement(stmt: Any) -> Any:
    """Insert, or bring back a cancelled job with the same key; leave any other one alone."""
    return stmt.on_conflict_do_update(
        index_elements=[jobs.c.key],
        set_={
            "kind": stmt.excluded.kind,
            "group_id": stmt.excluded.group_id,
            "session_id": stmt.excluded.session_id,
            "due_at": stmt.excluded.due_at,
            "state": stmt.excluded.state,
            "payload": stmt.excluded.payload,
            "claimed_until": None,
        },
        where=jobs.c.state == _CANCELLED,
    )


_SCHEDULE_JOB = {
    name: _schedule_statement(stmt).returning(jobs.c.id) for name, stmt in _by_dialect(jobs).items()
}
_SCHEDULE_JOBS = {name: _schedule_statement(stmt) for name, stmt in _by_dialect(jobs).items()}
# SQLite inserts ~3x slower under an ON CONFLICT … DO UPDATE that sets indexed columns, even
# when nothing conflicts: in bulk, the cancelled keys are brought back first, then the rest
# inserted with DO NOTHING (which leaves pending, done and just revived jobs alone).
_INSERT_NEW_JOBS = sqlite.insert(jobs).on_conflict_do_nothing(index_elements=[jobs.c.key])
_CANCELLED_KEYS = select(jobs.c.key).where(jobs.c.key.in_(_ids()), jobs.c.state == _CANCELLED)
_CANCEL_JOB = (
    update(jobs)
    .where(jobs.c.key == bindparam("b_key"), jobs.c.state == _PENDING)
    .values(state=JobState.CANCELLED.value)
)
_CANCEL_SESSION_JOBS = (
    update(jobs)
    .where(jobs.c.session_id == bindparam("b_session_id"), jobs.c.state == _PENDING)
    .values(state=JobState.CANCELLED.value)
)
# FOR UPDATE SKIP LOCKED on PostgreSQL: concurrent dispatchers skip the rows another one holds.
# SQLite ignores the clause; there a transaction holds the database's only write lock.
_CLAIMABLE = (
    select(jobs.c.id)
    .where(
        jobs.c.state == _PENDING,
        jobs.c.due_at <= bindparam("now"),
        or_(jobs.c.claimed_until.is_(None), jobs.c.claimed_until <= bindparam("now")),
    )
    .order_by(jobs.c.due_at, jobs.c.id)
    .limit(bindparam("limit", type_=Integer))
    .with_for_update(skip_locked=True)
    .scalar_subquery()
)
_CLAIM_DUE = (
    update(jobs)
    .where(jobs.c.id.in_(_CLAIMABLE))
    .values(claimed_until=bindparam("lease_until"))
    .returning(*jobs.c)
)
_FREE_LEASE = or_(jobs.c.claimed_until.is_(None), jobs.c.claimed_until <= bindparam("now"))
_COMING = (
    select(jobs)
    .where(
        jobs.c.state == _PENDING,
        jobs.c.kind == bindparam("kind"),
        jobs.c.due_at > bindparam("now"),
        jobs.c.due_at <= bindparam("until"),
        _FREE_LEASE,
    )
    .order_by(jobs.c.due_at, jobs.c.id)
    .limit(bindparam("limit", type_=Integer))
)
_CLAIM_IDS = (
    update(jobs)
    .where(
        jobs.c.id.in_(
            select(jobs.c.id)
            .where(jobs.c.id.in_(_ids()), jobs.c.state == _PENDING, _FREE_LEASE)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
    )
    .values(claimed_until=bindparam("lease_until"))
    .returning(*jobs.c)
)
_MARK_JOB = update(jobs).where(jobs.c.id == bindparam("b_id"))
_MARK_JOBS = (
    update(jobs).where(jobs.c.id.in_(_ids())).values(state=bindparam("b_state"), claimed_until=None)
)
_CANCEL_JOBS = (
    update(jobs)
    .where(jobs.c.key.in_(_ids()), jobs.c.state == _PENDING)
    .values(state=JobState.CANCELLED.value)
)
_PENDING_FOR_SESSIONS = select(jobs).where(jobs.c.session_id.in_(_ids()), jobs.c.state == _PENDING)
_RELEASE_CLAIMS = update(jobs).where(jobs.c.claimed_until.is_not(None)).values(claimed_until=None)
_PENDING_FOR_SESSION = (
    select(jobs)
    .where(jobs.c.session_id == bindparam("session_id"), jobs.c.state == _PENDING)
    .order_by(jobs.c.due_at, jobs.c.id)
)
# A leased job is due again when its lease ends (its dispatcher may have died): the next due
# time is the least of max(due_at, claimed_until) over pending jobs.  Read from the (state,
# due_at) index rather than over every pending job (~13 ms for 30,000, after every dispatch):
# the earliest job without a live lease, and the leases of the jobs due before it (the few
# being sent), since a job due later cannot come due sooner.
_NEVER = datetime(9999, 12, 31, tzinfo=UTC)
_FIRST_FREE = (
    select(jobs.c.due_at)
    .where(
        jobs.c.state == _PENDING,
        or_(jobs.c.claimed_until.is_(None), jobs.c.claimed_until <= jobs.c.due_at),
    )
    .order_by(jobs.c.due_at)
    .limit(1)
    .scalar_subquery()
)
_NEXT_DUE_CANDIDATES = union_all(
    select(_FIRST_FREE.label("due")),
    select(jobs.c.claimed_until.label("due")).where(
        jobs.c.state == _PENDING,
        jobs.c.claimed_until > jobs.c.due_at,
        # (A range of the index: no OR.)  Without a free job, every lease counts.
        jobs.c.due_at <= func.coalesce(_FIRST_FREE, bindparam("never", _NEVER, UTCDateTime())),
    ),
).subquery()
_NEXT_DUE = select(func.min(_NEXT_DUE_CANDIDATES.c.due))
_GET_JOB = select(jobs.c.payload).where(jobs.c.id == bindparam("job_id"))
_LIST_JOBS = select(jobs).where(jobs.c.group_id == bindparam("group_id")).order_by(jobs.c.id)


class SqlJobs(_Repository):
    __slots__ = ()

    async def schedule(self, job: Job) -> bool:
        result = await self._uow.connection.execute(
            _SCHEDULE_JOB[self._uow.dialect],
            {
                "key": job.key,
                "kind": job.kind.value,
                "group_id": job.group_id,
                "session_id": job.session_id,
                "due_at": job.due_at,
                "state": job.state.value,
                "payload": dict(job.payload),
            },
        )
        return result.scalar() is not None

    async def cancel(self, key: str) -> None:
        await self._uow.connection.execute(_CANCEL_JOB, {"b_key": key})

    async def cancel_for_session(self, session_id: int) -> None:
        await self._uow.connection.execute(_CANCEL_SESSION_JOBS, {"b_session_id": session_id})

    async def schedule_many(self, jobs_: Sequence[Job]) -> None:
        if not jobs_:
            return
        rows = [
            {
                "key": job.key,
                "kind": job.kind.value,
                "group_id": job.group_id,
                "session_id": job.session_id,
                "due_at": job.due_at,
                "state": JobState.PENDING.value,
                "payload": dict(job.payload),
                "claimed_until": None,
            }
            for job in jobs_
        ]
        connection = self._uow.connection
        if self._uow.dialect != "sqlite" or len(rows) == 1:
            await execute_many(connection, _SCHEDULE_JOBS[self._uow.dialect], rows)
            return
        cancelled: set[str] = set()
        for chunk in _chunks([row["key"] for row in rows]):
            cancelled.update((await connection.execute(_CANCELLED_KEYS, {"ids": chunk})).scalars())
        revived = [row for row in rows if row["key"] in cancelled]
        await execute_many(connection, _SCHEDULE_JOBS["sqlite"], revived)
        await execute_many(connection, _INSERT_NEW_JOBS, rows)

    async def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> Sequence[Job]:
        result = await self._uow.connection.execute(
            _CLAIM_DUE, {"now": now, "limit": limit, "lease_until": lease_until}
        )
        return sorted((_job(row) for row in result.mappings()), key=lambda j: (j.due_at, j.id))

    async def note_applied(self, job_id: int) -> None:
        result = await self._uow.connection.execute(_GET_JOB, {"job_id": job_id})
        payload = dict(result.mappings().one()["payload"])
        payload["applied"] = "1"
        await self._uow.connection.execute(_MARK_JOB, {"b_id": job_id, "payload": payload})

    async def release_claims(self) -> None:
        await self._uow.connection.execute(_RELEASE_CLAIMS)

    async def pending_for_session(self, session_id: int) -> Sequence[Job]:
        result = await self._uow.connection.execute(
            _PENDING_FOR_SESSION, {"session_id": session_id}
        )
        return [_job(row) for row in result.mappings()]

    async def mark(self, job_id: int, state: JobState) -> None:
        result = await self._uow.connection.execute(
            _MARK_JOB, {"b_id": job_id, "state": state.value, "claimed_until": None}
        )
        if result.rowcount == 0:
            raise KeyError(job_id)

    async def coming(
        self, kind: JobKind, now: datetime, until: datetime, limit: int
    ) -> Sequence[Job]:
        result = await self._uow.connection.execute(
            _COMING, {"kind": kind.value, "now": now, "until": until, "limit": limit}
        )
        return [_job(row) for row in result.mappings()]

    async def claim(
        self, job_ids: Collection[int], now: datetime, lease_until: datetime
    ) -> Sequence[Job]:
        claimed: list[Job] = []
        for chunk in _chunks(job_ids):
            result = await self._uow.connection.execute(
                _CLAIM_IDS, {"ids": chunk, "now": now, "lease_until": lease_until}
            )
            claimed.extend(_job(row) for row in result.mappings())
        return sorted(claimed, key=lambda j: (j.due_at, j.id))

    async def next_due(self) -> datetime | None:
        result = await self._uow.connection.execute(_NEXT_DUE)
        due: datetime | None = result.scalar()
        return due

    async def list(self, group_id: int) -> Sequence[Job]:
        result = await self._uow.connection.execute(_LIST_JOBS, {"group_id": group_id})
        return [_job(row) for row in result.mappings()]

    async def mark_many(self, job_ids: Collection[int], state: JobState) -> None:
        marked = wanted = 0
        for chunk in _chunks(job_ids):
            result = await self._uow.connection.execute(
                _MARK_JOBS, {"ids": chunk, "b_state": state.value}
            )
            marked, wanted = marked + result.rowcount, wanted + len(chunk)
        if marked != wanted:
            raise KeyError(f"{wanted - marked} of {wanted} jobs do not exist")

    async def cancel_many(self, keys: Collection[str]) -> None:
        for chunk in _chunks(keys):
            await self._uow.connection.execute(_CANCEL_JOBS, {"ids": chunk})

    async def pending_for_sessions(self, session_ids: Collection[int]) -> Sequence[Job]:
        found: list[Job] = []
        for chunk in _chunks(session_ids):
            result = await self._uow.connection.execute(_PENDING_FOR_SESSIONS, {"ids": chunk})
            found.extend(_job(row) for row in result.mappings())
        return sorted(found, key=lambda j: (j.due_at, j.id))


# --- events already handled ---------------------------------------------------------------

_RECORD_EVENT = {
    name: stmt.on_conflict_do_nothing(
        index_elements=[handled_events.c.platform, handled_events.c.event_id]
    ).returning(handled_events.c.event_id)
    for name, stmt in _by_dialect(handled_events).items()
}
_FORGET_EVENTS = delete(handled_events).where(handled_events.c.handled_at < bindparam("before"))


class SqlHandledEvents(_Repository):
    __slots__ = ()

    async def first_time(self, platform: str, event_id: str, at: datetime) -> bool:
        result = await self._uow.connection.execute(
            _RECORD_EVENT[self._uow.dialect],
            {"platform": platform, "event_id": event_id, "handled_at": at},
        )
        return result.scalar() is not None

    async def forget_before(self, before: datetime) -> None:
        await self._uow.connection.execute(_FORGET_EVENTS, {"before": before})


# --- adapters' own state ------------------------------------------------------------------

_GET_STATE = select(platform_state.c.value).where(
    platform_state.c.platform == bindparam("platform"), platform_state.c.key == bindparam("key")
)
_PUT_STATE = {
    name: stmt.on_conflict_do_update(
        index_elements=[platform_state.c.platform, platform_state.c.key],
        set_={"value": stmt.excluded.value},
    )
    for name, stmt in _by_dialect(platform_state).items()
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


class SqlPlatformState(_Repository):
    __slots__ = ()

    async def get(self, platform: str, key: str) -> str | None:
        result = await self._uow.connection.execute(_GET_STATE, {"platform": platform, "key": key})
        return result.scalar_one_or_none()

    async def put(self, platform: str, key: str, value: str) -> None:
        await self._uow.connection.execute(
            _PUT_STATE[self._uow.dialect], {"platform": platform, "key": key, "value": value}
        )

    async def delete(self, platform: str, key: str) -> None:
        await self._uow.connection.execute(_DELETE_STATE, {"platform": platform, "key": key})

    async def with_prefix(self, platform: str, prefix: str) -> Mapping[str, str]:
        result = await self._uow.connection.execute(
            _STATE_WITH_PREFIX, {"platform": platform, "prefix": prefix}
        )
        return {row.key: row.value for row in result}
