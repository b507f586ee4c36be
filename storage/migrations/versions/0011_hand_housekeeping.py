"""Housekeeping of hands: a stick keeps when each person waiting raised their hand (for the
gentle check of a forgotten hand) and who in line left the room, since when (taken out after
the group's grace period); groups choose both delays, and whether their moderators get a
speaking-time summary at the end of a session (off) and opening and closing rounds (off); a
stick keeps the round going on and the hands raised during it.

Revision ID: 0011_hand_housekeeping
Revises: 0010_accompanying_role
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_hand_housekeeping"
down_revision: str | None = "0010_accompanying_role"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_sticks = sa.table(
    "sticks",
    sa.column("raised_at", sa.JSON()),
    sa.column("away", sa.JSON()),
    sa.column("after_round", sa.JSON()),
)
_groups = sa.table("groups", sa.column("hand_check_minutes", sa.Integer()))


def upgrade() -> None:
    with op.batch_alter_table("sticks") as batch:
        batch.add_column(sa.Column("round", sa.String(16), nullable=True))
        batch.add_column(sa.Column("after_round", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("raised_at", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("away", sa.JSON(), nullable=True))
    op.execute(_sticks.update().values(raised_at={}, away={}, after_round=[]))
    with op.batch_alter_table("sticks") as batch:
        batch.alter_column("raised_at", existing_type=sa.JSON(), nullable=False)
        batch.alter_column("away", existing_type=sa.JSON(), nullable=False)
        batch.alter_column("after_round", existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table("groups") as batch:
        for switch in ("opening_round", "closing_round", "summary"):
            batch.add_column(
                sa.Column(switch, sa.Boolean(), nullable=False, server_default=sa.false())
            )
        batch.add_column(sa.Column("hand_check_minutes", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("leave_grace_minutes", sa.Integer(), nullable=False, server_default="2")
        )
    # Groups that exist check forgotten hands after 30 minutes, as new ones do.
    op.execute(_groups.update().values(hand_check_minutes=30))


def downgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("leave_grace_minutes")
        batch.drop_column("hand_check_minutes")
        for switch in ("summary", "closing_round", "opening_round"):
            batch.drop_column(switch)
    with op.batch_alter_table("sticks") as batch:
        batch.drop_column("away")
        batch.drop_column("raised_at")
        batch.drop_column("after_round")
        batch.drop_column("round")
