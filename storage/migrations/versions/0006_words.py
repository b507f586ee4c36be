"""Groups gain ``country`` (whose crisis lines ``resources`` shows) and ``region`` (how dates
and times are written: ``en-US`` uses a 12-hour clock).  Both empty: derived from the time zone,
and the language's plain style.

Revision ID: 0006_words
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_words"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("country", sa.String(2), nullable=True))
        batch.add_column(sa.Column("region", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("region")
        batch.drop_column("country")
