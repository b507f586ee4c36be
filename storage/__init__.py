"""SQLAlchemy 2 (Core) implementation of the core's storage ports, with Alembic migrations.

Start-up::

    engine = create_engine(config.database_url)   # a storage.Database
    await upgrade(engine)
    store = SqlStore(engine)          # a bot.ports.UnitOfWorkFactory
    ...
    await dispose(engine)
"""

from storage.database import Database
from storage.engine import create_engine, dispose
from storage.migrate import current_revision, upgrade
from storage.uow import SqlStore, SqlUnitOfWork

__all__ = [
    "Database",
    "SqlStore",
    "SqlUnitOfWork",
    "create_engine",
    "current_revision",
    "dispose",
    "upgrade",
]
