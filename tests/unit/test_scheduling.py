"""Scheduling and reminders, driven by the fake clock: right instant, right language, once."""

from __future__ import annotations

import itertools
import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import JobKind, JobState, SessionState
from bot.i18n import render
from bot.replies import Outgoing
from tests.fakes import InMemoryStore, RecordingMessenger
from tests.unit.harness import Harness

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)  # type: ignore[misc]


async def ready(language: str = "fr") -> tuple[Harness, InMemoryStore]:
    store = InMemoryStore()
    h = Harness(store=store, language=language)
    h.clock.set(paris(2026, 11, 30, 10, 0))
    await h.ok("mod", "agree")
    await h.ok("ann", "agree")
    return h, store


async def test_one_off_session_reminders_and_automatic_opening() -> None:
    h, store = await ready()
    await h.ok("ann", "rappels on")
    said = await h.ok("mod", "séance planifier 2026-12-01 19:30 90m Premier cercle")
    assert said.room == [
        "📅 Séance n° 1 planifiée le mardi 1er décembre 2026 à 19 h 30 (1 h 30) : "
        "« Premier cercle ».".replace("n° 1", f"n° {next(iter(store.tables.sessions))}")
    ]
    # Nothing before the 24 h reminder.
    said = await h.advance(paris(2026, 11, 30, 19, 29, 59) - h.clock.now())
    assert said.outgoing == []
    said = await h.advance(timedelta(seconds=1))
    assert h.clock.now() == paris(2026, 11, 30, 19, 30)
    assert said.room == [
        "⏰ Rappel : notre prochaine séance, « Premier cercle », commence dans 24 h "
        "(mardi 1er décembre 2026 à 19 h 30). Venez comme vous êtes."
    ]
    assert said.private("ann") == [
        "⏰ « room-1 » se retrouve dans 24 h (mardi 1er décembre 2026 à 19 h 30). "
        "Pour y aller : room-1. Prenez soin de vous d'ici là."
    ]
    assert said.private("mod") == []  # did not ask
    said = await h.advance(paris(2026, 12, 1, 19, 15) - h.clock.now())
    assert [o.reply.key for o in said.outgoing] == ["reminder.room_titled", "reminder.private"]
    assert "commence dans 15 min" in said.room[0]
    said = await h.advance(timedelta(minutes=15))
    assert said.room[0] == "🌿 Premier cercle"
    assert said.room[1].startswith("🌿 La séance est ouverte, pour 1 h 30 (jusque vers 21 h)")
    assert said.room[2].startswith("🤝 Rappel de notre charte : La confidentialité")
    session = next(iter(store.tables.sessions.values()))
    assert session.state is SessionState.OPEN
    # Everything happened once.
    assert (await h.advance(timedelta(days=3))).keys == ["session.half_time"]
    assert {j.state for j in store.tables.jobs.values()} == {JobState.DONE}


async def test_reminders_in_english_and_in_the_groups_time_zone() -> None:
    h, _ = await ready("en")
    await h.ok("mod", "group set timezone America/New_York")
    await h.ok("mod", "session schedule 2026-12-01 19:30")
    said = await h.advance(paris(2026, 12, 2, 1, 15) - h.clock.now())
    assert said.room[-1] == (
        "⏰ Reminder: our next session starts in 15 min (Tuesday 1 December 2026 at 19:30). "
        "You are welcome as you are."
    )


async def test_weekly_series_is_listed_in_french() -> None:
    h, _ = await ready()
    said = await h.ok("mod", "séance planifier 2026-12-01 19:30 hebdo")
    assert said.room[0].startswith(
        "📅 Séances planifiées chaque semaine, à partir du mardi 1er décembre"
    )
    listed = (await h.ok("ann", "séances")).private("ann")[0].splitlines()
    assert listed[0] == "📅 Prochaines séances :"
    assert listed[1].endswith("mardi 1er décembre 2026 à 19 h 30 · 1 h 30 · chaque semaine")
    assert listed[2].endswith("mardi 8 décembre 2026 à 19 h 30 · 1 h 30 · chaque semaine")
    assert len(listed) == 7


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        ("Europe/Paris", datetime(2026, 12, 1, 19, 30)),
        ("America/New_York", datetime(2026, 12, 3, 18, 0)),
    ],
)
async def test_weekly_local_time_survives_two_years_of_dst_changes(
    zone: str, start: datetime
) -> None:
    store = InMemoryStore()
    h = Harness(store=store, language="en")
    tz = ZoneInfo(zone)
    h.clock.set(start.replace(tzinfo=tz) - timedelta(days=2))
    await h.ok("mod", f"group set timezone {zone}")
    await h.ok("mod", f"session schedule {start:%Y-%m-%d %H:%M} weekly")
    for _ in range(2 * 52):  # two years of weeks: the horizon moves on as time passes
        h.clock.advance(timedelta(weeks=1))
        await h.app.plan()
    starts = sorted(s.planned_start for s in store.tables.sessions.values())
    assert len(starts) >= 2 * 52
    offsets = set()
    for when in starts:
        local = when.astimezone(tz)
        assert (local.hour, local.minute, local.weekday()) == (
            start.hour,
            start.minute,
            start.weekday(),
        )
        offsets.add(local.utcoffset())
    assert len(offsets) == 2  # both summer and winter time were crossed
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert set(gaps) <= {
        timedelta(weeks=1),
        timedelta(weeks=1, hours=1),
        timedelta(weeks=1, hours=-1),
    }


