"""The group's sessions as an iCalendar file that calendar apps import.

A series is one VEVENT with its RRULE (and an EXDATE per cancelled occurrence) in the group's
time zone, described by a VTIMEZONE; a one-off session is a VEVENT of its own.

The VTIMEZONE holds only the transitions around the exported events (from the first event to
:data:`HORIZON` after the later of now and the last dated event), not decades of them: a file of
a few kilobytes rather than tens.  UIDs name the Cercle instance (``series-12@<instance id>``)
so that two instances never mix their events in one calendar app.  Each event links the room
(URL and LOCATION) when the platform can tell its web address.

icalendar is imported when a calendar is asked for, not at start-up (it takes ~35 ms).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain import Group, Series, Session, SessionState

if TYPE_CHECKING:
    from icalendar import Event


HORIZON = timedelta(days=2 * 366)
"""How far past now (or the last dated event) the time zone's transitions are described: a
series without an end keeps the last rule described, as calendar apps read it."""


def _event(
    uid: str,
    summary: str,
    start: datetime,
    minutes: int,
    stamp: datetime,
    *,
    link: str | None,
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
    if link is not None:
        event.add("url", link)
        event.add("location", link)
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


def _span(starts: Sequence[datetime], now: datetime) -> tuple[date, date]:
    """The days whose time zone transitions the events need (a day's margin each side)."""
    first = min(starts).date() - timedelta(days=1)
    last = max([*starts, now]) + HORIZON
    return first, last.date()


def build(
    group: Group,
    series: Sequence[Series],
    sessions: Sequence[Session],
    now: datetime,
    *,
    instance: str,
    room_url: str | None = None,
) -> bytes:
    """The calendar file; ``instance`` is this Cercle's id (UIDs), ``room_url`` the room's web
    address or None.  Only cancelled-free series and scheduled one-off sessions are events."""
    from icalendar import Calendar, Timezone, vRecur

    zone = ZoneInfo(group.timezone)
    calendar = Calendar()
    calendar.add("prodid", "-//Cercle//peer-support sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", group.name)
    for item in series:
        if item.cancelled:
            continue
        uid = f"series-{item.id}@{instance}"
        event = _event(
            uid,
            item.title or group.name,
            item.first_start.replace(tzinfo=zone),
            item.minutes,
            now,
            sequence=item.sequence,
            note=item.note,
            link=room_url,
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
                link=room_url,
            )
            override.add("recurrence-id", moved.moved_from.astimezone(zone))
            calendar.add_component(override)
    for session in sessions:
        if session.series_id is not None or session.state is not SessionState.SCHEDULED:
            continue
        calendar.add_component(
            _event(
                f"session-{session.id}@{instance}",
                session.title or group.name,
                session.planned_start.astimezone(zone),
                session.planned_minutes,
                now,
                sequence=session.sequence,
                note=session.note,
                link=room_url,
            )
        )
    starts = [event.DTSTART for event in calendar.events]
    if starts:
        first, last = _span(starts, now)
        timezone = Timezone.from_tzinfo(zone, group.timezone, first, last)
        calendar.subcomponents.insert(0, timezone)
    return bytes(calendar.to_ical())
