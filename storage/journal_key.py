"""The start-up look at the journal: how many notes are stored, and the newest one, so the key
can be checked against them before the bot answers anyone."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.journal_crypto import JournalCipher, check_key, load_cipher
from storage.tables import journal_entries

_COUNT = select(func.count()).select_from(journal_entries)
_NEWEST = select(journal_entries.c.ciphertext).order_by(journal_entries.c.id.desc()).limit(1)


async def open_journal(
    engine: AsyncEngine, key_file: Path, environ: Mapping[str, str] | None = None
) -> JournalCipher:
    """The journal's key, checked: it reads the newest stored note, and it is never made anew
    while notes exist (:class:`~storage.journal_crypto.JournalKeyError` says what to do)."""
    async with engine.connect() as connection:
        stored = (await connection.execute(_COUNT)).scalar_one()
        sample = (await connection.execute(_NEWEST)).scalar_one_or_none()
    cipher = load_cipher(key_file, environ, stored_notes=stored)
    check_key(cipher, sample, stored, key_file, environ)
    return cipher
