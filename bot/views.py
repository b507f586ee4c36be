"""Read-only views of the core's state for adapters that mirror it elsewhere (e.g. a room's
sessions as Discord scheduled events).  Plain frozen data: no repository, no domain method."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from bot.domain import Group, Session, SessionState
from bot.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class SessionView:
    id: int
    title: str | None
    """The theme picked for it, else its title, else None."""
    start: datetime
    """When it opened, or when it is planned to start."""
    end: datetime
    """When it is planned to end."""
    state: SessionState
    break_ends_at: datetime | None = None

    @classmethod
    def of(cls, session: Session) -> SessionView:
        return cls(
            id=session.id,
            title=session.theme or session.title,
            start=session.opened_at or session.planned_start,
            end=session.planned_end,
            state=session.state,
            break_ends_at=session.break_ends_at,
        )


@dataclass(frozen=True, slots=True)
class RoomSessions:
    language: str
    timezone: str
    upcoming: tuple[SessionView, ...]
    """The open (or on-break) session first, then scheduled ones starting at or after
    ``after``, soonest first, at most ``limit`` in all."""
    others: tuple[SessionView, ...] = ()
    """The sessions asked for by id that are not in ``upcoming``, whatever their state (ids
    unknown or of another group are left out)."""


async def room_sessions(
    uow: UnitOfWork, group: Group, after: datetime, limit: int, include: Collection[int] = ()
) -> RoomSessions:
    upcoming = [SessionView.of(s) for s in await uow.sessions.upcoming(group.id, after, limit)]
    shown = {view.id for view in upcoming}
    others: list[SessionView] = []
    for session_id in sorted(set(include) - shown):
        session = await uow.sessions.get(session_id)
        if session is not None and session.group_id == group.id:
            others.append(SessionView.of(session))
    return RoomSessions(group.language, group.timezone, tuple(upcoming), tuple(others))
