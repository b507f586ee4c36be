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
