"""The talking stick: who speaks now and who waits, as pure functions on a frozen value.

Invariants (checked by property tests): nobody is twice in the queue, the holder is never in the
queue, and when nobody holds the stick the queue is empty (the first in line always gets it);
typed hands (one reply hand at most, process points) and raise times belong to people in the
queue; only people in line (holder included) are noted as away.
Observers are kept out by the handlers, which know roles; this module knows only user ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.errors import StateError


class SpeakingOrder(StrEnum):
    """Where a raised hand joins the line (a group setting; moderators may still move people)."""

    ARRIVAL = "arrival"
    """In the order hands were raised."""
    FIRST_TIME = "first-time"
    """Those who have not spoken yet in this session first, then in the order of arrival."""
    BALANCED = "balanced"
    """A progressive stack: whoever has spoken least in this session (total speaking time)
    first, then in the order of arrival."""


class RoundKind(StrEnum):
    """A tour de table: everyone present called in turn, each free to speak or pass."""

    OPENING = "opening"
    """At the start: a word about how one arrives (« météo »)."""
    CLOSING = "closing"
    """At the end: a word to leave with; the session ends when it is over."""


class HandKind(StrEnum):
    """What a raised hand is for."""

    REGULAR = "regular"
    REPLY = "reply"
    """A short, direct answer to what was just said: placed before the regular line, one at a
    time."""
    PROCESS = "process"
    """A point about how the meeting runs: in the regular line, the moderators told at once."""


@dataclass(frozen=True, slots=True)
class Stick:
    session_id: int
    holder: str | None = None
    holder_since: datetime | None = None
    queue: tuple[str, ...] = ()
    turn_minutes: int | None = None
    """A gentle guideline: the holder is nudged privately after this long, never cut off."""
    spoken: frozenset[str] = frozenset()
    """Everyone who has held the stick in this session (derived from the speaking log)."""
    reply: str | None = None
    """The one person waiting with a reply hand, if any."""
    process: tuple[str, ...] = ()
    """The people waiting with a process point."""
    notices: dict[str, str] = field(default_factory=dict)
    """Content notices of people waiting (``hand cw …``): the few words they gave, told to the
    room when they get the stick (member text: shown as such, never anywhere else)."""
    raised_at: dict[str, datetime] = field(default_factory=dict)
    """When each person waiting joined the line: a hand forgotten for long gets one gentle
    check (the check names this instant, so a hand lowered and raised again is a new one)."""
    round: RoundKind | None = None
    """The tour de table going on, if any: the queue is its order."""
    holder_round: RoundKind | None = None
    """The round in which the holder was called (None for a turn taken on the open floor): the
    speaking log tells the two apart, as a turn in a round may well be a pass."""
    after_round: tuple[str, ...] = ()
    """Hands raised during a round: they join the line, in this order, when it ends."""
    away: dict[str, datetime] = field(default_factory=dict)
    """People in line (holder included) who left the room, since when: after the group's grace
    period they are taken out of the line; back within it, they keep their place."""
    hands_raised: tuple[str, ...] = ()
    """Everyone who raised a hand in this session, in the order of their first raise, whether
    or not they got the floor: the moderators' summary names who raised one and never spoke
    (content-free; in my-data while the session is open, erased with forget-me)."""

    def kind_of(self, user: str) -> HandKind:
        if user == self.reply:
            return HandKind.REPLY
        if user in self.process:
            return HandKind.PROCESS
        return HandKind.REGULAR

    def involves(self, user: str) -> bool:
        """``user`` holds the stick or waits for it (during a round, or after it)."""
        return user == self.holder or user in self.queue or user in self.after_round

    def mentions(self, user: str) -> bool:
        """``user`` is involved, or raised a hand in this session: what my-data shows and
        forget-me erases."""
        return self.involves(user) or user in self.hands_raised

    @property
    def in_line(self) -> tuple[str, ...]:
        """The holder (if any), then the queue."""
        return self.queue if self.holder is None else (self.holder, *self.queue)


@dataclass(frozen=True, slots=True)
class Handover:
    """The stick moved: ``previous`` held it since ``previous_since``; ``current`` has it now."""

    previous: str | None
    previous_since: datetime | None
    current: str | None
    notice: str | None = None
    """The content notice ``current`` gave while waiting, to tell the room now."""
    previous_round: RoundKind | None = None
    """The round in which ``previous`` had been called, if any."""


@dataclass(frozen=True, slots=True)
class SpeakingTurn:
    """One entry of the speaking log: who held the stick and for how long, never what was said."""

    session_id: int
    user_id: str
    started_at: datetime
    ended_at: datetime
    round: RoundKind | None = None
    """The round in which this turn was given (everyone present is called and may pass at
    once), or None for a turn asked for on the open floor."""


@dataclass(frozen=True, slots=True)
class StickChange:
    stick: Stick
    handovers: tuple[Handover, ...] = ()
    round_ended: RoundKind | None = None
    """The round that this change finished (the last person in it spoke or passed)."""
    still_waiting: tuple[str, ...] = ()
    """When a closing round finished: the hands raised during it, still up as the session
    ends (nobody gets the stick after a closing round)."""


def _queued(stick: Stick, queue: tuple[str, ...]) -> Stick:
    """``stick`` with that queue; a typed hand leaves with the person who held it up."""
    waiting: set[str | None] = set(queue)
    reply = stick.reply if stick.reply in waiting else None
    process = tuple(u for u in stick.process if u in waiting)
    notices = {u: words for u, words in stick.notices.items() if u in waiting}
    raised_at = {u: since for u, since in stick.raised_at.items() if u in waiting}
    return replace(
        stick,
        queue=queue,
        reply=reply,
        process=process,
        notices=notices,
        raised_at=raised_at,
        away=_present_in_line(stick.away, waiting | {stick.holder}),
    )


def _present_in_line(away: dict[str, datetime], in_line: set[str | None]) -> dict[str, datetime]:
    return {u: since for u, since in away.items() if u in in_line}


def _joined(stick: Stick, users: Iterable[str], now: datetime) -> dict[str, datetime]:
    """``raised_at`` with ``users`` (who just joined the line) raised ``now``."""
    return {**stick.raised_at, **{u: now for u in users if u not in stick.raised_at}}


def _hand_to(stick: Stick, user: str | None, now: datetime) -> StickChange:
    notice = stick.notices.get(user) if user else None
    handover = Handover(stick.holder, stick.holder_since, user, notice, stick.holder_round)
    spoken = stick.spoken | {user} if user else stick.spoken
    queue = tuple(u for u in stick.queue if u != user)
    moved = replace(
        _queued(stick, queue),
        holder=user,
        holder_since=now if user else None,
        holder_round=stick.round if user else None,
        spoken=spoken,
    )
    moved = replace(moved, away=_present_in_line(stick.away, {*moved.queue, user}))
    return StickChange(moved, (handover,))


def _settle(change: StickChange, now: datetime) -> StickChange:
    """When nobody holds the stick, the first in the queue gets it; when a round has nobody
    left to call, it ends and the hands raised meanwhile form the line (after a closing round
    the session ends: they are only reported, nobody gets the stick)."""
    stick = change.stick
    ended = change.round_ended
    if stick.holder is None and not stick.queue and stick.round is RoundKind.CLOSING:
        waiting = stick.after_round
        over = replace(stick, round=None, after_round=())
        return StickChange(over, change.handovers, RoundKind.CLOSING, waiting)
    if stick.holder is None and not stick.queue and stick.round is not None:
        ended = stick.round
        waiting = stick.after_round
        stick = replace(
            stick,
            round=None,
            after_round=(),
            queue=waiting,
            raised_at=_joined(stick, waiting, now),
        )
    if stick.holder is None and stick.queue:
        follow = _hand_to(stick, stick.queue[0], now)
        return StickChange(follow.stick, change.handovers + follow.handovers, ended)
    return StickChange(stick, change.handovers, ended)


def speaking_time(turns: Iterable[SpeakingTurn]) -> dict[str, timedelta]:
    """Each speaker's total time holding the stick, from the speaking log."""
    total: dict[str, timedelta] = {}
    for turn in turns:
        total[turn.user_id] = total.get(turn.user_id, timedelta()) + (
            turn.ended_at - turn.started_at
        )
    return total


