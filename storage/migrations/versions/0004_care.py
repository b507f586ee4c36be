"""Care features: themes and votes, the encrypted journal, the directory and member choices.

Groups gain ``listed`` (shown in the directory); members gain ``journal_prompt`` and
``accompanying_requested_at``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def instant() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(
            sa.Column("listed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("groups") as batch:
        batch.alter_column("listed", server_default=None)
    with op.batch_alter_table("members") as batch:
        batch.add_column(
            sa.Column("journal_prompt", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("accompanying_requested_at", instant(), nullable=True))
    with op.batch_alter_table("members") as batch:
        batch.alter_column("journal_prompt", server_default=None)
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(255), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", instant(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_themes_group_id_groups", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name="fk_themes_session_id_sessions",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_themes"),
    )
    op.create_index("ix_themes_group_id", "themes", ["group_id"])
    op.create_table(
        "theme_votes",
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("voted_at", instant(), nullable=False),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name="fk_theme_votes_theme_id_themes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("theme_id", "user_id", name="pk_theme_votes"),
    )
    op.create_index("ix_theme_votes_user_id", "theme_votes", ["user_id"])
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("created_at", instant(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name="fk_journal_entries_group_id_groups",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_journal_entries"),
        sa.UniqueConstraint(
            "platform", "user_id", "number", name="uq_journal_entries_platform_user_id_number"
        ),
    )


def downgrade() -> None:
    op.drop_table("journal_entries")
    op.drop_index("ix_theme_votes_user_id", table_name="theme_votes")
    op.drop_table("theme_votes")
    op.drop_index("ix_themes_group_id", table_name="themes")
    op.drop_table("themes")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("accompanying_requested_at")
        batch.drop_column("journal_prompt")
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("listed")
