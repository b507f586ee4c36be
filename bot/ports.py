"""What the core needs from the outside world.  Storage and adapters implement these.

One command = one unit of work = one transaction: leaving the ``async with`` block without
``commit()`` discards everything the command wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from bot.domain import (
    Attendance,
    Group,
    Job,
    JobKind,
    JobState,
    JournalEntry,
    Member,
    PauseRequest,
    RankedTheme,
    Series,
    Session,
    SpeakingTurn,
    Stick,
    Theme,
    ThemeVote,
)


class ModeratorCheck(Protocol):
    """Asks a platform whether someone is a moderator of a room *now* (power level, role or
    permission as it stands): True, False, or None when the platform cannot tell."""

    async def __call__(self, room_id: str, user_id: str) -> bool | None: ...


class RoomLink(Protocol):
    """Gives the web address of a room (a matrix.to link, a Discord channel's URL) that a
    calendar event can point to, or None when the platform cannot tell."""

    def __call__(self, room_id: str) -> str | None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class GroupRepository(Protocol):
    async def get(self, platform: str, room_id: str, *, for_update: bool = False) -> Group | None:
        """``for_update`` serialises concurrent commands of one group (a row lock where the
        database has them)."""
        ...

    async def get_with_member(
        self, platform: str, room_id: str, user_id: str, *, for_update: bool = False
    ) -> tuple[Group | None, Member | None]:
        """:meth:`get`, and the member ``user_id`` of that group if the group and the member
        exist: every command starts with both, in one round trip where the database allows."""
        ...

    async def add(self, group: Group) -> Group:
        """Store a new group; returns it with its id."""
        ...

    async def update(self, group: Group) -> None: ...

    async def listed(self, platform: str) -> Sequence[Group]:
        """The groups of ``platform`` shown in its directory, by name."""
        ...

    async def get_many(self, group_ids: Collection[int]) -> Mapping[int, Group]:
        """The groups with these ids that exist, by id (one query)."""
        ...


class MemberRepository(Protocol):
    async def get(self, group_id: int, user_id: str) -> Member | None: ...

    async def add(self, member: Member) -> None: ...

    async def update(self, member: Member) -> None: ...

    async def list(self, group_id: int) -> Sequence[Member]:
        """Members of the group in the order they joined."""
        ...

    async def get_many(self, group_id: int, user_ids: Collection[str]) -> Sequence[Member]:
        """Those of ``user_ids`` who are members of the group, in the order they joined (one
        statement however many: a panel names a few members of a room of hundreds)."""
        ...

    async def of_groups(self, group_ids: Collection[int]) -> Mapping[int, Sequence[Member]]:
        """:meth:`list` for several groups in one query; a group without members is left out."""
        ...

    async def by_calendar_token(self, token_hash: str) -> Member | None:
        """The member whose private calendar link has this token (by its SHA-256)."""
        ...


class SessionRepository(Protocol):
    async def get(self, session_id: int) -> Session | None: ...

    async def active(self, group_id: int) -> Session | None:
        """The group's open or on-break session, if any."""
        ...

    async def add(self, session: Session) -> Session: ...

    async def add_many(self, sessions: Sequence[Session]) -> list[Session]:
        """Store several new sessions at once (in order); returns them with their ids."""
        ...

    async def update(self, session: Session) -> None: ...

    async def upcoming(self, group_id: int, after: datetime, limit: int) -> Sequence[Session]:
        """Active sessions, then scheduled ones starting at or after ``after``, soonest first."""
        ...

    async def unplanned(self, before: datetime, limit: int) -> Sequence[Session]:
        """Scheduled sessions starting before ``before`` whose reminders are not planned yet."""
        ...

    async def of_series(self, series_id: int) -> Sequence[Session]:
        """Every occurrence stored for a series, in order."""
        ...

    async def get_many(self, session_ids: Collection[int]) -> Mapping[int, Session]:
        """The sessions with these ids that exist, by id (one query)."""
        ...

    async def mark_planned(self, session_ids: Collection[int]) -> None:
        """Record that these sessions' reminders are in the outbox (one statement; nothing
        else of the sessions changes)."""
        ...


class SeriesRepository(Protocol):
    async def add(self, series: Series) -> Series: ...

    async def get(self, series_id: int) -> Series | None: ...

    async def update(self, series: Series) -> None: ...

    async def of_group(self, group_id: int) -> Sequence[Series]: ...

    async def behind(self, until: datetime, limit: int) -> Sequence[Series]:
        """Series not cancelled whose occurrences are stored only up to before ``until``."""
        ...

    async def add_many(self, series: Sequence[Series]) -> list[Series]:
        """Store several new series at once (in order); returns them with their ids."""
        ...

    async def set_materialized(self, series_ids: Collection[int], until: datetime) -> None:
        """Record that these series' occurrences are stored up to ``until`` (one statement)."""
        ...


@dataclass(frozen=True, slots=True)
class ActiveStick:
    """A group's active session, its stick (None when none is stored yet) and the members who
    hold the stick or wait for it."""

    session: Session
    stick: Stick | None
    members: Sequence[Member]


class StickRepository(Protocol):
    async def get(self, session_id: int) -> Stick | None:
        """The stick of a session, with ``spoken`` filled from the speaking log."""
        ...

    async def of_active_session(self, group_id: int) -> ActiveStick | None:
        """The group's open or on-break session with its stick and the members named by the
        stick (see :class:`ActiveStick`), in one round trip where the database allows; None
        when no session is active."""
        ...

    async def save(self, stick: Stick) -> None:
        """Insert or replace the stick's holder, queue and guideline."""
        ...

    async def add_turn(self, turn: SpeakingTurn) -> None: ...

    async def turns(self, session_id: int) -> Sequence[SpeakingTurn]: ...


class PauseRepository(Protocol):
    async def add(self, request: PauseRequest) -> PauseRequest:
        """Store a pause request (anonymous when ``requested_by`` is None); returns it with
        its id.  Read back only as part of one person's data."""
        ...


class JobRepository(Protocol):
    async def schedule(self, job: Job) -> bool:
        """Add a pending job unless a job with the same key is pending or done; a cancelled
        one with that key is brought back with the new time and payload.  True if stored."""
        ...

    async def schedule_many(self, jobs: Sequence[Job]) -> None:
        """:meth:`schedule` for many jobs in one statement."""
        ...

    async def cancel(self, key: str) -> None:
        """Cancel the pending job with this key, if there is one."""
        ...

    async def cancel_for_session(self, session_id: int) -> None:
        """Cancel every pending job of a session."""
        ...

    async def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> Sequence[Job]:
        """Take pending jobs due at or before ``now`` whose lease is free or expired, earliest
        first, and lease them until ``lease_until``.  Where several processes share the
        database, a job is taken by only one of them (row lock, SKIP LOCKED)."""
        ...

    async def mark(self, job_id: int, state: JobState) -> None:
        """Set the job's state and end its lease."""
        ...

    async def coming(
        self, kind: JobKind, now: datetime, until: datetime, limit: int
    ) -> Sequence[Job]:
        """Pending jobs of ``kind`` due after ``now`` and at or before ``until`` whose lease is
        free, earliest first (those a platform may have to start ahead of time)."""
        ...

    async def claim(
        self, job_ids: Collection[int], now: datetime, lease_until: datetime
    ) -> Sequence[Job]:
        """Lease these jobs until ``lease_until`` — those still pending with a free lease
        (another process may have taken one: it is left out)."""
        ...

    async def mark_many(self, job_ids: Collection[int], state: JobState) -> None:
        """:meth:`mark` for several jobs in one statement; KeyError if one of them does not
        exist (the unit of work is then not to be committed)."""
        ...

    async def cancel_many(self, keys: Collection[str]) -> None:
        """:meth:`cancel` for several keys in one statement."""
        ...

    async def pending_for_sessions(self, session_ids: Collection[int]) -> Sequence[Job]:
        """The pending jobs of these sessions, earliest first (one query)."""
        ...

    async def note_applied(self, job_id: int) -> None:
        """Record that the job's change was stored (its messages may still be unsent)."""
        ...

    async def release_claims(self) -> None:
        """End every lease (at start-up, when this process is the database's only user)."""
        ...

    async def pending_for_session(self, session_id: int) -> Sequence[Job]: ...

    async def next_due(self) -> datetime | None:
        """When the earliest pending job falls due."""
        ...

    async def list(self, group_id: int) -> Sequence[Job]: ...


class HandledEventRepository(Protocol):
    """Platform events already turned into a command: a platform that delivers an event again
    (a Matrix sync after a crash) must not have it applied twice."""

    async def first_time(self, platform: str, event_id: str, at: datetime) -> bool:
        """Record the event; False if it was recorded already (by a committed command)."""
        ...

    async def forget_before(self, before: datetime) -> None:
        """Drop records older than ``before`` (no platform redelivers events that old)."""
        ...


class PlatformStateRepository(Protocol):
    """Small facts an adapter must keep across restarts (a panel's message id, a direct room,
    the mutes it applied…).  Opaque to the core; never message content."""

    async def get(self, platform: str, key: str) -> str | None: ...

    async def put(self, platform: str, key: str, value: str) -> None:
        """Insert or replace."""
        ...

    async def delete(self, platform: str, key: str) -> None: ...

    async def with_prefix(self, platform: str, prefix: str) -> Mapping[str, str]: ...


class ThemeRepository(Protocol):
    async def add(self, theme: Theme) -> Theme:
        """Store a new theme; returns it with its id."""
        ...

    async def get(self, group_id: int, theme_id: int) -> Theme | None:
        """The theme of that group with that id (None for another group's theme)."""
        ...

    async def update(self, theme: Theme) -> None: ...

    async def ranked(self, group_id: int, user_id: str) -> Sequence[RankedTheme]:
        """The group's themes, most votes first, then oldest first."""
        ...

    async def vote(self, vote: ThemeVote) -> bool:
        """Record a vote; False if this person had already voted for that theme."""
        ...

    async def unvote(self, theme_id: int, user_id: str) -> bool:
        """Withdraw a vote; False if there was none."""
        ...


class AttendanceRepository(Protocol):
    """Members' answers (``rsvp``): read by the member and the group's moderators only."""

    async def of_session(self, session_id: int) -> Sequence[Attendance]:
        """Every answer for the session, in the order given (``answered_at``, then user id)."""
        ...

    async def of_sessions(self, session_ids: Collection[int]) -> Mapping[int, Sequence[Attendance]]:
        """:meth:`of_session` for several sessions in one query; a session without answers is
        left out."""
        ...

    async def save(self, attendance: Attendance) -> None:
        """Insert or replace the member's answer for that session."""
        ...

    async def clear(self, session_id: int) -> None:
        """Forget every answer for the session (it was cancelled)."""
        ...


class JournalRepository(Protocol):
    """Private notes.  Implementations keep them encrypted at rest."""

    async def add(self, entry: JournalEntry) -> JournalEntry:
        """Store a note; its ``id`` and ``number`` are given here (1 + the author's highest)."""
        ...

    async def list(self, platform: str, user_id: str) -> Sequence[JournalEntry]:
        """The author's notes, oldest first; :class:`bot.errors.NotesUnreadable` when they are
        stored but the key at hand cannot read them."""
        ...

    async def delete(self, platform: str, user_id: str, number: int | None) -> int:
        """Delete one note (by its number) or, with None, all of them; returns how many."""
        ...


@dataclass(frozen=True, slots=True)
class PersonalRecord:
    """Everything stored about one platform identity (``my-data``)."""

    memberships: Sequence[tuple[Group, Member]]
    themes: Sequence[Theme]
    votes: Sequence[tuple[ThemeVote, Theme]]
    turns: Sequence[tuple[int, SpeakingTurn]]
    """Speaking turns (length only, never words), with the group id."""
    pauses: Sequence[tuple[int, PauseRequest]]
    """Pause requests made under one's name (anonymous ones were never linked to anyone)."""
    places: Sequence[tuple[int, Stick]]
    """Sticks of open sessions that hold or queue this person, with the group id."""
    journal: Sequence[JournalEntry]
    unreadable_notes: int = 0
    """Journal notes stored but unreadable with the bot's current key (not in ``journal``)."""
    attendance: Sequence[tuple[int, Attendance]] = ()
    """Answers to ``rsvp``, with the group id."""


class PersonalDataRepository(Protocol):
    async def collect(self, platform: str, user_id: str) -> PersonalRecord: ...

    async def erase(self, platform: str, user_id: str) -> None:
        """Remove every row that refers to this person on this platform: memberships, queue
        places and held sticks, speaking turns, named pause requests, votes, their themes
        (kept without author when someone else voted for it or it was picked), journal and the
        jobs meant for them.  Adapters forget their own per-person state (a direct room…) when
        they deliver the ``privacy.forgotten`` reply.  Their answers to ``rsvp`` go too."""
        ...


class UnitOfWork(Protocol):
    groups: GroupRepository
    members: MemberRepository
    sessions: SessionRepository
    series: SeriesRepository
    sticks: StickRepository
    pauses: PauseRepository
    jobs: JobRepository
    platform_state: PlatformStateRepository
    handled: HandledEventRepository
    themes: ThemeRepository
    journal: JournalRepository
    personal_data: PersonalDataRepository
    attendance: AttendanceRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
