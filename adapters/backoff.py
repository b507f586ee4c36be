"""Growing waits between attempts, for a server that is down or overloaded (a homeserver, the
Discord gateway, the database at start-up)."""

from __future__ import annotations

import random


class Backoff:
    def __init__(
        self, first: float = 0.5, cap: float = 10.0, factor: float = 2.0, jitter: float = 0.2
    ) -> None:
        self.first = first
        self.cap = cap
        self.factor = factor
        self.jitter = jitter
        """±this share of each wait, so many clients do not retry in step (0: exact waits)."""
        self.attempts = 0

    def next_delay(self) -> float:
        """The wait before the next attempt: ``first``, then ``factor`` times longer, up to
        ``cap``, each within ±``jitter``."""
        delay = min(self.cap, self.first * self.factor**self.attempts)
        self.attempts += 1
        if not self.jitter:
            return delay
        return delay * random.uniform(1 - self.jitter, 1 + self.jitter)  # noqa: S311 - not for security

    def reset(self) -> None:
        self.attempts = 0
