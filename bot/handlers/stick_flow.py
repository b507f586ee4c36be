"""Applying a change of the talking stick: speaking log, nudge timer, announcements, panel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta

from bot.commands.context import Context
from bot.domain import Job, JobKind, Member, Session, SpeakingTurn, Stick, StickChange
from bot.domain.member import Role
from bot.domain.stick import HandKind, RoundKind, SpeakingOrder, speaking_time
from bot.errors import StateError
from bot.handlers.common import ref
from bot.replies import Key, Param, Reply, Tone, UserRef, UserText, private, room


async def load_stick(ctx: Context, session: Session) -> Stick:
    stick = await ctx.uow.sticks.get(session.id)
    return stick if stick is not None else Stick(session_id=session.id)


async def open_stick(ctx: Context) -> tuple[Session, Stick]:
    """The active session and its stick; the members in line become known to ``ctx``."""
    found = await ctx.uow.sticks.of_active_session(ctx.group.id)
    if found is None:
        raise StateError("error.no_open_session")
    remember(ctx, found.members)
    stick = found.stick if found.stick is not None else Stick(session_id=found.session.id)
    return found.session, stick


async def spoken_time(ctx: Context, session: Session) -> dict[str, timedelta]:
    """Who has spoken how long in ``session``: read only for the balanced order, which weighs it."""
    if ctx.group.speaking_order is not SpeakingOrder.BALANCED:
        return {}
    return speaking_time(await ctx.uow.sticks.turns(session.id))


def remember(ctx: Context, members: Iterable[Member]) -> None:
    ctx.known.update((m.user_id, m) for m in members)


def nudge_key(session_id: int, holder: str, since: datetime) -> str:
    return f"nudge:{session_id}:{holder}:{since.isoformat()}"


async def schedule_nudge(ctx: Context, stick: Stick) -> None:
    if stick.turn_minutes is None or stick.holder is None or stick.holder_since is None:
        return
    due = max(ctx.now, stick.holder_since + timedelta(minutes=stick.turn_minutes))
    await ctx.uow.jobs.schedule(
        Job.new(
            JobKind.TURN_NUDGE,
            nudge_key(stick.session_id, stick.holder, stick.holder_since),
            ctx.group.id,
            due,
            session_id=stick.session_id,
            payload={"holder": stick.holder, "since": stick.holder_since.isoformat()},
        )
    )


def hand_check_key(session_id: int, user: str, since: datetime) -> str:
    return f"hand-check:{session_id}:{user}:{since.isoformat()}"


async def schedule_hand_checks(ctx: Context, stick: Stick) -> None:
    """One gentle check for each hand raised by this command, due when the group says a hand
    has been up long (none when the group turned it off).  The job names the raise's instant:
    it does nothing if that hand went down, got the stick or was raised again since."""
    minutes = ctx.group.hand_check_minutes
    if minutes is None:
        return
    for user, since in stick.raised_at.items():
        if since != ctx.now:
            continue
        await ctx.uow.jobs.schedule(
            Job.new(
                JobKind.HAND_CHECK,
                hand_check_key(stick.session_id, user, since),
                ctx.group.id,
                since + timedelta(minutes=minutes),
                session_id=stick.session_id,
                payload={"user": user, "since": since.isoformat()},
            )
        )


async def members_named(ctx: Context, stick: Stick) -> dict[str, Member]:
    """The members holding or waiting for ``stick``: those ``ctx`` knows, the others read in
    one statement (never the whole group: a room may have hundreds)."""
    ctx.known[ctx.user_id] = ctx.member  # as this command may have changed them
    missing = [u for u in stick.in_line if u not in ctx.known]
    if missing:
        remember(ctx, await ctx.uow.members.get_many(ctx.group.id, missing))
    return {u: ctx.known[u] for u in stick.in_line if u in ctx.known}


SessionCloser = Callable[["Context", Session, tuple[str, ...]], Awaitable[list[Reply]]]
"""Ends a session; the tuple: who still had a hand up (raised during the closing round)."""
_AFTER_CLOSING_ROUND: list[SessionCloser] = []


def after_closing_round(closer: SessionCloser) -> SessionCloser:
    """Register what ends a session once its closing round is over (``session.close``, which
    lives above this module: every stick change, whatever command made it, comes through
    :func:`apply_change`)."""
    _AFTER_CLOSING_ROUND.append(closer)
    return closer


async def apply_change(
    ctx: Context,
    session: Session,
    change: StickChange,
    members: dict[str, Member] | None = None,
) -> list[Reply]:
    """Store the new stick, log finished turns, (re)arm the nudge, and say what changed."""
    stick = change.stick
    for handover in change.handovers:
        if handover.previous is not None and handover.previous_since is not None:
            await ctx.uow.sticks.add_turn(
                SpeakingTurn(
                    session.id,
                    handover.previous,
                    handover.previous_since,
                    ctx.now,
                    handover.previous_round,
                )
            )
            if stick.turn_minutes is not None:  # otherwise no nudge was ever scheduled
                key = nudge_key(session.id, handover.previous, handover.previous_since)
                await ctx.uow.jobs.cancel(key)
    await ctx.uow.sticks.save(stick)
    await schedule_hand_checks(ctx, stick)
    members = {**(members or {}), **await members_named(ctx, stick)}
    # A round that ends is thanked first, before whoever raised a hand meanwhile gets the stick.
    ended = change.round_ended
    replies: list[Reply] = [room(f"round.{ended.value}_done")] if ended is not None else []
    if change.handovers:
        if stick.holder is not None:
            await schedule_nudge(ctx, stick)
            holder = _ref(members, stick.holder)
            notice = change.handovers[-1].notice
            if notice is not None:
                replies.append(content_notice(holder, notice))
            replies.append(room("stick.turn_of", member=holder))
            replies.append(private(stick.holder, "stick.your_turn"))
        elif ended is None:  # the end of a round says the floor is open, or the session ends
            replies.append(room("stick.free"))
    replies.append(panel(stick, members))
    if ended is RoundKind.CLOSING:
        for close in _AFTER_CLOSING_ROUND:
            replies += await close(ctx, session, change.still_waiting)
    return replies


def content_notice(member: UserRef, words: str) -> Reply:
    """The room told, gently, before a share that touches a difficult subject."""
    return room("stick.content_notice", member=member, words=UserText(words))


def _ref(members: dict[str, Member], user_id: str) -> UserRef:
    member = members.get(user_id)
    return ref(member) if member else UserRef(user_id, user_id)


def panel(stick: Stick, members: dict[str, Member]) -> Reply:
    """The line as the room's panel shows it, typed hands with their type (as ``queue``)."""
    return Reply("stick.panel", queue_params(stick, members), tone=Tone.PANEL)


def queue_params(stick: Stick, members: dict[str, Member]) -> dict[str, Param]:
    """The line as ``queue`` shows it: each typed hand with its type."""
    holder: Param = _ref(members, stick.holder) if stick.holder else Key("stick.nobody")
    return {"holder": holder, "queue": tuple(_waiting(stick, members, u) for u in stick.queue)}


def _waiting(stick: Stick, members: dict[str, Member], user_id: str) -> Param:
    kind = stick.kind_of(user_id)
    if kind is HandKind.REGULAR:
        return _ref(members, user_id)
    return Key(f"stick.queue_item.{kind.value}", {"member": _ref(members, user_id)})


def ensure_may_take_stick(ctx: Context, member: Member, *, self_request: bool) -> None:
    """Observers never hold or wait for the stick; the charter comes first where required."""
    if member.role is Role.OBSERVER:
        key = "error.observer_no_stick" if self_request else "error.member_is_observer"
        raise StateError(key, {"member": ref(member)})
    if ctx.group.charter_required and member.charter_accepted_at is None:
        key = "error.charter_first" if self_request else "error.member_charter_first"
        raise StateError(key, {"member": ref(member)})
