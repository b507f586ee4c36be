"""The start-up look at the journal: how many notes are stored, and the newest one, so the key
can be checked against them before the bot answers anyone."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Connection, func, select

from storage.database import Database
from storage.journal_crypto import JournalCipher, check_key, load_cipher
from storage.tables import journal_entries

_COUNT = select(func.count()).select_from(journal_entries)
_NEWEST = select(journal_entries.c.ciphertext).order_by(journal_entries.c.id.desc()).limit(1)


def _stored(connection: Connection) -> tuple[int, str | None]:
    return connection.execute(_COUNT).scalar_one(), connection.execute(_NEWEST).scalar_one_or_none()


async def open_journal(
    engine: Database, key_file: Path, environ: Mapping[str, str] | None = None
) -> JournalCipher:
    """The journal's key, checked: it reads the newest stored note, and it is never made anew
    while notes exist (:class:`~storage.journal_crypto.JournalKeyError` says what to do)."""
    stored, sample = await engine.run(_stored)
    cipher = load_cipher(key_file, environ, stored_notes=stored)
    check_key(cipher, sample, stored, key_file, environ)
    return cipher
