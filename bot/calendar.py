"""The group's sessions as an iCalendar file that calendar apps import.

A series is one VEVENT with its RRULE (and an EXDATE per cancelled occurrence) in the group's
time zone, described by a VTIMEZONE; a one-off session is a VEVENT of its own.

icalendar is imported when a calendar is asked for, not at start-up (it takes ~35 ms).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain import Group, Series, Session, SessionState

if TYPE_CHECKING:
    from icalendar import Event


def _event(
    uid: str,
    summary: str,
    start: datetime,
    minutes: int,
    stamp: datetime,
    *,
    sequence: int = 0,
    note: str | None = None,
) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)  # bumped at each move or edit: apps take the newest
    if note:
        event.add("description", note)
    return event


def _rule(rule: str, zone: ZoneInfo) -> str:
    """The series' RRULE as a calendar wants it: a series that stopped (moved from some
    occurrence on) ends with a local ``UNTIL``, which RFC 5545 wants in UTC beside a TZID."""
    return ";".join(_in_utc(part, zone) for part in rule.split(";"))


def _in_utc(part: str, zone: ZoneInfo) -> str:
    if not part.startswith("UNTIL=") or part.endswith("Z"):
        return part
    local = datetime.strptime(part.removeprefix("UNTIL="), "%Y%m%dT%H%M%S").replace(tzinfo=zone)
    return "UNTIL=" + local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def build(
    group: Group,
    series: Sequence[Series],
    sessions: Sequence[Session],
    now: datetime,
    domain: str = "cercle",
) -> bytes:
    from icalendar import Calendar, vRecur

    zone = ZoneInfo(group.timezone)
    calendar = Calendar()
    calendar.add("prodid", "-//Cercle//peer-support sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", group.name)
    for item in series:
        if item.cancelled:
            continue
        uid = f"series-{item.id}-{group.id}@{domain}"
        event = _event(
            uid,
            item.title or group.name,
            item.first_start.replace(tzinfo=zone),
            item.minutes,
            now,
            sequence=item.sequence,
            note=item.note,
        )
        event.add("rrule", vRecur.from_ical(_rule(item.rule, zone)))
        cancelled = [
            s.planned_start.astimezone(zone)
            for s in sessions
            if s.series_id == item.id and s.state is SessionState.CANCELLED
        ]
        for when in cancelled:
            event.add("exdate", when)
        calendar.add_component(event)
        for moved in sessions:  # occurrences moved on their own: overrides of the series
            if moved.series_id != item.id or moved.moved_from is None:
                continue
            if moved.state is not SessionState.SCHEDULED:
                continue
            override = _event(
                uid,
                moved.title or item.title or group.name,
                moved.planned_start.astimezone(zone),
                moved.planned_minutes,
                now,
                sequence=moved.sequence,
                note=moved.note,
            )
            override.add("recurrence-id", moved.moved_from.astimezone(zone))
            calendar.add_component(override)
    for session in sessions:
        if session.series_id is not None or session.state is not SessionState.SCHEDULED:
            continue
        calendar.add_component(
            _event(
                f"session-{session.id}-{group.id}@{domain}",
                session.title or group.name,
                session.planned_start.astimezone(zone),
                session.planned_minutes,
                now,
                sequence=session.sequence,
                note=session.note,
            )
        )
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
