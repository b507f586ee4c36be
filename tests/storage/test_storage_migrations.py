"""The Alembic migrations build exactly the schema of storage.tables, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import fields
from enum import StrEnum
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, inspect

from bot.domain import (
    AccompanyingPolicy,
    Group,
    Job,
    JobKind,
    JobState,
    JournalEntry,
    Member,
    Need,
    PauseRequest,
    Role,
    Session,
    SessionState,
    SpeakingTurn,
    Stick,
    Theme,
    ThemeVote,
)
from storage import Database, current_revision, tables, upgrade
from storage.migrate import alembic_config
from storage.tables import metadata
from tests.storage.conftest import Backend

TABLES = {
    "handled_events",
    "themes",
    "theme_votes",
    "journal_entries",
    "groups",
    "members",
    "sessions",
    "sticks",
    "speaking_turns",
    "platform_state",
    "series",
    "pause_requests",
    "jobs",
    "attendance",
}


async def schema_diffs(engine: Database, target: MetaData) -> list[Any]:
    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, target))

    return await engine.run(compare)


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_migrated_schema_matches_the_tables(sql_backend: Backend) -> None:
    assert sql_backend.engine is not None
    assert await schema_diffs(sql_backend.engine, metadata) == []


async def test_the_comparison_does_see_differences(sql_backend: Backend) -> None:
    """Guard against a vacuous check: a changed schema must show up as a difference."""
    assert sql_backend.engine is not None
    changed = MetaData()
    for table in metadata.sorted_tables:
        if table.name != "pause_requests":
            table.to_metadata(changed)
    changed.tables["jobs"].append_column(Column("attempts", Integer, nullable=True))
    changed.tables["sessions"].c.planned_minutes.type = String(10)
    diffs = await schema_diffs(sql_backend.engine, changed)
    # Column changes come as a list of modifications, table and column additions as tuples.
    flat = [d for diff in diffs for d in (diff if isinstance(diff, list) else [diff])]
    kinds = {(d[0], getattr(d[-1], "name", None) or d[3]) for d in flat}
    assert ("add_column", "attempts") in kinds
    assert ("remove_table", "pause_requests") in kinds
    assert ("modify_type", "planned_minutes") in kinds


async def test_upgrade_is_idempotent_and_at_head(sql_backend: Backend) -> None:
    assert sql_backend.engine is not None
    assert head() == "0016_round_turns"
    assert await current_revision(sql_backend.engine) == head()
    await upgrade(sql_backend.engine)
    assert await current_revision(sql_backend.engine) == head()
    assert await schema_diffs(sql_backend.engine, metadata) == []


async def test_downgrade_to_base_and_back(sql_backend: Backend) -> None:
    engine = sql_backend.engine
    assert engine is not None

    def downgrade(connection: Connection) -> None:
        command.downgrade(alembic_config(connection), "base")

    def table_names(connection: Connection) -> set[str]:
        return set(inspect(connection).get_table_names())

    await engine.run(downgrade)
    assert await engine.run(table_names) == {"alembic_version"}
    assert await current_revision(engine) is None
    await upgrade(engine)
    assert await engine.run(table_names) == {*TABLES, "alembic_version"}


def test_every_table_is_in_the_metadata() -> None:
    assert set(metadata.tables) == TABLES


@pytest.mark.parametrize(
    ("value_class", "table", "not_stored", "storage_only"),
    [
        (Group, tables.groups, set(), set()),
        (Member, tables.members, set(), set()),
        (Session, tables.sessions, set(), set()),
        # ``spoken`` is derived from the speaking log when read.
        (Stick, tables.sticks, {"spoken"}, set()),
        (SpeakingTurn, tables.speaking_turns, set(), {"id"}),
        (PauseRequest, tables.pause_requests, set(), set()),
        (Job, tables.jobs, set(), set()),
        (Theme, tables.themes, set(), set()),
        (ThemeVote, tables.theme_votes, set(), set()),
        # The text is stored only encrypted, as ``ciphertext``.
        (JournalEntry, tables.journal_entries, {"text"}, {"ciphertext"}),
    ],
)
def test_every_domain_field_has_a_column(
    value_class: type, table: Table, not_stored: set[str], storage_only: set[str]
) -> None:
    """When the domain gains a field, this fails until a column and a migration carry it."""
    assert {f.name for f in fields(value_class)} - not_stored == set(table.c.keys()) - storage_only


@pytest.mark.parametrize(
    ("enum", "column"),
    [
        (Need, tables.groups.c.need),
        (AccompanyingPolicy, tables.groups.c.accompanying),
        (Role, tables.members.c.role),
        (SessionState, tables.sessions.c.state),
        (JobKind, tables.jobs.c.kind),
        (JobState, tables.jobs.c.state),
    ],
)
def test_every_enum_value_fits_its_column(enum: type[StrEnum], column: Column[str]) -> None:
    """PostgreSQL refuses a string longer than its VARCHAR: a new, longer value needs a migration."""
    length = column.type.length  # type: ignore[attr-defined]
    assert max(len(member.value) for member in enum) <= length
