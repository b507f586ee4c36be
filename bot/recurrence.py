"""Wall-clock times in a group's time zone, and recurring series expanded with dateutil.

A weekly session at 19:30 in Europe/Paris stays at 19:30 Paris time across daylight-saving
changes: rules are expanded on naive local times, and each occurrence is then placed in the
zone.  Two documented edge cases:

- a time that does not exist (the spring-forward gap, e.g. 02:30 on the last Sunday of March in
  Paris) is refused when someone schedules it, with the next valid time suggested; an occurrence
  of a series that falls in a gap moves forward by the gap (02:30 → 03:30);
- a time that exists twice (the autumn overlap) means its first instance (before the clocks go
  back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr


class Frequency(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def rule_for(frequency: Frequency, first: datetime) -> str:
    """The RRULE (without DTSTART) for ``frequency`` starting at ``first`` (local, naive).

    Monthly means "the same weekday of the month" (the first Tuesday, the last Friday…), as
    groups usually meet, rather than a day number that some months lack."""
    if frequency is Frequency.WEEKLY:
        return "FREQ=WEEKLY;INTERVAL=1"
    if frequency is Frequency.BIWEEKLY:
        return "FREQ=WEEKLY;INTERVAL=2"
    nth = (first.day - 1) // 7 + 1
    if nth == 5 or (first + timedelta(days=7)).month != first.month:
        nth = -1  # the last one of the month, which every month has
    return f"FREQ=MONTHLY;INTERVAL=1;BYDAY={nth}{_CODES[first.weekday()]}"


def frequency_of(rule: str) -> Frequency:
    if "FREQ=MONTHLY" in rule:
        return Frequency.MONTHLY
    return Frequency.BIWEEKLY if "INTERVAL=2" in rule else Frequency.WEEKLY


@dataclass(frozen=True, slots=True)
class Gap:
    """A local time skipped by a daylight-saving change."""

    wanted: datetime
    next_valid: datetime
    """The first existing wall-clock time after the gap (local, naive)."""


def exists(local: datetime, zone: ZoneInfo) -> bool:
    aware = local.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time as an instant; gaps move forward, overlaps take the first instance."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def place(local: datetime, zone: ZoneInfo) -> datetime | Gap:
    """``local`` as an instant, or the :class:`Gap` it falls in."""
    if exists(local, zone):
        return to_utc(local, zone)
    probe = local.replace(second=0, microsecond=0)
    while not exists(probe, zone):
        probe += timedelta(minutes=1)
    return Gap(local, probe)


def occurrences(
    rule: str, first: datetime, zone: ZoneInfo, after: datetime, until: datetime
) -> list[datetime]:
    """Instants (UTC) of the series strictly after ``after`` and up to ``until`` (both UTC)."""
    expanded = rrulestr(rule, dtstart=first)
    # Expand on local wall-clock times, with a day of margin each side for the offsets.
    start_local = after.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    end_local = until.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    found = []
    window_start = max(start_local, first - timedelta(seconds=1))
    for local in expanded.between(window_start, end_local, inc=True):
        instant = to_utc(local, zone)
        if after < instant <= until:
            found.append(instant)
    return found
