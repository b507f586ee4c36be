"""The attendance repository (``rsvp`` answers) on every backend: fake, SQLite, PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

from bot.domain import Answer, Attendance
from bot.ports import UnitOfWorkFactory
from tests.storage.conftest import Backend
from tests.storage.samples import at, group, member, scheduled, seed_group


def answer(
    session_id: int, user: str, given: Answer, minute: float, *, waiting: bool = False
) -> Attendance:
    return Attendance(session_id, user, given, at(minute), waiting=waiting)


async def test_answers_read_back_in_the_order_given(store: UnitOfWorkFactory) -> None:
    stored = await seed_group(store)
    async with store() as uow:
        first = await uow.sessions.add(scheduled(stored.id, 60))
        second = await uow.sessions.add(scheduled(stored.id, 120))
        await uow.commit()
    items = [
        answer(first.id, "@zoe:hs", Answer.YES, 1),
        answer(first.id, "@ann:hs", Answer.MAYBE, 2),
        answer(first.id, "@bob:hs", Answer.YES, 2, waiting=True),
        answer(second.id, "@ann:hs", Answer.NO, 3),
    ]
    async with store() as uow:
        assert await uow.attendance.of_session(first.id) == []
        for item in items:
            await uow.attendance.save(item)
        await uow.commit()
    async with store() as uow:
        # By the time given, then by user id (a tie: the waiting list stays stable).
        assert list(await uow.attendance.of_session(first.id)) == [items[0], items[1], items[2]]
        both = await uow.attendance.of_sessions([first.id, second.id, 987654])
        assert {k: list(v) for k, v in both.items()} == {
            first.id: [items[0], items[1], items[2]],
            second.id: [items[3]],
        }
        assert await uow.attendance.of_sessions([]) == {}


async def test_a_new_answer_replaces_the_previous_one(store: UnitOfWorkFactory) -> None:
    stored = await seed_group(store)
    async with store() as uow:
        session = await uow.sessions.add(scheduled(stored.id))
        await uow.attendance.save(answer(session.id, "@ann:hs", Answer.YES, 1, waiting=True))
        await uow.commit()
    changed = answer(session.id, "@ann:hs", Answer.NO, 5)
    async with store() as uow:
        await uow.attendance.save(changed)
        await uow.commit()
    async with store() as uow:
        assert list(await uow.attendance.of_session(session.id)) == [changed]
        given = replace(changed, answer=Answer.YES, waiting=False)
        await uow.attendance.save(given)
        assert list(await uow.attendance.of_session(session.id)) == [given]
        # Not committed: gone.
    async with store() as uow:
        assert list(await uow.attendance.of_session(session.id)) == [changed]


async def test_clear_forgets_one_sessions_answers_only(store: UnitOfWorkFactory) -> None:
    stored = await seed_group(store)
    async with store() as uow:
        first = await uow.sessions.add(scheduled(stored.id, 60))
        second = await uow.sessions.add(scheduled(stored.id, 120))
        await uow.attendance.save(answer(first.id, "@ann:hs", Answer.YES, 1))
        await uow.attendance.save(answer(first.id, "@bob:hs", Answer.NO, 1))
        kept = answer(second.id, "@ann:hs", Answer.MAYBE, 1)
        await uow.attendance.save(kept)
        await uow.commit()
    async with store() as uow:
        await uow.attendance.clear(first.id)
        await uow.commit()
    async with store() as uow:
        assert list(await uow.attendance.of_session(first.id)) == []
        assert list(await uow.attendance.of_session(second.id)) == [kept]


async def test_answers_are_in_ones_data_and_erased_with_it(backend: Backend) -> None:
    store = backend.store
    async with store() as uow:
        here = await uow.groups.add(group())
        there = await uow.groups.add(group("!there:example.org"))
        elsewhere = await uow.groups.add(group(platform="discord"))
        for g in (here, there, elsewhere):
            await uow.members.add(member(g.id, "@ann:hs"))
        sessions = [await uow.sessions.add(scheduled(g.id)) for g in (here, there, elsewhere)]
        mine = [answer(s.id, "@ann:hs", Answer.YES, 1) for s in sessions]
        others = answer(sessions[0].id, "@bob:hs", Answer.NO, 2)
        for item in [*mine, others]:
            await uow.attendance.save(item)
        await uow.commit()
    async with store() as uow:
        record = await uow.personal_data.collect("matrix", "@ann:hs")
        assert list(record.attendance) == [(here.id, mine[0]), (there.id, mine[1])]
        await uow.personal_data.erase("matrix", "@ann:hs")
        await uow.commit()
    async with store() as uow:
        assert list(await uow.attendance.of_session(sessions[0].id)) == [others]
        assert list(await uow.attendance.of_session(sessions[1].id)) == []
        # Another platform's identity is another person.
        assert list(await uow.attendance.of_session(sessions[2].id)) == [mine[2]]
        assert list((await uow.personal_data.collect("matrix", "@ann:hs")).attendance) == []
