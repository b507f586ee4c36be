"""A burst of due jobs runs as batches (one query per table for many reminders): it must say
exactly what running the jobs one by one says, in the same order, and mark each once."""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot import planning
from bot.app import Cercle
from bot.clock import ManualClock
from bot.domain import Group, GroupDefaults, JobState, Member, Session
from bot.handlers.jobs import JOB_HANDLERS, reminders
from bot.registry import REGISTRY
from bot.replies import Outgoing, Reply
from tests.fakes import InMemoryStore

T = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


async def burst(store: InMemoryStore) -> None:
    """Three groups with reminders due at T, a session of the last one opening at T, and a
    reminder that waited (due an hour ago) while a later one of its session is due too."""
    async with store() as uow:
        for index, room in enumerate(("!a", "!b", "!c")):
            group = await uow.groups.add(
                Group.new("matrix", room, GroupDefaults(reminder_leads=(60, 120)), T, name=room)
            )
            for user in ("@ann:x", "@bob:x", "@cy:x")[: index + 1]:
                member = Member.new(group.id, user, user, is_moderator=False, now=T)
                await uow.members.add(replace(member, dm_reminders=user != "@bob:x"))
            sessions = await uow.sessions.add_many(
                [
                    Session.scheduled(group.id, T + timedelta(minutes=60), 90, f"{room} soon"),
                    Session.scheduled(group.id, T + timedelta(minutes=120), 90),
                    Session.scheduled(group.id, T, 90),
                ]
            )
            await planning.plan(uow, group, sessions, T - timedelta(hours=3))
        await uow.commit()


async def test_a_burst_says_what_one_by_one_would_say() -> None:
    store = InMemoryStore()
    await burst(store)
    expected: list[Reply] = []
    async with store() as uow:
        due = await uow.jobs.claim_due(T, 1000, T + timedelta(minutes=1))
        groups = await uow.groups.get_many({j.group_id for j in due})
        for job in due:
            result = await JOB_HANDLERS[job.kind](uow, T, groups[job.group_id], job, REGISTRY)
            expected += result.replies
            if result.state is not JobState.DONE:
                expected.append(Reply(f"state:{result.state}", {}))
    assert {j.kind for j in due} == {"reminder", "session-open"}
    delivered: list[Outgoing] = []

    async def deliver(items: list[Outgoing]) -> None:
        delivered.extend(items)

    cercle = Cercle(store, ManualClock(T))
    taken = await cercle.run_due(deliver, limit=1000)
    assert taken == len(due)
    async with store() as uow:
        jobs = {j.id: j for g in groups for j in await uow.jobs.list(g)}
    said = [o.reply for o in delivered]
    said += [
        Reply(f"state:{jobs[j.id].state}", {}) for j in due if jobs[j.id].state is not JobState.DONE
    ]
    assert sorted(map(repr, said)) == sorted(map(repr, expected))
    # In claim order: the messages of each job together, jobs one after the other.
    keys = [o.idempotency_key.split(":")[1] for o in delivered]
    assert keys == sorted(keys, key=[str(j.id) for j in due].index)
    assert all(j.claimed_until is None for j in jobs.values() if j.id in {d.id for d in due})
    assert len({o.idempotency_key for o in delivered}) == len(delivered)


async def test_only_the_latest_of_a_sessions_overdue_reminders_is_sent_in_a_batch() -> None:
    store = InMemoryStore()
    await burst(store)
    # The 120- and 60-minute reminders of the sessions at T + 2 h have both waited.
    later = T + timedelta(minutes=110)
    async with store() as uow:
        due = await uow.jobs.claim_due(later, 1000, later + timedelta(minutes=1))
        groups = await uow.groups.get_many({j.group_id for j in due})
        batch = [(groups[j.group_id], j) for j in due if j.kind == "reminder"]
        together = await reminders(uow, later, batch)
        one_by_one = [await JOB_HANDLERS[j.kind](uow, later, g, j, REGISTRY) for g, j in batch]
    assert together == one_by_one
    sent = [r for r in together if r.replies]
    assert len(sent) == 3  # one per group: the 60-minute reminder of its 19:00 session
    assert {r.state for r in together} == {JobState.MISSED, JobState.DONE}


async def test_planning_a_batch_gives_the_collector_back() -> None:
    store = InMemoryStore()
    gc.enable()
    await burst(store)
    assert gc.isenabled()
    gc.disable()
    try:
        await burst(InMemoryStore())
        assert not gc.isenabled()  # left as it was
    finally:
        gc.enable()
