"""A request for a break, possibly anonymous."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
