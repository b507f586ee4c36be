"""``Cercle.sessions``: what an adapter sees of a room's sessions to mirror them elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import SessionState
from bot.views import SessionView
from tests.unit.harness import Harness


async def _weekly(h: Harness) -> list[SessionView]:
    await h.ok("mod", "session schedule 2026-12-03 19:00 60 weekly Grief circle")
    found = await h.app.sessions("test", h.room, h.clock.now(), limit=3)
    assert found is not None
    return list(found.upcoming)


async def test_unknown_room_has_no_sessions() -> None:
    h = Harness()
    assert await h.app.sessions("test", "nowhere", h.clock.now()) is None


async def test_upcoming_sessions_soonest_first_up_to_the_limit() -> None:
    h = Harness()
    upcoming = await _weekly(h)
    assert [v.start for v in upcoming] == [
        datetime(2026, 12, 3, 18, 0, tzinfo=UTC) + timedelta(weeks=n) for n in range(3)
    ], "19:00 in Paris"
    assert all(v.state is SessionState.SCHEDULED for v in upcoming)
    assert all(v.end - v.start == timedelta(minutes=60) for v in upcoming)
    assert {v.title for v in upcoming} == {"Grief circle"}
    found = await h.app.sessions("test", h.room, h.clock.now())
    assert found is not None
    assert (found.language, found.timezone) == ("en", "Europe/Paris")


async def test_the_open_session_comes_first_with_its_real_times() -> None:
    h = Harness()
    upcoming = await _weekly(h)
    await h.ok("mod", "session start 30")
    await h.ok("mod", "session break 5")
    found = await h.app.sessions("test", h.room, h.clock.now(), limit=2)
    assert found is not None
    active, nxt = found.upcoming
    assert active.id not in {v.id for v in upcoming}, "a session of its own"
    assert active.state is SessionState.ON_BREAK
    assert active.start == h.clock.now()
    assert active.end == h.clock.now() + timedelta(minutes=30)
    assert active.break_ends_at == h.clock.now() + timedelta(minutes=5)
    assert nxt == upcoming[0]


async def test_sessions_asked_for_by_id_whatever_their_state() -> None:
    h = Harness()
    first, second, _ = await _weekly(h)
    await h.ok("mod", f"session cancel {second.id}")
    other = Harness(store=h.store, clock=h.clock, room="room-2")
    elsewhere, *_ = await _weekly(other)
    found = await h.app.sessions(
        "test", h.room, h.clock.now(), limit=1, include=(first.id, second.id, elsewhere.id, 999)
    )
    assert found is not None
    assert [v.id for v in found.upcoming] == [first.id]
    assert [(v.id, v.state) for v in found.others] == [(second.id, SessionState.CANCELLED)]


async def test_private_reminders_coming_say_when_and_to_whom() -> None:
    h = Harness()
    await h.ok("mod", "session schedule 2026-12-03 19:00 60 Grief circle")  # 18:00 UTC
    await h.ok("ann", "remind on")
    await h.ok("bob", "agree")  # a member who did not ask: nothing for them
    start = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
    leads = h.app.defaults.reminder_leads
    h.clock.set(start - timedelta(minutes=max(leads)) - timedelta(minutes=10))
    found = await h.app.private_reminders("test", h.room, timedelta(minutes=30))
    assert found == [(timedelta(minutes=10), ("ann",))]
    assert await h.app.private_reminders("test", h.room, timedelta(minutes=5)) == []
    assert await h.app.private_reminders("test", "nowhere", timedelta(days=9)) == []
    everything = await h.app.private_reminders("test", h.room, timedelta(days=9))
    assert [people for _, people in everything] == [("ann",)] * len(leads)
    await h.ok("ann", "remind off")
    assert await h.app.private_reminders("test", h.room, timedelta(days=9)) == []
