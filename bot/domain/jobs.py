"""Work that falls due later (an outbox row): nudges, break ends, half-time offers.

The database is the source of truth for what is due; a timer only wakes the dispatcher.  Every job
has a unique ``key`` so scheduling the same thing twice is a no-op, and its id makes the platform
send idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class JobKind(StrEnum):
    TURN_NUDGE = "turn-nudge"
    BREAK_END = "break-end"
    HALF_TIME = "half-time"
    REMINDER = "reminder"
    """A session is coming: tell the room (and those who asked, by direct message)."""
    SESSION_OPEN = "session-open"
    """A scheduled session opens by itself at its time."""
    HAND_CHECK = "hand-check"
    """A hand up for long: one gentle private "still want to speak?"."""
    LEFT_ROOM = "left-room"
    """Someone in line left the room: after the grace period, out of the line."""
    JOURNAL_PROMPT = "journal-prompt"
    """Some time after a session, those who asked for it are invited to write in their journal."""


PERSONAL_JOBS = frozenset({JobKind.TURN_NUDGE, JobKind.HAND_CHECK, JobKind.LEFT_ROOM})
"""Jobs about one person (named in their payload as ``holder`` or ``user``): erased with them."""


class JobState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"
    MISSED = "missed"
    FAILED = "failed"
    """Its handler raised: logged and set aside so it cannot block the jobs behind it."""


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    key: str
    kind: JobKind
    group_id: int
    due_at: datetime
    state: JobState = JobState.PENDING
    session_id: int | None = None
    payload: dict[str, str] = field(default_factory=dict)
    claimed_until: datetime | None = None
    """While set and in the future, one dispatcher owns the job (a lease): it sends, then marks
    it done.  A dispatcher that dies leaves the lease to expire and another one sends again,
    with the same idempotency keys, so the platform shows it once."""

    @classmethod
    def new(
        cls,
        kind: JobKind,
        key: str,
        group_id: int,
        due_at: datetime,
        *,
        session_id: int | None = None,
        payload: dict[str, str] | None = None,
    ) -> Job:
        return cls(
            id=0,
            key=key,
            kind=kind,
            group_id=group_id,
            due_at=due_at,
            session_id=session_id,
            payload=dict(payload or {}),
        )
