"""Replies wait here, stored in the database, until the homeserver has them.

Each batch (the replies to one command, or one timed reply) is written before anything is sent
and erased once all of it is on the homeserver.  A batch left over by a crash or a stop during
an outage is sent again at the next start; the transaction ids make the repeat harmless.

One worker sends, as fast as the homeserver's budget allows (:class:`adapters.pacing.Budget`),
the most urgent reply first: the answer to someone's own command, then what the room is told,
then timed private messages; in the order they were written within one urgency.  While replies
have to wait, those for the same room are said in one message (:mod:`bot.coalesce`) and the
stick panel's edits collapse to its latest state.  A merged message is written down, with the
transaction ids it stands for, before it is sent: after a crash it is sent again (harmlessly)
and the replies it carried are not.  A private reply waits for its direct room without holding
up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from adapters.matrix.courier import Courier, Undeliverable
from adapters.matrix.delivery import Delivery, Kind, from_outgoing
from adapters.matrix.render import MAX_TEXT_BYTES, transaction_id
from adapters.matrix.state import MatrixState
from adapters.pacing import Urgency
from bot.coalesce import can_merge, merge
from bot.replies import Audience, Outgoing, UserRef

log = logging.getLogger("cercle.matrix")

PLATFORM = "matrix"
RECOVER_WITHIN = 3600.0
"""Seconds: replies left unsent by a previous run are sent at start-up if younger than this."""
MERGE = "merge:"
"""Stored merged messages' keys start so (``out:`` for the batches)."""
OPEN_DIRECT_ROOM = frozenset({"charter.accepted"})
"""Replies after which a member will likely be written to privately (reminders, break
requests): their direct room is created then, while nobody waits for it."""
NOT_LINES = frozenset({Kind.PANEL, Kind.PANEL_CLOSED, Kind.REACTION, Kind.REDACTION})
"""What the outbox sends that is not a line of the conversation (never merged into one)."""
MERGE_AT_MOST = 20
"""Replies said in one merged message, at most (it stays short enough to read)."""


@dataclass(slots=True)
class _Batch:
    key: str
    left: int
    """Replies of the batch not sent yet."""
    write: asyncio.Task[None] | None = None
    """Storing the batch (None: it was read back from storage, or is not stored at all)."""
    stored: bool = True
    """False when every reply in it is confidential (nothing to erase afterwards)."""
    items: list[dict[str, Any]] = field(default_factory=list)
    """The stored replies not sent yet (rewritten when a merged message carried some)."""


@dataclass(slots=True)
class _Item:
    seq: int
    delivery: Delivery
    batch: _Batch
    outgoing: Outgoing | None = None
    """What the delivery was rendered from (None when read back after a restart: not merged)."""
    covers: tuple[_Item, ...] = field(default_factory=tuple)

    @property
    def urgency(self) -> int:
        return self.delivery.urgency

    @property
    def order(self) -> tuple[int, int]:
        return (self.urgency, self.seq)


def _written_at(key: str) -> float:
    try:
        return int(key.removeprefix("out:").removeprefix(MERGE).split("-", 1)[0]) / 1e9
    except ValueError:
        return 0.0


def _plain(delivery: Delivery) -> bool:
    """A notice for the whole room that may share a message with others."""
    return (
        delivery.kind is Kind.ROOM
        and delivery.reply_to is None
        and delivery.filename is None
        and not delivery.confidential
        and not delivery.answers  # its reactions answer it: it stays a message of its own
    )


def _joinable(first: _Item, other: _Item) -> bool:
    if not _plain(other.delivery):
        return False
    if first.outgoing is None or other.outgoing is None:
        return True
    return can_merge(first.outgoing.reply, other.outgoing.reply)


def urgency_of(outgoing: Outgoing, urgency: Urgency) -> Urgency:
    """A timed private message is bulk; the panel is never more urgent than the room."""
    if outgoing.panel_id is not None:
        return max(urgency, Urgency.ROOM)
    if urgency is Urgency.ROOM and outgoing.reply.audience is Audience.PRIVATE:
        return Urgency.BULK
    return urgency


