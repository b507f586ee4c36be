"""Talking sticks, the speaking log and pause requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import bindparam, insert, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.domain import PauseRequest, SpeakingTurn, Stick
from bot.ports import ActiveStick
from storage.base import Repository, upserts
from storage.groups import some_members
from storage.rows import PAUSE, STICK, TURN
from storage.sessions import active_session
from storage.statements import execute, fetch, rows, scalar
from storage.tables import pause_requests, speaking_turns, sticks

# --- sticks and the speaking log ------------------------------------------------------------

_spoken = (
    select(speaking_turns.c.user_id)
    .where(speaking_turns.c.session_id == bindparam("session_id"))
    .distinct()
    .subquery("spoken")
)
# One statement for the stick and everyone who has spoken: one row per distinct speaker (or a
# single row with a NULL speaker), the stick's columns repeated on each.
_GET_STICK = (
    select(sticks, _spoken.c.user_id.label("spoken_by"))
    .select_from(sticks.outerjoin(_spoken, true()))
    .where(sticks.c.session_id == bindparam("session_id"))
)


def _upsert_stick(stmt: postgresql.Insert | sqlite.Insert) -> postgresql.Insert | sqlite.Insert:
    kept = [name for name in STICK.fields if name != "session_id"]
    return stmt.on_conflict_do_update(
        index_elements=[sticks.c.session_id], set_={name: stmt.excluded[name] for name in kept}
    )


_SAVE_STICK = {name: _upsert_stick(stmt) for name, stmt in upserts(sticks).items()}
_ADD_TURN = insert(speaking_turns)
_LIST_TURNS = (
    select(speaking_turns)
    .where(speaking_turns.c.session_id == bindparam("session_id"))
    .order_by(speaking_turns.c.id)
)


def get_stick(connection: Connection, session_id: int) -> Stick | None:
    """The stick of a session, with ``spoken`` filled from the speaking log."""
    found = rows(connection, _GET_STICK, {"session_id": session_id})
    if not found:
        return None
    spoken = {row["spoken_by"] for row in found if row["spoken_by"] is not None}
    if found[0]["holder"] is not None:
        spoken.add(found[0]["holder"])
    return STICK.load(found[0], spoken=frozenset(spoken))


def save_stick(connection: Connection, stick: Stick) -> None:
    execute(connection, _SAVE_STICK[connection.dialect.name], STICK.values(stick))


def _active_stick(connection: Connection, group_id: int) -> ActiveStick | None:
    session = active_session(connection, group_id)
    if session is None:
        return None
    stick = get_stick(connection, session.id)
    named = () if stick is None else stick.in_line
    return ActiveStick(session, stick, some_members(connection, group_id, named))


def _add_turn(connection: Connection, turn: SpeakingTurn) -> None:
    execute(connection, _ADD_TURN, TURN.values(turn))


def _turns(connection: Connection, session_id: int) -> list[SpeakingTurn]:
    return fetch(connection, _LIST_TURNS, {"session_id": session_id}, TURN)


class SqlSticks(Repository):
    __slots__ = ()

    async def get(self, session_id: int) -> Stick | None:
        return await self._tx.run(get_stick, session_id)

    async def of_active_session(self, group_id: int) -> ActiveStick | None:
        return await self._tx.run(_active_stick, group_id)

    async def save(self, stick: Stick) -> None:
        # Nobody reads the outcome of these two: they travel with the next trip (often COMMIT).
        self._tx.defer(save_stick, stick)

    async def add_turn(self, turn: SpeakingTurn) -> None:
        self._tx.defer(_add_turn, turn)

    async def turns(self, session_id: int) -> Sequence[SpeakingTurn]:
        return await self._tx.run(_turns, session_id)


# --- pause requests -------------------------------------------------------------------------

_ADD_PAUSE = insert(pause_requests).returning(pause_requests.c.id)


def _add_pause(connection: Connection, request: PauseRequest) -> PauseRequest:
    return replace(
        request, id=scalar(connection, _ADD_PAUSE, PAUSE.values(request, without={"id"}))
    )


class SqlPauses(Repository):
    __slots__ = ()

    async def add(self, request: PauseRequest) -> PauseRequest:
        return await self._tx.run(_add_pause, request)
