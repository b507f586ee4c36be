"""Journal notes are encrypted before they reach the database (Fernet: AES-128-CBC + HMAC).

The key comes from the ``CERCLE_JOURNAL_KEY`` environment variable or from a key file that is
created with mode 0600 on first run.  Losing the key loses the notes: that is the point of it.
So a key is only ever made when no note exists yet, and at start-up the key must open the notes
already stored (:func:`check_key`): a lost key stops the bot with a way to put it back, instead
of a new key that silently reads nothing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

KEY_VARIABLE = "CERCLE_JOURNAL_KEY"


class JournalKeyError(Exception):
    """The journal key is missing, malformed or not private enough."""


class JournalCipher:
    def __init__(self, key: bytes) -> None:
        try:
            self._fernet = Fernet(key)
        except ValueError as error:
            raise JournalKeyError(
                "the journal key must be 32 url-safe base64-encoded bytes (Fernet.generate_key())"
            ) from error

    @classmethod
    def generate(cls) -> JournalCipher:
        return cls(Fernet.generate_key())

    def encrypt(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode()
        except (InvalidToken, UnicodeError) as error:
            raise JournalKeyError("a journal note cannot be read with this key") from error

    def can_read(self, token: str) -> bool:
        try:
            self.decrypt(token)
        except JournalKeyError:
            return False
        return True


def _restore_advice(key_file: Path) -> str:
    return (
        f"put back the journal key file {key_file} from your backup (mode 0600), or give the "
        f"key in the {KEY_VARIABLE} environment variable, then start again"
    )


def load_cipher(
    key_file: Path, environ: Mapping[str, str] | None = None, *, stored_notes: int = 0
) -> JournalCipher:
    """The key from the environment, else from ``key_file``; the file is created (mode 0600)
    only when no note is stored yet (``stored_notes``): otherwise its absence means the key was
    lost, and making a new one would hide that."""
    env = os.environ if environ is None else environ
    if value := env.get(KEY_VARIABLE, "").strip():
        return JournalCipher(value.encode())
    if stored_notes and not key_file.exists():
        raise JournalKeyError(
            f"{stored_notes} journal notes are stored, but the journal key file {key_file} is "
            f"missing; {_restore_advice(key_file)} (no new key was made: it could not read them)"
        )
    if key_file.is_dir():
        raise JournalKeyError(
            f"the journal key file {key_file} is a folder: give the path of a file, e.g. "
            f"{key_file / 'journal.key'} (it is created on first run)"
        )
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(key_file.stat().st_mode)
        if mode & 0o077:
            raise JournalKeyError(
                f"the journal key file {key_file} can be read by others (mode {mode:o}): "
                f"run 'chmod 600 {key_file}'"
            ) from None
        return JournalCipher(key_file.read_bytes().strip())
    key = Fernet.generate_key()
    with os.fdopen(descriptor, "wb") as file:
        file.write(key + b"\n")
    return JournalCipher(key)


def check_key(
    cipher: JournalCipher,
    sample: str | None,
    stored_notes: int,
    key_file: Path,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Stop unless ``cipher`` reads ``sample``, the newest stored note (if any)."""
    if sample is None or cipher.can_read(sample):
        return
    env = os.environ if environ is None else environ
    where = (
        f"the key in {KEY_VARIABLE}"
        if env.get(KEY_VARIABLE, "").strip()
        else f"the journal key file {key_file}"
    )
    raise JournalKeyError(
        f"{where} cannot read the {stored_notes} journal notes stored: it is not the key they "
        f"were written with; {_restore_advice(key_file)}"
    )
