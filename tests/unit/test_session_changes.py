"""Moving and editing planned sessions: reminders and the opening follow exactly once (across a
restart too), a moved occurrence keeps its number and answers, the series' later occurrences
follow with ``all`` and keep their local time across daylight saving, notes reach reminders,
``sessions``, and the calendar (SEQUENCE, RECURRENCE-ID, DESCRIPTION)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot import planning
from bot.domain import Job, JobKind, SessionState
from bot.i18n import render
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness, Said

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)  # type: ignore[misc]


async def ready(store: InMemoryStore, language: str = "fr") -> Harness:
    h = Harness(store=store, language=language)
    h.clock.set(paris(2026, 11, 30, 10, 0))
    await h.ok("mod", "agree")
    await h.ok("ann", "agree")
    await h.ok("ann", "rappels on" if language == "fr" else "remind on")
    return h


def reminders(said: Said, user: str) -> list[str]:
    return [t for t in said.private(user) if t.startswith("⏰")]


async def test_a_moved_session_is_reminded_once_at_its_new_time() -> None:
    store = InMemoryStore()
    h = await ready(store)
    await h.ok("mod", "séance planifier 2026-12-01 19:30")
    [session_id] = store.tables.sessions
    # The 24 h reminder for Tuesday goes out; then the session moves to Thursday.
    sent = await h.advance(paris(2026, 11, 30, 19, 31) - h.clock.now())
    assert len(reminders(sent, "ann")) == 1
    moved = await h.ok("mod", f"séance déplacer {session_id} jeudi 19h30")
    assert moved.room == [
        "📅 La séance du mardi 1er décembre 2026 à 19 h 30 est déplacée au jeudi 3 décembre "
        "2026 à 19 h 30. Merci de noter ce changement."
    ]
    assert moved.private("ann") == [
        "📅 « room-1 » : la séance du mardi 1er décembre 2026 à 19 h 30 est déplacée au jeudi "
        "3 décembre 2026 à 19 h 30. Pour y aller : room-1."
    ]
    # Nothing at the old time; the new time's reminders once each; the opening on Thursday.
    tuesday = await h.advance(paris(2026, 12, 2, 0, 0) - h.clock.now())
    assert reminders(tuesday, "ann") == [] and tuesday.room == []
    thursday = await h.advance(paris(2026, 12, 3, 19, 31) - h.clock.now())
    assert [t.split(" (")[0] for t in reminders(thursday, "ann")] == [
        "⏰ « room-1 » se retrouve dans 24 h",
        "⏰ « room-1 » se retrouve dans 15 min",
    ]
    assert any(t.startswith("🌿 La séance est ouverte") for t in thursday.room)
    assert store.tables.sessions[session_id].state is SessionState.OPEN


async def test_the_move_survives_a_restart_before_the_new_reminders() -> None:
    store = InMemoryStore()
    h = await ready(store)
    await h.ok("mod", "séance planifier 2026-12-01 19:30")
    [session_id] = store.tables.sessions
    await h.ok("mod", f"séance déplacer {session_id} 2026-12-02 18:00")
    restarted = Harness(store=store, clock=h.clock, language="fr")
    said = await restarted.advance(paris(2026, 12, 2, 18, 1) - h.clock.now())
    assert len(reminders(said, "ann")) == 2, "24 h and 15 min before the new time, once each"
    assert all("mercredi 2 décembre 2026 à 18 h" in t for t in reminders(said, "ann"))


def test_a_job_planned_for_the_earlier_time_knows_it() -> None:
    from bot.domain import Session

    session = Session.scheduled(1, paris(2026, 12, 1, 19, 30), 90)
    old = Job.new(JobKind.REMINDER, planning.reminder_key(0, 15), 1, paris(2026, 12, 1, 19, 15))
    old = Job.new(
        JobKind.REMINDER, planning.reminder_key(0, 15), 1, old.due_at, payload={"lead": "15"}
    )
    assert planning.is_current(old, session)
    moved = session.moved_to(paris(2026, 12, 3, 19, 30))
    assert not planning.is_current(old, moved), "running late, it sends nothing"
    assert planning.reminder_key(0, 15, moved.moves) != old.key, "a new key for the new time"


async def test_moving_the_rest_of_a_series_keeps_local_time_across_the_march_change() -> None:
    store = InMemoryStore()
    h = Harness(store=store, language="fr")
    h.clock.set(paris(2027, 3, 1, 10, 0))
    await h.ok("mod", "agree")
    await h.ok("mod", "séance planifier 2027-03-09 19:30 hebdo")
    ids = sorted(store.tables.sessions)
    second = ids[1]  # Tuesday 16 March
    moved = await h.ok("mod", f"séance déplacer {second} 2027-03-18 19:00 tout")
    assert moved.room[0].startswith("📅 Les séances à partir du mardi 16 mars 2027 à 19 h 30")
    sessions = sorted(store.tables.sessions.values(), key=lambda s: s.planned_start)
    local = [
        s.planned_start.astimezone(PARIS).strftime("%a %d %H:%M")
        for s in sessions
        if s.state is SessionState.SCHEDULED
    ][:5]
    assert local == ["Tue 09 19:30", "Thu 18 19:00", "Thu 25 19:00", "Thu 01 19:00", "Thu 08 19:00"]
    assert store.tables.sessions[second].planned_start == paris(2027, 3, 18, 19, 0), "same number"
    listed = (await h.ok("mod", "séances")).private("mod")[0]
    assert "jeudi 1er avril 2027 à 19 h" in listed and "mardi 30 mars" not in listed


async def test_a_moved_occurrence_in_the_calendar() -> None:
    store = InMemoryStore()
    h = await ready(store, "en")
    await h.ok("mod", "session schedule 2026-12-01 19:30 weekly Tuesday circle")
    second = sorted(store.tables.sessions)[1]
    await h.ok("mod", f"session move {second} 2026-12-10 18:00")
    await h.ok("mod", f"session edit {second} note https://visio.example.org/cercle_42")
    said = await h.ok("mod", "session calendar")
    [data] = [o.reply.attachment for o in said.outgoing if o.reply.attachment]
    events = list(Calendar.from_ical(data.data).walk("VEVENT"))
    [override] = [e for e in events if e.get("recurrence-id") is not None]
    assert override.decoded("recurrence-id") == paris(2026, 12, 8, 19, 30)
    assert override.decoded("dtstart") == paris(2026, 12, 10, 18, 0)
    assert int(override.get("sequence")) == 2, "moved, then edited"
    assert str(override.get("description")) == "https://visio.example.org/cercle_42"
    [series] = [e for e in events if e.get("rrule") is not None]
    assert str(series.get("uid")) == str(override.get("uid"))


async def test_a_note_for_the_series_reaches_reminders_and_the_list() -> None:
    store = InMemoryStore()
    h = await ready(store, "en")
    await h.ok("mod", "session schedule 2026-12-01 19:30 weekly")
    first = min(store.tables.sessions)
    edited = await h.ok("mod", f"session edit {first} note bring a photo @everyone all")
    assert edited.room[0].startswith("📅 Session of Tuesday 1 December 2026 at 19:30: note — ")
    assert "@everyone" not in edited.room[0]
    listed = (await h.ok("ann", "sessions")).private("ann")[0]
    assert listed.count("bring a photo") >= 3
    said = await h.advance(paris(2026, 11, 30, 19, 31) - h.clock.now())
    [private] = reminders(said, "ann")
    assert private.endswith("\nNote: bring a photo @\u2060everyone")
    await h.ok("mod", f"session edit {first} note none")
    listed = (await h.ok("ann", "sessions")).private("ann")[0]
    assert listed.split("\n")[1].count("bring a photo") == 0


async def test_edit_title_and_duration() -> None:
    store = InMemoryStore()
    h = await ready(store, "en")
    await h.ok("mod", "session schedule 2026-12-01 19:30")
    [sid] = store.tables.sessions
    said = await h.ok("mod", f"session edit {sid} duration 2h")
    assert said.room == [
        "📅 Session of Tuesday 1 December 2026 at 19:30: it will now last 2 hr (1 session)."
    ]
    assert store.tables.sessions[sid].planned_minutes == 120
    await h.ok("mod", f"session edit {sid} title Winter circle")
    assert store.tables.sessions[sid].title == "Winter circle"
    assert (await h.say("mod", f"session edit {sid} duration 5m")).errors == ["error.edit_duration"]


@pytest.mark.parametrize(
    ("user", "line", "key"),
    [
        ("ann", "session move {id} 2026-12-03 19:30", "error.moderators_only"),
        ("mod", "session move 999 2026-12-03 19:30", "error.session_not_found"),
        ("mod", "session move {id} 2026-11-01 19:30", "error.date_in_past"),
        ("mod", "session move {id} 2026-12-01 19:30", "error.move_same_time"),
        ("mod", "session move {id} 2026-12-03 19:30 all", "error.not_a_series"),
        ("mod", "session edit {id} colour blue", "error.bad_choice"),
    ],
)
async def test_bad_moves_are_refused_and_nothing_changes(user: str, line: str, key: str) -> None:
    store = InMemoryStore()
    h = await ready(store, "en")
    await h.ok("mod", "session schedule 2026-12-01 19:30")
    [sid] = store.tables.sessions
    before = store.tables.sessions[sid]
    jobs = dict(store.tables.jobs)
    said = await h.say(user, line.format(id=sid))
    assert said.errors == [key]
    assert store.tables.sessions[sid] == before
    assert store.tables.jobs == jobs


async def test_planning_over_another_session_asks_first_and_stores_nothing() -> None:
    store = InMemoryStore()
    h = await ready(store, "en")
    await h.ok("mod", "session schedule 2026-12-01 19:30 90m")
    [first] = store.tables.sessions
    asked = await h.ok("mod", "session schedule 2026-12-01 20:00 60m Extra circle")
    [question] = asked.outgoing
    assert asked.room == []
    assert question.reply.user_id == "mod"
    assert render(question) == (
        f"📅 This time overlaps session #{first} of Tuesday 1 December 2026 at 19:30. Nothing "
        "is changed yet. To keep it anyway, type “session schedule 2026-12-01 20:00 60m Extra "
        "circle” again within 10 minutes."
    )
    assert [c.command for c in question.reply.choices] == [
        "session schedule 2026-12-01 20:00 60m Extra circle"
    ]
    assert len(store.tables.sessions) == 1, "nothing stored"
    again = await h.ok("mod", "session schedule 2026-12-01 20:00 60m Extra circle")
    assert again.room[0].startswith("📅 Session #")
    assert len(store.tables.sessions) == 2
    # Next to it, not over it: no question.
    await h.ok("mod", "session schedule 2026-12-01 21:00 60m")
    assert len(store.tables.sessions) == 3
    # A move over another one asks too.
    moved = await h.ok("mod", f"session move {first} 2026-12-01 21:30")
    assert [o.reply.key for o in moved.outgoing] == ["schedule.overlap"]
    assert store.tables.sessions[first].planned_start == paris(2026, 12, 1, 19, 30)
