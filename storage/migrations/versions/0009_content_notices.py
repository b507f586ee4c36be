"""Content notices: a stick keeps, for the people waiting, the few words of their notice
(``hand cw …``), told to the room when they get the stick.

Revision ID: 0009_content_notices
Revises: 0008_hand_types
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_content_notices"
down_revision: str | None = "0008_hand_types"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_sticks = sa.table("sticks", sa.column("notices", sa.JSON()))


def upgrade() -> None:
    with op.batch_alter_table("sticks") as batch:
        batch.add_column(sa.Column("notices", sa.JSON(), nullable=True))
    op.execute(_sticks.update().values(notices={}))
    with op.batch_alter_table("sticks") as batch:
        batch.alter_column("notices", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("sticks") as batch:
        batch.drop_column("notices")
