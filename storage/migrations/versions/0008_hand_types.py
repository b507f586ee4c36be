"""Typed hands: a stick keeps who waits with a reply hand (``reply``, one at most) and with a
process point (``process``); groups may turn reply hands off (``reply_hands``, on until then).

Revision ID: 0008_hand_types
Revises: 0007_speaking_order
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_hand_types"
down_revision: str | None = "0007_speaking_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_sticks = sa.table("sticks", sa.column("process", sa.JSON()))
_groups = sa.table("groups", sa.column("reply_hands", sa.Boolean()))


def upgrade() -> None:
    with op.batch_alter_table("sticks") as batch:
        batch.add_column(sa.Column("reply", sa.String(255), nullable=True))
        batch.add_column(sa.Column("process", sa.JSON(), nullable=True))
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("reply_hands", sa.Boolean(), nullable=True))
    op.execute(_sticks.update().values(process=[]))
    op.execute(_groups.update().values(reply_hands=True))
    with op.batch_alter_table("sticks") as batch:
        batch.alter_column("process", existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table("groups") as batch:
        batch.alter_column("reply_hands", existing_type=sa.Boolean(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("reply_hands")
    with op.batch_alter_table("sticks") as batch:
        batch.drop_column("process")
        batch.drop_column("reply")
