"""Opening, breaks, the confidentiality reminder, closing; jobs driven by the fake clock."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import JobKind, JobState, SessionState
from bot.handlers.jobs import JOB_HANDLERS
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness


async def test_opening_posts_the_confidentiality_reminder_and_length() -> None:
    h = Harness()
    await h.ok("mod", "agree")
    said = await h.ok("mod", "session start 1h30")
    assert said.room[0].startswith("🌿 The session is open, for 1 hr 30 min (until about 20:30)")
    assert said.room[1].startswith(
        "🤝 A reminder of our charter: Confidentiality is our golden rule"
    )
    assert (await h.say("mod", "session start")).errors == ["error.session_already_open"]


async def test_times_are_shown_in_the_group_time_zone_and_language() -> None:
    h = Harness(language="fr")
    await h.ok("mod", "groupe régler fuseau America/New_York")
    said = await h.ok("mod", "séance ouvrir 2h")
    assert "jusque vers 15 h" in said.room[0]


async def test_group_default_length_is_used() -> None:
    h = Harness()
    await h.ok("mod", "group set duration 2h")
    said = await h.ok("mod", "session start")
    assert "for 2 h" in said.room[0]


async def test_break_keeps_stick_and_queue_and_its_end_is_announced() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("ann", "bob")
    await h.ok("ann", "hand")
    await h.ok("bob", "hand")
    said = await h.ok("mod", "session break 10")
    assert said.room == ["☕ Let's take a 10 min break, until 19:11. Drink some water."]
    assert (await h.say("ann", "pause")).errors == ["error.already_on_break"]
    assert (await h.advance(timedelta(minutes=9, seconds=59))).outgoing == []
    said = await h.advance(timedelta(seconds=1))
    assert said.room[0] == "🔔 The break is over; let's resume."
    assert said.room[1].startswith("🤝 Before we resume, a reminder of our charter:")
    assert h.clock.now() == datetime(2026, 12, 1, 18, 11, tzinfo=UTC)
    stick = next(iter(store.tables.sticks.values()))
    assert (stick.holder, stick.queue) == ("ann", ("bob",))
    session = next(iter(store.tables.sessions.values()))
    assert session.state is SessionState.OPEN


async def test_resuming_early_cancels_the_announced_end() -> None:
    h = Harness()
    await h.open_with()
    await h.ok("mod", "session break")
    said = await h.ok("mod", "session resume")
    assert said.room[0] == "🔔 We are resuming the session."
    assert said.room[1].startswith("🤝 Before we resume")
    assert (await h.advance(timedelta(minutes=30))).outgoing == []
    assert (await h.say("mod", "session resume")).errors == ["error.not_on_break"]


async def test_half_time_offers_the_break_privately_to_moderators() -> None:
    h = Harness()
    await h.ok("mod", "session start 90")
    await h.ok("ann", "agree")
    said = await h.advance(timedelta(minutes=45))
    assert said.room == []
    assert said.private("mod") == [
        "We are halfway through the session. It may be a good moment for a 10 min break: "
        "“session break”."
    ]
    assert said.private("ann") == []
    assert [c.command for c in said.outgoing[0].reply.choices] == ["session break"]


async def test_no_half_time_offer_once_a_break_was_taken() -> None:
    h = Harness()
    await h.ok("mod", "session start 90")
    h.clock.advance(timedelta(minutes=30))
    await h.ok("mod", "session break 5")
    said = await h.advance(timedelta(minutes=30))
    assert said.keys == ["session.break_over", "charter.after_break"]


async def test_closing_logs_the_last_turn_and_cancels_pending_jobs() -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.open_with("ann")
    await h.ok("mod", "stick timer 5")
    await h.ok("ann", "hand")
    h.clock.advance(timedelta(minutes=3))
    said = await h.ok("mod", "session end")
    assert said.room[0].startswith("🌙 The session is closed after 4 min. 1 person spoke.")
    assert all(j.state is not JobState.PENDING for j in store.tables.jobs.values())
    assert [t.user_id for t in store.tables.turns] == ["ann"]
    assert (await h.advance(timedelta(hours=3))).outgoing == []
    assert (await h.say("ann", "hand")).errors == ["error.no_open_session"]
    assert (await h.say("mod", "session end")).errors == ["error.no_open_session"]
    await h.ok("mod", "session start")  # a new session can open


async def test_a_failed_first_command_gives_the_charter_privately_and_stores_nobody() -> None:
    h = Harness()
    said = await h.say("newbie", "hand")
    assert said.keys == ["welcome.private", "error.no_open_session"]
    assert said.room == []
    assert "Confidentiality is our golden rule" in said.private("newbie")[0]
    welcomed = await h.say("newbie", "agree")
    assert welcomed.room[0].startswith("🌱 Welcome Newbie.")
    again = await h.say("newbie", "hand")
    assert "welcome.newcomer" not in again.keys


async def test_platform_join_event_welcomes_once() -> None:
    h = Harness()
    first = await h.app.member_joined("test", h.room, "zoe", "Zoé")
    assert [o.reply.key for o in first] == ["welcome.newcomer", "welcome.private"]
    assert await h.app.member_joined("test", h.room, "zoe", "Zoé") == []


async def test_rules_and_agree() -> None:
    h = Harness()
    said = await h.ok("ann", "rules")
    assert said.room[-1].startswith("📜 Our charter: Confidentiality")
    assert said.outgoing[-1].reply.choices
    said = await h.ok("ann", "agree")
    assert said.room[-1] == "🤝 Thank you, Ann: you have accepted the charter."
    said = await h.ok("ann", "agree")
    assert said.private("ann")[0].startswith(
        "You already accepted the charter (on Tuesday 1 December 2026 at 19:00)"
    )
    await h.ok("mod", "group set charter Ici, on s'écoute avec bienveillance.")
    said = await h.ok("ann", "rules")
    assert said.room == ["📜 Our charter: Ici, on s'écoute avec bienveillance."]
    assert not said.outgoing[-1].reply.choices


async def test_a_failing_job_is_set_aside_without_blocking_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = InMemoryStore()
    h = Harness(store=store)
    await h.ok("mod", "session start 90")
    await h.ok("mod", "session break 5")
    jobs = {j.kind: j for j in store.tables.jobs.values()}
    break_end = jobs[JobKind.BREAK_END]
    # A job for a group that no longer knows its session: its handler raises.
    store.tables.jobs[999] = replace(
        break_end,
        id=999,
        key="broken",
        session_id=None,
        kind=JobKind.TURN_NUDGE,
        payload={"holder": "x"},
    )
    store.tables.jobs[999] = replace(store.tables.jobs[999], due_at=break_end.due_at)

    async def explode(*_: object) -> list[object]:
        raise RuntimeError("boom")

    original = JOB_HANDLERS[JobKind.TURN_NUDGE]
    JOB_HANDLERS[JobKind.TURN_NUDGE] = explode  # type: ignore[assignment]
    try:
        with caplog.at_level(logging.ERROR):
            said = await h.advance(timedelta(minutes=6))
    finally:
        JOB_HANDLERS[JobKind.TURN_NUDGE] = original
    assert said.keys == ["session.break_over", "charter.after_break"]
    assert store.tables.jobs[999].state is JobState.FAILED
    assert "job failed with RuntimeError" in caplog.text


async def test_a_newcomer_who_agrees_first_is_not_asked_to_agree() -> None:
    h = Harness()
    said = await h.ok("zoe", "agree")
    assert said.keys == ["welcome.newcomer", "charter.accepted"]
