"""Changing a group's time zone: recurring sessions keep their local time, their reminders
follow; one-off sessions keep their instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import JobKind, JobState, SessionState
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness


async def test_a_weekly_series_keeps_its_local_time_in_the_new_zone() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.ok("mod", "agree")
    await h.ok("mod", "session schedule 2026-12-08 19:30 90m weekly")
    await h.ok("mod", "session schedule 2026-12-10 12:00 60m")
    said = await h.ok("mod", "group set timezone Europe/London")
    assert said.room[1].startswith("📅 9 planned sessions of the recurring series keep")
    sessions = sorted(store.tables.sessions.values(), key=lambda s: s.id)
    weekly = [s for s in sessions if s.series_id is not None]
    # 19:30 in London is 19:30 UTC in winter (it was 18:30 UTC in Paris).
    assert weekly[0].planned_start == datetime(2026, 12, 8, 19, 30, tzinfo=UTC)
    assert all(s.planned_start.hour == 19 for s in weekly if s.planned_start.month in (12, 1, 2))
    [once] = [s for s in sessions if s.series_id is None]
    assert once.planned_start == datetime(2026, 12, 10, 11, 0, tzinfo=UTC)
    listed = (await h.ok("mod", "sessions")).private("mod")[0]
    assert "Tuesday 8 December 2026 at 19:30" in listed
    assert "Thursday 10 December 2026 at 11:00" in listed


async def test_reminders_and_opening_follow_the_moved_sessions() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.ok("mod", "agree")
    await h.ok("mod", "session schedule 2026-12-03 19:30 90m weekly")
    await h.advance(timedelta(minutes=1))  # planned: its reminders are in the outbox
    first = min(
        (s for s in store.tables.sessions.values() if s.state is SessionState.SCHEDULED),
        key=lambda s: s.planned_start,
    )
    assert first.reminders_planned
    await h.ok("mod", "group set timezone America/New_York")
    pending = {
        j.kind: j.due_at
        for j in store.tables.jobs.values()
        if j.session_id == first.id
        and j.state is JobState.PENDING
        and j.kind is not JobKind.REMINDER
    }
    # 19:30 in New York is 00:30 UTC the next day.
    assert pending[JobKind.SESSION_OPEN] == datetime(2026, 12, 4, 0, 30, tzinfo=UTC)
    reminders = sorted(
        j.due_at
        for j in store.tables.jobs.values()
        if j.session_id == first.id and j.state is JobState.PENDING and j.kind is JobKind.REMINDER
    )
    assert reminders == [
        datetime(2026, 12, 3, 0, 30, tzinfo=UTC),
        datetime(2026, 12, 4, 0, 15, tzinfo=UTC),
    ]
    opened = await h.advance(datetime(2026, 12, 4, 0, 31, tzinfo=UTC) - h.clock.now())
    assert any("The session is open" in line for line in opened.room)


async def test_the_same_zone_again_moves_nothing() -> None:
    h = Harness()
    await h.ok("mod", "agree")
    await h.ok("mod", "session schedule 2026-12-08 19:30 90m weekly")
    said = await h.ok("mod", "group set timezone Europe/Paris")
    assert said.keys == ["group.updated"]
