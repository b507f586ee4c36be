"""Who goes first when Discord makes the bot wait (a burst, a rate limit).

1. The answer to a person's own command never waits for anything of the bot's: it goes through
   the interaction's own webhook (its token), which Discord limits apart from the bot's routes
   and outside its global limit, and the adapter gives it before the aftermath (room messages,
   direct messages, the panel, the scheduled event).
2. Room announcements before bulk: a timed direct message (a reminder, a journal prompt) and a
   direct-message channel opened ahead wait while room announcements are being sent."""

from __future__ import annotations

import asyncio


class Lanes:
    def __init__(self) -> None:
        self._rooms = 0
        self._clear = asyncio.Event()
        self._clear.set()

    def enter(self) -> None:
        """A room announcement is handed over (call before awaiting anything, so that bulk
        handed over after it waits for it); :meth:`leave` once it is out."""
        self._rooms += 1
        self._clear.clear()

    def leave(self) -> None:
        self._rooms -= 1
        if self._rooms == 0:
            self._clear.set()

    async def after_rooms(self) -> None:
        """Before sending bulk: wait until no room announcement is on its way."""
        await self._clear.wait()
