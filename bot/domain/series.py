"""A recurring series of sessions (weekly, every two weeks, monthly) in its group's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Series:
    id: int
    group_id: int
    rule: str
    """An RFC 5545 RRULE without DTSTART, e.g. ``FREQ=WEEKLY;INTERVAL=2``."""
    first_start: datetime
    """The first occurrence as a wall-clock time (naive) in the group's time zone: 19:30 stays
    19:30 across daylight-saving changes."""
    minutes: int
    title: str | None
    materialized_until: datetime
    """Occurrences are stored as sessions up to this instant (UTC); the horizon moves on."""
    cancelled: bool = False
    note: str | None = None
    """A few words for every occurrence (see ``Session.note``)."""
    sequence: int = 0
    """How many times the whole series was edited (the calendar's SEQUENCE)."""
