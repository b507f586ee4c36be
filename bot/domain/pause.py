"""A request for a break, possibly anonymous."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class PauseRequest:
    id: int
    session_id: int
    requested_by: str | None
    """None when the request is anonymous: the name is never stored, not only hidden."""
    requested_at: datetime


class PendingAsks:
    """Who has asked for a break since the last one, per session — kept in memory only.

    An anonymous request stores no name (see :class:`PauseRequest`), yet the same person must
    not be able to send twenty anonymous alerts: so the link between a person and their pending
    request lives here, in the process, and is gone when the break starts, when the session
    ends, or when the bot restarts (then one more request could go through, once)."""

    def __init__(self) -> None:
        self._asked: dict[int, set[str]] = {}

    def has_asked(self, session_id: int, user_id: str) -> bool:
        return user_id in self._asked.get(session_id, ())

    def asked(self, session_id: int, user_id: str) -> None:
        self._asked.setdefault(session_id, set()).add(user_id)

    def answered(self, session_id: int) -> None:
        """The break started or the session ended: every request of it is answered."""
        self._asked.pop(session_id, None)

    def forget(self, user_id: str) -> None:
        for people in self._asked.values():
            people.discard(user_id)


class Cooldown:
    """Who asked for something recently, per group — kept in memory only, like
    :class:`PendingAsks`: a worried member may write again after ``window``, never flood."""

    def __init__(self, window: timedelta) -> None:
        self.window = window
        self._last: dict[tuple[int, str], datetime] = {}

    def recent(self, group_id: int, user_id: str, now: datetime) -> bool:
        last = self._last.get((group_id, user_id))
        return last is not None and now - last < self.window

    def noted(self, group_id: int, user_id: str, now: datetime) -> None:
        self._last[(group_id, user_id)] = now

    def forget(self, user_id: str) -> None:
        for key in [k for k in self._last if k[1] == user_id]:
            del self._last[key]
