"""Several announcements for one room said in one message.

A homeserver that lets the bot send one message every five seconds would make the twelfth
person who raised a hand wait a minute to see it acknowledged.  While an adapter has to hold
messages back, it merges the announcements waiting for the same room, in order: "✋ Ann (1),
Bob (2) and Cat (3) raised their hands" rather than three lines, and any other mix one per line.
Nothing is dropped: each reply is said, only fewer messages carry them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from bot.replies import Audience, Key, Lines, Param, Reply, Tone

MERGED = "merged.lines"
"""The template of a merged message: its parts, one per line."""


@dataclass(frozen=True, slots=True)
class Many:
    """How replies of one key read together: ``key`` with the tuple of their parts as ``param``
    (a list, in the reply's language); each part is ``item`` rendered with that reply's
    parameters, or the reply's own ``param`` when ``item`` is None."""

    key: str
    param: str
    item: str | None = None


MANY: dict[str, Many] = {
    "stick.hand_raised": Many("stick.hands_raised", "hands", "stick.hand_raised_item"),
    "stick.hand_lowered": Many("stick.hands_lowered", "member"),
    "charter.accepted": Many("charter.accepted_many", "member"),
    "welcome.newcomer": Many("welcome.newcomers", "member"),
}


def mergeable(reply: Reply) -> bool:
    """A plain announcement to the whole room (no panel, no file, nothing confidential)."""
    return (
        reply.audience is Audience.ROOM
        and reply.tone is not Tone.PANEL
        and reply.attachment is None
        and not reply.confidential
        and not reply.for_moderators
    )


def can_merge(first: Reply, other: Reply) -> bool:
    """``other`` may join a message that starts with ``first`` (the same buttons, if any)."""
    return mergeable(first) and mergeable(other) and first.choices == other.choices


def merge(replies: Sequence[Reply]) -> Reply:
    """One reply saying what ``replies`` say, in their order (they satisfy :func:`can_merge`)."""
    if not replies:
        raise ValueError("nothing to merge")
    if len(replies) == 1:
        return replies[0]
    parts: list[Param] = []
    for key, run in groupby(replies, key=lambda reply: reply.key):
        same = list(run)
        many = MANY.get(key)
        if many is None or len(same) == 1:
            parts.extend(Key(reply.key, reply.params) for reply in same)
            continue
        items: tuple[Param, ...] = tuple(
            Key(many.item, reply.params) if many.item else reply.params[many.param]
            for reply in same
        )
        parts.append(Key(many.key, {many.param: items}))
    first = replies[0]
    if len(parts) == 1 and isinstance(parts[0], Key):
        return Reply(parts[0].key, parts[0].params, choices=first.choices)
    return Reply(MERGED, {"lines": Lines(tuple(parts))}, choices=first.choices)
