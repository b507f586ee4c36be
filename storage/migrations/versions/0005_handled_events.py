"""Platform events already applied as commands, so an event delivered again is not applied twice.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handled_events",
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "event_id", name="pk_handled_events"),
    )
    op.create_index("ix_handled_events_handled_at", "handled_events", ["handled_at"])


def downgrade() -> None:
    op.drop_index("ix_handled_events_handled_at", table_name="handled_events")
    op.drop_table("handled_events")
