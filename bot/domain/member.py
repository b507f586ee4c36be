"""A platform identity inside one group."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

PRESENCE_RESOLUTION = timedelta(minutes=5)
"""``last_seen_at`` is refreshed at most this often: one write fewer on most commands.  Whoever
was seen this close before a session opened counts as present in it (see ``stick round``)."""


class Role(StrEnum):
    PARTICIPANT = "participant"
    OBSERVER = "observer"
    ACCOMPANYING = "accompanying"


@dataclass(frozen=True, slots=True)
class Member:
    group_id: int
    user_id: str
    display_name: str
    role: Role
    is_moderator: bool
    """As the platform last said (role, permission or power level); refreshed at every command."""
    charter_accepted_at: datetime | None
    dm_reminders: bool
    journal_prompt: bool
    """Wants a private invitation to write in their journal after each session."""
    accompanying_requested_at: datetime | None
    """Asked to attend as an accompanying person in a group whose moderators decide."""
    language: str | None
    joined_at: datetime
    last_seen_at: datetime
    timezone: str | None = None
    """Their own time zone (``my timezone``), for the times of private messages; None: the
    group's."""
    calendar_token: str | None = None
    """The SHA-256 (hex) of their private calendar link's token (``session calendar link``);
    the token itself is never stored.  Gone with them (``forget-me``) or with a new link."""
    role_before_accompanying: Role | None = None
    """The role they had when they began to attend as an accompanying person (an observer who
    accompanies someone), given back when they stop."""

    @classmethod
    def new(
        cls, group_id: int, user_id: str, display_name: str, *, is_moderator: bool, now: datetime
    ) -> Member:
        return cls(
            group_id=group_id,
            user_id=user_id,
            display_name=display_name or user_id,
            role=Role.PARTICIPANT,
            is_moderator=is_moderator,
            charter_accepted_at=None,
            dm_reminders=False,
            journal_prompt=False,
            accompanying_requested_at=None,
            language=None,
            joined_at=now,
            last_seen_at=now,
        )

    @property
    def may_speak(self) -> bool:
        return self.role is not Role.OBSERVER

    def seen(self, display_name: str, *, is_moderator: bool, now: datetime) -> Member:
        """This member as the platform shows them now (``self`` when nothing worth storing
        changed)."""
        name = display_name or self.display_name
        if (
            name == self.display_name
            and is_moderator == self.is_moderator
            and now - self.last_seen_at < PRESENCE_RESOLUTION
        ):
            return self
        return replace(self, display_name=name, is_moderator=is_moderator, last_seen_at=now)

    def present_since(self, when: datetime) -> bool:
        return self.last_seen_at >= when - PRESENCE_RESOLUTION
