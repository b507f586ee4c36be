"""The group's sessions as an iCalendar file that calendar apps import.

A series is one VEVENT with its RRULE (and an EXDATE per cancelled occurrence) in the group's
time zone, described by a VTIMEZONE; a one-off session is a VEVENT of its own.

icalendar is imported when a calendar is asked for, not at start-up (it takes ~35 ms).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.domain import Group, Series, Session, SessionState

if TYPE_CHECKING:
    from icalendar import Event


def _event(uid: str, summary: str, start: datetime, minutes: int, stamp: datetime) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("dtstamp", stamp)
    return event


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
        event = _event(
            f"series-{item.id}-{group.id}@{domain}",
            item.title or group.name,
            item.first_start.replace(tzinfo=zone),
            item.minutes,
            now,
        )
        event.add("rrule", vRecur.from_ical(item.rule))
        cancelled = [
            s.planned_start.astimezone(zone)
            for s in sessions
            if s.series_id == item.id and s.state is SessionState.CANCELLED
        ]
        for when in cancelled:
            event.add("exdate", when)
        calendar.add_component(event)
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
            )
        )
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
