"""Sessions that move and change: a note per session or series, a sequence number (bumped at
each move or edit: it names the reminder jobs and is the calendar's SEQUENCE), and for an
occurrence of a series moved on its own, its time in the series (RECURRENCE-ID).

Revision ID: 0014_session_changes
Revises: 0013_member_timezone
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_session_changes"
down_revision: str | None = "0013_member_timezone"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("moves", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("moved_from", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("series") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("series") as batch:
        batch.drop_column("sequence")
        batch.drop_column("note")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("moved_from")
        batch.drop_column("moves")
        batch.drop_column("sequence")
        batch.drop_column("note")
