"""Replies wait here, stored in the database, until the homeserver has them.

Each batch (the replies to one command, or one timed reply) is written before anything is sent
and erased once all of it is on the homeserver.  A batch left over by a crash or a stop during
an outage is sent again at the next start; the transaction ids make the repeat harmless.  One
worker sends everything in order, so a room sees replies in the order the core wrote them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from adapters.matrix.courier import Courier, Undeliverable
from adapters.matrix.delivery import Delivery, from_outgoing
from adapters.matrix.state import MatrixState
from bot.replies import Outgoing

log = logging.getLogger("cercle.matrix")

PLATFORM = "matrix"
RECOVER_WITHIN = 3600.0
"""Seconds: replies left unsent by a previous run are sent at start-up if younger than this."""


@dataclass(frozen=True, slots=True)
class _Batch:
    key: str
    items: list[Delivery]
    write: asyncio.Task[None] | None = None
    """Storing the batch (None: it was read back from storage, or is not stored at all)."""
    stored: bool = True
    """False when every reply in it is confidential (nothing to erase afterwards)."""


def _written_at(key: str) -> float:
    try:
        return int(key.removeprefix("out:").split("-", 1)[0]) / 1e9
    except ValueError:
        return 0.0


class Outbox:
    def __init__(self, state: MatrixState, courier: Courier, prefix: str) -> None:
        self.state = state
        self.courier = courier
        self.prefix = prefix
        self._queue: asyncio.Queue[_Batch] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._numbers = itertools.count()
        self._writes: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        self._worker = asyncio.create_task(self._run(), name="cercle-matrix-outbox")

    async def recover(self) -> int:
        """Queue what a previous run left unsent (replies older than ``RECOVER_WITHIN`` would
        only confuse the room: they are dropped); returns how many batches were queued."""
        queued = 0
        for key, items in await self.state.pending_outbox():
            if time.time() - _written_at(key) > RECOVER_WITHIN:
                log.warning("dropping %d reply(ies) too old to send", len(items))
                await self.state.delete_outbox(key)
                continue
            self._queue.put_nowait(_Batch(key, [Delivery.from_dict(item) for item in items]))
            queued += 1
        if queued:
            log.info("resending %d batch(es) left from the last run", queued)
        return queued

    async def submit(self, outgoing: Sequence[Outgoing]) -> None:
        items = [
            from_outgoing(o, self.prefix, self.state.epoch)
            for o in outgoing
            if o.platform == PLATFORM
        ]
        await self.submit_deliveries(items)

    async def submit_deliveries(self, items: list[Delivery]) -> None:
        if not items:
            return
        key = f"out:{time.time_ns():020d}-{next(self._numbers):06d}"
        # Stored while the first reply is already on its way: the worker waits for the write
        # before erasing the batch, and a crash in between loses at most this batch, as a crash
        # just before the write would.  Confidential replies (journal notes, a member's data)
        # are never written down: a crash loses them, and the member can simply ask again.
        kept = [item.to_dict() for item in items if not item.confidential]
        write = asyncio.create_task(self.state.put_outbox(key, kept)) if kept else None
        if write is not None:
            self._writes.add(write)
            write.add_done_callback(self._writes.discard)
        self._queue.put_nowait(_Batch(key, items, write, stored=bool(kept)))

    async def drain(self, timeout: float) -> bool:  # noqa: ASYNC109
        """Wait until everything queued is sent (True) or ``timeout`` passed (False)."""
        try:
            async with asyncio.timeout(timeout):
                await self._queue.join()
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        # What is still queued must at least be stored, for the next start.
        await asyncio.gather(*self._writes, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            batch = await self._queue.get()
            try:
                for item in batch.items:
                    await self._deliver(item)
                if batch.write is not None:
                    await batch.write
                if batch.stored:
                    await self.state.delete_outbox(batch.key)
            except Exception as error:  # the database failed: the batch stays for the next start
                log.error("finishing a batch failed with %s", type(error).__name__)  # noqa: TRY400
            finally:
                self._queue.task_done()

    async def _deliver(self, item: Delivery) -> None:
        try:
            await self.courier.deliver(item)
        except Undeliverable as error:
            log.warning("a reply was given up: %s", error, extra={"room": item.room_id})
        except Exception as error:
            log.error(  # noqa: TRY400 - no traceback: it could quote a member's words
                "sending a reply failed with %s", type(error).__name__, extra={"room": item.room_id}
            )