def _insert_position(
    stick: Stick, user: str, order: SpeakingOrder, spoken_time: Mapping[str, timedelta]
) -> int:
    """Where a regular (or process) hand goes: never before a reply hand heading the line."""
    lowest = 1 if stick.reply is not None and stick.queue[:1] == (stick.reply,) else 0
    return max(lowest, _order_position(stick, user, order, spoken_time))


def _order_position(
    stick: Stick, user: str, order: SpeakingOrder, spoken_time: Mapping[str, timedelta]
) -> int:
    if order is SpeakingOrder.BALANCED:
        # After everyone who has spoken as little or less (they were there first), before the
        # first who has spoken longer.
        mine = spoken_time.get(user, timedelta())
        for index, waiting in enumerate(stick.queue):
            if spoken_time.get(waiting, timedelta()) > mine:
                return index
        return len(stick.queue)
    if order is SpeakingOrder.ARRIVAL or user in stick.spoken:
        return len(stick.queue)
    # Someone who has not spoken yet goes after the other first-timers, before those who have.
    for index, waiting in enumerate(stick.queue):
        if waiting in stick.spoken:
            return index
    return len(stick.queue)


def raise_hand(
    stick: Stick,
    user: str,
    now: datetime,
    *,
    order: SpeakingOrder = SpeakingOrder.ARRIVAL,
    spoken_time: Mapping[str, timedelta] | None = None,
    kind: HandKind = HandKind.REGULAR,
    notice: str | None = None,
) -> StickChange:
    """``user`` joins the line where ``order`` puts them; ``spoken_time`` (see
    :func:`speaking_time`) is what the balanced order weighs.  A reply hand goes first in line
    (one at a time); someone already waiting who raises a typed hand changes its type.  A
    ``notice`` (a content notice's few words) is kept for when they get the stick; given by
    someone already waiting, it changes nothing else."""
    if stick.holder == user:
        raise StateError("error.already_holder")
    if user not in stick.hands_raised:
        stick = replace(stick, hands_raised=(*stick.hands_raised, user))
    if stick.round is not None:
        return _wait_for_round_end(stick, user, kind)
    if notice is not None:
        stick = replace(stick, notices={**stick.notices, user: notice})
        if user in stick.queue and kind is HandKind.REGULAR:
            return StickChange(stick)
    if user in stick.queue:
        if kind is HandKind.REGULAR or stick.kind_of(user) is kind:
            raise StateError("error.already_queued", {"position": stick.queue.index(user) + 1})
        if kind is HandKind.PROCESS and stick.kind_of(user) is HandKind.REGULAR:
            return StickChange(replace(stick, process=(*stick.process, user)))  # same place
        stick = _queued(stick, tuple(u for u in stick.queue if u != user))  # to its new place
    if kind is HandKind.REPLY:
        if stick.reply is not None:
            raise StateError("error.reply_taken")
        replied = replace(
            stick, queue=(user, *stick.queue), reply=user, raised_at=_joined(stick, [user], now)
        )
        return _settle(StickChange(replied), now)
    position = _insert_position(stick, user, order, spoken_time or {})
    queue = (*stick.queue[:position], user, *stick.queue[position:])
    process = (*stick.process, user) if kind is HandKind.PROCESS else stick.process
    raised_at = _joined(stick, [user], now)
    return _settle(
        StickChange(replace(stick, queue=queue, process=process, raised_at=raised_at)), now
    )


