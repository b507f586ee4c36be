"""Growing, jittered waits between attempts, for a homeserver that is down or overloaded."""

from __future__ import annotations

import random


class Backoff:
    def __init__(self, first: float = 0.5, cap: float = 10.0, factor: float = 2.0) -> None:
        self.first = first
        self.cap = cap
        self.factor = factor
        self.attempts = 0

    def next_delay(self) -> float:
        """The wait before the next attempt: ``first``, then ``factor`` times longer, up to
        ``cap``, each within ±20 % so many clients do not retry in step."""
        delay = min(self.cap, self.first * self.factor**self.attempts)
        self.attempts += 1
        return delay * random.uniform(0.8, 1.2)  # noqa: S311 - not for security

    def reset(self) -> None:
        self.attempts = 0
