"""Parsed argument values, with typed accessors for handlers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_MINUTES = re.compile(
    r"^(?:(?P<h>\d{1,2})\s*h(?:ours?|eures?)?\s*(?P<hm>\d{1,2})?\s*(?:m|mn|min|minutes?)?"
    r"|(?P<m>\d{1,4})\s*(?:m|mn|min|mins|minutes?)?)$",
    re.IGNORECASE | re.ASCII,
)
_INTEGER = re.compile(r"[0-9]{1,30}", re.ASCII)
ID_MAX = 2**31 - 1
"""The largest id a stored row can have (a 32-bit integer column on PostgreSQL)."""


def parse_int(text: str) -> int | None:
    """A whole number written with ASCII digits only (``12``, ``#12``); None otherwise.

    Python's ``int`` also reads ``١``, ``1_0`` and `` 12 ``; a person typing ``①`` or ``²`` did
    not mean a number either, and nothing here should ever reach an integer overflow."""
    text = text.strip().removeprefix("#")
    return int(text) if _INTEGER.fullmatch(text) else None


def parse_minutes(text: str) -> int | None:
    """``90``, ``90m``, ``90 min``, ``1h30``, ``1h``, ``2 heures`` → minutes; None if unreadable."""
    match = _MINUTES.match(text.strip())
    if match is None:
        return None
    if match["m"] is not None:
        return int(match["m"])
    return int(match["h"]) * 60 + int(match["hm"] or 0)


@dataclass(frozen=True, slots=True)
class Args:
    values: Mapping[str, str | int] = field(default_factory=dict)

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)

    def require_text(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            raise KeyError(name)
        return value

    def int(self, name: str) -> int | None:
        value = self.values.get(name)
        return value if isinstance(value, int) else None
