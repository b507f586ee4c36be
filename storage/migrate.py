"""Applying the Alembic migrations in ``storage/migrations`` from code, at start-up.

There is no alembic.ini: :func:`alembic_config` builds the configuration.  To add a migration,
change :mod:`storage.tables`, then write the next revision by hand from the template::

    from alembic import command
    from storage.migrate import alembic_config
    command.revision(alembic_config(), "add journal entries", rev_id="0002")

and fill in ``upgrade()``/``downgrade()``; ``tests/storage/test_storage_migrations.py`` fails
until the migrated schema matches the tables again (on SQLite and PostgreSQL).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).resolve().with_name("migrations")

# Several bot processes may share one PostgreSQL database and start together: the first one
# to take this transaction-level advisory lock migrates, the others then find nothing to do.
_PG_LOCK_KEY = 0x43_45_52_43_4C_45  # "CERCLE"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration without an ini file; env.py uses ``connection`` if given."""
    config = Config()
    # Config values go through configparser interpolation: escape '%' in the path.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` in one transaction."""
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY}
            )
        await connection.run_sync(_upgrade, revision)


def _upgrade(connection: Connection, revision: str) -> None:
    command.upgrade(alembic_config(connection), revision)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None before the first migration."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current_revision)


def _current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()
