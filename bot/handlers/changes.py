"""``session move`` and ``session edit``: a planned session (or the rest of its series) at another
time, with another title, length or note — without losing who asked for reminders or who said
they come.

Reminders and the automatic opening follow exactly once: the jobs of the earlier time are
cancelled in the same transaction that moves the session, and the new ones are named after the
session's number of moves (:func:`bot.planning.reminder_key`), so a reminder already sent for
the earlier time does not stop the one for the new time, and a job of the earlier time that was
already running finds itself out of date (:func:`bot.planning.is_current`) and sends nothing.
Leads whose time has passed for the new time are not sent (as when planning any session).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from bot import planning
from bot.commands.args import parse_minutes
from bot.commands.arguments import OneOf, Text
from bot.commands.context import Context
from bot.commands.parser import fold
from bot.commands.when import Day
from bot.domain import Series, Session, SessionState
from bot.errors import NotFound, StateError, UsageError
from bot.handlers import overlap
from bot.handlers.common import SESSION_ID
from bot.handlers.schedule import placed
from bot.recurrence import frequency_of, occurrences, rule_for
from bot.replies import (
    Duration,
    InZone,
    Key,
    Param,
    Place,
    Reply,
    UserText,
    ZoneCity,
    private,
    room,
)

ALL_WORDS = {"tout": "all", "toutes": "all", "serie": "all", "series": "all", "suite": "all"}
NOTE_LENGTH = 300
"""A note is a link or a sentence, not a text."""
NO_NOTE = frozenset({"-", "aucune", "aucun", "none", "off", "non", "effacer", "clear"})


@dataclass(frozen=True, slots=True)
class Move:
    """``session move 12 jeudi 19:30 [all]``"""

    id: Annotated[int, SESSION_ID]
    date: Day
    time: dt.time
    scope: Annotated[Literal["all"] | None, OneOf(aliases=ALL_WORDS)]


@dataclass(frozen=True, slots=True)
class Edit:
    """``session edit 12 title|duration|note <value> [all]``"""

    id: Annotated[int, SESSION_ID]
    field: Annotated[
        Literal["title", "duration", "note"],
        # « note » is French too: the alias says so (French words for every choice).
        OneOf(
            aliases={"titre": "title", "duree": "duration", "longueur": "duration", "note": "note"}
        ),
    ]
    value: Annotated[str, Text(max_length=NOTE_LENGTH + 10)]
    """The new value; ``all`` (fr ``tout``) as its last word changes the rest of the series."""


async def _planned(ctx: Context, session_id: int) -> Session:
    session = await ctx.uow.sessions.get(session_id)
    if session is None or session.group_id != ctx.group.id:
        raise NotFound("error.session_not_found", {"id": session_id})
    if session.state is not SessionState.SCHEDULED:
        raise StateError("error.session_not_scheduled")
    return session


async def _series_of(ctx: Context, session: Session) -> Series:
    series = await ctx.uow.series.get(session.series_id) if session.series_id else None
    if series is None:
        raise StateError("error.not_a_series", {"id": session.id})
    return series


async def _retime(ctx: Context, sessions: list[Session]) -> None:
    """Store the sessions as they are now and redo their jobs (once, in this transaction)."""
    for session in sessions:
        await ctx.uow.sessions.update(session)
        await ctx.uow.jobs.cancel_for_session(session.id)
    await planning.plan(ctx.uow, ctx.group, sessions, ctx.now)


async def _told(ctx: Context, key: str, before: dt.datetime, after: dt.datetime) -> list[Reply]:
    """The members who asked for private reminders, told privately (the room is told too); in
    their own time zone when they gave one, the group's time named beside it."""
    told: dict[str, Param] = {
        "before": before,
        "after": after,
        "group": UserText(ctx.group.name),
        "place": Place(ctx.group.platform, ctx.group.room_id),
    }
    zone = ctx.group.timezone
    replies = []
    for m in await ctx.uow.members.list(ctx.group.id):
        if not m.dm_reminders or m.user_id == ctx.user_id:
            continue
        if m.timezone is None or m.timezone == zone:
            replies.append(private(m.user_id, f"{key}_private", **told))
            continue
        elsewhere: dict[str, Param] = {
            **told,
            "before": InZone(before, m.timezone),
            "after": InZone(after, m.timezone),
            "group_time": InZone(after, zone, time_only=True),
            "group_city": ZoneCity(zone),
        }
        replies.append(private(m.user_id, f"{key}_private_elsewhere", **elsewhere))
    return replies


async def move(ctx: Context, args: Move) -> list[Reply]:
    session = await _planned(ctx, args.id)
    local, start = placed(ctx, args.date, args.time)
    if start == session.planned_start:
        raise UsageError("error.move_same_time", {"when": start})
    before = session.planned_start
    asked = await overlap.ask_first(ctx, start, session.planned_minutes, besides=session.id)
    if asked is not None:
        return asked
    if args.scope == "all":
        series = await _series_of(ctx, session)
        moved = await _move_series(ctx, series, session, local, start)
        key = "session.moved_series"
    else:
        moved = [session.moved_to(start)]
        key = "session.moved"
    await _retime(ctx, moved)
    return [room(key, before=before, after=start), *await _told(ctx, key, before, start)]


