"""Turns given in a round: the speaking log notes the round (opening or closing) in which a
turn was given, and the stick the round in which its holder was called, so the speaking-time
summary does not count a pass in a round as speaking.  Older rows: turns on the open floor.
The stick also keeps who raised a hand in its session (older sticks: nobody yet), so the
summary names who raised one and never got the floor.

Revision ID: 0016_round_turns
Revises: 0015_calendar_links
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_round_turns"
down_revision: str | None = "0015_calendar_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_sticks = sa.table("sticks", sa.column("hands_raised", sa.JSON()))


def upgrade() -> None:
    with op.batch_alter_table("sticks") as batch:
        batch.add_column(sa.Column("holder_round", sa.String(16), nullable=True))
        batch.add_column(sa.Column("hands_raised", sa.JSON(), nullable=True))
    op.execute(_sticks.update().values(hands_raised=[]))
    with op.batch_alter_table("sticks") as batch:
        batch.alter_column("hands_raised", existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table("speaking_turns") as batch:
        batch.add_column(sa.Column("round", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("speaking_turns") as batch:
        batch.drop_column("round")
    with op.batch_alter_table("sticks") as batch:
        batch.drop_column("hands_raised")
        batch.drop_column("holder_round")
