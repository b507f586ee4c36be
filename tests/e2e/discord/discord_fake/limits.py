"""Discord's rate limits as the fake applies them, when a test asks for them.

Discord counts requests in *buckets*: a few routes share one, and each value of the route's top
parameter (a channel, an interaction's token…) has its own window, or the whole bot shares it.
Every answer on a limited route carries the bucket's state in ``X-RateLimit-*`` headers (which
discord.py reads to wait *before* the next request); a request beyond the bucket gets a 429 with
``retry_after`` and ``Retry-After``.  On top, a bot may make so many requests per second in all
(the global limit: a 429 with ``global: true``), interaction answers excepted, as on Discord.

No limit applies unless a test sets one (:meth:`Limits.bucket`, :meth:`Limits.per_second`)."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

INTERACTION_ROUTES = ("/interactions/", "/webhooks/")
"""Interaction answers and follow-ups are outside the bot's global limit (Discord's docs)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """Headers for the answer, and how long to wait when the request is refused."""

    headers: dict[str, str]
    retry_after: float | None = None
    is_global: bool = False

    @property
    def refused(self) -> bool:
        return self.retry_after is not None


@dataclass
class Bucket:
    name: str
    routes: frozenset[tuple[str, str]]
    limit: int
    window: float
    by: str | None
    """The route parameter that gets its own window (``None``: one window for the bot)."""
    windows: dict[str, tuple[float, int]] = field(default_factory=dict)
    """Per key: when the window started (``time.monotonic``) and how many it let through."""
    refused: int = 0

    def take(self, key: str, now: float) -> Verdict:
        started, used = self.windows.get(key, (now, 0))
        if now >= started + self.window:
            started, used = now, 0
        reset_after = started + self.window - now
        if used >= self.limit:
            self.refused += 1
            return Verdict(self._headers(0, reset_after, "user"), retry_after=reset_after)
        used += 1
        self.windows[key] = (started, used)
        return Verdict(self._headers(self.limit - used, reset_after, None))

    def _headers(self, remaining: int, reset_after: float, scope: str | None) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": self.name,
        }
        if scope is not None:
            headers |= {
                "Retry-After": str(max(1, math.ceil(reset_after))),
                "X-RateLimit-Scope": scope,
            }
        return headers


class Limits:
    def __init__(self) -> None:
        self.buckets: list[Bucket] = []
        self.global_per_second: int | None = None
        self._recent: deque[float] = deque()
        self.global_refused = 0

    def bucket(
        self,
        *routes: tuple[str, str],
        limit: int,
        per: float,
        by: str | None = "channel_id",
        name: str | None = None,
    ) -> Bucket:
        """At most ``limit`` requests to ``routes`` (method, OpenAPI template) every ``per``
        seconds, for each value of the parameter ``by`` (or for the whole bot)."""
        found = Bucket(
            name or f"fake{len(self.buckets) + 1:02d}", frozenset(routes), limit, per, by
        )
        self.buckets.append(found)
        return found

    def per_second(self, limit: int | None) -> None:
        """The bot's global limit (Discord's is 50)."""
        self.global_per_second = limit

    def check(self, method: str, template: str, params: dict[str, str]) -> Verdict | None:
        """Count the request; ``None`` when no limit concerns it."""
        now = time.monotonic()
        if self.global_per_second is not None and not template.startswith(INTERACTION_ROUTES):
            while self._recent and self._recent[0] <= now - 1.0:
                self._recent.popleft()
            if len(self._recent) >= self.global_per_second:
                self.global_refused += 1
                wait = self._recent[0] + 1.0 - now
                headers = {
                    "Retry-After": str(max(1, math.ceil(wait))),
                    "X-RateLimit-Global": "true",
                    "X-RateLimit-Scope": "global",
                }
                return Verdict(headers, retry_after=wait, is_global=True)
        for bucket in self.buckets:
            if (method, template) in bucket.routes:
                key = params.get(bucket.by, "") if bucket.by else ""
                verdict = bucket.take(key, now)
                if not verdict.refused and self.global_per_second is not None:
                    self._recent.append(now)
                return verdict
        if self.global_per_second is not None and not template.startswith(INTERACTION_ROUTES):
            self._recent.append(now)
        return None
