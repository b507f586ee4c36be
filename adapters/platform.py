"""What every chat platform adapter offers the process that runs them (``cercle run``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from bot.app import Cercle
from bot.replies import Outgoing

log = logging.getLogger("cercle.platform")


class Platform(Protocol):
    name: str
    """The ``platform`` field of the core's :class:`~bot.events.Incoming` and ``Outgoing``."""

    async def start(self, cercle: Cercle, dispatcher: Dispatcher) -> None:
        """Connect and begin handing commands to ``cercle``; return once ready."""
        ...

    async def send(self, outgoing: Outgoing) -> None:
        """Deliver one reply; the same ``idempotency_key`` must never post twice."""
        ...

    async def stop(self) -> None:
        """Disconnect cleanly (called once, on SIGTERM/SIGINT or when start-up failed)."""
        ...

    @property
    def connected(self) -> bool:
        """Whether it is connected now (for ``/healthz``): ready and still receiving."""
        ...

    @property
    def rate_limits(self) -> int:
        """How many times the platform asked the bot to slow down (a 429 waited out), since
        the process started (for ``/metrics``)."""
        ...


class Dispatcher:
    """Routes the core's replies to the platform they belong to.  Timed work (jobs) produces
    replies for any platform, so it goes through here rather than through one adapter."""

    def __init__(self, platforms: Mapping[str, Platform]) -> None:
        self._platforms = dict(platforms)
        self.send_observers: list[Callable[[str, str], None]] = []
        """Told of every reply handed to a platform: the platform and ``sent`` or ``failed``."""

    async def deliver(self, outgoing: Sequence[Outgoing]) -> None:
        """Send each reply; raise :class:`DeliveryFailed` afterwards if any could not be sent
        (the core then sends them all again later, under the same idempotency keys)."""
        failed = 0
        for item in outgoing:
            platform = self._platforms.get(item.platform)
            if platform is None:
                log.warning("no running platform for a reply", extra={"platform": item.platform})
                continue
            try:
                await platform.send(item)
            except Exception as error:
                failed += 1
                self._observe(item.platform, "failed")
                log.error(  # noqa: TRY400 - no traceback: it could quote a member's words
                    "sending a reply failed with %s",
                    type(error).__name__,
                    extra={"platform": item.platform},
                )
            else:
                self._observe(item.platform, "sent")
        if failed:
            raise DeliveryFailed(failed)

    def _observe(self, platform: str, outcome: str) -> None:
        for observer in self.send_observers:
            observer(platform, outcome)


class DeliveryFailed(Exception):
    """Some replies could not be sent now; the core sends them again later."""


class PermanentFailure(Exception):
    """A platform cannot start until a person fixes something (a refused password or token):
    the bot stops and the message says what to fix.  Any other failure to start is taken as
    transient (a homeserver or gateway unreachable) and retried."""
