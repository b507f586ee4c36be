"""What members entrust to the bot beyond the meeting itself: themes they propose and vote for,
and their private journal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

THEME_MAX_LENGTH = 200
JOURNAL_MAX_LENGTH = 2000


@dataclass(frozen=True, slots=True)
class Theme:
    """A subject proposed for coming meetings; a moderator may pick it for one session."""

    id: int
    group_id: int
    author_id: str | None
    """None once its author asked to be forgotten (kept, anonymised, because others voted)."""
    text: str
    created_at: datetime
    session_id: int | None = None
    """The session it was picked for, if any."""


@dataclass(frozen=True, slots=True)
class RankedTheme:
    theme: Theme
    votes: int
    voted: bool
    """Whether the person asking voted for it."""


@dataclass(frozen=True, slots=True)
class ThemeVote:
    theme_id: int
    user_id: str
    voted_at: datetime


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A private note.  Only its author ever reads it; the database holds it encrypted."""

    id: int
    platform: str
    user_id: str
    number: int
    """Shown to the author (1, 2, 3…), so ids of other people's notes never show."""
    group_id: int | None
    text: str
    created_at: datetime