class Outbox:
    def __init__(self, state: MatrixState, courier: Courier, prefix: str) -> None:
        self.state = state
        self.courier = courier
        self.budget = courier.budget
        self.prefix = prefix
        self._pending: list[_Item] = []
        self._seq = itertools.count()
        self._numbers = itertools.count()
        self._changed = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._worker: asyncio.Task[None] | None = None
        self._writes: set[asyncio.Task[None]] = set()
        self._rooms: dict[str, asyncio.Task[None]] = {}
        """Direct rooms being created, by member."""
        self._wanted: dict[str, int] = {}
        """Direct rooms to create, by member: how urgently."""
        self.merged = 0
        """How many replies were said inside another message (for tests and the benchmark)."""

    def start(self) -> None:
        self._worker = asyncio.create_task(self._run(), name="cercle-matrix-outbox")

    # --- in ---------------------------------------------------------------------------------

    async def recover(self) -> int:
        """Queue what a previous run left unsent (replies older than ``RECOVER_WITHIN`` would
        only confuse the room: they are dropped); returns how many batches were queued."""
        merged = await self.state.pending_merged()
        covered = {txn for _, _, covers in merged for txn in covers}
        queued = 0
        rows = [(key, [item]) for key, item, _ in merged] + await self.state.pending_outbox()
        for key, items in rows:
            if self._too_old(key):
                await self._erase(key)
            elif self._queue_stored(key, items, set() if key.startswith(MERGE) else covered):
                queued += 1
        if queued:
            log.info("resending %d batch(es) left from the last run", queued)
        return queued

    def _too_old(self, key: str) -> bool:
        if time.time() - _written_at(key) > RECOVER_WITHIN:
            log.warning("dropping reply(ies) too old to send")
            return True
        return False

    def _queue_stored(self, key: str, rows: list[dict[str, Any]], covered: set[str]) -> bool:
        """Queue a stored batch again, but for the replies a merged message already carries."""
        items = [Delivery.from_dict(row) for row in rows]
        left = [item for item in items if item.txn not in covered]
        if not left:
            self._later(self._erase(key))
            return False
        batch = _Batch(key, len(left), items=[item.to_dict() for item in left])
        if len(left) < len(items):  # no second crash may send the carried ones alone
            batch.write = self._later(self.state.put_outbox(key, batch.items))
        for delivery in left:
            self._add(_Item(next(self._seq), delivery, batch))
        return True

    def _later(self, write: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """A write to the database that the worker does not wait for (but closing does)."""
        task = asyncio.create_task(write)
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)
        return task

    async def submit(self, outgoing: Sequence[Outgoing], urgency: Urgency = Urgency.ROOM) -> None:
        pairs: list[tuple[Delivery, Outgoing | None]] = []
        for o in outgoing:
            if o.platform == PLATFORM:
                delivery = from_outgoing(o, self.prefix, self.state.epoch)
                pairs.append((replace(delivery, urgency=urgency_of(o, urgency)), o))
        await self._submit(pairs)
        for o in outgoing:
            member = o.reply.params.get("member")
            if o.reply.key in OPEN_DIRECT_ROOM and isinstance(member, UserRef):
                self.open_direct_room(member.user_id)

    async def submit_deliveries(self, items: list[Delivery]) -> None:
        await self._submit([(item, None) for item in items])

    async def _submit(self, pairs: list[tuple[Delivery, Outgoing | None]]) -> None:
        if not pairs:
            return
        key = f"out:{time.time_ns():020d}-{next(self._numbers):06d}"
        # Stored while the first reply is already on its way: the worker waits for the write
        # before erasing the batch, and a crash in between loses at most this batch, as a crash
        # just before the write would.  Confidential replies (journal notes, a member's data)
        # are never written down: a crash loses them, and the member can simply ask again.
        kept = [item.to_dict() for item, _ in pairs if not item.confidential]
        write = self._later(self.state.put_outbox(key, kept)) if kept else None
        batch = _Batch(key, len(pairs), write, stored=bool(kept), items=kept)
        for delivery, outgoing in pairs:
            self._add(_Item(next(self._seq), delivery, batch, outgoing))

    def _add(self, item: _Item) -> None:
        self._pending.append(item)
        self._idle.clear()
        self._changed.set()

    # --- waiting ----------------------------------------------------------------------------

    async def drain(self, timeout: float) -> bool:  # noqa: ASYNC109
        """Wait until everything queued is sent (True) or ``timeout`` passed (False)."""
        try:
            async with asyncio.timeout(timeout):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        worker, self._worker = self._worker, None
        tasks = [t for t in (worker, *self._rooms.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        # What is still queued must at least be stored, for the next start.
        await asyncio.gather(*self._writes, return_exceptions=True)

    # --- out --------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            item = self._next()
            room = self._next_room(item)
            if item is None and room is None:
                self._changed.clear()
                if not self._pending and not self._rooms and not self._wanted:
                    self._idle.set()
                await self._changed.wait()
                continue
            wait = self.budget.ready_in()
            if wait > 0:  # something more urgent may come meanwhile: choose again after
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await self._changed.wait()
                continue
            if room is not None:
                self._start_room(room)
                continue
            assert item is not None
            self._pending.remove(item)
            if self._superseded_panel(item):
                await self._done(item)
                continue
            item = await self._merged(item)
            await self._deliver(item.delivery)
            await self._done(item)

    def _next(self) -> _Item | None:
        """The most urgent reply that can leave now (a private one waits for its room)."""
        best: _Item | None = None
        for item in self._pending:
            if best is not None and item.order >= best.order:
                continue
            if not self._room_ready(item.delivery):
                continue
            best = item
        return best

    def _room_ready(self, delivery: Delivery) -> bool:
        """Whether the direct room of a private reply exists; if not, it is wanted, as urgently
        as the most urgent reply that waits for it."""
        user_id = delivery.user_id
        if delivery.kind is not Kind.PRIVATE or user_id is None:
            return True
        if user_id in self.state.dm_rooms:
            return True
        if user_id not in self._rooms:
            self._wanted[user_id] = min(self._wanted.get(user_id, Urgency.BULK), delivery.urgency)
        return False

    def _next_room(self, item: _Item | None) -> str | None:
        """A direct room to create before ``item`` is sent, if one is wanted more urgently.

        Creating a room counts against the same message budget on Synapse (and against a
        slower budget of its own, waited out in the background), so it takes its turn."""
        if not self._wanted:
            return None
        user_id = min(self._wanted, key=lambda user: self._wanted[user])
        if item is not None and item.urgency <= self._wanted[user_id]:
            return None
        return user_id

    def _start_room(self, user_id: str) -> None:
        del self._wanted[user_id]
        if user_id in self.state.dm_rooms or user_id in self._rooms:
            return
        self.budget.spend()
        task = asyncio.create_task(self._open_room(user_id), name="cercle-matrix-direct-room")
        self._rooms[user_id] = task

    async def _open_room(self, user_id: str) -> None:
        try:
            await self.courier.direct_room(user_id)
        except Exception as error:  # the replies for them are given up below
            log.warning("a direct room could not be created (%s)", type(error).__name__)
            for item in [i for i in self._pending if i.delivery.user_id == user_id]:
                if item.delivery.kind is Kind.PRIVATE:
                    self._pending.remove(item)
                    await self._done(item)
        finally:
            del self._rooms[user_id]
            self._changed.set()

    def open_direct_room(self, user_id: str) -> None:
        """Create the direct room with ``user_id`` before anything is sent there (when nothing
        more urgent waits)."""
        if user_id not in self.state.dm_rooms and user_id not in self._rooms:
            self._wanted.setdefault(user_id, Urgency.BULK)
            self._idle.clear()
            self._changed.set()

    def _superseded_panel(self, item: _Item) -> bool:
        """An edit of the panel that a later one waiting for the same room replaces."""
        if item.delivery.kind is not Kind.PANEL:
            return False
        return any(
            other.delivery.kind in (Kind.PANEL, Kind.PANEL_CLOSED)
            and other.delivery.room_id == item.delivery.room_id
            and other.seq > item.seq
            for other in self._pending
        )

    async def _merged(self, item: _Item) -> _Item:
        """``item`` with the announcements waiting for the same room after it, as one message,
        when there is more waiting than the budget lets out at once."""
        if not _plain(item.delivery) or len(self._pending) < self.budget.available():
            return item
        room_id = item.delivery.room_id
        joining: list[_Item] = []
        size = len(item.delivery.body) + len(item.delivery.html)
        for other in sorted(self._pending, key=lambda i: i.seq):
            if other.seq < item.seq:
                continue  # said later, on its own: what came before is not said after
            if other.delivery.room_id != room_id or other.delivery.kind is Kind.PRIVATE:
                continue
            if other.delivery.kind in NOT_LINES:
                continue  # edited in place, or no message: not a line in the conversation
            size += len(other.delivery.body) + len(other.delivery.html)
            if not _joinable(item, other) or size > MAX_TEXT_BYTES:
                break  # keep the order: nothing is said before what came first
            joining.append(other)
            if len(joining) + 1 >= MERGE_AT_MOST:
                break
        if not joining:
            return item
        for other in joining:
            self._pending.remove(other)
        parts = (item, *joining)
        txns = [part.delivery.txn for part in parts]
        txn = transaction_id(f"{self.state.epoch}:merge:{'|'.join(txns)}")
        outgoing = [part.outgoing for part in parts if part.outgoing is not None]
        merged_outgoing: Outgoing | None = None
        if len(outgoing) == len(parts):  # said anew, in words made for several
            merged_outgoing = replace(
                outgoing[0], reply=merge([o.reply for o in outgoing]), idempotency_key=txn
            )
            rendered = from_outgoing(merged_outgoing, self.prefix, self.state.epoch)
            delivery = replace(rendered, txn=txn, urgency=item.urgency)
        else:  # read back after a restart: what each said, one after the other
            delivery = replace(
                item.delivery,
                body="\n".join(part.delivery.body for part in parts),
                html="<br>".join(part.delivery.html for part in parts),
                txn=txn,
            )
        key = f"{MERGE}{time.time_ns():020d}-{next(self._numbers):06d}"
        # Written down first: a crash after sending must not send the parts again one by one.
        await self.state.put_merged(key, delivery.to_dict(), txns)
        self.merged += len(joining)
        return _Item(item.seq, delivery, _Batch(key, 1), merged_outgoing, covers=parts)

    async def _deliver(self, item: Delivery) -> None:
        try:
            posted = await self.courier.deliver(item)
            if posted is not None:  # a notice answered by reacting: the bot's reactions invite it
                await self.submit_deliveries(item.reactions(posted))
        except Undeliverable as error:
            log.warning("a reply was given up: %s", error, extra={"room": item.room_id})
        except Exception as error:
            log.error(  # noqa: TRY400 - no traceback: it could quote a member's words
                "sending a reply failed with %s", type(error).__name__, extra={"room": item.room_id}
            )

    async def _done(self, item: _Item, *, carried: bool = False) -> None:
        """``item`` is on the homeserver (or given up): erase what no longer needs keeping.
        ``carried``: it was said inside a merged message, which stays stored until this is."""
        for part in item.covers:
            await self._done(part, carried=True)
        batch = item.batch
        batch.left -= 1
        try:
            if batch.write is not None:
                await batch.write
            if batch.left <= 0:
                if batch.stored:
                    await self._erase(batch.key)
            elif carried and batch.stored:
                batch.items = [i for i in batch.items if i["txn"] != item.delivery.txn]
                await self.state.put_outbox(batch.key, batch.items)
        except Exception as error:  # the database failed: the batch stays for the next start
            log.error("finishing a batch failed with %s", type(error).__name__)  # noqa: TRY400

    async def _erase(self, key: str) -> None:
        if key.startswith(MERGE):
            await self.state.delete_merged(key)
        else:
            await self.state.delete_outbox(key)
