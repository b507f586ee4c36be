"""Groups choose how hands join the line: ``speaking_order`` (arrival, first-time or balanced)
replaces ``first_speakers_first`` (on became first-time, off arrival).

Revision ID: 0007_speaking_order
Revises: 0006_words
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_speaking_order"
down_revision: str | None = "0006_words"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_groups = sa.table(
    "groups",
    sa.column("first_speakers_first", sa.Boolean()),
    sa.column("speaking_order", sa.String(32)),
)


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("speaking_order", sa.String(32), nullable=True))
    op.execute(
        _groups.update().values(
            speaking_order=sa.case((_groups.c.first_speakers_first, "first-time"), else_="arrival")
        )
    )
    with op.batch_alter_table("groups") as batch:
        batch.alter_column("speaking_order", existing_type=sa.String(32), nullable=False)
        batch.drop_column("first_speakers_first")


def downgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("first_speakers_first", sa.Boolean(), nullable=True))
    op.execute(_groups.update().values(first_speakers_first=_groups.c.speaking_order != "arrival"))
    with op.batch_alter_table("groups") as batch:
        batch.alter_column("first_speakers_first", existing_type=sa.Boolean(), nullable=False)
        batch.drop_column("speaking_order")
