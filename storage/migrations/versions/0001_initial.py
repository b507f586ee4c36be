"""Initial schema: groups, members, sessions, sticks, speaking turns, pause requests, jobs.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from storage.tables: a migration is frozen in time.
ENUM = sa.String(32)
ID = sa.String(255)


def instant() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("room_id", ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("need", ENUM, nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("charter", sa.Text(), nullable=True),
        sa.Column("accompanying", ENUM, nullable=False),
        sa.Column("reminder_leads", sa.JSON(), nullable=False),
        sa.Column("session_minutes", sa.Integer(), nullable=False),
        sa.Column("break_minutes", sa.Integer(), nullable=False),
        sa.Column("first_speakers_first", sa.Boolean(), nullable=False),
        sa.Column("charter_required", sa.Boolean(), nullable=False),
        sa.Column("created_at", instant(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_groups"),
        sa.UniqueConstraint("platform", "room_id", name="uq_groups_platform_room_id"),
    )
    op.create_table(
        "members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("role", ENUM, nullable=False),
        sa.Column("is_moderator", sa.Boolean(), nullable=False),
        sa.Column("charter_accepted_at", instant(), nullable=True),
        sa.Column("dm_reminders", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("joined_at", instant(), nullable=False),
        sa.Column("last_seen_at", instant(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_members_group_id_groups", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id", name="pk_members"),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("state", ENUM, nullable=False),
        sa.Column("planned_start", instant(), nullable=False),
        sa.Column("planned_minutes", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("theme", sa.Text(), nullable=True),
        sa.Column("recurrence", sa.Text(), nullable=True),
        sa.Column("opened_at", instant(), nullable=True),
        sa.Column("closed_at", instant(), nullable=True),
        sa.Column("break_ends_at", instant(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_sessions_group_id_groups", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
    )
    op.create_index("ix_sessions_group_id_state", "sessions", ["group_id", "state"])
    op.create_table(
        "sticks",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("holder", ID, nullable=True),
        sa.Column("holder_since", instant(), nullable=True),
        sa.Column("queue", sa.JSON(), nullable=False),
        sa.Column("turn_minutes", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name="fk_sticks_session_id_sessions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name="pk_sticks"),
    )
    op.create_table(
        "speaking_turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("started_at", instant(), nullable=False),
        sa.Column("ended_at", instant(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name="fk_speaking_turns_session_id_sessions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_speaking_turns"),
    )
    op.create_index(
        "ix_speaking_turns_session_id_user_id", "speaking_turns", ["session_id", "user_id"]
    )
    op.create_table(
        "pause_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", ID, nullable=True),
        sa.Column("requested_at", instant(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name="fk_pause_requests_session_id_sessions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pause_requests"),
    )
    op.create_index("ix_pause_requests_session_id", "pause_requests", ["session_id"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("kind", ENUM, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("due_at", instant(), nullable=False),
        sa.Column("state", ENUM, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_jobs_group_id_groups", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name="fk_jobs_session_id_sessions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.UniqueConstraint("key", name="uq_jobs_key"),
    )
    op.create_index("ix_jobs_state_due_at", "jobs", ["state", "due_at"])
    op.create_index("ix_jobs_group_id", "jobs", ["group_id"])
    op.create_index("ix_jobs_session_id", "jobs", ["session_id"])


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_table("pause_requests")
    op.drop_table("speaking_turns")
    op.drop_table("sticks")
    op.drop_table("sessions")
    op.drop_table("members")
    op.drop_table("groups")
