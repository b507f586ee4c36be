"""The Matrix platform: wires login, the sync loop, the core and the outbox together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

from nio import AsyncClient

from adapters.backoff import Backoff
from adapters.config import MatrixConfig
from adapters.matrix.courier import NETWORK_ERRORS, Courier
from adapters.matrix.inbound import STALE_AFTER, Inbound
from adapters.matrix.keys import KeyChores
from adapters.matrix.login import MatrixLoginError, log_in, new_client
from adapters.matrix.outbox import PLATFORM, Outbox
from adapters.matrix.power import Creations
from adapters.matrix.render import room_link
from adapters.matrix.state import MatrixState
from adapters.matrix.sync import LONG_POLL_MS, SyncLoop
from adapters.pacing import Budget
from adapters.platform import Dispatcher, PermanentFailure
from bot.app import Cercle
from bot.replies import Outgoing

log = logging.getLogger("cercle.matrix")

SETTLE_TIMEOUT = 0.5
"""At most this long (seconds), the next sync waits for the replies just queued to be sent."""


@dataclass(frozen=True, slots=True)
class Tuning:
    """Timings; the defaults suit production, tests shorten some."""

    start_timeout: float = 120.0
    """How long start-up keeps trying to reach the homeserver before giving up."""
    drain_timeout: float = 5.0
    """On stop, how long to keep sending queued replies (the rest is sent at the next start)."""
    backoff_first: float = 0.5
    backoff_cap: float = 10.0
    long_poll_ms: int = LONG_POLL_MS
    stale_after: float = STALE_AFTER

    def backoff(self) -> Backoff:
        return Backoff(self.backoff_first, self.backoff_cap)


def quiet_libraries() -> None:
    """matrix-nio logs every event it handles at INFO, and more (contents included) at DEBUG:
    only its warnings reach Cercle's log, which never carries what members write."""
    for name in ("nio", "peewee"):
        library = logging.getLogger(name)
        if library.level == logging.NOTSET:
            library.setLevel(logging.WARNING)


class MatrixPlatform:
    name = PLATFORM

    def __init__(
        self,
        config: MatrixConfig,
        *,
        environ: Mapping[str, str] | None = None,
        tuning: Tuning | None = None,
    ) -> None:
        self.config = config
        self.environ = os.environ if environ is None else environ
        self.tuning = tuning or Tuning()
        self.client: AsyncClient | None = None
        self.state: MatrixState | None = None
        self.courier: Courier | None = None
        self.outbox: Outbox | None = None
        self.sync: SyncLoop | None = None
        self._early: list[Outgoing] = []
        self._task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()
        """Set once start-up is done (the first sync handled)."""

    async def start(self, cercle: Cercle, dispatcher: Dispatcher) -> None:
        quiet_libraries()
        try:
            await self._start(cercle)
        except MatrixLoginError as error:
            log.error("cannot log in: %s", error)  # noqa: TRY400 - the message says what to fix
            await self._close_client()
            raise PermanentFailure(f"Matrix: {error}") from None
        except BaseException:
            await self._close_client()
            raise

    async def _close_client(self) -> None:
        if self.outbox is not None:
            await self.outbox.close()
        if self.client is not None:
            await self.client.close()

    async def _start(self, cercle: Cercle) -> None:
        tuning = self.tuning
        client = self.client = new_client(self.config)
        async with asyncio.timeout(tuning.start_timeout):
            await self._log_in(client)
        state = self.state = MatrixState(cercle.state(PLATFORM))
        await state.load()
        keys = KeyChores(client)
        creations = Creations(client)
        self.courier = Courier(
            client,
            state,
            before_encrypted_send=keys.before_send,
            backoff=tuning.backoff,
            budget=Budget(self.config.messages_per_second, self.config.burst),
        )
        outbox = self.outbox = Outbox(state, self.courier, self.config.command_prefix)
        await outbox.recover()
        inbound = Inbound(
            client, cercle, state, outbox, self.config, creations, stale_after=tuning.stale_after
        )
        cercle.moderator_checks[PLATFORM] = inbound.moderator_now
        cercle.room_links[PLATFORM] = room_link
        cercle.send_ahead[PLATFORM] = self.courier.time_for
        self.sync = SyncLoop(
            client,
            state,
            inbound,
            keys,
            relogin=self._relogin,
            backoff=tuning.backoff(),
            long_poll_ms=tuning.long_poll_ms,
            settle=lambda: outbox.drain(SETTLE_TIMEOUT),
            on_synced=self.courier.synced,
        )
        await self.sync.first_sync(tuning.start_timeout)
        early, self._early = self._early, []
        await outbox.submit(early)
        outbox.start()
        await self._show_panels(cercle, inbound)
        self._task = asyncio.create_task(self.sync.run(), name="cercle-matrix-sync")
        self.ready.set()
        log.info("matrix ready", extra={"rooms": len(client.rooms)})

    async def send(self, outgoing: Outgoing) -> None:
        if self.outbox is None:
            self._early.append(outgoing)  # a timed reply before start-up finished
            return
        await self.outbox.submit([outgoing])

    @property
    def rate_limits(self) -> int:
        return 0 if self.courier is None else self.courier.rate_limited

    @property
    def connected(self) -> bool:
        """Started, and its sync loop is still running."""
        return self.ready.is_set() and self._task is not None and not self._task.done()

    async def stop(self) -> None:
        if self.sync is not None:
            self.sync.stop()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task
        if self.outbox is not None and not await self.outbox.drain(self.tuning.drain_timeout):
            log.warning("stopping with replies still queued; they are sent at the next start")
        await self._close_client()
        log.info("matrix stopped")

    async def _log_in(self, client: AsyncClient) -> None:
        backoff = self.tuning.backoff()
        while True:
            try:
                await log_in(client, self.config, self.environ)
                return
            except NETWORK_ERRORS as error:
                delay = backoff.next_delay()
                log.warning(
                    "homeserver unreachable at start-up (%s); retrying in %.1f s",
                    type(error).__name__,
                    delay,
                )
                await asyncio.sleep(delay)

    async def _relogin(self) -> None:
        assert self.client is not None
        await log_in(self.client, self.config, self.environ)

    async def _show_panels(self, cercle: Cercle, inbound: Inbound) -> None:
        """After a restart: the open sessions' panels, posted again if they were lost, brought
        up to date if a change was missed; panels of sessions closed meanwhile are forgotten."""
        assert self.client is not None
        assert self.state is not None
        assert self.outbox is not None
        for room_id in list(self.client.rooms):
            if inbound.is_direct_room(room_id):
                continue
            found = await cercle.panel(PLATFORM, room_id)
            if found is not None:
                await self.outbox.submit([found])
            elif room_id in self.state.panels:
                await self.state.forget_panel(room_id)
