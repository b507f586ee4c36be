"""Database problems a person running Cercle can fix, said in words (never an SQL statement)."""

from __future__ import annotations


class DatabaseError(Exception):
    """The database cannot be used as it is; the message says what to do.  ``transient``: the
    server did not answer (it may be restarting), so trying again later may work."""

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
