"""Direct-message channels: a known one is reused, a new one is opened at a pace.

Discord quarantines a bot that opens many direct-message channels in a burst (reports of 25-40
at once).  A member's channel with the bot never changes once open: its id is remembered (in
the adapter's state, across restarts) and a message to it opens nothing.  New ones are opened
one at a time, at most ``per_second`` (``[discord] new_dms_per_second``, one every two seconds
by default), soonest deadline first: a reply that is due now passes before a channel prepared
for a reminder due later.

Private reminders are known ahead (the core's outbox): :meth:`DirectChannels.look_ahead` opens,
at that pace, the channels the reminders of the next half hour will need, so that when they
fall due the outbox sends them all at once, on time, to channels that are open already.  The
reminders themselves are still sent by the outbox, at their time, exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections.abc import Iterable
from datetime import timedelta

import discord

from adapters.discord.lanes import Lanes
from adapters.discord.state import AdapterState
from bot.app import Cercle

log = logging.getLogger("cercle.discord")

PLATFORM = "discord"
LOOK_AHEAD = timedelta(minutes=30)
"""How far ahead reminders get their channels opened (900 channels at one every 2 s)."""


class DirectChannels:
    def __init__(
        self, client: discord.Client, state: AdapterState, lanes: Lanes, *, per_second: float
    ) -> None:
        self.client = client
        self.state = state
        self.lanes = lanes
        self.interval = 1.0 / per_second
        self._known: dict[int, int] = {}
        self._queue: list[tuple[float, int, int]] = []
        """A heap of (deadline on the loop's clock, order, user id)."""
        self._opening: dict[int, asyncio.Future[int]] = {}
        self._waited: set[int] = set()
        """Users a sender waits for (others are prepared ahead: bulk)."""
        self._order = itertools.count()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._last: float | None = None
        self._worker: asyncio.Task[None] | None = None
        self.opened = 0
        """New channels asked of Discord since the start (for tests and logs)."""

    # --- what senders use -----------------------------------------------------------------
    async def channel(self, user_id: int) -> discord.abc.Messageable:
        """The member's direct-message channel, opened now (at the pace) if need be."""
        channel_id = await self.known(user_id)
        if channel_id is None:
            self._waited.add(user_id)
            channel_id = await self._ask(user_id, asyncio.get_running_loop().time())
        return self.client.get_partial_messageable(channel_id, type=discord.ChannelType.private)

    async def known(self, user_id: int) -> int | None:
        found = self._known.get(user_id)
        if found is None:
            found = await self.state.dm_channel(user_id)
            if found is not None:
                self._known[user_id] = found
        return found

    async def forget(self, user_id: int) -> None:
        """The channel is gone (or the person asked to be forgotten)."""
        self._known.pop(user_id, None)
        await self.state.drop_dm_channel(user_id)

    # --- opening ahead ---------------------------------------------------------------------
    async def prepare(self, user_id: int, deadline: float) -> bool:
        """Open the member's channel before ``deadline`` (the loop's clock), in the background;
        False when it is open already."""
        if await self.known(user_id) is not None:
            return False
        future = self._ask(user_id, deadline)
        future.add_done_callback(_quietly)
        return True

    async def look_ahead(self, cercle: Cercle, rooms: Iterable[int]) -> int:
        """Prepare the channels the private reminders of these rooms will need within
        :data:`LOOK_AHEAD`; returns how many are to be opened."""
        now = asyncio.get_running_loop().time()
        queued = 0
        for room_id in sorted(set(rooms)):
            coming = await cercle.private_reminders(PLATFORM, str(room_id), LOOK_AHEAD)
            for delay, people in coming:
                deadline = now + delay.total_seconds()
                for user in people:
                    if user.isdigit() and await self.prepare(int(user), deadline):
                        queued += 1
        if queued:
            log.info("opening direct-message channels ahead", extra={"count": queued})
        return queued

    async def settled(self) -> None:
        """Return once nothing waits to be opened (tests)."""
        await self._idle.wait()

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        for future in self._opening.values():
            future.cancel()

    # --- internals ------------------------------------------------------------------------
    def _ask(self, user_id: int, deadline: float) -> asyncio.Future[int]:
        future = self._opening.get(user_id)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._opening[user_id] = future
        # An earlier deadline for the same member comes first; the later entry is skipped.
        heapq.heappush(self._queue, (deadline, next(self._order), user_id))
        self._idle.clear()
        self._wake.set()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._work(), name="discord-direct-channels")
        return future

    async def _work(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            while not self._queue:
                self._idle.set()
                self._wake.clear()
                await self._wake.wait()
            if self._last is not None and (wait := self._last + self.interval - loop.time()) > 0:
                # Something more urgent may come meanwhile: look at the queue again after.
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                continue
            _, _, user_id = heapq.heappop(self._queue)
            future = self._opening.get(user_id)
            if future is None or future.done():
                continue
            if user_id not in self._waited:
                await self.lanes.after_rooms()  # prepared ahead: room announcements first
            await self._open(user_id, future)
            self._last = loop.time()

    async def _open(self, user_id: int, future: asyncio.Future[int]) -> None:
        self.opened += 1
        try:
            channel = await self.client.create_dm(discord.Object(user_id))
            self._known[user_id] = channel.id
            await self.state.put_dm_channel(user_id, channel.id)
        except Exception as error:
            log.warning("opening a direct-message channel failed with %s", type(error).__name__)
            future.set_exception(error)
        else:
            future.set_result(channel.id)
        finally:
            self._opening.pop(user_id, None)
            self._waited.discard(user_id)


def _quietly(future: asyncio.Future[int]) -> None:
    """Nobody waits for a channel prepared ahead: its failure is logged already."""
    if not future.cancelled():
        future.exception()
