"""Who plans to come to a session: private answers, an optional capacity, a waiting list.

An answer is seen by the member who gave it and by the group's moderators, never by the other
members.  Past the group's capacity a ``yes`` waits in line, in the order people answered; a
place freed (someone changes their answer, forgets themselves, the capacity grows) is given to
the first in line at once and they are told privately.  Giving it (rather than offering it for
a limited time) is the kinder rule: nobody loses a place for not reading a message in time, and
the person told can hand it back with one answer.  A place already given is never taken back,
even when the capacity is lowered below the number of people coming.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class Answer(StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


@dataclass(frozen=True, slots=True)
class Attendance:
    """One member's answer for one session."""

    session_id: int
    user_id: str
    answer: Answer
    answered_at: datetime
    """When they gave this answer (for a ``yes`` that waits: their place in line)."""
    waiting: bool = False
    """Said yes past the capacity: on the waiting list."""

    @property
    def has_place(self) -> bool:
        return self.answer is Answer.YES and not self.waiting


class Outcome(StrEnum):
    PLACE = "place"
    """Coming, with a place."""
    WAITING = "waiting"
    """Said yes, on the waiting list."""
    MAYBE = "maybe"
    NO = "no"


@dataclass(frozen=True, slots=True)
class AttendanceChange:
    """What one answer changes: the member's own row, and who was given a freed place."""

    saved: Attendance | None
    """The member's new row (None: the same answer as before, nothing to store)."""
    outcome: Outcome
    position: int | None
    """On the waiting list: their place in line (1 is next)."""
    promoted: tuple[Attendance, ...] = ()


def in_line(answers: Iterable[Attendance]) -> list[Attendance]:
    """The waiting list, first in line first."""
    return sorted((a for a in answers if a.waiting), key=lambda a: (a.answered_at, a.user_id))


def coming(answers: Iterable[Attendance]) -> list[Attendance]:
    """Those with a place, in the order they answered."""
    return sorted((a for a in answers if a.has_place), key=lambda a: (a.answered_at, a.user_id))


def fill(answers: Sequence[Attendance], capacity: int | None) -> tuple[Attendance, ...]:
    """Places free under ``capacity`` given to the first in line (all of them without one)."""
    line = in_line(answers)
    free = len(line) if capacity is None else capacity - len(coming(answers))
    return tuple(replace(a, waiting=False) for a in line[: max(0, free)])


def answer(
    answers: Sequence[Attendance],
    session_id: int,
    user_id: str,
    given: Answer,
    now: datetime,
    *,
    capacity: int | None,
) -> AttendanceChange:
    """``user_id`` answers ``given`` for the session whose answers are ``answers``."""
    before = next((a for a in answers if a.user_id == user_id), None)
    others = [a for a in answers if a.user_id != user_id]
    if given is Answer.YES:
        if before is not None and before.answer is Answer.YES:  # the same answer: keep the place
            return _yes(before, answers, saved=None)
        full = capacity is not None and len(coming(others)) >= capacity
        mine = Attendance(session_id, user_id, Answer.YES, now, waiting=full)
        return _yes(mine, [*others, mine], saved=mine)
    outcome = Outcome.MAYBE if given is Answer.MAYBE else Outcome.NO
    if before is not None and before.answer is given:
        return AttendanceChange(None, outcome, None)
    mine = Attendance(session_id, user_id, given, now)
    freed = before is not None and before.has_place
    promoted = fill([*others, mine], capacity) if freed else ()
    return AttendanceChange(mine, outcome, None, promoted)


def _yes(
    mine: Attendance, answers: Sequence[Attendance], *, saved: Attendance | None
) -> AttendanceChange:
    if not mine.waiting:
        return AttendanceChange(saved, Outcome.PLACE, None)
    line = in_line(answers)
    position = next(i for i, a in enumerate(line, 1) if a.user_id == mine.user_id)
    return AttendanceChange(saved, Outcome.WAITING, position)


def declined(answers: Iterable[Attendance]) -> frozenset[str]:
    """Who said they will not come (they get no private reminder of that session)."""
    return frozenset(a.user_id for a in answers if a.answer is Answer.NO)
