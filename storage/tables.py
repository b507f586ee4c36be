"""The database schema as SQLAlchemy Core tables.

The domain's frozen dataclasses are not mapped by an ORM: :mod:`storage.rows` converts rows to
values and back, derived from the dataclass's fields and these columns (a field and its column
share their name).  Enumerations are stored as their string values, lists as JSON, instants as
UTC.  A change here needs a new migration in ``storage/migrations/versions`` (a test compares
the migrated schema with this metadata).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from storage.coltypes import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

ENUM = String(32)
"""Enumerations (need, role, state, kind…) are stored as their string value."""

groups = Table(
    "groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(32), nullable=False),
    Column("room_id", String(255), nullable=False),
    Column("name", Text, nullable=False),
    Column("need", ENUM, nullable=False),
    Column("language", String(16), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("charter", Text, nullable=True),
    Column("accompanying", ENUM, nullable=False),
    Column("reminder_leads", JSON, nullable=False),
    Column("session_minutes", Integer, nullable=False),
    Column("break_minutes", Integer, nullable=False),
    Column("speaking_order", ENUM, nullable=False),
    Column("charter_required", Boolean, nullable=False),
    Column("listed", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("country", String(2), nullable=True),
    Column("region", String(8), nullable=True),
    Column("reply_hands", Boolean, nullable=False),
    Column("opening_round", Boolean, nullable=False),
    Column("closing_round", Boolean, nullable=False),
    Column("summary", Boolean, nullable=False),
    Column("hand_check_minutes", Integer, nullable=True),
    Column("leave_grace_minutes", Integer, nullable=False),
    Column("capacity", Integer, nullable=True),
    UniqueConstraint("platform", "room_id"),
)

members = Table(
    "members",
    metadata,
    Column(
        "group_id",
        Integer,
        ForeignKey("groups.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_id", String(255), primary_key=True),
    Column("display_name", Text, nullable=False),
    Column("role", ENUM, nullable=False),
    Column("is_moderator", Boolean, nullable=False),
    Column("charter_accepted_at", UTCDateTime, nullable=True),
    Column("dm_reminders", Boolean, nullable=False),
    Column("journal_prompt", Boolean, nullable=False),
    Column("accompanying_requested_at", UTCDateTime, nullable=True),
    Column("language", String(16), nullable=True),
    Column("joined_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("role_before_accompanying", ENUM, nullable=True),
    Column("timezone", String(64), nullable=True),
    Column("calendar_token", String(64), nullable=True, index=True, unique=True),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "group_id",
        Integer,
        ForeignKey("groups.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("state", ENUM, nullable=False),
    Column("planned_start", UTCDateTime, nullable=False),
    Column("planned_minutes", Integer, nullable=False),
    Column("title", Text, nullable=True),
    Column("theme", Text, nullable=True),
    Column(
        "series_id",
        Integer,
        ForeignKey("series.id", ondelete="CASCADE"),
        nullable=True,
    ),
    Column("opened_at", UTCDateTime, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("break_ends_at", UTCDateTime, nullable=True),
    Column("reminders_planned", Boolean, nullable=False),
    Column("note", Text, nullable=True),
    Column("sequence", Integer, nullable=False),
    Column("moves", Integer, nullable=False),
    Column("moved_from", UTCDateTime, nullable=True),
    Index(None, "group_id", "state"),
    Index(None, "series_id"),
    # Scheduled sessions whose reminders are still to be planned, soonest first.
    Index(None, "state", "reminders_planned", "planned_start"),
)

series = Table(
    "series",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "group_id",
        Integer,
        ForeignKey("groups.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("rule", Text, nullable=False),
    # A wall-clock time in the group's time zone, without offset: ISO text, on purpose.
    Column("first_start", String(32), nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("title", Text, nullable=True),
    Column("materialized_until", UTCDateTime, nullable=False),
    Column("cancelled", Boolean, nullable=False),
    Column("note", Text, nullable=True),
    Column("sequence", Integer, nullable=False),
    Index(None, "group_id"),
    Index(None, "cancelled", "materialized_until"),
)

sticks = Table(
    "sticks",
    metadata,
    Column(
        "session_id",
        Integer,
        ForeignKey("sessions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("holder", String(255), nullable=True),
    Column("holder_since", UTCDateTime, nullable=True),
    Column("queue", JSON, nullable=False),
    Column("turn_minutes", Integer, nullable=True),
    Column("reply", String(255), nullable=True),
    Column("process", JSON, nullable=False),
    Column("notices", JSON, nullable=False),
    Column("round", String(16), nullable=True),
    Column("holder_round", String(16), nullable=True),
    Column("after_round", JSON, nullable=False),
    Column("raised_at", JSON, nullable=False),
    Column("away", JSON, nullable=False),
    Column("hands_raised", JSON, nullable=False),
)

speaking_turns = Table(
    "speaking_turns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "session_id",
        Integer,
        ForeignKey("sessions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("user_id", String(255), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=False),
    Column("round", String(16), nullable=True),
    # (session_id, user_id) lets "who has spoken" be answered from the index alone.
    Index(None, "session_id", "user_id"),
)

pause_requests = Table(
    "pause_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "session_id",
        Integer,
        ForeignKey("sessions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    # None for an anonymous request: the name is never stored.
    Column("requested_by", String(255), nullable=True),
    Column("requested_at", UTCDateTime, nullable=False),
    Index(None, "session_id"),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", Text, nullable=False),
    Column("kind", ENUM, nullable=False),
    Column(
        "group_id",
        Integer,
        ForeignKey("groups.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "session_id",
        Integer,
        ForeignKey("sessions.id", ondelete="CASCADE"),
        nullable=True,
    ),
    Column("due_at", UTCDateTime, nullable=False),
    Column("state", ENUM, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("claimed_until", UTCDateTime, nullable=True),
    UniqueConstraint("key"),
    Index(None, "state", "due_at"),
    Index(None, "group_id"),
    Index(None, "session_id"),
)

attendance = Table(
    "attendance",
    metadata,
    # A member's private answer for a session (seen by them and the moderators only).
    Column(
        "session_id",
        Integer,
        ForeignKey("sessions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_id", String(255), primary_key=True),
    Column("answer", ENUM, nullable=False),
    Column("answered_at", UTCDateTime, nullable=False),
    Column("waiting", Boolean, nullable=False),
    Index(None, "user_id"),
)

platform_state = Table(
    "platform_state",
    metadata,
    # What an adapter keeps across restarts (panel message ids, direct rooms, applied mutes).
    Column("platform", String(32), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("value", Text, nullable=False),
)

themes = Table(
    "themes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "group_id",
        Integer,
        ForeignKey("groups.id", ondelete="CASCADE"),
        nullable=False,
    ),
    # None once the author was forgotten (the theme stays, anonymised, for those who voted).
    Column("author_id", String(255), nullable=True),
    Column("text", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column(
        "session_id",
        Integer,
        ForeignKey("sessions.id", ondelete="SET NULL"),
        nullable=True,
    ),
    Index(None, "group_id"),
)

theme_votes = Table(
    "theme_votes",
    metadata,
    Column(
        "theme_id",
        Integer,
        ForeignKey("themes.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("user_id", String(255), primary_key=True),
    Column("voted_at", UTCDateTime, nullable=False),
    Index(None, "user_id"),
)

journal_entries = Table(
    "journal_entries",
    metadata,
    # A member's private notes, per platform identity (not per group).  ``ciphertext`` is the
    # note encrypted by storage.journal_crypto: the database never holds the plain text.
    Column("id", Integer, primary_key=True),
    Column("platform", String(32), nullable=False),
    Column("user_id", String(255), nullable=False),
    Column("number", Integer, nullable=False),
    Column(
        "group_id",
        Integer,
        ForeignKey("groups.id", ondelete="SET NULL"),
        nullable=True,
    ),
    Column("ciphertext", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("platform", "user_id", "number"),
)

handled_events = Table(
    "handled_events",
    metadata,
    # Platform events already applied as commands (ids only: never what they said), kept a
    # couple of days so an event delivered again after a crash is not applied twice.
    Column("platform", String(32), primary_key=True),
    Column("event_id", String(255), primary_key=True),
    Column("handled_at", UTCDateTime, nullable=False),
    Index(None, "handled_at"),
)
