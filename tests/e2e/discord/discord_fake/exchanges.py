"""Interactions as the fake sees them: what was dispatched, when, and how the bot answered."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .model import Channel, Guild, Message, User

APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE = 2, 3, 4
DEADLINE = 3.0
"""Seconds Discord gives for the initial response."""
TOKEN_LIFETIME = 15 * 60.0

MESSAGE_WITH_SOURCE, DEFERRED_WITH_SOURCE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
AUTOCOMPLETE_RESULT = 8


@dataclass
class Exchange:
    id: int
    token: str
    type: int
    user: User
    channel: Channel
    guild: Guild | None
    data: dict[str, Any]
    message: Message | None = None
    """The message whose button was pressed (components)."""
    dispatched_at: float = field(default_factory=time.perf_counter)
    acknowledged_at: float | None = None
    callback_type: int | None = None
    response: Message | None = None
    """The original response (also a deferred "thinking…" placeholder)."""
    followups: list[Message] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None
    late: bool = False
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def latency(self) -> float:
        assert self.acknowledged_at is not None
        return self.acknowledged_at - self.dispatched_at

    @property
    def deferred(self) -> bool:
        return self.callback_type in (DEFERRED_WITH_SOURCE, DEFERRED_UPDATE)

    @property
    def messages(self) -> list[Message]:
        """What the bot said in this exchange, in order (deleted ones left out)."""
        found = [self.response] if self.response is not None else []
        return [m for m in [*found, *self.followups] if not m.deleted]

    @property
    def public(self) -> list[Message]:
        return [m for m in self.messages if not m.ephemeral]

    @property
    def private(self) -> list[Message]:
        return [m for m in self.messages if m.ephemeral]

    def texts(self) -> list[str]:
        return [m.text for m in self.messages]
