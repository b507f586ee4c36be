"""How fast a platform lets the bot speak, and what goes first when it cannot say everything
at once.  Shared by the adapters that hold their own queue of messages (Matrix's outbox,
Discord's channel announcements).

A homeserver with Synapse's default limits takes a burst of 10 messages, then one every five
seconds, and says so only by refusing (429 with ``retry_after_ms``).  :class:`Budget` is a token
bucket: configured when the operator knows the limits, learned from the refusals otherwise, so
the queue can tell how long the next message waits and what is worth merging meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import IntEnum

MAX_LEARNED_INTERVAL = 60.0
"""Seconds: a longer wait asked once (an outage, an admin's throttle) is not taken as the pace."""


SLOW_DOWN = 0.8
"""How much a learned pace slows at each further refusal."""


class Urgency(IntEnum):
    """Lower goes first."""

    ANSWER = 0
    """The answer to a person's own command: they are looking at the screen."""
    ROOM = 1
    """What the room is told otherwise (a session opens, the panel…)."""
    BULK = 2
    """Timed private messages (reminders, journal prompts): on time, but after the others."""


class Budget:
    """A token bucket: ``burst`` messages at once, then ``rate`` per second.

    With no configured rate, the bucket is unlimited until the platform first refuses a
    message; the pace is then learned from how long it asks to wait (the longest wait it asked,
    which for a token bucket is the time one message takes to come back), and slowed down each
    time the homeserver refuses again: Synapse often asks for less than its full interval."""

    def __init__(
        self,
        rate: float | None = None,
        burst: int = 10,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.configured = rate is not None
        self.rate = rate
        self.burst = max(1, burst)
        self._clock = clock
        self._tokens = float(self.burst)
        self._updated = clock()
        self._hold_until = 0.0
        self.refusals = 0

    def _refill(self) -> float:
        now = self._clock()
        if self.rate is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        return now

    def available(self) -> float:
        """How many messages could leave now (infinite while the pace is unknown)."""
        now = self._refill()
        if now < self._hold_until:
            return 0.0
        return float("inf") if self.rate is None else self._tokens

    def ready_in(self) -> float:
        """Seconds until the next message may leave (0: now)."""
        now = self._refill()
        wait = max(0.0, self._hold_until - now)
        if self.rate is not None and self._tokens < 1:
            wait = max(wait, (1 - self._tokens) / self.rate)
        return wait

    def spend(self) -> None:
        self._refill()
        if self.rate is not None:
            self._tokens -= 1

    def refused(self, retry_after: float) -> None:
        """The platform refused a message and asked to wait ``retry_after`` seconds."""
        now = self._refill()
        self.refusals += 1
        self._tokens = 0.0
        self._hold_until = max(self._hold_until, now + retry_after)
        if not self.configured and 0 < retry_after <= MAX_LEARNED_INTERVAL:
            # The wait asked is at most the time one message takes to come back: a first
            # guess.  Each later refusal means the guess was too fast: slow down by a fifth.
            learned = 1 / retry_after
            self.rate = learned if self.rate is None else min(learned, self.rate * SLOW_DOWN)

    def seconds_for(self, messages: int) -> float:
        """How long ``messages`` take to leave at the pace (0 while the pace is unknown); the
        burst is not counted on: it may be spent by then."""
        if self.rate is None or messages <= 0:
            return 0.0
        return messages / self.rate
