"""Attendance: members say whether they come to a session (``rsvp``), privately; a group may
set a capacity (``group set capacity``), past which a ``yes`` waits in line.

Revision ID: 0012_attendance
Revises: 0011_hand_housekeeping
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_attendance"
down_revision: str | None = "0011_hand_housekeeping"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def instant() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
    op.create_table(
        "attendance",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("answer", sa.String(32), nullable=False),
        sa.Column("answered_at", instant(), nullable=False),
        sa.Column("waiting", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name="fk_attendance_session_id_sessions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "user_id", name="pk_attendance"),
    )
    op.create_index("ix_attendance_user_id", "attendance", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_attendance_user_id", table_name="attendance")
    op.drop_table("attendance")
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("capacity")
