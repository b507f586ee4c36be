"""Attendance: ``rsvp yes|maybe|no [id]`` (any member, privately) and ``session attendance
[id]`` (moderators, privately), the room reminder's one-tap answers, and freed places given to
the first on the waiting list (see :mod:`bot.domain.attendance` for the rules).

An answer is seen by the member who gave it and by the moderators only: every reply here is
private, and the logs carry counts, never who answered what.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from bot.commands.arguments import OneOf
from bot.commands.context import Context
from bot.domain import Group, Member, Session, SessionState
from bot.domain import attendance as rules
from bot.domain.attendance import Answer, Attendance, Outcome
from bot.errors import NotFound, StateError
from bot.handlers.common import SESSION_ID, ref
from bot.i18n import translate
from bot.ports import UnitOfWork
from bot.replies import Choice, Key, Param, Place, Reply, UserText, private

log = logging.getLogger("cercle.attendance")

ANSWER_WORDS = OneOf(
    aliases={
        "oui": "yes",
        "viens": "yes",
        "present": "yes",
        "presente": "yes",
        "peut-être": "maybe",
        "peut-etre": "maybe",
        "peutetre": "maybe",
        "peut": "maybe",
        "non": "no",
        "absent": "no",
        "absente": "no",
    }
)

RSVP_WORDS = {"fr": "présence", "en": "rsvp"}
"""How ``rsvp`` is typed per language (the registry's name and French alias; a test keeps them
alike): the reminder's one-tap answers are command lines, and job handlers have no registry."""
ANSWER_NAMES = {
    "fr": {Answer.YES: "oui", Answer.MAYBE: "peut-être", Answer.NO: "non"},
    "en": {Answer.YES: "yes", Answer.MAYBE: "maybe", Answer.NO: "no"},
}
EMOJI = {Answer.YES: "✅", Answer.MAYBE: "❔", Answer.NO: "❌"}
"""The reactions Matrix puts under the room reminder (Discord shows them on its buttons)."""

LOOKED_AHEAD = 20
"""Coming sessions looked at for the default session and for waiting lists to move."""


def answer_line(language: str, answer: Answer, session_id: int) -> str:
    """The command line one answer stands for, e.g. ``présence oui 12``."""
    words = ANSWER_NAMES.get(language, ANSWER_NAMES["en"])
    return f"{RSVP_WORDS.get(language, RSVP_WORDS['en'])} {words[answer]} {session_id}"


def answer_choices(language: str, session_id: int) -> tuple[Choice, ...]:
    """The room reminder's one-tap answers (Matrix: reactions; Discord: buttons)."""
    return tuple(
        Choice(
            translate(f"answer.{answer.value}", language),
            answer_line(language, answer, session_id),
            emoji=EMOJI[answer],
        )
        for answer in Answer
    )


@dataclass(frozen=True, slots=True)
class Rsvp:
    """``rsvp yes 12``, ``présence peut-être``…"""

    answer: Annotated[Answer, ANSWER_WORDS]
    id: Annotated[int | None, SESSION_ID]
    """The session; the group's next scheduled one when left out."""


@dataclass(frozen=True, slots=True)
class Which:
    """``session attendance [12]``"""

    id: Annotated[int | None, SESSION_ID]


async def rsvp(ctx: Context, args: Rsvp) -> list[Reply]:
    session = await _session(ctx, args.id)
    if session.state is not SessionState.SCHEDULED:
        raise StateError("error.attendance_closed", {"id": session.id})
    answers = await ctx.uow.attendance.of_session(session.id)
    change = rules.answer(
        answers, session.id, ctx.user_id, args.answer, ctx.now, capacity=ctx.group.capacity
    )
    if change.saved is not None:
        await ctx.uow.attendance.save(change.saved)
    given = await _give(ctx.uow, ctx.group, session, change.promoted)
    if change.saved is not None:
        log.info(
            "attendance answered",
            extra={"group": ctx.group.id, "session": session.id, "given": len(change.promoted)},
        )
    params: dict[str, Param] = {"when": session.planned_start, "id": session.id}
    if change.outcome is Outcome.WAITING:
        assert change.position is not None
        params |= {"position": change.position, "capacity": ctx.group.capacity or 0}
    mine = private(ctx.user_id, f"attendance.{change.outcome.value}", **params)
    return [mine, *given]


async def _session(ctx: Context, session_id: int | None) -> Session:
    """The session named (of this group), else the group's next scheduled one."""
    if session_id is not None:
        session = await ctx.uow.sessions.get(session_id)
        if session is None or session.group_id != ctx.group.id:
            raise NotFound("error.session_not_found", {"id": session_id})
        return session
    for session in await ctx.uow.sessions.upcoming(ctx.group.id, ctx.now, LOOKED_AHEAD):
        if session.state is SessionState.SCHEDULED:
            return session
    raise StateError("error.attendance_no_session")


