"""Room announcements wait here, channel by channel, while Discord makes the bot wait; those
that wait together are said in one message.

Discord lets a bot post about five messages every five seconds in one channel (the channel's
bucket; discord.py waits out the rest, and any 429, inside its HTTP client, so a post simply
takes longer).  Each channel has its queue, sent in order, and a :class:`adapters.pacing.Budget`
shaped like that bucket.  An interaction's own answer is not limited, but its public follow-ups
are (in the channel, and across the bot): they spend from the same budget, and while the channel
is busy an announcement among them joins its queue (see ``Delivery``).  When more announcements
wait than the budget lets out, or the last post was held back by Discord (a 429, a bucket
smaller than expected), the announcements waiting for the channel are said in one message, in
order (:mod:`bot.coalesce`): "✋ Ann (1), Bob (2) and Cat (3) raised their hands".
Without a burst nothing waits and nothing is merged.

Exactly once: a message carries a nonce derived from what it says (Discord answers a repeat
with the first one).  A merged message's nonce comes from the keys of the replies it carries,
and before it is posted the adapter writes down which replies it carries (when the core may send
them again: timed replies, see :meth:`AdapterState.put_merged`).  If the core sends one of them
again (a crash, a failure), the merged message is posted again under its own nonce (harmless)
or, once it is known to be out, nothing is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import discord

from adapters.discord.lanes import Lanes
from adapters.discord.render import MAX_CONTENT, NO_MENTIONS, message, nonce, text
from adapters.discord.state import AdapterState, MergedRecord
from adapters.pacing import Budget
from bot.coalesce import MANY, can_merge, merge
from bot.replies import Outgoing

log = logging.getLogger("cercle.discord")

CHANNEL_BURST = 5
CHANNEL_RATE = 1.0
"""Messages a second in one channel after the burst: Discord's bucket for posting in a channel
is five messages per five seconds."""
HELD_BACK = 1.0
"""Seconds: a post that took longer was made to wait by Discord (a 429, an exhausted bucket)."""
MERGE_AT_MOST = 20
"""Announcements said in one merged message, at most (it stays short enough to read)."""
MERGED_KEY = "merge:"
"""Merged messages' idempotency keys start so (the keys they carry follow)."""


def coalescible(outgoing: Outgoing) -> bool:
    """An announcement that reads well merged with others of its kind (a hand raised, a
    newcomer welcomed…) and may wait a moment for that when answering an interaction."""
    reply = outgoing.reply
    return reply.key in MANY and can_merge(reply, reply) and not reply.choices


@dataclass(slots=True)
class _Waiting:
    outgoing: Outgoing
    done: asyncio.Future[None]
    retried: bool
    """The core may send it again (a timed reply): a merged message carrying it is written
    down first."""


@dataclass(slots=True)
class _Channel:
    budget: Budget
    waiting: deque[_Waiting] = field(default_factory=deque)
    task: asyncio.Task[None] | None = None
    held: bool = False
    """The last post was held back by Discord."""


