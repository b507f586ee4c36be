"""``cercle db backup`` and ``cercle db restore`` for a SQLite deployment.

A backup is a folder holding three things that only work together: a consistent copy of the
database (sqlite3's online backup API, safe while the bot writes), the journal key (mode 0600:
without it the journal notes cannot be read) and the Matrix store (the bot's device and its
encryption keys), when there is one.  PostgreSQL is backed up with ``pg_dump`` (see the README).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from adapters.config import Config

SQLITE_PREFIX = "sqlite+aiosqlite:///"
KEY_MODE = 0o600
DATABASE_NAME = "cercle.db"
KEY_NAME = "journal-key"
MATRIX_STORE_NAME = "matrix-store"


class BackupError(Exception):
    """What to fix for a backup or a restore to work, in words."""


@dataclass(frozen=True, slots=True)
class Parts:
    """Where the three parts of a deployment live."""

    database: Path
    journal_key: Path
    matrix_store: Path | None


def deployment_parts(config: Config) -> Parts:
    url = config.bot.database_url
    database = url.removeprefix(SQLITE_PREFIX)
    if not url.startswith(SQLITE_PREFIX) or not database or ":memory:" in database:
        raise BackupError(
            "only a SQLite database file can be backed up by cercle; "
            "back up PostgreSQL with pg_dump (see the README)"
        )
    store = Path(config.matrix.store_path) if config.matrix.enabled else None
    return Parts(Path(database), config.bot.journal_key_path(), store)


def backup(config: Config, destination: Path) -> list[Path]:
    """Copy the deployment into ``destination`` (a new or empty folder); returns the copies."""
    parts = deployment_parts(config)
    if not parts.database.is_file():
        raise BackupError(f"{parts.database}: no such database file")
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise BackupError(f"{destination}: choose a new or empty folder for the backup")
    destination.mkdir(parents=True, exist_ok=True)
    written = [_copy_database(parts.database, destination / DATABASE_NAME)]
    if parts.journal_key.is_file():
        written.append(_copy_key(parts.journal_key, destination / KEY_NAME))
    if parts.matrix_store is not None and parts.matrix_store.is_dir():
        target = destination / MATRIX_STORE_NAME
        shutil.copytree(parts.matrix_store, target)
        written.append(target)
    return written


def restore(config: Config, source: Path, *, force: bool = False) -> list[Path]:
    """Put a backup made by :func:`backup` where ``config`` expects the deployment to be.

    Refuses to overwrite an existing database unless ``force`` (stop the bot first)."""
    parts = deployment_parts(config)
    database = source / DATABASE_NAME
    if not database.is_file():
        raise BackupError(f"{source}: not a Cercle backup (no {DATABASE_NAME} inside)")
    if parts.database.exists() and not force:
        raise BackupError(f"{parts.database} exists; stop the bot and pass --force to replace it")
    parts.database.parent.mkdir(parents=True, exist_ok=True)
    for stale in (Path(f"{parts.database}-wal"), Path(f"{parts.database}-shm")):
        stale.unlink(missing_ok=True)
    written = [_copy_database(database, parts.database)]
    key = source / KEY_NAME
    if key.is_file():
        parts.journal_key.parent.mkdir(parents=True, exist_ok=True)
        written.append(_copy_key(key, parts.journal_key))
    store = source / MATRIX_STORE_NAME
    if parts.matrix_store is not None and store.is_dir():
        shutil.copytree(store, parts.matrix_store, dirs_exist_ok=True)
        written.append(parts.matrix_store)
    return written


def _copy_database(source: Path, target: Path) -> Path:
    """sqlite3's online backup: a consistent snapshot even while another process writes."""
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    except sqlite3.Error as error:
        raise BackupError(f"{source}: could not be copied ({error})") from error
    finally:
        reader.close()
    return target


def _copy_key(source: Path, target: Path) -> Path:
    target.unlink(missing_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, KEY_MODE)
    with os.fdopen(descriptor, "wb") as out:
        out.write(source.read_bytes())
    return target