def _wait_for_round_end(stick: Stick, user: str, kind: HandKind) -> StickChange:
    """During a round everyone present is called anyway: a raised hand waits for its end."""
    if kind is not HandKind.REGULAR:
        raise StateError("error.round_typed_hand")
    if user in stick.queue:
        raise StateError("error.round_already_called", {"position": stick.queue.index(user) + 1})
    if user in stick.after_round:
        raise StateError("error.round_hand_waiting")
    return StickChange(replace(stick, after_round=(*stick.after_round, user)))


def start_round(
    stick: Stick, kind: RoundKind, users: tuple[str, ...], now: datetime
) -> StickChange:
    """A tour de table of ``users`` in this order (the holder, if any, finishes first); hands
    already raised wait for its end, ahead of those raised during it."""
    if stick.round is not None:
        raise StateError("error.round_running")
    called = tuple(u for u in dict.fromkeys(users) if u != stick.holder)
    if not called:
        raise StateError("error.round_nobody")
    waiting = tuple(u for u in stick.queue if u not in called)
    started = replace(
        _queued(stick, called),
        round=kind,
        after_round=waiting,
        raised_at=dict.fromkeys(called, now),
    )
    return _settle(StickChange(started), now)


def stop_round(stick: Stick, now: datetime) -> StickChange:
    """A moderator ends the round early: the people not called yet are not called."""
    if stick.round is None:
        raise StateError("error.no_round")
    return _settle(StickChange(_queued(stick, ())), now)


def lower_hand(stick: Stick, user: str) -> StickChange:
    if stick.holder == user:
        raise StateError("error.lower_while_holding")
    if stick.round is not None and user in stick.after_round:
        left = tuple(u for u in stick.after_round if u != user)
        return StickChange(replace(stick, after_round=left))
    if user not in stick.queue:
        raise StateError("error.not_queued")
    return StickChange(_queued(stick, tuple(u for u in stick.queue if u != user)))


def pass_turn(stick: Stick, user: str, now: datetime) -> StickChange:
    """The holder gives the stick up, or someone waiting gives up their place."""
    if stick.holder == user:
        return _settle(_hand_to(stick, None, now), now)
    if user in stick.queue:
        return lower_hand(stick, user)
    raise StateError("error.nothing_to_pass")


def next_turn(stick: Stick, now: datetime) -> StickChange:
    """End the current turn; the first in line (if any) gets the stick."""
    if stick.holder is None:
        raise StateError("error.nobody_holds_stick")
    return _settle(_hand_to(stick, None, now), now)


