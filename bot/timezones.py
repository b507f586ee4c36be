"""Which time-zone names Cercle accepts: real IANA zones, nothing else.

``zoneinfo.ZoneInfo`` opens whatever file its key names, so it also takes ``localtime`` (the
machine's zone, which differs from one host to the next), ``posixrules`` and ``Factory`` (not
places) and fails with ``IsADirectoryError`` on a folder such as ``Europe``.  One check here serves
the configuration file and ``group set timezone``."""

from __future__ import annotations

import difflib
from functools import cache
from zoneinfo import available_timezones

MAX_LENGTH = 64
"""The longest IANA name is 32 characters; anything much longer is not a zone."""
_NOT_PLACES = frozenset({"localtime", "posixrules", "Factory"})


@cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name (links such as ``US/Eastern`` included) that names a place."""
    return frozenset(available_timezones()) - _NOT_PLACES


def is_zone(name: str) -> bool:
    return len(name) <= MAX_LENGTH and name in known_zones()


def close_zones(name: str, n: int = 3) -> tuple[str, ...]:
    """Zone names close to ``name`` (a typo, a missing continent), best first."""
    if len(name) > MAX_LENGTH:
        return ()
    zones = sorted(known_zones())
    folded = {zone.lower(): zone for zone in zones}
    exact = folded.get(name.lower())
    if exact is not None:
        return (exact,)
    by_city = [z for z in zones if z.rsplit("/", 1)[-1].lower() == name.lower().replace(" ", "_")]
    close = difflib.get_close_matches(name, zones, n=n, cutoff=0.5)
    return tuple(dict.fromkeys([*by_city, *close]))[:n]
