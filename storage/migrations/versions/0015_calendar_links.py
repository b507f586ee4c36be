"""Private calendar links: a member's row keeps the SHA-256 of their feed token (never the
token), looked up when a calendar app fetches ``/calendar/<token>.ics``.

Revision ID: 0015_calendar_links
Revises: 0014_session_changes
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_calendar_links"
down_revision: str | None = "0014_session_changes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("calendar_token", sa.String(64), nullable=True))
        batch.create_index("ix_members_calendar_token", ["calendar_token"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_index("ix_members_calendar_token")
        batch.drop_column("calendar_token")
