"""Recurring series, reminders planned per session, and leases on jobs.

Sessions lose their free-text ``recurrence`` (never filled in a release) for a link to a
``series`` row; jobs gain ``claimed_until``, the lease a dispatcher holds while it sends.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def instant() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("first_start", sa.String(32), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("materialized_until", instant(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_series_group_id_groups", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_series"),
    )
    op.create_index("ix_series_group_id", "series", ["group_id"])
    op.create_index(
        "ix_series_cancelled_materialized_until", "series", ["cancelled", "materialized_until"]
    )
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("recurrence")
        batch.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("reminders_planned", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_foreign_key(
            "fk_sessions_series_id_series", "series", ["series_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_sessions_series_id", ["series_id"])
        batch.create_index(
            "ix_sessions_state_reminders_planned_planned_start",
            ["state", "reminders_planned", "planned_start"],
        )
    with op.batch_alter_table("sessions") as batch:
        batch.alter_column("reminders_planned", server_default=None)
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("claimed_until", instant(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("claimed_until")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_index("ix_sessions_state_reminders_planned_planned_start")
        batch.drop_index("ix_sessions_series_id")
        batch.drop_constraint("fk_sessions_series_id_series", type_="foreignkey")
        batch.drop_column("reminders_planned")
        batch.drop_column("series_id")
        batch.add_column(sa.Column("recurrence", sa.Text(), nullable=True))
    op.drop_index("ix_series_cancelled_materialized_until", table_name="series")
    op.drop_index("ix_series_group_id", table_name="series")
    op.drop_table("series")
