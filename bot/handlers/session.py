"""Opening, pausing, resuming and closing a session by hand (``session start|break|resume|end``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Literal

from bot.commands.arguments import Minutes, NoArgs, OneOf
from bot.commands.context import Context
from bot.domain import Group, Job, JobKind, Session, SpeakingTurn, Stick
from bot.domain.stick import RoundKind
from bot.errors import StateError
from bot.handlers import journal, rounds, summary
from bot.handlers.common import active_session, charter_reply, charter_text
from bot.handlers.stick_flow import after_closing_round, load_stick, nudge_key, panel
from bot.ports import UnitOfWork
from bot.replies import Duration, Reply, TimeOfDay, Tone, UserText, room


def break_end_key(session: Session) -> str:
    assert session.break_ends_at is not None
    return f"break-end:{session.id}:{session.break_ends_at.isoformat()}"


ATTACH_WINDOW = timedelta(hours=1)
"""``session start`` opens the scheduled session starting this close to now, if there is one,
rather than a new one (so its automatic opening and its reminders are not sent as well)."""


def opened_replies(group: Group, session: Session, stick: Stick) -> list[Reply]:
    title = (room("session.opened_title", title=UserText(session.title)),) if session.title else ()
    theme = (room("theme.picked_now", theme=UserText(session.theme)),) if session.theme else ()
    return [
        *title,
        room(
            "session.opened",
            duration=Duration(session.planned_minutes),
            end=TimeOfDay(session.planned_end),
        ),
        *theme,
        room("charter.reminder", charter=UserText(charter_text(group), multiline=True)),
        panel(stick, {}),
    ]


async def open_session(
    uow: UnitOfWork,
    group: Group,
    session: Session,
    now: datetime,
    minutes: int | None = None,
    *,
    by_hand: bool = True,
) -> list[Reply]:
    """Open a scheduled session (by hand or at its time): stick, half-time offer, announcement."""
    opened = session.open(now, minutes)
    await uow.sessions.update(opened)
    for job in await uow.jobs.pending_for_session(session.id):
        # Its reminders are pointless now; its automatic opening too, unless it is what runs.
        if job.kind is JobKind.REMINDER or (by_hand and job.kind is JobKind.SESSION_OPEN):
            await uow.jobs.cancel(job.key)
    stick = Stick(session_id=session.id)
    await uow.sticks.save(stick)
    await uow.jobs.schedule(
        Job.new(
            JobKind.HALF_TIME,
            f"half-time:{session.id}",
            group.id,
            opened.half_time,
            session_id=session.id,
        )
    )
    return opened_replies(group, opened, stick)


ROUND = OneOf(aliases={"tour": "round", "tour-de-table": "round", "meteo": "round"})


@dataclass(frozen=True, slots=True)
class Start:
    duration: Annotated[int | None, Minutes(15, 240)]
    """The group's usual length when left out (or the planned one, for a planned session)."""
    round: Annotated[Literal["round"] | None, ROUND]
    """Open with a tour de table (also when the group set ``opening-round on``)."""


@dataclass(frozen=True, slots=True)
class End:
    round: Annotated[Literal["round"] | None, ROUND]
    """Close with a tour de table first (also when the group set ``closing-round on``)."""


@dataclass(frozen=True, slots=True)
class Break:
    minutes: Annotated[int | None, Minutes(1, 60)]


async def start(ctx: Context, args: Start) -> list[Reply]:
    """Open a session (with an opening round if asked for); ``session start round`` in a
    session already open starts its opening round, e.g. once everyone has arrived."""
    active = await ctx.uow.sessions.active(ctx.group.id)
    if active is not None and args.round:
        started = await rounds.begin(ctx, active, RoundKind.OPENING)
        if started is None:
            raise StateError("error.round_nobody")
        return started
    if active is not None:
        raise StateError("error.session_already_open")
    minutes = args.duration
    near = [
        s
        for s in await ctx.uow.sessions.upcoming(ctx.group.id, ctx.now - ATTACH_WINDOW, 3)
        if abs(s.planned_start - ctx.now) <= ATTACH_WINDOW
    ]
    if near:
        session = near[0]
    else:
        ad_hoc = Session.scheduled(ctx.group.id, ctx.now, minutes or ctx.group.session_minutes)
        session = await ctx.uow.sessions.add(ad_hoc)
    replies = await open_session(ctx.uow, ctx.group, session, ctx.now, minutes)
    if args.round or ctx.group.opening_round:
        opened = await active_session(ctx)
        started = await rounds.begin(ctx, opened, RoundKind.OPENING)
        replies += started if started is not None else [room("round.nobody_yet")]
    return replies


