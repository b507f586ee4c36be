"""Reading the words of a command line: numbers, lengths, dates and times of day."""

from __future__ import annotations

import datetime as dt
import re

_MINUTES = re.compile(
    r"^(?:(?P<h>\d{1,2})\s*h(?:ours?|eures?)?\s*(?P<hm>\d{1,2})?\s*(?:m|mn|min|minutes?)?"
    r"|(?P<m>\d{1,4})\s*(?:m|mn|min|mins|minutes?)?)$",
    re.IGNORECASE | re.ASCII,
)
DATE_SHAPE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$|^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)
TIME_SHAPE = re.compile(r"^(\d{1,2})[:hH](\d{2})?$", re.ASCII)
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


def parse_date(text: str) -> dt.date | None:
    """``2026-12-01`` or ``01/12/2026`` (day first); None if unreadable, ``ValueError`` for a
    day that does not exist (``2026-02-30``)."""
    match = DATE_SHAPE.match(text.strip())
    if match is None:
        return None
    if match[1]:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    return dt.date(int(match[6]), int(match[5]), int(match[4]))


def parse_time(text: str) -> dt.time | None:
    """``19:30``, ``19h30``, ``19h``; None if unreadable, ``ValueError`` for ``25:00``."""
    match = TIME_SHAPE.match(text.strip())
    if match is None:
        return None
    return dt.time(int(match[1]), int(match[2] or 0))