async def test_a_time_in_the_dst_gap_is_refused_with_the_next_valid_time() -> None:
    h, _ = await ready("en")
    said = await h.say("mod", "session schedule 2027-03-28 02:30")
    assert said.errors == ["error.time_in_gap"]
    assert said.private("mod") == [
        "2027-03-28 02:30 does not exist in Europe/Paris: the clocks go forward that night. "
        "The next valid time is 03:00."
    ]


async def test_a_time_in_the_dst_overlap_means_the_first_one() -> None:
    h, store = await ready("en")
    await h.ok("mod", "session schedule 2027-10-31 02:30")
    (session,) = store.tables.sessions.values()
    assert session.planned_start == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("session schedule 2026-02-30 19:30", "error.impossible_date"),
        ("session schedule 2026-13-01 19:30", "error.impossible_date"),
        ("session schedule someday 19:30", "error.bad_date"),
        ("session schedule 2026-12-01 evening", "error.bad_time"),
        ("session schedule 2026-12-01 25:00", "error.impossible_date"),
        ("session schedule 2020-01-01 19:30", "error.date_in_past"),
        ("session schedule 2026-12-01 19:30 5m", "error.minutes_out_of_range"),
        ("session schedule 2026-12-01 19:30 5h", "error.minutes_out_of_range"),
        ("session schedule 2026-12-01", "error.missing_argument"),
        ("session cancel 999", "error.session_not_found"),
        ("session cancel two", "error.bad_int"),
    ],
)
async def test_bad_scheduling_input_is_refused_and_nothing_is_stored(line: str, key: str) -> None:
    h, store = await ready("en")
    said = await h.say("mod", line)
    assert said.errors == [key]
    assert store.tables.sessions == {}
    assert store.tables.jobs == {}


async def test_cancel_one_occurrence_or_the_whole_series_and_the_calendar() -> None:
    h, store = await ready("en")
    await h.ok("mod", "session schedule 2026-12-01 19:30 biweekly Tuesday circle")
    ids = sorted(store.tables.sessions)
    said = await h.ok("mod", f"session cancel {ids[1]}")
    assert said.room == [
        "The session of Tuesday 15 December 2026 at 19:30 is cancelled. "
        "Next planned session: Tuesday 1 December 2026 at 19:30."
    ]
    listed = (await h.ok("ann", "sessions")).private("ann")[0]
    assert "15 December" not in listed
    assert "29 December" in listed
    said = await h.ok("mod", "session calendar")
    [reply] = [o.reply for o in said.outgoing if o.reply.attachment]
    assert reply.attachment is not None
    assert reply.attachment.filename.endswith(".ics")
    ics = reply.attachment.data.decode()
    assert "RRULE:FREQ=WEEKLY;INTERVAL=2" in ics
    assert "EXDATE;TZID=Europe/Paris:20261215T193000" in ics
    assert "BEGIN:VTIMEZONE" in ics
    assert "TZID:Europe/Paris" in ics
    assert "SUMMARY:Tuesday circle" in ics
    said = await h.ok("mod", f"session cancel {ids[0]} all")
    assert said.room == [
        "The series is cancelled: none of its coming sessions will take place. "
        "“sessions” shows what is still planned."
    ]
    assert (await h.ok("ann", "sessions")).private("ann") == ["No session is planned for now."]
    assert all(
        j.state is JobState.CANCELLED
        for j in store.tables.jobs.values()
        if j.kind is JobKind.REMINDER
    )


