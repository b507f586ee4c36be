"""Typed errors.  Each carries a message key; one boundary (:mod:`bot.app`) turns them into kind,
translated replies and guarantees nothing of the failed command was stored."""

from __future__ import annotations

from collections.abc import Mapping

from bot.replies import Param


class CercleError(Exception):
    """An expected failure the person can act on."""

    def __init__(self, key: str, params: Mapping[str, Param] | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.params: dict[str, Param] = dict(params or {})


class UsageError(CercleError):
    """The command was not understood: unknown name, missing or extra or ill-typed argument."""


class PermissionDenied(CercleError):
    """The person may not run this command here."""


class NotFound(CercleError):
    """A member, session or item named in the command does not exist."""


class StateError(CercleError):
    """The command does not fit the current state (no open session, not holding the stick…)."""


class NotesUnreadable(StateError):
    """Journal notes are stored but cannot be read: the bot's key is not the one they were
    written with.  Nothing is lost while the right key exists somewhere."""

    def __init__(self, count: int) -> None:
        super().__init__("error.journal_unreadable")
        self.count = count