async def _move_series(
    ctx: Context, series: Series, session: Session, local: dt.datetime, start: dt.datetime
) -> list[Session]:
    """This occurrence and the following ones, at the new day and time, as a new series (the
    same rhythm, title, length and note); the old series stops before it.  The occurrences
    already stored keep their number (and their answers), each at its new time."""
    zone = ZoneInfo(ctx.group.timezone)
    old_local = session.planned_start.astimezone(zone).replace(tzinfo=None)
    until = (old_local - dt.timedelta(seconds=1)).strftime("%Y%m%dT%H%M%S")
    await ctx.uow.series.update(
        replace(series, rule=f"{_without_until(series.rule)};UNTIL={until}")
    )
    frequency = frequency_of(series.rule)
    following = sorted(
        (
            s
            for s in await ctx.uow.sessions.of_series(series.id)
            if s.state is SessionState.SCHEDULED and s.planned_start >= session.planned_start
        ),
        key=lambda s: s.planned_start,
    )
    rule = rule_for(frequency, local)
    last = max(series.materialized_until, following[-1].planned_start)
    times = [start, *occurrences(rule, local, zone, start, last + dt.timedelta(weeks=5))]
    new = await ctx.uow.series.add(
        Series(
            id=0,
            group_id=ctx.group.id,
            rule=rule,
            first_start=local,
            minutes=series.minutes,
            title=series.title,
            materialized_until=times[min(len(following), len(times)) - 1],
            note=series.note,
            sequence=series.sequence + 1,
        )
    )
    moved: list[Session] = []
    for item, when in zip(following, times, strict=False):
        moved.append(
            replace(
                item,
                planned_start=when,
                series_id=new.id,
                sequence=item.sequence + 1,
                moves=item.moves + 1,
                moved_from=None,
                reminders_planned=False,
            )
        )
    for extra in following[len(moved) :]:
        await ctx.uow.sessions.update(extra.cancel())
        await ctx.uow.jobs.cancel_for_session(extra.id)
    return moved


def _without_until(rule: str) -> str:
    return ";".join(part for part in rule.split(";") if not part.startswith("UNTIL="))


async def edit(ctx: Context, args: Edit) -> list[Reply]:
    session = await _planned(ctx, args.id)
    words = args.value.split()
    whole = len(words) > 1 and {**ALL_WORDS, "all": "all"}.get(fold(words[-1])) == "all"
    raw = " ".join(words[:-1] if whole else words)
    change = _change(args.field, raw)
    sessions = [session]
    if whole:
        series = await _series_of(ctx, session)
        await ctx.uow.series.update(change.series(series))
        sessions = [
            s
            for s in await ctx.uow.sessions.of_series(series.id)
            if s.state is SessionState.SCHEDULED and s.planned_start >= session.planned_start
        ]
    for item in sessions:
        await ctx.uow.sessions.update(change.session(item))
    key = f"session.edited_{args.field}"
    return [room(key, when=session.planned_start, value=change.shown, count=len(sessions))]


@dataclass(frozen=True, slots=True)
class _Change:
    """One field's new value, for a session and for its series; ``shown`` in the reply."""

    title: str | None = None
    minutes: int | None = None
    note: str | None = None
    field: str = "note"
    shown: Param = ""

    def session(self, item: Session) -> Session:
        edited = replace(item, sequence=item.sequence + 1)
        if self.field == "title":
            return replace(edited, title=self.title)
        if self.field == "duration" and self.minutes is not None:
            return replace(edited, planned_minutes=self.minutes)
        return replace(edited, note=self.note)

    def series(self, item: Series) -> Series:
        edited = replace(item, sequence=item.sequence + 1)
        if self.field == "title":
            return replace(edited, title=self.title)
        if self.field == "duration" and self.minutes is not None:
            return replace(edited, minutes=self.minutes)
        return replace(edited, note=self.note)


def _change(field: str, raw: str) -> _Change:
    if field == "duration":
        minutes = parse_minutes(raw)
        if minutes is None or not 15 <= minutes <= 240:
            raise UsageError(
                "error.edit_duration",
                {"value": UserText(raw[:50]), "min": Duration(15), "max": Duration(240)},
            )
        return _Change(minutes=minutes, field=field, shown=Duration(minutes))
    if field == "title":
        if not raw or len(raw) > 200:
            raise UsageError("error.edit_title", {"max": 200})
        return _Change(title=raw, field=field, shown=UserText(raw))
    note = None if fold(raw) in NO_NOTE else raw
    if note is not None and len(note) > NOTE_LENGTH:
        raise UsageError("error.note_too_long", {"max": NOTE_LENGTH})
    return _Change(note=note, field=field, shown=UserText(note) if note else Key("edit.no_note"))
