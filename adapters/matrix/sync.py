"""The sync loop: long-polls the homeserver, hands each batch to :class:`Inbound`, stores the
token after it, and rides out outages (growing waits, then resumes from the stored token).

The first sync of a run asks for the full state (nio keeps room state in memory only) from the
stored token, so what happened while the bot was away is still seen, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from nio import AsyncClient, SyncError, SyncResponse

from adapters.backoff import Backoff
from adapters.matrix.courier import NETWORK_ERRORS
from adapters.matrix.inbound import Inbound
from adapters.matrix.keys import KeyChores
from adapters.matrix.state import MatrixState

log = logging.getLogger("cercle.matrix")

LONG_POLL_MS = 30_000
SYNC_FILTER: dict[str, Any] = {
    "presence": {"not_types": ["*"]},
    "account_data": {"not_types": ["*"]},
    "room": {
        "ephemeral": {"not_types": ["*"]},
        "account_data": {"not_types": ["*"]},
        "timeline": {"limit": 50},
    },
}


class SyncFailed(Exception):
    def __init__(self, answer: SyncError) -> None:
        super().__init__(answer.status_code)
        self.answer = answer


class SyncLoop:
    def __init__(
        self,
        client: AsyncClient,
        state: MatrixState,
        inbound: Inbound,
        keys: KeyChores,
        *,
        relogin: Callable[[], Awaitable[None]] | None = None,
        backoff: Backoff | None = None,
        long_poll_ms: int = LONG_POLL_MS,
        settle: Callable[[], Awaitable[object]] | None = None,
        on_synced: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self.state = state
        self.inbound = inbound
        self.keys = keys
        self.relogin = relogin
        self.backoff = backoff or Backoff()
        self.long_poll_ms = long_poll_ms
        self.settle = settle
        self.on_synced = on_synced
        """Awaited between syncs: lets the replies just queued reach the homeserver before the
        next long poll (as a bot answering inside its sync callback would)."""
        self.filter_id: str | dict[str, Any] = SYNC_FILTER
        self.failures = 0
        """Syncs that failed (homeserver unreachable or refusing), for tests and logs."""
        self._stop = asyncio.Event()
        self._first = True

    def stop(self) -> None:
        self._stop.set()

    async def first_sync(self, deadline: float) -> None:
        """The start-up sync (full state), retried until it works or ``deadline`` (seconds)."""
        async with asyncio.timeout(deadline):
            while True:
                try:
                    await self._once(full_state=True)
                    return
                except (*NETWORK_ERRORS, SyncFailed) as error:
                    await self._failed(error)

    async def run(self) -> None:
        """Sync until :meth:`stop`; only the wait for the homeserver is ever interrupted."""
        while not self._stop.is_set():
            try:
                await self._once(full_state=False)
            except (*NETWORK_ERRORS, SyncFailed) as error:
                await self._failed(error)
            except Exception as error:  # the database or a bug: never stop syncing for it
                log.error("handling a sync failed with %s", type(error).__name__)  # noqa: TRY400
                await self._pause(self.backoff.next_delay())

    async def _once(self, *, full_state: bool) -> None:
        since = self.state.cursor.token
        answer = await self._fetch(since, full_state)
        if answer is None:
            return  # stopping
        if isinstance(answer, SyncError):
            raise SyncFailed(answer)
        self.backoff.reset()
        await self.keys.run()
        await self.inbound.process(answer, initial=since is None)
        await self.state.advance(answer.next_batch, force=full_state)
        if self.on_synced is not None:
            self.on_synced()
        if self.settle is not None and not full_state:  # (at start-up nothing is sent yet)
            await self.settle()

    async def _fetch(self, since: str | None, full_state: bool) -> SyncResponse | SyncError | None:
        request = asyncio.ensure_future(
            self.client.sync(
                timeout=0 if full_state else self.long_poll_ms,
                sync_filter=self.filter_id,
                since=since,
                full_state=full_state or None,
            )
        )
        stopping = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({request, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not request.done():
            request.cancel()
            with contextlib.suppress(asyncio.CancelledError, *NETWORK_ERRORS):
                await request
            return None
        return request.result()

    async def _failed(self, error: BaseException) -> None:
        self.failures += 1
        if isinstance(error, SyncFailed):
            code = error.answer.status_code
            if code == "M_UNKNOWN_TOKEN" and self.relogin is not None:
                log.warning("the access token was refused; logging in again")
                try:
                    await self.relogin()
                except Exception as failure:  # keep syncing: the next attempt may work
                    log.error("logging in again failed with %s", type(failure).__name__)  # noqa: TRY400
                else:
                    return
            reason = f"sync refused ({code})"
        else:
            reason = f"homeserver unreachable ({type(error).__name__})"
        delay = self.backoff.next_delay()
        log.warning("%s; trying again in %.1f s", reason, delay)
        await self._pause(delay)

    async def _pause(self, delay: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self._stop.wait()