def give(stick: Stick, user: str, now: datetime) -> StickChange:
    """A moderator hands the stick to ``user``.  Whoever held it was interrupted, not done:
    they go to the head of the line and speak again next (a moderator can still move them)."""
    if stick.holder == user:
        raise StateError("error.already_holds")
    stick = _not_after_round(stick, user)  # a hand raised during a round: given now, not twice
    given = _hand_to(stick, user, now)
    if stick.holder is None:
        return given
    queue = (stick.holder, *given.stick.queue)
    raised_at = _joined(given.stick, [stick.holder], now)
    away = {**given.stick.away, **{u: t for u, t in stick.away.items() if u == stick.holder}}
    return StickChange(
        replace(given.stick, queue=queue, raised_at=raised_at, away=away), given.handovers
    )


def skip(stick: Stick, user: str, now: datetime) -> StickChange:
    """Let the others go first this time: ``user`` moves to the end of the line.  With nobody
    after them there is nobody to let go first: refused, and they keep the stick or place."""
    if stick.holder == user:
        if not stick.queue:
            raise StateError("error.skip_nobody_after")
        ended = _hand_to(stick, None, now)
        requeued = replace(ended.stick, queue=(*ended.stick.queue, user))
        return _settle(StickChange(requeued, ended.handovers), now)
    if user not in stick.queue:
        raise StateError("error.member_not_in_line")
    if stick.queue[-1] == user:
        raise StateError("error.skip_nobody_after")
    queue = (*(u for u in stick.queue if u != user), user)
    return StickChange(
        _queued(replace(stick, reply=None if stick.reply == user else stick.reply), queue)
    )


def _not_after_round(stick: Stick, user: str) -> Stick:
    if user not in stick.after_round:
        return stick
    return replace(stick, after_round=tuple(u for u in stick.after_round if u != user))


def remove(stick: Stick, user: str, now: datetime) -> StickChange:
    if user in stick.after_round:
        return StickChange(_not_after_round(stick, user))
    if stick.holder == user:
        return _settle(_hand_to(stick, None, now), now)
    if user not in stick.queue:
        raise StateError("error.member_not_in_line")
    return StickChange(_queued(stick, tuple(u for u in stick.queue if u != user)))


def move(stick: Stick, user: str, position: int) -> StickChange:
    """Put ``user`` at 1-based ``position`` in the queue (clamped to the queue's length)."""
    if user not in stick.queue:
        raise StateError("error.member_not_queued")
    others = [u for u in stick.queue if u != user]
    index = max(0, min(position - 1, len(others)))
    others.insert(index, user)
    return StickChange(_queued(stick, tuple(others)))


def clear(stick: Stick) -> StickChange:
    return StickChange(_queued(stick, ()))


def round_table(stick: Stick, users: tuple[str, ...], now: datetime) -> StickChange:
    """Queue everyone in ``users`` who is neither holding the stick nor already waiting."""
    waiting = set(stick.queue)
    added = tuple(u for u in dict.fromkeys(users) if u != stick.holder and u not in waiting)
    after_round = tuple(u for u in stick.after_round if u not in added)  # called now: not twice
    joined = replace(stick, raised_at=_joined(stick, added, now), after_round=after_round)
    return _settle(StickChange(_queued(joined, (*stick.queue, *added))), now)


def leave(stick: Stick, user: str, now: datetime) -> StickChange:
    """Take ``user`` out of the stick entirely (became an observer, left the group); never fails."""
    stick = _not_after_round(stick, user)
    if stick.holder == user:
        return _settle(_hand_to(stick, None, now), now)
    return StickChange(_queued(stick, tuple(u for u in stick.queue if u != user)))


def stepped_out(stick: Stick, user: str, now: datetime) -> Stick:
    """``user`` left the room: if they hold or wait for the stick, note since when (the first
    leave counts: leaving twice does not lengthen the grace period)."""
    if (user != stick.holder and user not in stick.queue) or user in stick.away:
        return stick
    return replace(stick, away={**stick.away, user: now})


def came_back(stick: Stick, user: str) -> Stick:
    """``user`` is in the room again: their place (or the stick) is theirs as before."""
    if user not in stick.away:
        return stick
    return replace(stick, away={u: t for u, t in stick.away.items() if u != user})


def without(stick: Stick, user_id: str) -> Stick:
    """The stick with that person neither holding it nor waiting, and no hand-over: what is
    left when someone asks to be forgotten (their own group is told through :func:`leave`)."""
    stick = _not_after_round(stick, user_id)
    raised = tuple(u for u in stick.hands_raised if u != user_id)
    stick = replace(stick, hands_raised=raised)
    queue = tuple(u for u in stick.queue if u != user_id)
    if stick.holder == user_id:
        return _queued(replace(stick, holder=None, holder_since=None, holder_round=None), queue)
    return _queued(stick, queue)
