"""Applying the Alembic migrations in ``storage/migrations`` from code, at start-up.

There is no alembic.ini: :func:`alembic_config` builds the configuration.  To add a migration,
change :mod:`storage.tables`, then write the next revision by hand from the template::

    from alembic import command
    from storage.migrate import alembic_config
    command.revision(alembic_config(), "add journal entries", rev_id="0002")

and fill in ``upgrade()``/``downgrade()``; ``tests/storage/test_storage_migrations.py`` fails
until the migrated schema matches the tables again (on SQLite and PostgreSQL).

Alembic is imported only when there is something to migrate: importing it costs ~0.1 s of a
~0.5 s start-up, and a database already at the head of ``versions/`` (every start but the
first after an upgrade) is recognised from the revision files' text and one query.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from storage.database import Database
from storage.errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().with_name("migrations")

# Several bot processes may share one PostgreSQL database and start together: the first one
# to take this transaction-level advisory lock migrates, the others then find nothing to do.
_PG_LOCK_KEY = 0x43_45_52_43_4C_45  # "CERCLE"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration without an ini file; env.py uses ``connection`` if given."""
    from alembic.config import Config

    config = Config()
    # Config values go through configparser interpolation: escape '%' in the path.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade(engine: Database, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` in one transaction; a database that
    cannot be reached, written or understood is a :class:`DatabaseError` saying what to do."""
    try:
        if revision == "head" and await engine.run(_at_head):
            return
        await engine.run(_upgrade, revision)
    except DBAPIError as error:
        raise DatabaseError(_explain(engine, error.orig)) from None
    except OSError as error:  # the server does not answer
        raise DatabaseError(_explain(engine, error), transient=True) from None


def _explain(engine: Database, cause: BaseException | None) -> str:
    """What went wrong, from the driver's own words (the statement is left out: it says nothing
    useful to the person running the bot, and could hold data)."""
    where = engine.url.render_as_string(hide_password=True)
    reason = str(cause).splitlines()[0] if cause is not None and str(cause) else "no answer"
    if engine.dialect.name == "sqlite":
        return (
            f"cannot use the database {where}: {reason}; check that the file and its folder "
            f"exist and can be written by the user running Cercle"
        )
    return (
        f"cannot use the database {where}: {type(cause).__name__}: {reason}; check that the "
        f"database server is running and reachable, and the role and database exist"
    )


def _refuse_newer(connection: Connection) -> None:
    """A schema this version does not know was written by a newer Cercle: migrating it (or
    running on it) could lose data, so stop and say so."""
    if not _has_version_table(connection):
        return
    result = connection.execute(text("SELECT version_num FROM alembic_version"))
    unknown = sorted(set(result.scalars()) - _known_revisions())
    if unknown:
        raise DatabaseError(
            f"this database was written by a newer version of Cercle (schema "
            f"{', '.join(unknown)}); run that version again, or restore a backup made with this one"
        )


def _known_revisions() -> frozenset[str]:
    return frozenset(
        found
        for path in (MIGRATIONS / "versions").glob("*.py")
        for found in _REVISION.findall(path.read_text(encoding="utf-8"))
    )


def _upgrade(connection: Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    _refuse_newer(connection)
    from alembic import command

    command.upgrade(alembic_config(connection), revision)


_REVISION = re.compile(r'^revision(?:: [^=]+)? = "([^"]+)"$', re.MULTILINE)
_DOWN_REVISION = re.compile(r'^down_revision(?:: [^=]+)? = (?:"([^"]+)"|None)$', re.MULTILINE)


def script_heads() -> frozenset[str] | None:
    """The head revisions of ``versions/``, read from the files' text without Alembic; None
    when a file does not read as expected (then Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.findall(source)
        down = _DOWN_REVISION.findall(source)
        if len(found) != 1 or len(down) != 1:
            return None
        revisions.add(found[0])
        if down[0]:
            parents.add(down[0])
    heads = revisions - parents
    return frozenset(heads) if heads and parents <= revisions else None


def _at_head(connection: Connection) -> bool:
    """Whether the database is already at the head of ``versions/`` (cheaply; False when in
    doubt, and Alembic then looks itself)."""
    heads = script_heads()
    if heads is None or not _has_version_table(connection):
        return False
    result = connection.execute(text("SELECT version_num FROM alembic_version"))
    return frozenset(result.scalars()) == heads


def _has_version_table(connection: Connection) -> bool:
    if connection.dialect.name == "sqlite":
        query = (
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        )
    else:  # in the connection's search path, as Alembic looks for it
        query = "SELECT to_regclass('alembic_version') IS NOT NULL"
    return bool(connection.execute(text(query)).scalar())


async def current_revision(engine: Database) -> str | None:
    """The revision the database is at, or None before the first migration."""
    return await engine.run(_current_revision)


def _current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()
