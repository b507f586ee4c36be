"""Reading the words of a command line: numbers and lengths (dates and times: ``when``)."""

from __future__ import annotations

import re

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