class Announcer:
    def __init__(
        self,
        client: discord.Client,
        state: AdapterState,
        lanes: Lanes,
        *,
        rate: float = CHANNEL_RATE,
        burst: int = CHANNEL_BURST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.state = state
        self.lanes = lanes
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._channels: dict[int, _Channel] = {}
        self.posted = 0
        """Messages posted in rooms through here (for tests and figures)."""
        self.merged = 0
        """Announcements said inside another message."""

    def _channel(self, room_id: int) -> _Channel:
        found = self._channels.get(room_id)
        if found is None:
            budget = Budget(self.rate, self.burst, clock=self.clock)
            found = self._channels[room_id] = _Channel(budget)
        return found

    # --- the interactions' side ------------------------------------------------------------
    def behind(self, room_id: int) -> bool:
        """Whether an announcement for ``room_id`` would wait now (the channel is busy)."""
        channel = self._channel(room_id)
        return bool(channel.waiting) or channel.held or channel.budget.available() < 1

    def spent(self, room_id: int) -> None:
        """A public message went to the channel another way (an interaction's answer)."""
        self._channel(room_id).budget.spend()

    # --- announcing ---------------------------------------------------------------------------
    async def announce(self, items: Sequence[Outgoing], *, retried: bool = False) -> None:
        """Post ``items`` in their rooms, in order; return once each is out (alone or merged),
        raise if one could not be posted (the core sends it again, under the same key)."""
        self.lanes.enter()  # at once: bulk handed over after these waits for them
        try:
            await self._announce(items, retried=retried)
        finally:
            self.lanes.leave()

    async def _announce(self, items: Sequence[Outgoing], *, retried: bool) -> None:
        loop = asyncio.get_running_loop()
        waiting: list[asyncio.Future[None]] = []
        for outgoing in items:
            if retried:
                record = await self.state.merged_covering(outgoing.idempotency_key)
                if record is not None:
                    await self._again(record)
                    continue
            done: asyncio.Future[None] = loop.create_future()
            room_id = int(outgoing.room_id)
            channel = self._channel(room_id)
            channel.waiting.append(_Waiting(outgoing, done, retried))
            if channel.task is None:
                channel.task = asyncio.create_task(
                    self._run(room_id, channel), name="cercle-discord-announce"
                )
            waiting.append(done)
        outcomes = await asyncio.gather(*waiting, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def _again(self, record: MergedRecord) -> None:
        """A reply the core sends again was carried by a merged message: post that one again
        (Discord answers its nonce with the first) unless it is known to be out."""
        if record.sent:
            return
        channel = self.client.get_partial_messageable(record.room_id)
        await channel.send(content=record.content, allowed_mentions=NO_MENTIONS, nonce=record.nonce)
        await self.state.merged_sent(record)

    async def close(self) -> None:
        for channel in self._channels.values():
            task, channel.task = channel.task, None
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            while channel.waiting:
                item = channel.waiting.popleft()
                if not item.done.done():
                    item.done.set_exception(ConnectionError("the Discord platform stopped"))

    # --- the channel's worker ------------------------------------------------------------
    async def _run(self, room_id: int, channel: _Channel) -> None:
        while channel.waiting:
            wait = channel.budget.ready_in()
            if wait > 0:  # what comes meanwhile joins the next message
                await asyncio.sleep(wait)
                continue
            parts = self._take(channel)
            try:
                await self._post(room_id, channel, parts)
            except BaseException as error:  # cancelled too: nobody waits for them forever
                failure = error if isinstance(error, Exception) else ConnectionError("stopped")
                for part in parts:
                    if not part.done.done():
                        part.done.set_exception(failure)
                if not isinstance(error, Exception):
                    raise
            else:
                for part in parts:
                    if not part.done.done():
                        part.done.set_result(None)
        channel.task = None

    def _take(self, channel: _Channel) -> list[_Waiting]:
        """The next announcement, with those waiting after it when they have to wait."""
        head = channel.waiting.popleft()
        parts = [head]
        crowded = len(channel.waiting) + 1 > channel.budget.available()
        if not (crowded or channel.held):
            return parts
        while channel.waiting and len(parts) < MERGE_AT_MOST:
            other = channel.waiting[0]
            if not _joinable(head.outgoing, other.outgoing):
                break  # keep the order: nothing is said before what came first
            if _length(_merged([p.outgoing for p in (*parts, other)])) > MAX_CONTENT:
                break
            parts.append(channel.waiting.popleft())
        return parts

    async def _post(self, room_id: int, channel: _Channel, parts: list[_Waiting]) -> None:
        outgoing = _merged([part.outgoing for part in parts])
        record: MergedRecord | None = None
        if len(parts) > 1 and any(part.retried for part in parts):
            # Written down first: if the core sends these again, this message is what goes.
            record = MergedRecord(
                nonce=nonce(outgoing.idempotency_key),
                room_id=room_id,
                content=message(outgoing, room_id).content or "",
                covers=tuple(part.outgoing.idempotency_key for part in parts),
                at=time.time(),
            )
            await self.state.put_merged(record)
        target = self.client.get_partial_messageable(room_id)
        channel.budget.spend()
        began = self.clock()
        await target.send(
            **message(outgoing, room_id).kwargs(), nonce=nonce(outgoing.idempotency_key)
        )
        channel.held = self.clock() - began > HELD_BACK
        self.posted += 1
        self.merged += len(parts) - 1
        if len(parts) > 1:
            log.info("announcements merged", extra={"room": room_id, "count": len(parts)})
        if record is not None:
            await self.state.merged_sent(record)


def _joinable(first: Outgoing, other: Outgoing) -> bool:
    return (
        can_merge(first.reply, other.reply)
        and not first.reply.choices
        and other.room_id == first.room_id
        and other.language == first.language
        and other.timezone == first.timezone
    )


def _merged(parts: Sequence[Outgoing]) -> Outgoing:
    if len(parts) == 1:
        return parts[0]
    key = MERGED_KEY + "|".join(part.idempotency_key for part in parts)
    return replace(parts[0], reply=merge([part.reply for part in parts]), idempotency_key=key)


def _length(outgoing: Outgoing) -> int:
    """Counted in UTF-16 units, as Discord counts."""
    return len(text(outgoing).encode("utf-16-le")) // 2