async def take_break(ctx: Context, args: Break) -> list[Reply]:
    session = await active_session(ctx)
    minutes = args.minutes or ctx.group.break_minutes
    on_break = session.start_break(ctx.now, minutes)
    await ctx.uow.sessions.update(on_break)
    ctx.after_commit.append(lambda: ctx.pending_asks.answered(session.id))
    await ctx.uow.jobs.cancel(f"half-time:{session.id}")
    assert on_break.break_ends_at is not None
    await ctx.uow.jobs.schedule(
        Job.new(
            JobKind.BREAK_END,
            break_end_key(on_break),
            ctx.group.id,
            on_break.break_ends_at,
            session_id=session.id,
        )
    )
    return [
        room(
            "session.break_started",
            minutes=Duration(minutes),
            until=TimeOfDay(on_break.break_ends_at),
        )
    ]


async def resume(ctx: Context, args: NoArgs) -> list[Reply]:
    session = await active_session(ctx)
    resumed = session.resume()
    if session.break_ends_at is not None:
        await ctx.uow.jobs.cancel(break_end_key(session))
    await ctx.uow.sessions.update(resumed)
    return [room("session.resumed"), charter_reply(ctx, "charter.after_break")]


async def end(ctx: Context, args: End) -> list[Reply]:
    """End the session, after a closing round if asked for (and someone is there to call);
    typed during a round, at once."""
    session = await active_session(ctx)
    if (args.round or ctx.group.closing_round) and (await load_stick(ctx, session)).round is None:
        started = await rounds.begin(ctx, session, RoundKind.CLOSING)
        if started is not None:
            return started
    return await close(ctx, session, ())


@after_closing_round
async def close(ctx: Context, session: Session, still_waiting: tuple[str, ...]) -> list[Reply]:
    """The end of a session: turns logged, jobs cancelled, the stick put away, the summary.
    ``still_waiting``: the hands raised during a closing round that just ended."""
    session = await ctx.uow.sessions.get(session.id) or session
    closed = session.close(ctx.now)
    await ctx.uow.sessions.update(closed)
    ctx.after_commit.append(lambda: ctx.pending_asks.answered(session.id))
    await ctx.uow.jobs.cancel_for_session(session.id)
    stick = await load_stick(ctx, session)
    # Who asked for the floor: every hand raised in the session, and those still in line (during
    # a round the queue is the round's order, not hands: they wait apart).
    line = stick.queue if stick.round is None else stick.after_round
    raised = tuple(dict.fromkeys((*stick.hands_raised, *still_waiting, *line)))
    if stick.holder is not None and stick.holder_since is not None:
        await ctx.uow.sticks.add_turn(
            SpeakingTurn(session.id, stick.holder, stick.holder_since, ctx.now, stick.holder_round)
        )
        await ctx.uow.jobs.cancel(nudge_key(session.id, stick.holder, stick.holder_since))
    await ctx.uow.sticks.save(Stick(session_id=session.id, turn_minutes=stick.turn_minutes))
    if any(m.journal_prompt for m in await ctx.uow.members.list(ctx.group.id)):
        await ctx.uow.jobs.schedule(journal.prompt_job(closed, ctx.now))
    turns = await ctx.uow.sticks.turns(session.id)
    speakers = len({t.user_id for t in turns})
    length = (ctx.now - (session.opened_at or session.planned_start)) / timedelta(minutes=1)
    told = await summary.for_moderators(ctx, session, turns, raised) if ctx.group.summary else []
    return [
        room("session.closed", duration=Duration(length), speakers=speakers),
        Reply("stick.panel_closed", tone=Tone.PANEL),
        *told,
    ]