async def _give(
    uow: UnitOfWork, group: Group, session: Session, promoted: Iterable[Attendance]
) -> list[Reply]:
    """Store the places given to people who waited, and tell each of them privately."""
    replies: list[Reply] = []
    for item in promoted:
        await uow.attendance.save(item)
        replies.append(
            private(
                item.user_id,
                "attendance.place_given",
                when=session.planned_start,
                group=UserText(group.name),
                place=Place(group.platform, group.room_id),
                command=answer_line(group.language, Answer.NO, session.id),
            )
        )
    return replies


async def fill_places(uow: UnitOfWork, group: Group, now: datetime) -> list[Reply]:
    """Give the places free under the group's capacity (it grew, or was lifted) to the first
    waiting, for each of its coming sessions."""
    coming = [
        s
        for s in await uow.sessions.upcoming(group.id, now, LOOKED_AHEAD)
        if s.state is SessionState.SCHEDULED
    ]
    if not coming:
        return []
    answers = await uow.attendance.of_sessions([s.id for s in coming])
    replies: list[Reply] = []
    for session in coming:
        promoted = rules.fill(answers.get(session.id, ()), group.capacity)
        replies += await _give(uow, group, session, promoted)
    return replies


async def places_held(ctx: Context) -> list[tuple[Group, int]]:
    """The coming sessions (with their group) where this person holds a place, across the
    groups of the platform: read before ``forget-me`` erases them."""
    record = await ctx.uow.personal_data.collect(ctx.group.platform, ctx.user_id)
    groups = {group.id: group for group, _ in record.memberships}
    held = [(group_id, a.session_id) for group_id, a in record.attendance if a.has_place]
    sessions = await ctx.uow.sessions.get_many({s for _, s in held}) if held else {}
    return [
        (groups[group_id], session_id)
        for group_id, session_id in held
        if group_id in groups
        and session_id in sessions
        and sessions[session_id].state is SessionState.SCHEDULED
    ]


async def give_freed(
    uow: UnitOfWork, freed: Sequence[tuple[Group, int]]
) -> list[tuple[Group, list[Reply]]]:
    """After someone left (``forget-me``), the places they held go to the first waiting; the
    replies, per group."""
    sessions = await uow.sessions.get_many({s for _, s in freed}) if freed else {}
    told: list[tuple[Group, list[Reply]]] = []
    for group, session_id in freed:
        session = sessions.get(session_id)
        if session is None:
            continue
        answers = await uow.attendance.of_session(session_id)
        replies = await _give(uow, group, session, rules.fill(answers, group.capacity))
        if replies:
            told.append((group, replies))
    return told


async def summary(ctx: Context, args: Which) -> list[Reply]:
    """For the moderators: who comes, maybe, not, and who waits (names and counts)."""
    session = await _summary_session(ctx, args.id)
    if session.state is SessionState.CANCELLED:
        raise StateError("error.attendance_cancelled", {"id": session.id})
    answers = await ctx.uow.attendance.of_session(session.id)
    params: dict[str, Param] = {"id": session.id, "when": session.planned_start}
    if not answers:
        return [private(ctx.user_id, "attendance.summary_empty", **params)]
    members = {
        m.user_id: m
        for m in await ctx.uow.members.get_many(ctx.group.id, [a.user_id for a in answers])
    }

    def named(items: Sequence[Attendance]) -> tuple[Param, ...]:
        return tuple(_name(members.get(a.user_id), a.user_id) for a in items)

    coming = rules.coming(answers)
    waiting = rules.in_line(answers)
    maybe = [a for a in answers if a.answer is Answer.MAYBE]
    declined = [a for a in answers if a.answer is Answer.NO]
    capacity = ctx.group.capacity
    log.info(
        "attendance shown",
        extra={"group": ctx.group.id, "session": session.id, "answers": len(answers)},
    )
    return [
        private(
            ctx.user_id,
            "attendance.summary",
            **params,
            coming_count=len(coming),
            coming=named(coming),
            places=Key("attendance.places", {"capacity": capacity}) if capacity else "",
            maybe_count=len(maybe),
            maybe=named(maybe),
            no_count=len(declined),
            no=named(declined),
            waiting_count=len(waiting),
            waiting=named(waiting),
        )
    ]


async def _summary_session(ctx: Context, session_id: int | None) -> Session:
    """The session named, else the open one, else the next scheduled one."""
    if session_id is not None:
        return await _session(ctx, session_id)
    for session in await ctx.uow.sessions.upcoming(ctx.group.id, ctx.now, LOOKED_AHEAD):
        if session.is_active or session.state is SessionState.SCHEDULED:
            return session
    raise StateError("error.attendance_no_session")


def _name(member: Member | None, user_id: str) -> Param:
    return ref(member) if member is not None else UserText(user_id)