async def test_downtime_useful_reminders_come_late_and_stale_ones_are_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    h, store = await ready("en")
    await h.ok("mod", "session schedule 2026-12-01 19:30")
    await h.ok("mod", "session schedule 2026-12-03 19:30")
    # The bot was down from before the first reminders until 19:00 on 1 December.
    h.clock.set(paris(2026, 12, 1, 19, 0))
    messenger = RecordingMessenger()

    async def deliver(items: list[Outgoing]) -> None:
        for item in items:
            await messenger.send(item)

    with caplog.at_level(logging.WARNING):
        await h.app.run_due(deliver)
    texts = [o.reply.key for o in messenger.sent]
    # 24 h reminder of the 1st: overdue, the session has not started: sent late, worded for 30 min
    assert texts == ["reminder.room"]
    assert "starts in 30 min (Tuesday 1 December 2026 at 19:30)" in render(messenger.sent[0])
    # Later: both the 15 min reminder (past) and the opening (late but within the session)
    h.clock.set(paris(2026, 12, 1, 20, 0))
    messenger.sent.clear()
    await h.app.run_due(deliver)
    assert [o.reply.key for o in messenger.sent][:1] == ["session.opened"]
    assert "reminder missed" in caplog.text
    states = [
        (j.kind, j.state)
        for j in store.tables.jobs.values()
        if j.session_id == min(store.tables.sessions)
    ]
    assert (JobKind.REMINDER, JobState.MISSED) in states


async def test_only_the_latest_of_several_overdue_reminders_is_sent() -> None:
    h, store = await ready("en")
    await h.ok("mod", "session schedule 2026-12-01 19:30")
    h.clock.set(paris(2026, 12, 1, 19, 20))  # down across both the 24 h and the 15 min reminders
    said = await h.advance(timedelta(0))
    assert said.keys == ["reminder.room"]
    assert "starts in 10 min" in said.room[0]
    missed = [j for j in store.tables.jobs.values() if j.state is JobState.MISSED]
    assert [j.payload["lead"] for j in missed] == ["1440"]


async def test_a_failed_delivery_is_retried_after_the_lease_with_the_same_keys() -> None:
    h, store = await ready("en")
    await h.ok("mod", "session schedule 2026-12-01 19:30")
    h.clock.set(paris(2026, 12, 1, 19, 30))
    attempts: list[list[Outgoing]] = []

    async def failing(items: list[Outgoing]) -> None:
        attempts.append(list(items))
        raise ConnectionError("the homeserver is away")

    await h.app.run_due(failing)
    assert [o.reply.key for o in attempts[0]][:2] == ["session.opened", "charter.reminder"]
    session = next(iter(store.tables.sessions.values()))
    assert session.state is SessionState.OPEN  # the change is stored, the messages are not sent
    # Within the lease nothing runs again; after it, the same messages with the same keys.
    assert await h.app.next_due() == paris(2026, 12, 1, 19, 31)
    messenger = RecordingMessenger()

    async def deliver(items: list[Outgoing]) -> None:
        for item in items:
            await messenger.send(item)

    h.clock.advance(timedelta(minutes=1))
    await h.app.run_due(deliver)
    assert [o.idempotency_key for o in messenger.sent] == [o.idempotency_key for o in attempts[0]]
    assert [o.reply.key for o in messenger.sent] == [o.reply.key for o in attempts[0]]
    open_job = next(j for j in store.tables.jobs.values() if j.kind is JobKind.SESSION_OPEN)
    assert open_job.state is JobState.DONE


async def test_starting_by_hand_near_a_planned_session_opens_that_one() -> None:
    h, store = await ready("en")
    await h.ok("mod", "session schedule 2026-12-01 19:30 weekly")
    h.clock.set(paris(2026, 12, 1, 19, 20))
    said = await h.ok("mod", "session start")
    assert said.room[0].startswith("🌿 The session is open, for 1 hr 30 min")
    first = min(store.tables.sessions.values(), key=lambda s: s.planned_start)
    assert first.state is SessionState.OPEN
    later = await h.advance(timedelta(minutes=30))
    assert "session.opened" not in later.keys  # it will not open a second time
    assert "reminder.room" not in later.keys


async def test_changing_lead_times_replans_coming_reminders() -> None:
    h, store = await ready("en")
    await h.ok("mod", "session schedule 2026-12-01 19:30")
    await h.ok("mod", "group set reminders 2h")
    pending = sorted(
        j.payload["lead"]
        for j in store.tables.jobs.values()
        if j.kind is JobKind.REMINDER and j.state is JobState.PENDING
    )
    assert pending == ["120"]
    said = await h.advance(paris(2026, 12, 1, 17, 30) - h.clock.now())
    assert said.keys == ["reminder.room"]
    assert "starts in 2 h" in said.room[0]


async def test_remind_on_and_off() -> None:
    h, store = await ready("en")
    said = await h.ok("ann", "remind on")
    assert said.private("ann") == ["⏰ You will get a direct message before each session."]
    assert store.tables.members[(1, "ann")].dm_reminders
    await h.ok("ann", "remind off")
    assert not store.tables.members[(1, "ann")].dm_reminders
