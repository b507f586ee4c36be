"""Groups and their members."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import JSON, Select, bindparam, func, literal_column, select, true, update
from sqlalchemy.engine import Connection

from bot.domain import Group, Member
from storage.base import Repository, chunks, ids, upserts
from storage.rows import GROUP, MEMBER
from storage.statements import execute, fetch, one, scalar
from storage.tables import groups, members

# --- groups ---------------------------------------------------------------------------------

_GROUP_BY_ROOM = select(groups).where(
    groups.c.platform == bindparam("platform"), groups.c.room_id == bindparam("room_id")
)
# FOR UPDATE on PostgreSQL; SQLite ignores it (its transactions already start with the write lock).
_GROUP_BY_ROOM_FOR_UPDATE = _GROUP_BY_ROOM.with_for_update()
_ADD_GROUP = {
    name: stmt.on_conflict_do_nothing(
        index_elements=[groups.c.platform, groups.c.room_id]
    ).returning(groups.c.id)
    for name, stmt in upserts(groups).items()
}
_UPDATE_GROUP = update(groups).where(groups.c.id == bindparam("b_id"))
_LISTED_GROUPS = (
    select(groups)
    .where(groups.c.platform == bindparam("platform"), groups.c.listed == true())
    .order_by(func.lower(groups.c.name), groups.c.id)
)
_GROUPS_BY_IDS = select(groups).where(groups.c.id.in_(ids()))


def get_group(
    connection: Connection, platform: str, room_id: str, for_update: bool = False
) -> Group | None:
    stmt = _GROUP_BY_ROOM_FOR_UPDATE if for_update else _GROUP_BY_ROOM
    return one(connection, stmt, {"platform": platform, "room_id": room_id}, GROUP)


def _group_with_member(
    connection: Connection, platform: str, room_id: str, user_id: str, for_update: bool
) -> tuple[Group | None, Member | None]:
    group = get_group(connection, platform, room_id, for_update)
    if group is None:
        return None, None
    return group, get_member(connection, group.id, user_id)


def _add_group(connection: Connection, group: Group) -> Group:
    statement = _ADD_GROUP[connection.dialect.name]
    new_id = scalar(connection, statement, GROUP.values(group, without={"id"}))
    if new_id is None:
        raise ValueError("a group already exists for this room")
    return replace(group, id=new_id)


def _update_group(connection: Connection, group: Group) -> None:
    execute(connection, _UPDATE_GROUP, {"b_id": group.id, **GROUP.values(group, without={"id"})})


def _listed(connection: Connection, platform: str) -> list[Group]:
    return fetch(connection, _LISTED_GROUPS, {"platform": platform}, GROUP)


def _groups_by_ids(connection: Connection, group_ids: Collection[int]) -> dict[int, Group]:
    found: dict[int, Group] = {}
    for chunk in chunks(group_ids):
        found.update((g.id, g) for g in fetch(connection, _GROUPS_BY_IDS, {"ids": chunk}, GROUP))
    return found


class SqlGroups(Repository):
    __slots__ = ()

    async def get(self, platform: str, room_id: str, *, for_update: bool = False) -> Group | None:
        return await self._tx.run(get_group, platform, room_id, for_update)

    async def get_with_member(
        self, platform: str, room_id: str, user_id: str, *, for_update: bool = False
    ) -> tuple[Group | None, Member | None]:
        return await self._tx.run(_group_with_member, platform, room_id, user_id, for_update)

    async def add(self, group: Group) -> Group:
        return await self._tx.run(_add_group, group)

    async def update(self, group: Group) -> None:
        await self._tx.run(_update_group, group)

    async def listed(self, platform: str) -> Sequence[Group]:
        return await self._tx.run(_listed, platform)

    async def get_many(self, group_ids: Collection[int]) -> Mapping[int, Group]:
        return await self._tx.run(_groups_by_ids, group_ids)


# --- members --------------------------------------------------------------------------------

_GET_MEMBER = select(members).where(
    members.c.group_id == bindparam("group_id"), members.c.user_id == bindparam("user_id")
)
_ADD_MEMBER = {
    name: stmt.on_conflict_do_nothing(
        index_elements=[members.c.group_id, members.c.user_id]
    ).returning(members.c.user_id)
    for name, stmt in upserts(members).items()
}
_MEMBER_KEY = {"group_id", "user_id"}
_UPDATE_MEMBER = update(members).where(
    members.c.group_id == bindparam("b_group_id"), members.c.user_id == bindparam("b_user_id")
)
_LIST_MEMBERS = (
    select(members)
    .where(members.c.group_id == bindparam("group_id"))
    .order_by(members.c.joined_at, members.c.user_id)
)


def _members_among(user_ids: Any) -> Select[Any]:
    return (
        select(members)
        .where(members.c.group_id == bindparam("group_id"), members.c.user_id.in_(user_ids))
        .order_by(members.c.joined_at, members.c.user_id)
    )


_SOME_MEMBERS = {
    # SQLite: the ids as one JSON array, so that the statement is compiled once for any number.
    "sqlite": _members_among(
        select(literal_column("value")).select_from(
            func.json_each(bindparam("user_ids", type_=JSON))
        )
    ),
    "postgresql": _members_among(bindparam("user_ids", expanding=True)),
}
_MEMBERS_OF_GROUPS = (
    select(members)
    .where(members.c.group_id.in_(ids()))
    .order_by(members.c.group_id, members.c.joined_at, members.c.user_id)
)


_BY_CALENDAR_TOKEN = select(members).where(members.c.calendar_token == bindparam("token"))


def _by_calendar_token(connection: Connection, token_hash: str) -> Member | None:
    return one(connection, _BY_CALENDAR_TOKEN, {"token": token_hash}, MEMBER)


def get_member(connection: Connection, group_id: int, user_id: str) -> Member | None:
    return one(connection, _GET_MEMBER, {"group_id": group_id, "user_id": user_id}, MEMBER)


def some_members(connection: Connection, group_id: int, user_ids: Collection[str]) -> list[Member]:
    """Those of ``user_ids`` who are members of the group, in the order they joined."""
    if not user_ids:
        return []
    statement = _SOME_MEMBERS[connection.dialect.name]
    parameters = {"group_id": group_id, "user_ids": sorted(set(user_ids))}
    return fetch(connection, statement, parameters, MEMBER)


def _add_member(connection: Connection, member: Member) -> None:
    statement = _ADD_MEMBER[connection.dialect.name]
    if scalar(connection, statement, MEMBER.values(member)) is None:
        raise ValueError("member already exists")


def _update_member(connection: Connection, member: Member) -> None:
    execute(
        connection,
        _UPDATE_MEMBER,
        {
            "b_group_id": member.group_id,
            "b_user_id": member.user_id,
            **MEMBER.values(member, without=_MEMBER_KEY),
        },
    )


def _list_members(connection: Connection, group_id: int) -> list[Member]:
    return fetch(connection, _LIST_MEMBERS, {"group_id": group_id}, MEMBER)


def _members_of_groups(
    connection: Connection, group_ids: Collection[int]
) -> dict[int, list[Member]]:
    found: dict[int, list[Member]] = {}
    for chunk in chunks(group_ids):
        for member in fetch(connection, _MEMBERS_OF_GROUPS, {"ids": chunk}, MEMBER):
            found.setdefault(member.group_id, []).append(member)
    return found


class SqlMembers(Repository):
    __slots__ = ()

    async def get(self, group_id: int, user_id: str) -> Member | None:
        return await self._tx.run(get_member, group_id, user_id)

    async def add(self, member: Member) -> None:
        await self._tx.run(_add_member, member)

    async def update(self, member: Member) -> None:
        # Nobody reads the outcome: it travels with the next trip (often COMMIT).
        self._tx.defer(_update_member, member)

    async def list(self, group_id: int) -> Sequence[Member]:
        return await self._tx.run(_list_members, group_id)

    async def get_many(self, group_id: int, user_ids: Collection[str]) -> Sequence[Member]:
        if not user_ids:
            return []
        return await self._tx.run(some_members, group_id, user_ids)

    async def of_groups(self, group_ids: Collection[int]) -> Mapping[int, Sequence[Member]]:
        return await self._tx.run(_members_of_groups, group_ids)

    async def by_calendar_token(self, token_hash: str) -> Member | None:
        return await self._tx.run(_by_calendar_token, token_hash)
