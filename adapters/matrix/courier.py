"""Puts one :class:`Delivery` on the homeserver: the right room, the right event, exactly once.

Every send carries the delivery's deterministic transaction id, so trying again after a timeout,
a homeserver outage or a crash can never post twice.  A 429 waits ``retry_after_ms`` and sends
again; a homeserver that cannot be reached is retried with a growing wait; a refusal (the bot
was removed from the room…) gives the delivery up, logged.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import aiohttp
from nio import (
    AsyncClient,
    ErrorResponse,
    LocalProtocolError,
    MatrixRoom,
    RoomCreateResponse,
    RoomPreset,
    RoomRedactResponse,
    RoomSendResponse,
    UploadResponse,
)

from adapters.backoff import Backoff
from adapters.matrix.delivery import Delivery, Kind
from adapters.matrix.reactions import BUTTONS, plain
from adapters.matrix.render import edit, notice, reaction, reply_to, transaction_id
from adapters.matrix.state import MatrixState, Panel
from adapters.pacing import Budget

log = logging.getLogger("cercle.matrix")

DEFAULT_RETRY_AFTER_MS = 1000
MAX_LOCAL_FAILURES = 5
SPARE_MESSAGES = 2
ASSUMED_RATE = 0.2
"""Messages per second Synapse allows by default (``rc_message``), until the homeserver's own
pace is known."""
JOIN_WAIT = 5.0
"""Seconds to wait for a room just joined to show up in a sync before sending there."""
ENCRYPTION = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}
NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)


class Undeliverable(Exception):
    """The homeserver refused the message for good (not a 429, not an outage)."""


class Courier:
    def __init__(
        self,
        client: AsyncClient,
        state: MatrixState,
        *,
        before_encrypted_send: Callable[[str], Awaitable[None]] | None = None,
        backoff: Callable[[], Backoff] = Backoff,
        budget: Budget | None = None,
    ) -> None:
        self.client = client
        self.budget = budget or Budget()
        """The homeserver's message rate limit, as configured or learned from its 429s."""
        self.state = state
        self.before_encrypted_send = before_encrypted_send
        self.new_backoff = backoff
        self.languages: dict[str, str] = {}
        """room → the language its group last spoke (for the adapter's own notices)."""
        self.rate_limited = 0
        self._synced = asyncio.Event()
        """How many 429s were waited out (for tests and logs)."""

    def time_for(self, messages: int) -> timedelta:
        """How long ``messages`` take at the homeserver's pace, with room for two more (the
        budget may be spent when they start; someone's answer may pass before them).  Until the
        homeserver shows its own pace, Synapse's default: early does no harm, late does."""
        wanted = messages + SPARE_MESSAGES
        if self.budget.rate is None:
            return timedelta(seconds=wanted / ASSUMED_RATE)
        return timedelta(seconds=self.budget.seconds_for(wanted))

    async def deliver(self, item: Delivery) -> str | None:
        """Put ``item`` on the homeserver; returns the id of a room notice that can be answered
        by a reaction (its answers are remembered first), None otherwise."""
        self.languages[item.room_id] = item.language
        if item.kind is Kind.REACTION and item.target and item.key:
            await self.send(item.room_id, "m.reaction", reaction(item.target, item.key), item.txn)
            return None
        if item.kind is Kind.REDACTION and item.target:
            await self._redact(item.room_id, item.target, item.txn)
            return None
        if item.kind is Kind.PRIVATE and item.user_id:
            room_id = await self.direct_room(item.user_id)
            await self.send(room_id, "m.room.message", notice(item.body, item.html), item.txn)
            if item.forgets:  # nothing about them may stay: not even where to write to them
                await self.state.forget_person(item.user_id)
                await self.client.room_leave(room_id)
                return None
            await self.state.set_dm_group(item.user_id, item.room_id)
            await self._file(room_id, item)
            return None
        if item.filename is not None and item.kind is Kind.ROOM:
            await self.send(item.room_id, "m.room.message", notice(item.body, item.html), item.txn)
            await self._file(item.room_id, item)
        elif item.kind in (Kind.PANEL, Kind.PANEL_CLOSED):
            await self._panel(item)
        elif item.reply_to:
            await self.send(
                item.room_id, "m.room.message", reply_to(item.reply_to, item.body), item.txn
            )
        else:
            event_id = await self.send(
                item.room_id, "m.room.message", notice(item.body, item.html), item.txn
            )
            if item.answers:
                answers = {plain(emoji): line for emoji, line in item.answers}
                await self.state.set_answers(item.room_id, event_id, answers)
                return event_id
        return None

    async def _redact(self, room_id: str, event_id: str, txn: str) -> None:
        """Take an event out of the room (the bot needs the power to redact others' events)."""
        tx_id = txn if txn.startswith("cercle-") else transaction_id(txn)
        answer = await self._retrying(
            lambda: self.client.room_redact(room_id, event_id, tx_id=tx_id), budget=self.budget
        )
        if not isinstance(answer, RoomRedactResponse):
            raise Undeliverable(f"a redaction was refused ({_code(answer)})")

    async def _panel(self, item: Delivery) -> None:
        current = self.state.panels.get(item.room_id)
        digest = hashlib.sha256(item.body.encode()).hexdigest()[:16]
        if current is None:
            event_id = await self.send(
                item.room_id, "m.room.message", notice(item.body, item.html), item.txn
            )
            if item.kind is Kind.PANEL_CLOSED:
                return
            await self.state.set_panel(item.room_id, Panel(event_id, digest))
            for index, (emoji, _command) in enumerate(BUTTONS):
                content = reaction(event_id, emoji)
                await self.send(item.room_id, "m.reaction", content, f"{item.txn}.{index}")
            return
        if current.digest != digest:
            content = edit(current.event_id, item.body, item.html)
            await self.send(item.room_id, "m.room.message", content, item.txn)
        if item.kind is Kind.PANEL_CLOSED:
            await self.state.forget_panel(item.room_id)
        elif current.digest != digest:
            await self.state.set_panel(item.room_id, Panel(current.event_id, digest))

    async def _file(self, room_id: str, item: Delivery) -> None:
        """The reply's file, as ``m.file`` after its notice (encrypted in encrypted rooms)."""
        if item.filename is None or item.data is None:
            return
        data = base64.b64decode(item.data)
        room = self.client.rooms.get(room_id)
        encrypted = bool(room is not None and room.encrypted)
        content_type = item.content_type or "application/octet-stream"

        async def attempt() -> object:
            answer, keys = await self.client.upload(
                lambda *_: data,
                content_type=content_type,
                filename=item.filename,
                encrypt=encrypted,
                filesize=len(data),
            )
            return (answer, keys) if isinstance(answer, UploadResponse) else answer

        uploaded = await self._retrying(attempt)
        if not isinstance(uploaded, tuple):
            raise Undeliverable(f"uploading a file was refused ({_code(uploaded)})")
        answer, keys = uploaded
        content: dict[str, Any] = {
            "msgtype": "m.file",
            "body": item.filename,
            "filename": item.filename,
            "info": {"mimetype": content_type, "size": len(data)},
            "m.mentions": {},
        }
        if keys is not None:
            content["file"] = {**keys, "url": answer.content_uri}
        else:
            content["url"] = answer.content_uri
        await self.send(room_id, "m.room.message", content, f"{item.txn}.file")

    # --- direct rooms -------------------------------------------------------------------------

    async def direct_room(self, user_id: str) -> str:
        """The direct room with ``user_id``, created (with ``is_direct``) the first time, and
        end-to-end encrypted: private replies may name who asked for a break."""
        known = self.state.dm_rooms.get(user_id)
        if known is not None:
            return known
        encrypted = self.client.olm is not None
        answer = await self._retrying(
            lambda: self.client.room_create(
                is_direct=True,
                invite=[user_id],
                preset=RoomPreset.trusted_private_chat,
                initial_state=[ENCRYPTION] if encrypted else [],
            )
        )
        if not isinstance(answer, RoomCreateResponse):
            raise Undeliverable(f"creating a direct room failed ({_code(answer)})")
        room_id = str(answer.room_id)
        self._prepare_direct_room(room_id, user_id, encrypted=encrypted)
        await self.state.set_dm_room(user_id, room_id)
        log.info("direct room created", extra={"room": room_id})
        return room_id

    def _prepare_direct_room(self, room_id: str, user_id: str, *, encrypted: bool) -> None:
        """Make nio ready to send in a room it may not know yet (or only partly: a sync can
        land while the room is being created).  The invitee is listed so the room key is
        shared with their devices before they even join."""
        room = self.client.rooms.get(room_id)
        if room is None:
            room = self.client.rooms[room_id] = MatrixRoom(room_id, self.client.user_id)
        if self.client.user_id not in room.users:
            room.add_member(self.client.user_id, None, None)
        if user_id not in room.users:
            room.add_member(user_id, None, None, invited=True)
        room.members_synced = True
        if encrypted and self.client.olm is not None:
            room.encrypted = True
            self.client.encrypted_rooms.add(room_id)
            self.client.olm.users_for_key_query.add(user_id)

    # --- sending ------------------------------------------------------------------------------

    async def send(self, room_id: str, event_type: str, content: dict[str, Any], txn: str) -> str:
        """Send one event and return its id; the same ``txn`` never posts twice."""
        tx_id = txn if txn.startswith("cercle-") else transaction_id(txn)
        room = self.client.rooms.get(room_id) or await self._joined_soon(room_id)
        if room is None:
            raise Undeliverable("the bot is not in that room (any more)")

        async def attempt() -> object:
            if room.encrypted and self.before_encrypted_send is not None:
                await self.before_encrypted_send(room_id)
            return await self.client.room_send(
                room_id, event_type, content, tx_id=tx_id, ignore_unverified_devices=True
            )

        answer = await self._retrying(attempt, budget=self.budget)
        if isinstance(answer, RoomSendResponse):
            return str(answer.event_id)
        raise Undeliverable(f"sending was refused ({_code(answer)})")

    def synced(self) -> None:
        """Called after every sync: rooms just joined are known from now on."""
        self._synced.set()
        self._synced = asyncio.Event()

    async def _joined_soon(self, room_id: str) -> MatrixRoom | None:
        """A room the bot has just joined is only known to nio after the next sync."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(JOIN_WAIT):
                while room_id not in self.client.rooms:
                    await self._synced.wait()
        return self.client.rooms.get(room_id)

    async def _retrying(
        self, attempt: Callable[[], Awaitable[object]], *, budget: Budget | None = None
    ) -> object:
        """Run ``attempt`` until it gets an answer that is not a 429 nor an outage; a message
        (``budget`` given) leaves only when the homeserver's rate limit lets it."""
        backoff = self.new_backoff()
        local_failures = 0
        while True:
            if budget is not None:
                wait = budget.ready_in()
                if wait > 0:
                    await asyncio.sleep(wait)
                budget.spend()
            try:
                answer = await attempt()
            except NETWORK_ERRORS as error:
                delay = backoff.next_delay()
                log.warning(
                    "homeserver unreachable (%s); retrying in %.1f s", type(error).__name__, delay
                )
                await asyncio.sleep(delay)
                continue
            except LocalProtocolError as error:  # nio could not prepare it (encryption state…)
                local_failures += 1
                if local_failures > MAX_LOCAL_FAILURES:
                    raise Undeliverable(f"nio could not send it ({type(error).__name__})") from None
                delay = backoff.next_delay()
                log.warning(
                    "could not send yet (%s); retrying in %.1f s", type(error).__name__, delay
                )
                await asyncio.sleep(delay)
                continue
            if not isinstance(answer, ErrorResponse):
                return answer
            status = _http_status(answer)
            if status == 429 or answer.status_code == "M_LIMIT_EXCEEDED":
                self.rate_limited += 1
                wait_ms = answer.retry_after_ms or DEFAULT_RETRY_AFTER_MS
                log.info("rate limited by the homeserver; waiting %d ms", wait_ms)
                if budget is not None:
                    budget.refused(wait_ms / 1000)  # the next turn of the loop waits
                else:
                    await asyncio.sleep(wait_ms / 1000)
                continue
            if status is None or status >= 500:
                delay = backoff.next_delay()
                log.warning("homeserver error %s; retrying in %.1f s", status, delay)
                await asyncio.sleep(delay)
                continue
            return answer


def _http_status(answer: ErrorResponse) -> int | None:
    transport = answer.transport_response
    return int(transport.status) if transport is not None else None


def _code(answer: object) -> str:
    if isinstance(answer, ErrorResponse):
        return f"{_http_status(answer)} {answer.status_code}"
    return type(answer).__name__
