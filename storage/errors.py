"""Database problems a person running Cercle can fix, said in words (never an SQL statement)."""

from __future__ import annotations


class DatabaseError(Exception):
    """The database cannot be used as it is; the message says what to do."""
