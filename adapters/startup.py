"""The one start-up function: configuration in, a running core (and later, platforms) out."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from types import TracebackType
from typing import Self, TextIO

from adapters.config import Config, ConfigError
from adapters.logs import FORMATTERS, Redact
from bot.app import Cercle
from bot.ports import Clock
from storage.database import Database
from storage.engine import create_engine, dispose
from storage.journal_crypto import JournalKeyError
from storage.journal_key import open_journal
from storage.migrate import current_revision, upgrade
from storage.uow import SqlStore

log = logging.getLogger("cercle.startup")

DISPOSE_TIMEOUT = 5.0

QUIET_LIBRARIES = {
    "sqlalchemy": logging.WARNING,
    "asyncpg": logging.WARNING,
    "alembic": logging.WARNING,
    "peewee": logging.WARNING,
}
"""The least each database library logs at, always (their INFO and DEBUG hold SQL parameters)."""
CHATTY_LIBRARIES = ("discord", "nio", "aiohttp", "apscheduler")
"""Libraries kept at WARNING unless ``[bot] library_log_level = "INFO"`` (never DEBUG)."""


@dataclass(slots=True)
class Runtime:
    """What :func:`start` built; ``close()`` releases it."""

    config: Config
    cercle: Cercle
    engine: Database
    clock: Clock
    dispose_timeout: float = DISPOSE_TIMEOUT

    async def close(self) -> None:
        """Close the database connections, giving up after ``dispose_timeout`` seconds."""
        await dispose(self.engine, self.dispose_timeout)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


async def start(config: Config, clock: Clock) -> Runtime:
    """Create the engine, migrate the database to the latest schema and build the core."""
    engine = create_engine(config.bot.database_url)
    try:
        await upgrade(engine)
    except BaseException:
        await dispose(engine, DISPOSE_TIMEOUT)
        raise
    try:
        cipher = await open_journal(engine, config.bot.journal_key_path())
    except (JournalKeyError, OSError) as error:
        await dispose(engine, DISPOSE_TIMEOUT)
        raise ConfigError(str(error), "bot.journal_key_file", config.source) from None
    cercle = Cercle(SqlStore(engine, cipher), clock, config.defaults(), resources=config.resources)
    if engine.dialect.name == "sqlite":
        # One process per SQLite file: leases left by a previous run (a crash) are ours to end,
        # so what it was sending goes out again now (idempotently) instead of in a minute.
        await cercle.release_claims()
    log.info("started", extra={"database": engine.dialect.name})
    return Runtime(config, cercle, engine, clock)


async def upgrade_database(config: Config) -> str | None:
    """``cercle db upgrade``: migrate and return the revision the database is now at."""
    engine = create_engine(config.bot.database_url)
    try:
        await upgrade(engine)
        return await current_revision(engine)
    finally:
        await dispose(engine, DISPOSE_TIMEOUT)


def configure_logging(
    level: str,
    stream: TextIO | None = None,
    log_format: str = "text",
    library_level: str = "WARNING",
) -> None:
    """``key=value`` (or JSON) lines on stderr (stdout is kept for the console's transcript),
    through the one filter that keeps members' words out (:class:`adapters.logs.Redact`)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(FORMATTERS[log_format]())
    handler.addFilter(Redact())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # These libraries log SQL parameters or event bodies when verbose: members' words must never
    # reach a log, whatever level the bot runs at.
    wanted = logging.getLevelName(level)
    for name, floor in QUIET_LIBRARIES.items():
        logging.getLogger(name).setLevel(max(floor, wanted))
    chatty = max(logging.INFO, logging.getLevelName(library_level))
    for name in CHATTY_LIBRARIES:
        logging.getLogger(name).setLevel(max(chatty, wanted))
