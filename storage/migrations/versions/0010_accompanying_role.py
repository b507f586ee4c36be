"""An accompanying person remembers the role they had before (an observer who accompanies
someone), so that ``accompanying off`` gives it back instead of making them a participant.

Revision ID: 0010_accompanying_role
Revises: 0009_content_notices
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_accompanying_role"
down_revision: str | None = "0009_content_notices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("role_before_accompanying", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("role_before_accompanying")
