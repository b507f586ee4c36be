"""What adapters hand to the core: one command typed by one person in one room."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Incoming:
    platform: str
    room_id: str
    user_id: str
    display_name: str
    text: str
    """The command line without the platform's prefix, e.g. ``stick move bob 2``."""
    event_id: str
    """Unique per platform event; replies derive their idempotency keys from it."""
    is_moderator: bool = False
    """What the platform says: a Discord role/permission, a Matrix power level, the console's
    ``@moderator`` line.  The core still decides what that allows."""
    private: bool = False
    """Nobody but the bot saw the command itself (a direct room, an ephemeral slash command, the
    console's private line).  Private notes typed elsewhere were seen by the room."""
