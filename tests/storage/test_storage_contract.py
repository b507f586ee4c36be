"""The storage contract: every repository method, on every backend (fake, SQLite, PostgreSQL).

The in-memory fake in tests.fakes defines the intended semantics; the SQL store must agree.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from bot.domain import (
    AccompanyingPolicy,
    JobKind,
    JobState,
    Need,
    PauseRequest,
    Role,
    Series,
    SessionState,
    SpeakingOrder,
    SpeakingTurn,
    Stick,
)
from bot.domain.stick import RoundKind, raise_hand
from bot.instance import instance_id
from bot.ports import ActiveStick, UnitOfWorkFactory
from storage import SqlStore
from storage.journal_crypto import JournalCipher
from tests.fakes import InMemoryStore
from tests.storage.conftest import Backend, stored_pauses
from tests.storage.samples import (
    T0,
    at,
    group,
    job,
    lease,
    member,
    opened,
    scheduled,
    seed_group,
    seed_session,
)

# --- groups -------------------------------------------------------------------------------


async def test_group_add_assigns_an_id_and_reads_back_equal(store: UnitOfWorkFactory) -> None:
    async with store() as uow:
        stored = await uow.groups.add(group())
        other = await uow.groups.add(group("!other:example.org"))
        await uow.commit()
    assert stored.id > 0
    assert other.id not in (0, stored.id)
    assert stored == replace(group(), id=stored.id)
    async with store() as uow:
        assert await uow.groups.get("matrix", "!room:example.org") == stored
        assert await uow.groups.get("matrix", "!room:example.org", for_update=True) == stored
        assert (await uow.groups.get_many([stored.id])).get(stored.id) == stored
        assert (await uow.groups.get_many([other.id])).get(other.id) == other


async def test_group_unknown_is_none(store: UnitOfWorkFactory) -> None:
    await seed_group(store)
    async with store() as uow:
        assert await uow.groups.get("discord", "!room:example.org") is None
        assert await uow.groups.get("matrix", "!elsewhere:example.org") is None
        assert (await uow.groups.get_many([987654])).get(987654) is None


async def test_group_one_per_room(store: UnitOfWorkFactory) -> None:
    await seed_group(store)
    async with store() as uow:
        with pytest.raises(ValueError, match="already exists"):
            await uow.groups.add(group())
        # The transaction is still usable after the refusal (no aborted transaction).
        same_room_elsewhere = await uow.groups.add(group(platform="discord"))
        await uow.commit()
    assert same_room_elsewhere.platform == "discord"


async def test_group_update_changes_every_field(store: UnitOfWorkFactory) -> None:
    stored = await seed_group(store)
    changed = replace(
        stored,
        name="Séparation",
        need=Need.SEPARATION,
        language="en",
        timezone="America/Montreal",
        charter="What is said here stays here.",
        accompanying=AccompanyingPolicy.NOT_ADMITTED,
        reminder_leads=(2880, 60, 5),
        session_minutes=120,
        break_minutes=15,
        speaking_order=SpeakingOrder.BALANCED,
        charter_required=False,
        listed=True,
        country="CA",
        reply_hands=False,
        region="CA",
        capacity=12,
    )
    async with store() as uow:
        await uow.groups.update(changed)
        await uow.commit()
    async with store() as uow:
        assert (await uow.groups.get_many([stored.id])).get(stored.id) == changed
        assert await uow.groups.get("matrix", stored.room_id) == changed


# --- members ------------------------------------------------------------------------------


async def test_member_add_get_update(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    ana = member(g.id, "@ana:example.org")
    async with store() as uow:
        await uow.members.add(ana)
        await uow.commit()
    async with store() as uow:
        assert await uow.members.get(g.id, "@ana:example.org") == ana
        assert await uow.members.get(g.id, "@bob:example.org") is None
        assert await uow.members.get(g.id + 1000, "@ana:example.org") is None
    changed = replace(
        ana.seen("Ana B.", is_moderator=True, now=at(30)),
        role=Role.OBSERVER,
        charter_accepted_at=at(1),
        dm_reminders=True,
        journal_prompt=True,
        accompanying_requested_at=at(2),
        language="en",
    )
    async with store() as uow:
        await uow.members.update(changed)
        await uow.commit()
    async with store() as uow:
        assert await uow.members.get(g.id, "@ana:example.org") == changed


async def test_member_found_by_calendar_token_only_while_it_holds_it(
    store: UnitOfWorkFactory,
) -> None:
    g = await seed_group(store)
    ana = replace(
        member(g.id, "@ana:example.org"),
        calendar_token="a" * 64,
        timezone="America/Montreal",
        role_before_accompanying=Role.OBSERVER,
    )
    async with store() as uow:
        await uow.members.add(ana)
        await uow.members.add(member(g.id, "@bob:example.org"))
        await uow.commit()
    async with store() as uow:
        assert await uow.members.by_calendar_token("a" * 64) == ana
        assert await uow.members.by_calendar_token("b" * 64) is None
        await uow.members.update(replace(ana, calendar_token="b" * 64))
        await uow.commit()
    async with store() as uow:
        assert await uow.members.by_calendar_token("a" * 64) is None, "a new link, the old gone"
        found = await uow.members.by_calendar_token("b" * 64)
        assert found is not None and found.user_id == "@ana:example.org"


async def test_member_added_twice_is_refused(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        await uow.members.add(member(g.id, "@ana:example.org"))
        with pytest.raises(ValueError, match="already exists"):
            await uow.members.add(member(g.id, "@ana:example.org", joined_minute=5))
        await uow.commit()
    async with store() as uow:
        assert await uow.members.list(g.id) == [member(g.id, "@ana:example.org")]


async def test_member_list_in_joining_order_for_one_group(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    other = await seed_group(store, "!other:example.org")
    async with store() as uow:
        await uow.members.add(member(g.id, "@zoe:example.org", joined_minute=1))
        await uow.members.add(member(g.id, "@bob:example.org", joined_minute=2))
        await uow.members.add(member(g.id, "@ana:example.org", joined_minute=2))
        await uow.members.add(member(other.id, "@eve:example.org", joined_minute=0))
        await uow.commit()
    async with store() as uow:
        listed = await uow.members.list(g.id)
        assert [m.user_id for m in listed] == [
            "@zoe:example.org",
            "@ana:example.org",  # same instant as bob: by user id
            "@bob:example.org",
        ]
        assert await uow.members.list(other.id + g.id + 1000) == []


async def test_member_get_many_only_those_asked_in_joining_order(
    store: UnitOfWorkFactory,
) -> None:
    g = await seed_group(store)
    other = await seed_group(store, "!other:example.org")
    async with store() as uow:
        await uow.members.add(member(g.id, "@zoe:example.org", joined_minute=1))
        await uow.members.add(member(g.id, "@bob:example.org", joined_minute=2))
        await uow.members.add(member(g.id, "@ana:example.org", joined_minute=2))
        await uow.members.add(member(g.id, "@cy:example.org", joined_minute=3))
        await uow.members.add(member(other.id, "@eve:example.org", joined_minute=0))
        await uow.commit()
    async with store() as uow:
        found = await uow.members.get_many(
            g.id, ["@bob:example.org", "@eve:example.org", "@zoe:example.org", "@nobody:x"]
        )
        assert found == [
            member(g.id, "@zoe:example.org", joined_minute=1),
            member(g.id, "@bob:example.org", joined_minute=2),
        ]
        same_twice = await uow.members.get_many(g.id, ("@cy:example.org", "@cy:example.org"))
        assert [m.user_id for m in same_twice] == ["@cy:example.org"]
        assert await uow.members.get_many(g.id, []) == []
        assert await uow.members.get_many(other.id + g.id + 1000, ["@ana:example.org"]) == []


async def test_group_with_member_in_one_call(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    other = await seed_group(store, "!other:example.org")
    ana = member(g.id, "@ana:example.org")
    async with store() as uow:
        await uow.members.add(ana)
        await uow.members.add(member(other.id, "@bob:example.org"))
        await uow.commit()
    async with store() as uow:
        got = await uow.groups.get_with_member("matrix", g.room_id, "@ana:example.org")
        assert got == (g, ana)
        locked = await uow.groups.get_with_member(
            "matrix", g.room_id, "@ana:example.org", for_update=True
        )
        assert locked == (g, ana)
        assert await uow.groups.get_with_member("matrix", g.room_id, "@bob:example.org") == (
            g,
            None,
        )
        assert await uow.groups.get_with_member("matrix", "!nowhere:x", "@ana:example.org") == (
            None,
            None,
        )
        assert await uow.groups.get_with_member("discord", g.room_id, "@ana:example.org") == (
            None,
            None,
        )


# --- sessions -----------------------------------------------------------------------------


async def test_session_add_get_update(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        first = await uow.sessions.add(scheduled(g.id))
        second = await uow.sessions.add(scheduled(g.id, start_minute=7 * 24 * 60))
        await uow.commit()
    assert first.id > 0
    assert second.id != first.id
    assert first == replace(scheduled(g.id), id=first.id)
    changed = replace(
        first,
        title="Mardi soir",
        theme="Les fêtes de fin d'année",
    ).open(at(61), minutes=120)
    changed = changed.start_break(at(100), 10)
    async with store() as uow:
        await uow.sessions.update(changed)
        await uow.commit()
    async with store() as uow:
        assert await uow.sessions.get(first.id) == changed
        assert await uow.sessions.get(second.id) == second
        assert await uow.sessions.get(first.id + second.id + 1000) is None
    closed = changed.resume().close(at(190))
    async with store() as uow:
        await uow.sessions.update(closed)
        await uow.commit()
    async with store() as uow:
        assert await uow.sessions.get(first.id) == closed


async def test_session_active_is_the_open_or_on_break_one(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    other = await seed_group(store, "!other:example.org")
    async with store() as uow:
        waiting = await uow.sessions.add(scheduled(g.id))
        cancelled = await uow.sessions.add(replace(scheduled(g.id), state=SessionState.CANCELLED))
        await uow.sessions.add(scheduled(other.id).open(at(1)))
        await uow.commit()
    async with store() as uow:
        assert await uow.sessions.active(g.id) is None
        assert cancelled.state is SessionState.CANCELLED
        opened = waiting.open(at(60))
        await uow.sessions.update(opened)
        assert await uow.sessions.active(g.id) == opened
        on_break = opened.start_break(at(100), 10)
        await uow.sessions.update(on_break)
        assert await uow.sessions.active(g.id) == on_break
        await uow.sessions.update(on_break.close(at(120)))
        assert await uow.sessions.active(g.id) is None
        active_elsewhere = await uow.sessions.active(other.id)
        assert active_elsewhere is not None
        assert active_elsewhere.group_id == other.id


# --- sticks and the speaking log ----------------------------------------------------------


async def test_stick_missing_is_none(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    session = await seed_session(store, g.id)
    async with store() as uow:
        assert await uow.sticks.get(session.id) is None


async def test_stick_save_and_get(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    session = await seed_session(store, g.id)
    empty = Stick(session.id)
    async with store() as uow:
        await uow.sticks.save(empty)
        await uow.commit()
    async with store() as uow:
        assert await uow.sticks.get(session.id) == empty
    held = Stick(
        session.id,
        holder="@ana:example.org",
        holder_since=at(3),
        queue=("@bob:example.org", "@zoe:example.org", "@cy:example.org"),
        turn_minutes=5,
        reply="@bob:example.org",
        process=("@cy:example.org",),
        notices={"@zoe:example.org": "deuil périnatal"},
        raised_at={"@bob:example.org": at(4), "@zoe:example.org": at(5)},
        away={"@ana:example.org": at(6)},
        round=RoundKind.CLOSING,
        holder_round=RoundKind.CLOSING,
        after_round=("@eve:example.org", "@dan:example.org"),
        hands_raised=("@zoe:example.org", "@bob:example.org", "@fay:example.org"),
    )
    async with store() as uow:
        await uow.sticks.save(held)  # replaces the first save
        await uow.commit()
    async with store() as uow:
        assert await uow.sticks.get(session.id) == replace(held, spoken={"@ana:example.org"})


async def test_stick_spoken_comes_from_turns_and_holder(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    session = await seed_session(store, g.id)
    elsewhere = await seed_session(store, g.id, open_now=False)
    async with store() as uow:
        # What the caller passes as ``spoken`` is not stored: it is derived from the log.
        await uow.sticks.save(
            Stick(session.id, holder="@cy:example.org", holder_since=at(9), spoken={"@x:y"})
        )
        for user, start in (("@ana:example.org", 1), ("@bob:example.org", 4)):
            await uow.sticks.add_turn(SpeakingTurn(session.id, user, at(start), at(start + 3)))
        await uow.sticks.add_turn(SpeakingTurn(session.id, "@ana:example.org", at(7), at(9)))
        await uow.sticks.add_turn(SpeakingTurn(elsewhere.id, "@eve:example.org", at(1), at(2)))
        await uow.commit()
    async with store() as uow:
        stick = await uow.sticks.get(session.id)
        assert stick is not None
        assert stick.spoken == {"@ana:example.org", "@bob:example.org", "@cy:example.org"}
        await uow.sticks.save(replace(stick, holder=None, holder_since=None))
        released = await uow.sticks.get(session.id)
        assert released is not None
        assert released.spoken == {"@ana:example.org", "@bob:example.org"}


async def test_stick_of_active_session_with_the_members_in_line(
    store: UnitOfWorkFactory,
) -> None:
    g = await seed_group(store)
    other = await seed_group(store, "!other:example.org")
    async with store() as uow:
        assert await uow.sticks.of_active_session(g.id) is None  # no session at all
        waiting = await uow.sessions.add(scheduled(g.id))
        for user, minute in (("@ana", 1), ("@bob", 2), ("@cy", 3), ("@dan", 4)):
            await uow.members.add(member(g.id, f"{user}:example.org", joined_minute=minute))
        await uow.members.add(member(other.id, "@eve:example.org"))
        await uow.commit()
    async with store() as uow:
        assert await uow.sticks.of_active_session(g.id) is None  # only a scheduled one
        session = waiting.open(at(60))
        await uow.sessions.update(session)
        assert await uow.sticks.of_active_session(g.id) == ActiveStick(session, None, [])
        await uow.sticks.add_turn(SpeakingTurn(session.id, "@dan:example.org", at(61), at(62)))
        stick = Stick(
            session.id,
            holder="@cy:example.org",
            holder_since=at(62),
            # Someone who left the group stays in line; the member of another group is no one.
            queue=("@ana:example.org", "@gone:example.org", "@eve:example.org"),
        )
        await uow.sticks.save(stick)
        found = await uow.sticks.of_active_session(g.id)
        assert found == ActiveStick(
            session,
            replace(stick, spoken={"@cy:example.org", "@dan:example.org"}),
            [
                member(g.id, "@ana:example.org", joined_minute=1),
                member(g.id, "@cy:example.org", joined_minute=3),
            ],
        )
        on_break = session.start_break(at(90), 10)
        await uow.sessions.update(on_break)
        found = await uow.sticks.of_active_session(g.id)
        assert found is not None
        assert found.session == on_break
        await uow.sessions.update(on_break.resume().close(at(120)))
        assert await uow.sticks.of_active_session(g.id) is None
        assert await uow.sticks.of_active_session(other.id) is None


async def test_turns_in_logged_order_for_one_session(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    session = await seed_session(store, g.id)
    elsewhere = await seed_session(store, g.id, open_now=False)
    turns = [
        SpeakingTurn(session.id, "@bob:example.org", at(5), at(9)),
        SpeakingTurn(session.id, "@ana:example.org", at(1), at(5)),  # logged late
        SpeakingTurn(session.id, "@bob:example.org", at(9), at(9.5)),
        SpeakingTurn(session.id, "@cy:example.org", at(9.5), at(9.6), RoundKind.CLOSING),
        SpeakingTurn(session.id, "@ana:example.org", at(0), at(0.1), RoundKind.OPENING),
    ]
    async with store() as uow:
        assert await uow.sticks.turns(session.id) == []
        for turn in turns:
            await uow.sticks.add_turn(turn)
        await uow.sticks.add_turn(SpeakingTurn(elsewhere.id, "@eve:example.org", at(1), at(2)))
        await uow.commit()
    async with store() as uow:
        assert list(await uow.sticks.turns(session.id)) == turns


# --- pause requests -----------------------------------------------------------------------


async def test_pause_requests_named_and_anonymous(backend: Backend) -> None:
    store = backend.store
    g = await seed_group(store)
    session = await seed_session(store, g.id)
    elsewhere = await seed_session(store, g.id, open_now=False)
    assert await stored_pauses(backend, session.id) == []
    async with store() as uow:
        named = await uow.pauses.add(PauseRequest(0, session.id, "@ana:example.org", at(20)))
        anonymous = await uow.pauses.add(PauseRequest(0, session.id, None, at(25)))
        await uow.pauses.add(PauseRequest(0, elsewhere.id, None, at(25)))
        await uow.commit()
    assert named.id > 0
    assert anonymous.id != named.id
    assert anonymous == PauseRequest(anonymous.id, session.id, None, at(25))
    assert await stored_pauses(backend, session.id) == [named, anonymous]
    async with store() as uow:  # the named one is its author's to see, not the other
        record = await uow.personal_data.collect("matrix", "@ana:example.org")
    assert list(record.pauses) == [(g.id, named)]


# --- jobs ---------------------------------------------------------------------------------


async def test_job_key_is_unique(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        assert await uow.jobs.schedule(job(g.id, "nudge:1", 5)) is True
        assert await uow.jobs.schedule(job(g.id, "nudge:1", 50)) is False
        await uow.commit()
    async with store() as uow:
        # Even once the first is done, the key stays taken: the thing happened.
        (stored,) = await uow.jobs.list(g.id)
        await uow.jobs.mark(stored.id, JobState.DONE)
        assert await uow.jobs.schedule(job(g.id, "nudge:1", 60)) is False
        assert await uow.jobs.schedule(job(g.id, "nudge:2", 60)) is True
        await uow.commit()
    async with store() as uow:
        listed = await uow.jobs.list(g.id)
        assert [(j.key, j.due_at, j.state) for j in listed] == [
            ("nudge:1", at(5), JobState.DONE),
            ("nudge:2", at(60), JobState.PENDING),
        ]


async def test_job_list_reads_back_every_field(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    other = await seed_group(store, "!other:example.org")
    session = await seed_session(store, g.id)
    with_session = replace(
        job(g.id, "break-end:1", 10, session_id=session.id),
        kind=JobKind.BREAK_END,
        payload={"minutes": "10", "note": "éà ✓"},
    )
    without_session = replace(job(g.id, "half-time:1", 45), kind=JobKind.HALF_TIME, payload={})
    async with store() as uow:
        assert await uow.jobs.schedule(with_session)
        assert await uow.jobs.schedule(without_session)
        assert await uow.jobs.schedule(job(other.id, "other", 1))
        await uow.commit()
    async with store() as uow:
        listed = await uow.jobs.list(g.id)
    assert [replace(j, id=0) for j in listed] == [with_session, without_session]
    assert listed[0].id < listed[1].id
    async with store() as uow:
        assert await uow.jobs.list(g.id + other.id + 1000) == []


async def test_job_cancel_by_key_only_touches_pending(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        await uow.jobs.schedule(job(g.id, "a", 5))
        await uow.jobs.schedule(job(g.id, "b", 5))
        await uow.commit()
    async with store() as uow:
        _, b = await uow.jobs.list(g.id)
        await uow.jobs.mark(b.id, JobState.DONE)
        await uow.jobs.cancel("a")
        await uow.jobs.cancel("b")
        await uow.jobs.cancel("no-such-key")
        await uow.commit()
    async with store() as uow:
        assert [j.state for j in await uow.jobs.list(g.id)] == [JobState.CANCELLED, JobState.DONE]


async def test_job_cancel_for_session(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    session = await seed_session(store, g.id)
    other = await seed_session(store, g.id, open_now=False)
    async with store() as uow:
        await uow.jobs.schedule(job(g.id, "s1", 5, session_id=session.id))
        await uow.jobs.schedule(job(g.id, "s2", 6, session_id=session.id))
        await uow.jobs.schedule(job(g.id, "o1", 5, session_id=other.id))
        await uow.jobs.schedule(job(g.id, "none", 5))
        await uow.commit()
    async with store() as uow:
        s1 = (await uow.jobs.list(g.id))[0]
        await uow.jobs.mark(s1.id, JobState.MISSED)
        await uow.jobs.cancel_for_session(session.id)
        await uow.commit()
    async with store() as uow:
        states = {j.key: j.state for j in await uow.jobs.list(g.id)}
    assert states == {
        "s1": JobState.MISSED,
        "s2": JobState.CANCELLED,
        "o1": JobState.PENDING,
        "none": JobState.PENDING,
    }


async def test_claim_due_earliest_first_with_limit(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        for key, minute in [("c", 10), ("a", 5), ("late", 30), ("b", 10), ("now", 20), ("x", 1)]:
            await uow.jobs.schedule(job(g.id, key, minute))
        await uow.commit()
    async with store() as uow:
        x = next(j for j in await uow.jobs.list(g.id) if j.key == "x")
        await uow.jobs.mark(x.id, JobState.DONE)
        await uow.commit()
    now = at(20)
    async with store() as uow:
        assert await uow.jobs.claim_due(at(4), 10, at(5)) == []
        first = await uow.jobs.claim_due(now, 2, lease(now))
        rest = await uow.jobs.claim_due(now, 10, lease(now))
        # by due time, then by id (scheduling order) for equal times; "now" is due at `now`
        assert [j.key for j in first] == ["a", "c"]
        assert [j.key for j in rest] == ["b", "now"]  # the leased ones are not taken twice
        assert all(j.state is JobState.PENDING for j in first + rest)
        assert all(j.claimed_until == lease(now) for j in first + rest)


async def test_a_lease_ends_and_the_job_can_be_claimed_again(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        await uow.jobs.schedule(job(g.id, "k", 1))
        await uow.jobs.schedule(job(g.id, "other", 2))
        await uow.commit()
    async with store() as uow:
        (taken,) = await uow.jobs.claim_due(at(1), 10, at(3))
        await uow.commit()
    async with store() as uow:
        # While leased, the job is due again when its lease ends.
        assert await uow.jobs.next_due() == at(2)
        assert [j.key for j in await uow.jobs.claim_due(at(2), 10, at(4))] == ["other"]
        await uow.commit()
    async with store() as uow:
        assert await uow.jobs.next_due() == at(3)
        assert await uow.jobs.claim_due(at(2.5), 10, at(9)) == []
        (again,) = await uow.jobs.claim_due(at(3), 10, at(9))
        assert again.id == taken.id
        await uow.jobs.release_claims()
        await uow.commit()
    async with store() as uow:
        assert {j.key for j in await uow.jobs.claim_due(at(3), 10, at(9))} == {"k", "other"}


async def test_schedule_revives_a_cancelled_key_only(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        assert await uow.jobs.schedule(job(g.id, "k", 1))
        assert not await uow.jobs.schedule(job(g.id, "k", 5))
        await uow.jobs.cancel("k")
        assert await uow.jobs.schedule(job(g.id, "k", 7))
        await uow.jobs.schedule_many([job(g.id, "k", 9), job(g.id, "new", 3)])
        await uow.commit()
    async with store() as uow:
        jobs = {j.key: j for j in await uow.jobs.list(g.id)}
        assert jobs["k"].state is JobState.PENDING
        assert jobs["k"].due_at == at(7)
        assert jobs["new"].due_at == at(3)
        await uow.jobs.note_applied(jobs["k"].id)
        (pending,) = [j for j in await uow.jobs.list(g.id) if j.key == "k"]
        assert pending.payload["applied"] == "1"


async def test_claimed_jobs_marked_done_are_not_claimed_again(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        for minute in range(5):
            await uow.jobs.schedule(job(g.id, f"k{minute}", minute))
        await uow.commit()
    seen: list[str] = []
    while True:
        async with store() as uow:
            batch = await uow.jobs.claim_due(at(10), 2, lease(at(10)))
            if not batch:
                break
            for claimed in batch:
                await uow.jobs.mark(claimed.id, JobState.DONE)
            await uow.commit()
        seen += [j.key for j in batch]
    assert seen == ["k0", "k1", "k2", "k3", "k4"]


async def test_mark_unknown_job_raises(store: UnitOfWorkFactory) -> None:
    async with store() as uow:
        with pytest.raises(KeyError):
            await uow.jobs.mark(424242, JobState.DONE)


async def test_next_due_is_the_earliest_pending(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        assert await uow.jobs.next_due() is None
        await uow.jobs.schedule(job(g.id, "a", 5))
        await uow.jobs.schedule(job(g.id, "b", 3))
        await uow.jobs.schedule(job(g.id, "c", 8))
        await uow.commit()
    async with store() as uow:
        assert await uow.jobs.next_due() == at(3)
        await uow.jobs.cancel("b")
        assert await uow.jobs.next_due() == at(5)
        a = next(j for j in await uow.jobs.list(g.id) if j.key == "a")
        await uow.jobs.mark(a.id, JobState.DONE)
        assert await uow.jobs.next_due() == at(8)
        await uow.jobs.cancel("c")
        assert await uow.jobs.next_due() is None


# --- the unit of work ---------------------------------------------------------------------


async def test_exception_rolls_back_the_whole_command(store: UnitOfWorkFactory) -> None:
    class CommandFailedError(Exception):
        pass

    async def command() -> None:
        async with store() as uow:
            g = await uow.groups.add(group())
            await uow.members.add(member(g.id, "@ana:example.org"))
            session = await uow.sessions.add(opened(g.id))
            await uow.sticks.save(Stick(session.id, queue=("@ana:example.org",)))
            await uow.jobs.schedule(job(g.id, "k", 5))
            raise CommandFailedError

    with pytest.raises(CommandFailedError):
        await command()
    async with store() as uow:
        assert await uow.groups.get("matrix", "!room:example.org") is None
        assert await uow.jobs.next_due() is None


async def test_leaving_without_commit_discards(store: UnitOfWorkFactory) -> None:
    async with store() as uow:
        await uow.groups.add(group())
    async with store() as uow:
        assert await uow.groups.get("matrix", "!room:example.org") is None


async def test_commit_keeps_earlier_work_and_later_work_needs_another(
    store: UnitOfWorkFactory,
) -> None:
    async with store() as uow:
        g = await uow.groups.add(group())
        await uow.commit()
        await uow.members.add(member(g.id, "@ana:example.org"))
        # no second commit
    async with store() as uow:
        assert (await uow.groups.get_many([g.id])).get(g.id) == g
        assert await uow.members.list(g.id) == []


async def test_rollback_discards_and_the_unit_of_work_goes_on(store: UnitOfWorkFactory) -> None:
    async with store() as uow:
        g = await uow.groups.add(group())
        await uow.rollback()
        assert (await uow.groups.get_many([g.id])).get(g.id) is None
        kept = await uow.groups.add(group("!kept:example.org"))
        await uow.commit()
    async with store() as uow:
        assert await uow.groups.get("matrix", "!room:example.org") is None
        assert (await uow.groups.get_many([kept.id])).get(kept.id) == kept


async def test_datetimes_come_back_aware_utc(backend: Backend) -> None:
    store = backend.store
    g = await seed_group(store)
    session = await seed_session(store, g.id)
    async with store() as uow:
        await uow.members.add(replace(member(g.id, "@ana:example.org"), charter_accepted_at=T0))
        await uow.sticks.save(Stick(session.id, holder="@ana:example.org", holder_since=at(1)))
        await uow.sticks.add_turn(SpeakingTurn(session.id, "@bob:example.org", at(0.5), at(1)))
        await uow.pauses.add(PauseRequest(0, session.id, None, at(2)))
        await uow.jobs.schedule(job(g.id, "k", 2.000001))
        await uow.commit()
    async with store() as uow:
        stored_group = (await uow.groups.get_many([g.id])).get(g.id)
        ana = await uow.members.get(g.id, "@ana:example.org")
        stored_session = await uow.sessions.get(session.id)
        stick = await uow.sticks.get(session.id)
        (turn,) = await uow.sticks.turns(session.id)
        (stored_job,) = await uow.jobs.list(g.id)
        next_due = await uow.jobs.next_due()
    (pause,) = await stored_pauses(backend, session.id)
    assert stored_group is not None
    assert ana is not None
    assert stored_session is not None
    assert stick is not None
    instants = [
        stored_group.created_at,
        ana.charter_accepted_at,
        ana.joined_at,
        ana.last_seen_at,
        stored_session.planned_start,
        stored_session.opened_at,
        stick.holder_since,
        turn.started_at,
        turn.ended_at,
        pause.requested_at,
        stored_job.due_at,
        next_due,
    ]
    for instant in instants:
        assert instant is not None
        assert instant.utcoffset() == timedelta(0)
    assert stored_job.due_at == next_due == at(2.000001)  # microseconds survive


async def test_concurrent_commands_on_one_group_lose_nothing(store: UnitOfWorkFactory) -> None:
    """Each command reads the stick, raises a hand and writes it back; with the group's row
    lock (PostgreSQL) or the write lock (SQLite) none of the updates is lost."""
    g = await seed_group(store)
    session = await seed_session(store, g.id)
    async with store() as uow:
        await uow.sticks.save(Stick(session.id))
        await uow.commit()

    async def hand(user: str) -> None:
        async with store() as uow:
            locked = await uow.groups.get("matrix", g.room_id, for_update=True)
            assert locked is not None
            stick = await uow.sticks.get(session.id)
            assert stick is not None
            change = raise_hand(stick, user, at(1))
            await uow.sticks.save(change.stick)
            await uow.commit()

    users = [f"@u{i}:example.org" for i in range(8)]
    # A TaskGroup waits for every command even when one fails (nothing left holding a connection).
    async with asyncio.TaskGroup() as commands:
        for user in users:
            commands.create_task(hand(user))
    async with store() as uow:
        final = await uow.sticks.get(session.id)
    assert final is not None
    assert final.holder is not None
    assert sorted((final.holder, *final.queue)) == sorted(users)


async def test_every_job_state_and_kind_round_trips(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    async with store() as uow:
        for kind in JobKind:
            for state in JobState:
                await uow.jobs.schedule(replace(job(g.id, f"{kind}:{state}", 1), kind=kind))
        await uow.commit()
    async with store() as uow:
        for stored in await uow.jobs.list(g.id):
            await uow.jobs.mark(stored.id, JobState(stored.key.split(":")[1]))
        await uow.commit()
    async with store() as uow:
        assert {(j.kind, j.state) for j in await uow.jobs.list(g.id)} == {
            (kind, state) for kind in JobKind for state in JobState
        }


async def test_the_instance_id_is_made_once_and_kept_across_a_restart(backend: Backend) -> None:
    async with backend.store() as uow:
        made = await instance_id(uow)
        await uow.commit()
    assert made.endswith(".cercle")
    assert len(made) > 16
    # A restart: a new store on the same database reads the same id.
    again = (
        backend.store
        if backend.engine is None
        else SqlStore(backend.engine, JournalCipher.generate())
    )
    async with again() as uow:
        assert await instance_id(uow) == made
        await uow.commit()
    async with InMemoryStore()() as uow:
        assert await instance_id(uow) != made


async def test_platform_state_put_get_replace_delete_and_prefix(store: UnitOfWorkFactory) -> None:
    async with store() as uow:
        assert await uow.platform_state.get("matrix", "panel:!room") is None
        await uow.platform_state.put("matrix", "panel:!room", "$event1")
        await uow.platform_state.put("matrix", "panel:!room", "$event2")
        await uow.platform_state.put("matrix", "dm:@ann:x", "!dm")
        await uow.platform_state.put("matrix", "a_b%:c", "odd")
        await uow.platform_state.put("discord", "panel:!room", "123")
        await uow.commit()
    async with store() as uow:
        assert await uow.platform_state.get("matrix", "panel:!room") == "$event2"
        assert await uow.platform_state.with_prefix("matrix", "panel:") == {
            "panel:!room": "$event2"
        }
        assert await uow.platform_state.with_prefix("matrix", "a_b%") == {"a_b%:c": "odd"}
        assert await uow.platform_state.with_prefix("matrix", "a") == {"a_b%:c": "odd"}
        await uow.platform_state.delete("matrix", "panel:!room")
        await uow.platform_state.delete("matrix", "never-there")
        await uow.commit()
    async with store() as uow:
        assert await uow.platform_state.get("matrix", "panel:!room") is None
        assert await uow.platform_state.get("discord", "panel:!room") == "123"


# --- series and planning --------------------------------------------------------------------


async def test_series_and_their_occurrences(store: UnitOfWorkFactory) -> None:
    g = await seed_group(store)
    first_start = datetime(2026, 12, 1, 19, 30)  # a wall-clock time, naive on purpose
    async with store() as uow:
        series = await uow.series.add(
            Series(0, g.id, "FREQ=WEEKLY;INTERVAL=1", first_start, 90, "Mardi", at(0))
        )
        added = await uow.sessions.add_many(
            [
                replace(scheduled(g.id, start_minute=m), series_id=series.id)
                for m in (0, 7 * 24 * 60, 14 * 24 * 60)
            ]
        )
        await uow.commit()
    assert [s.id for s in added] == sorted(s.id for s in added)
    async with store() as uow:
        assert await uow.series.get(series.id) == series
        assert await uow.series.of_group(g.id) == [series]
        assert await uow.series.behind(at(1), 10) == [series]
        assert await uow.series.behind(at(0), 10) == []
        await uow.series.update(replace(series, materialized_until=at(99), cancelled=True))
        assert await uow.sessions.of_series(series.id) == added
        await uow.commit()
    async with store() as uow:
        assert await uow.series.behind(at(1000), 10) == []  # cancelled
        assert await uow.sessions.unplanned(at(7 * 24 * 60), 10) == added[:1]
        await uow.sessions.update(replace(added[0], reminders_planned=True))
        assert await uow.sessions.unplanned(at(7 * 24 * 60 + 1), 10) == added[1:2]
        upcoming = await uow.sessions.upcoming(g.id, at(1), 10)
        assert [s.id for s in upcoming] == [s.id for s in added[1:]]
        await uow.sessions.update(added[2].open(at(5)))
        upcoming = await uow.sessions.upcoming(g.id, at(1), 10)
        assert [s.id for s in upcoming] == [added[2].id, added[1].id]  # the open one first
        assert await uow.sessions.add_many([]) == []
