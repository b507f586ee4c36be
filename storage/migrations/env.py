"""Alembic environment: migrations run on a connection handed over by storage.migrate.

There is no ini file and no URL here: ``storage.migrate.upgrade(engine)`` opens the
transaction and passes its connection in ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.tables import metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if context.is_offline_mode() or not isinstance(connection, Connection):
        raise RuntimeError(
            "Cercle's migrations run from code: call storage.migrate.upgrade(engine)"
        )
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        # SQLite cannot ALTER most things: later migrations rebuild tables in batch mode.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
