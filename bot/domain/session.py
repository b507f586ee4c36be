"""A meeting of a group: scheduled → open ⇄ on break → closed, or scheduled → cancelled."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.errors import StateError


class SessionState(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    ON_BREAK = "on-break"
    CLOSED = "closed"
    CANCELLED = "cancelled"


ACTIVE_STATES = frozenset({SessionState.OPEN, SessionState.ON_BREAK})


@dataclass(frozen=True, slots=True)
class Session:
    id: int
    group_id: int
    state: SessionState
    planned_start: datetime
    planned_minutes: int
    title: str | None = None
    theme: str | None = None
    series_id: int | None = None
    """The recurring series this session is an occurrence of, or None for a one-off session."""
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    break_ends_at: datetime | None = None
    reminders_planned: bool = False
    """Its reminder and opening jobs are in the outbox (planned a few days ahead only)."""
    note: str | None = None
    """A few words for this session (a video-call link, « apportez une photo »), as a
    moderator gave them; a series' note is used when an occurrence has none."""
    sequence: int = 0
    """How many times it was moved or edited: the calendar's SEQUENCE."""
    moves: int = 0
    """How many times it was moved: names its reminder and opening jobs, so that a job planned
    for an earlier time is never run, and one already sent does not stop the new one."""
    moved_from: datetime | None = None
    """For an occurrence of a series moved on its own: its time in the series (the calendar's
    RECURRENCE-ID)."""

    @classmethod
    def scheduled(
        cls, group_id: int, start: datetime, minutes: int, title: str | None = None
    ) -> Session:
        return cls(
            id=0,
            group_id=group_id,
            state=SessionState.SCHEDULED,
            planned_start=start,
            planned_minutes=minutes,
            title=title,
        )

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def planned_end(self) -> datetime:
        start = self.opened_at or self.planned_start
        return start + timedelta(minutes=self.planned_minutes)

    @property
    def half_time(self) -> datetime:
        start = self.opened_at or self.planned_start
        return start + timedelta(minutes=self.planned_minutes / 2)

    def open(self, now: datetime, minutes: int | None = None) -> Session:
        if self.state is not SessionState.SCHEDULED:
            raise StateError("error.session_not_scheduled")
        return replace(
            self,
            state=SessionState.OPEN,
            opened_at=now,
            planned_minutes=minutes or self.planned_minutes,
        )

    def moved_to(self, start: datetime) -> Session:
        """The same session at another time (only a planned one may move)."""
        if self.state is not SessionState.SCHEDULED:
            raise StateError("error.session_not_scheduled")
        original = self.moved_from or (self.planned_start if self.series_id else None)
        return replace(
            self,
            planned_start=start,
            sequence=self.sequence + 1,
            moves=self.moves + 1,
            moved_from=original,
            reminders_planned=False,
        )

    def cancel(self) -> Session:
        if self.state is not SessionState.SCHEDULED:
            raise StateError("error.session_not_scheduled")
        return replace(self, state=SessionState.CANCELLED)

    def start_break(self, now: datetime, minutes: int) -> Session:
        if self.state is SessionState.ON_BREAK:
            raise StateError("error.already_on_break")
        if self.state is not SessionState.OPEN:
            raise StateError("error.no_open_session")
        return replace(
            self, state=SessionState.ON_BREAK, break_ends_at=now + timedelta(minutes=minutes)
        )

    def resume(self) -> Session:
        if self.state is not SessionState.ON_BREAK:
            raise StateError("error.not_on_break")
        return replace(self, state=SessionState.OPEN, break_ends_at=None)

    def close(self, now: datetime) -> Session:
        if not self.is_active:
            raise StateError("error.no_open_session")
        return replace(self, state=SessionState.CLOSED, closed_at=now, break_ends_at=None)
