"""This Cercle instance's id: made once, kept in the database, the same across restarts.

Calendar UIDs carry it (``session-34@<instance id>``) so that the events of two instances never
collide in a calendar app.  It says nothing about the people or the groups.
"""

from __future__ import annotations

import secrets

from bot.ports import UnitOfWork

STATE_PLATFORM = "cercle"
"""The core's own row in the platform state (no adapter uses this name)."""
STATE_KEY = "instance_id"


async def instance_id(uow: UnitOfWork) -> str:
    """The stored id, or a new random one stored now (within the caller's transaction)."""
    known = await uow.platform_state.get(STATE_PLATFORM, STATE_KEY)
    if known is not None:
        return known
    made = f"{secrets.token_hex(8)}.cercle"
    await uow.platform_state.put(STATE_PLATFORM, STATE_KEY, made)
    return made
