"""The talking stick commands: members' hand/lower/pass/queue and the moderators' ``stick …``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Annotated, Literal

from bot.commands.args import parse_minutes
from bot.commands.arguments import MemberName, NoArgs, Number, OneOf, Text
from bot.commands.context import Context
from bot.commands.parser import fold
from bot.domain import stick as rules
from bot.domain.member import Member
from bot.domain.stick import HandKind, RoundKind
from bot.errors import StateError, UsageError
from bot.handlers import rounds
from bot.handlers.common import OneMember, find_member, notify_moderators, ref
from bot.handlers.stick_flow import (
    apply_change,
    content_notice,
    ensure_may_take_stick,
    members_named,
    nudge_key,
    open_stick,
    queue_params,
    schedule_nudge,
    spoken_time,
)
from bot.replies import Duration, Key, Lines, Param, Reply, UserRef, private, room


@contextmanager
def _about(member: Member) -> Iterator[None]:
    """Name the member in a refusal from the stick rules, which only know user ids."""
    try:
        yield
    except StateError as error:
        error.params["member"] = ref(member)
        raise


STALE_NEXT_WINDOW = timedelta(seconds=10)
"""A ``next`` that names nobody, arriving this soon after the stick moved, is taken for a
double press and refused: it would otherwise end the turn of someone who just started."""


@dataclass(frozen=True, slots=True)
class Hand:
    kind: Annotated[
        Literal["reply", "process", "cw"] | None,
        OneOf(aliases={"reaction": "reply", "organisation": "process", "avertissement": "cw"}),
    ]
    """``reply``: a short direct answer to what was just said; ``process``: a point about how
    the meeting runs (someone already in line changes the type of their hand); ``cw``: a
    content notice, its few words in ``words``."""
    words: Annotated[str | None, Text(max_length=NOTICE_LENGTH)]


NOTICE_LENGTH = 80
"""A content notice is a few words (« deuil périnatal »), not a share."""


def _notice(args: Hand) -> str | None:
    """The few words of a content notice (``hand cw …``); words are for nothing else."""
    words = " ".join((args.words or "").split())
    if args.kind != "cw":
        if words:
            raise UsageError("error.words_only_for_notice")
        return None
    if not words:
        raise UsageError("error.notice_words_missing")
    return words


_RAISED = {
    HandKind.REGULAR: "stick.hand_raised",
    HandKind.REPLY: "stick.hand_raised_reply",
    HandKind.PROCESS: "stick.hand_raised_process",
}


async def hand(ctx: Context, args: Hand) -> list[Reply]:
    session, stick = await open_stick(ctx)
    ensure_may_take_stick(ctx, ctx.member, self_request=True)
    notice = _notice(args)
    kind = HandKind(args.kind) if args.kind in ("reply", "process") else HandKind.REGULAR
    if kind is HandKind.REPLY and not ctx.group.reply_hands:
        raise StateError("error.reply_hands_off")
    if notice is not None and stick.holder == ctx.user_id:
        # Speaking already: the room is told now.
        return [content_notice(ref(ctx.member), notice), private(ctx.user_id, "stick.notice_told")]
    retyped = ctx.user_id in stick.queue
    change = rules.raise_hand(
        stick,
        ctx.user_id,
        ctx.now,
        order=ctx.group.speaking_order,
        spoken_time=await spoken_time(ctx, session),
        kind=kind,
        notice=notice,
    )
    replies = await apply_change(ctx, session, change)
    if notice is not None:
        told = change.stick.holder == ctx.user_id
        replies.append(private(ctx.user_id, "stick.notice_told" if told else "stick.notice_kept"))
        if retyped:
            return replies
    if ctx.user_id in change.stick.after_round:  # a round goes on: after it
        closing = change.stick.round is RoundKind.CLOSING  # after which the session ends
        key = "round.hand_after_closing" if closing else "round.hand_after"
        replies.insert(0, room(key, member=ref(ctx.member)))
    elif change.stick.holder != ctx.user_id:
        position = change.stick.queue.index(ctx.user_id) + 1
        key = f"stick.hand_retyped_{kind.value}" if retyped else _RAISED[kind]
        replies.insert(0, room(key, member=ref(ctx.member), position=position))
    if kind is HandKind.PROCESS:
        replies += await notify_moderators(
            ctx.uow, ctx.group.id, "stick.process_moderators", member=ref(ctx.member)
        )
    return replies


async def lower(ctx: Context, args: NoArgs) -> list[Reply]:
    session, stick = await open_stick(ctx)
    change = rules.lower_hand(stick, ctx.user_id)
    return [
        room("stick.hand_lowered", member=ref(ctx.member)),
        *await apply_change(ctx, session, change),
    ]


async def pass_(ctx: Context, args: NoArgs) -> list[Reply]:
    session, stick = await open_stick(ctx)
    was_holder = stick.holder == ctx.user_id
    change = rules.pass_turn(stick, ctx.user_id, ctx.now)
    key = "stick.passed" if was_holder else "stick.place_given_up"
    return [room(key, member=ref(ctx.member)), *await apply_change(ctx, session, change)]


async def show_queue(ctx: Context, args: NoArgs) -> list[Reply]:
    _, stick = await open_stick(ctx)
    members = await members_named(ctx, stick)
    order = ctx.group.speaking_order.value
    about: list[Param] = [Key(f"stick.order_note.{order}")]
    if ctx.user_id in stick.queue[1:]:
        position = stick.queue.index(ctx.user_id) + 1
        about.append(Key(f"stick.ahead.{order}", {"position": position, "ahead": position - 1}))
    params = queue_params(stick, members)
    return [private(ctx.user_id, "stick.queue", **params, about=Lines(tuple(about)))]


@dataclass(frozen=True, slots=True)
class Next:
    member: Annotated[str | None, MemberName()]
    """Who is expected to hold the stick: a ``next`` typed too late changes nothing."""


@dataclass(frozen=True, slots=True)
class Move:
    member: Annotated[str, MemberName()]
    position: Annotated[int, Number(minimum=1, maximum=500)]


@dataclass(frozen=True, slots=True)
class Timer:
    minutes: str
    """A length (``3``, ``2m30``… from 1 to 60 minutes) or ``off``."""


async def next_(ctx: Context, args: Next) -> list[Reply]:
    session, stick = await open_stick(ctx)
    if stick.holder is None:
        raise StateError("error.nobody_holds_stick")
    members = await members_named(ctx, stick)
    holder = members.get(stick.holder)
    holder_ref = ref(holder) if holder else UserRef(stick.holder, stick.holder)
    named = args.member
    if named is not None:
        expected = await find_member(ctx, named)
        if expected.user_id != stick.holder:
            raise StateError("error.stale_next", {"member": ref(expected), "holder": holder_ref})
    elif stick.holder_since is not None and ctx.now - stick.holder_since < STALE_NEXT_WINDOW:
        raise StateError("error.next_too_soon", {"holder": holder_ref})
    change = rules.next_turn(stick, ctx.now)
    return [
        room("stick.turn_ended", member=holder_ref),
        *await apply_change(ctx, session, change, members),
    ]


async def give(ctx: Context, args: OneMember) -> list[Reply]:
    session, stick = await open_stick(ctx)
    member = await find_member(ctx, args.member)
    ensure_may_take_stick(ctx, member, self_request=False)
    with _about(member):
        change = rules.give(stick, member.user_id, ctx.now)
    interrupted = stick.holder
    if interrupted is None:
        return await apply_change(ctx, session, change)
    replies = await apply_change(ctx, session, change)
    previous = ctx.known.get(interrupted)
    shown = ref(previous) if previous else UserRef(interrupted, interrupted)
    return [
        room("stick.given_over", member=ref(member), previous=shown),
        *replies,
        private(interrupted, "stick.given_over_you", member=ref(member)),
    ]


async def skip(ctx: Context, args: OneMember) -> list[Reply]:
    session, stick = await open_stick(ctx)
    member = await find_member(ctx, args.member)
    with _about(member):
        change = rules.skip(stick, member.user_id, ctx.now)
    return [room("stick.skipped", member=ref(member)), *await apply_change(ctx, session, change)]


async def remove(ctx: Context, args: OneMember) -> list[Reply]:
    session, stick = await open_stick(ctx)
    member = await find_member(ctx, args.member)
    with _about(member):
        change = rules.remove(stick, member.user_id, ctx.now)
    return [room("stick.removed", member=ref(member)), *await apply_change(ctx, session, change)]


async def move(ctx: Context, args: Move) -> list[Reply]:
    session, stick = await open_stick(ctx)
    member = await find_member(ctx, args.member)
    position = args.position
    with _about(member):
        change = rules.move(stick, member.user_id, position)
    actual = change.stick.queue.index(member.user_id) + 1
    return [
        room("stick.moved", member=ref(member), position=actual),
        *await apply_change(ctx, session, change),
    ]


async def clear(ctx: Context, args: NoArgs) -> list[Reply]:
    session, stick = await open_stick(ctx)
    change = rules.clear(stick)
    return [room("stick.cleared"), *await apply_change(ctx, session, change)]


@dataclass(frozen=True, slots=True)
class Round:
    action: Annotated[
        Literal["stop"] | None,
        OneOf(aliases={"fin": "stop", "arret": "stop", "arreter": "stop", "end": "stop"}),
    ]
    """``stop``: end the opening or closing round now (nobody else is called)."""


async def round_(ctx: Context, args: Round) -> list[Reply]:
    """Tour de table: queue every participant present in this session, observers excluded;
    ``stop`` ends an opening or closing round early."""
    if args.action == "stop":
        return await rounds.stop(ctx)
    session, stick = await open_stick(ctx)
    present = await rounds.present(ctx, session)
    change = rules.round_table(stick, tuple(m.user_id for m in present), ctx.now)
    added = [m for m in present if m.user_id not in stick.queue and m.user_id != stick.holder]
    if not added:
        raise StateError("error.round_nobody")
    return [
        room("stick.round", members=tuple(ref(m) for m in added)),
        *await apply_change(ctx, session, change),
    ]


OFF_WORDS = frozenset({"off", "non", "no", "stop", "arret", "aucun", "none", "0"})


async def timer(ctx: Context, args: Timer) -> list[Reply]:
    """A turn guideline: the holder gets a private, gentle nudge after it; nobody is cut off."""
    raw = args.minutes
    minutes: int | None = None
    if fold(raw) not in OFF_WORDS:
        minutes = parse_minutes(raw)
        if minutes is None or not 1 <= minutes <= 60:
            raise UsageError("error.bad_timer", {"value": raw[:50]})
    session, stick = await open_stick(ctx)
    if stick.holder is not None and stick.holder_since is not None:
        await ctx.uow.jobs.cancel(nudge_key(session.id, stick.holder, stick.holder_since))
    updated = replace(stick, turn_minutes=minutes)
    await ctx.uow.sticks.save(updated)
    if minutes is None:
        return [room("stick.timer_off")]
    await schedule_nudge(ctx, updated)
    return [room("stick.timer_set", minutes=Duration(minutes))]
