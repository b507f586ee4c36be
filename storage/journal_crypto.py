"""Journal notes are encrypted before they reach the database (Fernet: AES-128-CBC + HMAC).

The key comes from the ``CERCLE_JOURNAL_KEY`` environment variable or from a key file that is
created with mode 0600 on first run.  Losing the key loses the notes: that is the point of it.
"""

from __future__ import annotations

import os
import stat
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
        except InvalidToken as error:
            raise JournalKeyError("a journal note cannot be read with this key") from error


def load_cipher(key_file: Path, environ: dict[str, str] | None = None) -> JournalCipher:
    """The key from the environment, else from ``key_file`` (created, mode 0600, if absent)."""
    env = os.environ if environ is None else environ
    if value := env.get(KEY_VARIABLE, "").strip():
        return JournalCipher(value.encode())
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
