"""Private reminders started ahead on a platform that paces its messages: the last one arrives
by its time, each is sent once, and platforms that do not pace are not affected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import JobState
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness

PARIS = ZoneInfo("Europe/Paris")
PEOPLE = [f"p{i:02d}" for i in range(12)]


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)  # type: ignore[misc]


async def twelve_asked(*, paced: bool) -> tuple[Harness, InMemoryStore]:
    store = InMemoryStore()
    h = Harness(store=store)
    if paced:  # five seconds a message, as Synapse's default limits allow
        h.app.send_ahead["test"] = lambda n: timedelta(seconds=5 * n)
    h.clock.set(paris(2026, 11, 30, 10, 0))
    await h.ok("mod", "agree")
    for person in PEOPLE:
        await h.ok(person, "agree")
        await h.ok(person, "remind on")
    await h.ok("mod", "session schedule 2026-12-01 19:30 90m")
    await h.app.plan()
    return h, store


async def test_twelve_private_reminders_start_so_the_last_is_on_time() -> None:
    h, store = await twelve_asked(paced=True)
    due = paris(2026, 11, 30, 19, 30)  # the 24 h reminder
    ahead = timedelta(seconds=5 * (len(PEOPLE) + 1))  # twelve private ones and the room's

    said = await h.advance(due - ahead - timedelta(seconds=1) - h.clock.now())
    assert said.outgoing == []
    said = await h.advance(timedelta(seconds=1))
    assert sorted(o.reply.user_id for o in said.outgoing if o.reply.user_id) == PEOPLE
    assert said.keys.count("reminder.room") == 1
    assert "24 h" in said.private("p00")[0]  # worded for the time actually left (rounded)

    # Once: nothing more at its time, nor later.
    said = await h.advance(due + timedelta(hours=1) - h.clock.now())
    assert said.outgoing == []
    reminders = [j for j in store.tables.jobs.values() if j.due_at == due]
    assert [j.state for j in reminders] == [JobState.DONE]


async def test_without_pacing_reminders_come_at_their_time() -> None:
    h, _ = await twelve_asked(paced=False)
    due = paris(2026, 11, 30, 19, 30)
    said = await h.advance(due - timedelta(seconds=1) - h.clock.now())
    assert said.outgoing == []
    said = await h.advance(timedelta(seconds=1))
    assert len(said.private("p05")) == 1


async def test_another_platforms_pace_does_not_move_these_reminders() -> None:
    h, _ = await twelve_asked(paced=False)
    h.app.send_ahead["elsewhere"] = lambda n: timedelta(minutes=n)
    due = paris(2026, 11, 30, 19, 30)
    said = await h.advance(due - timedelta(seconds=1) - h.clock.now())
    assert said.outgoing == []


async def test_the_lead_is_capped() -> None:
    h, _ = await twelve_asked(paced=False)
    h.app.send_ahead["test"] = lambda n: timedelta(hours=n)
    start = paris(2026, 11, 30, 19, 0)  # thirty minutes at most before 19:30
    said = await h.advance(start - timedelta(seconds=1) - h.clock.now())
    assert said.outgoing == []
    said = await h.advance(timedelta(seconds=1))
    assert len(said.private("p05")) == 1
    assert "30 min" in said.private("p05")[0]
