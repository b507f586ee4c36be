"""Domain values for the storage tests (all instants in UTC, as the clock gives them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import (
    Group,
    GroupDefaults,
    Job,
    JobKind,
    Member,
    Session,
    SessionState,
)
from bot.ports import UnitOfWorkFactory

T0 = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def group(room_id: str = "!room:example.org", platform: str = "matrix") -> Group:
    return Group.new(platform, room_id, GroupDefaults(), T0, name="Deuil — mardi")


def member(group_id: int, user_id: str, joined_minute: float = 0) -> Member:
    return Member.new(
        group_id, user_id, user_id.strip("@"), is_moderator=False, now=at(joined_minute)
    )


def scheduled(group_id: int, start_minute: float = 60) -> Session:
    return Session(
        id=0,
        group_id=group_id,
        state=SessionState.SCHEDULED,
        planned_start=at(start_minute),
        planned_minutes=90,
    )


def opened(group_id: int) -> Session:
    return Session.scheduled(group_id, T0, 90).open(T0)


def job(group_id: int, key: str, due_minute: float, session_id: int | None = None) -> Job:
    return Job.new(
        JobKind.TURN_NUDGE,
        key,
        group_id,
        at(due_minute),
        session_id=session_id,
        payload={"user": "@ana:example.org"},
    )


async def seed_group(store: UnitOfWorkFactory, room_id: str = "!room:example.org") -> Group:
    async with store() as uow:
        stored = await uow.groups.add(group(room_id))
        await uow.commit()
    return stored


async def seed_session(
    store: UnitOfWorkFactory, group_id: int, *, open_now: bool = True
) -> Session:
    session = opened(group_id) if open_now else scheduled(group_id)
    async with store() as uow:
        stored = await uow.sessions.add(session)
        await uow.commit()
    return stored


def lease(now: datetime) -> datetime:
    """Until when a dispatcher keeps the jobs it claims at ``now`` in these tests."""
    return now + timedelta(minutes=1)
