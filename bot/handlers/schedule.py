"""Scheduling: ``session schedule|cancel|calendar``, ``sessions`` and ``remind on|off``."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from bot import calendar, planning
from bot.commands.arguments import Minutes, NoArgs, OneOf, Text
from bot.commands.context import Context
from bot.commands.when import Day, resolve
from bot.domain import Group, Series, Session, SessionState
from bot.errors import NotFound, StateError, UsageError
from bot.handlers import overlap
from bot.handlers.common import SESSION_ID, OnOff
from bot.i18n import defuse, format_duration, format_when, translate
from bot.instance import instance_id
from bot.ports import RoomLink, UnitOfWork
from bot.recurrence import Frequency, Gap, frequency_of, place, rule_for
from bot.replies import Attachment, Duration, Key, Reply, UserText, private, room

LISTED = 6
RECURRENCE_WORDS = {
    "hebdo": "weekly",
    "hebdomadaire": "weekly",
    "chaque-semaine": "weekly",
    "chaque semaine": "weekly",
    "toutes les semaines": "weekly",
    "every week": "weekly",
    "each week": "weekly",
    "quinzaine": "biweekly",
    "toutes-les-deux-semaines": "biweekly",
    "toutes les deux semaines": "biweekly",
    "une semaine sur deux": "biweekly",
    "tous les quinze jours": "biweekly",
    "every other week": "biweekly",
    "every two weeks": "biweekly",
    "fortnightly": "biweekly",
    "mensuel": "monthly",
    "mensuelle": "monthly",
    "chaque mois": "monthly",
    "tous les mois": "monthly",
    "every month": "monthly",
    "each month": "monthly",
}
"""How people write a recurrence, in both languages, for ``session schedule``."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """``session schedule 2026-12-01 19:30 [90] [weekly] [title…]``, or ``mardi prochain à 19 h
    30``, ``tomorrow 7pm``… (see ``bot.commands.when``)."""

    date: Day
    time: dt.time
    """A wall-clock time, placed in the group's zone."""
    duration: Annotated[int | None, Minutes(15, 240)]
    repeat: Annotated[Frequency | None, OneOf(aliases=RECURRENCE_WORDS)]
    title: Annotated[str | None, Text(max_length=200)]


def placed(ctx: Context, date: Day, time: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """A date and time as people write them: the wall-clock time in the group's zone and the
    instant; refused when it is past, too far ahead, or skipped by a daylight-saving change."""
    zone = ZoneInfo(ctx.group.timezone)
    local = resolve(date, time, ctx.now, zone, ctx.locale)
    limit = ctx.now.astimezone(zone).replace(tzinfo=None) + planning.FURTHEST_AHEAD
    if local > limit:
        raise UsageError("error.date_too_far", {"limit": limit.replace(tzinfo=zone)})
    placed = place(local, zone)
    if isinstance(placed, Gap):
        raise UsageError(
            "error.time_in_gap",
            {
                "wanted": local.strftime("%Y-%m-%d %H:%M"),
                "next": placed.next_valid.strftime("%H:%M"),
                "timezone": ctx.group.timezone,
            },
        )
    if placed <= ctx.now:
        raise UsageError("error.date_in_past", {"when": placed})
    return local, placed


async def schedule(ctx: Context, args: Schedule) -> list[Reply]:
    local, start = placed(ctx, args.date, args.time)
    minutes = args.duration or ctx.group.session_minutes
    asked = await overlap.ask_first(ctx, start, minutes)
    if asked is not None:
        return asked
    title = args.title
    titled = Key("schedule.titled", {"title": UserText(title)}) if title else ""
    frequency = args.repeat
    if frequency is None:
        one_off = Session.scheduled(ctx.group.id, start, minutes, title)
        session = await ctx.uow.sessions.add(one_off)
        await planning.plan(ctx.uow, ctx.group, [session], ctx.now)
        return [
            room(
                "schedule.once",
                id=session.id,
                when=start,
                duration=Duration(minutes),
                titled=titled,
            )
        ]
    series = await ctx.uow.series.add(
        Series(
            id=0,
            group_id=ctx.group.id,
            rule=rule_for(frequency, local),
            first_start=local,
            minutes=minutes,
            title=title,
            materialized_until=start,
        )
    )
    sessions = await planning.materialize(ctx.uow, ctx.group, series, ctx.now, first=start)
    await planning.plan(ctx.uow, ctx.group, sessions, ctx.now)
    return [
        room(
            "schedule.series",
            id=sessions[0].id,
            when=start,
            duration=Duration(minutes),
            repeat=Key(f"repeat.{frequency.value}"),
            titled=titled,
        )
    ]


@dataclass(frozen=True, slots=True)
class Cancel:
    """``session cancel 12 [all]``"""

    id: Annotated[int, SESSION_ID]
    scope: Annotated[
        Literal["all"] | None,
        OneOf(aliases={"tout": "all", "toutes": "all", "serie": "all", "series": "all"}),
    ]


async def cancel(ctx: Context, args: Cancel) -> list[Reply]:
    session_id = args.id
    session = await ctx.uow.sessions.get(session_id)
    if session is None or session.group_id != ctx.group.id:
        raise NotFound("error.session_not_found", {"id": session_id})
    if args.scope == "all":
        if session.series_id is None:
            raise StateError("error.not_a_series", {"id": session_id})
        series = await ctx.uow.series.get(session.series_id)
        assert series is not None
        await ctx.uow.series.update(replace(series, cancelled=True))
        count = 0
        for item in await ctx.uow.sessions.of_series(series.id):
            if item.state is SessionState.SCHEDULED:
                await _cancel_one(ctx, item)
                count += 1
        return [room("cancel.series", count=count)]  # no count shown: a series may be endless
    if session.state is not SessionState.SCHEDULED:
        raise StateError("error.session_not_scheduled")
    await _cancel_one(ctx, session)
    coming = [
        s for s in await ctx.uow.sessions.upcoming(ctx.group.id, ctx.now, 2) if s.id != session.id
    ]
    if not coming:
        return [room("cancel.once_last", when=session.planned_start)]
    return [room("cancel.once", when=session.planned_start, next=coming[0].planned_start)]


async def _cancel_one(ctx: Context, session: Session) -> None:
    await ctx.uow.sessions.update(session.cancel())
    await ctx.uow.jobs.cancel_for_session(session.id)
    await ctx.uow.attendance.clear(session.id)  # who would have come: no longer worth keeping


async def upcoming(ctx: Context, args: NoArgs) -> list[Reply]:
    sessions = await ctx.uow.sessions.upcoming(ctx.group.id, ctx.now, LISTED)
    if not sessions:
        return [private(ctx.user_id, "sessions.none")]
    series = {s.id: s for s in await ctx.uow.series.of_group(ctx.group.id)}
    lines = [_line(ctx, s, series) for s in sessions]
    return [private(ctx.user_id, "sessions.list", lines="\n".join(lines))]


def _line(ctx: Context, session: Session, series: dict[int, Series]) -> str:
    language, zone = ctx.language, ctx.group.timezone
    parts = [
        translate("sessions.number", language, id=session.id),
        format_when(session.planned_start, ctx.locale, zone),
        format_duration(session.planned_minutes, language),
    ]
    if session.is_active:
        parts.append(translate("sessions.now", language))
    if session.series_id is not None and session.series_id in series:
        frequency = frequency_of(series[session.series_id].rule)
        parts.append(translate(f"repeat.{frequency.value}", language))
    topic = session.theme or session.title
    if topic:
        parts.append(f"« {topic} »" if language == "fr" else f"“{topic}”")
    if session.note:
        parts.append(session.note)
    return "• " + defuse(" · ".join(parts))


@dataclass(frozen=True, slots=True)
class CalendarArgs:
    """``session calendar`` (the file), ``session calendar link [reset]`` (a private address
    that calendar apps refresh by themselves)."""

    link: Annotated[Literal["link"] | None, OneOf(aliases={"lien": "link", "abonnement": "link"})]
    reset: Annotated[
        Literal["reset"] | None,
        OneOf(aliases={"nouveau": "reset", "renouveler": "reset", "new": "reset"}),
    ]


async def calendar_file(
    uow: UnitOfWork, group: Group, now: dt.datetime, room_links: Mapping[str, RoomLink]
) -> tuple[bytes, int]:
    """The group's calendar and how many sessions it plans (the file and the feed share it)."""
    series = await uow.series.of_group(group.id)
    sessions: list[Session] = []
    for item in series:
        sessions += await uow.sessions.of_series(item.id)
    sessions += [s for s in await uow.sessions.upcoming(group.id, now, 200) if s.series_id is None]
    count = sum(1 for s in sessions if s.state is SessionState.SCHEDULED)
    link = room_links.get(group.platform)
    room_url = link(group.room_id) if link is not None else None
    instance = await instance_id(uow)
    data = calendar.build(group, series, sessions, now, instance=instance, room_url=room_url)
    return data, count


async def ics(ctx: Context, args: CalendarArgs) -> list[Reply]:
    if args.link is not None or args.reset is not None:
        return await _feed_link(ctx, reset=args.reset is not None)
    data, count = await calendar_file(ctx.uow, ctx.group, ctx.now, ctx.room_links)
    if count == 0:
        return [private(ctx.user_id, "calendar.empty")]
    name = re.sub(r"[^a-z0-9]+", "-", ctx.group.name.lower()).strip("-") or "cercle"
    attachment = Attachment(f"{name}.ics", "text/calendar", data)
    reply = private(ctx.user_id, "calendar.ready", count=count)
    return [replace(reply, attachment=attachment)]


async def _feed_link(ctx: Context, *, reset: bool) -> list[Reply]:
    """A private subscription address: the token is shown once and only its hash is kept, so
    a lost link is replaced (``reset``), never shown again; the old one stops at once."""
    if ctx.feed_base is None:
        return [private(ctx.user_id, "calendar.link_unavailable")]
    if ctx.member.calendar_token is not None and not reset:
        line = ctx.command_line("calendar")
        return [private(ctx.user_id, "calendar.link_exists", command=f"{line} {_link_words(ctx)}")]
    token = new_feed_token()
    ctx.member = replace(ctx.member, calendar_token=feed_token_hash(token))
    await ctx.uow.members.update(ctx.member)
    url = f"{ctx.feed_base}/calendar/{token}.ics"
    key = "calendar.link_renewed" if reset else "calendar.link"
    return [private(ctx.user_id, key, url=url), *ctx.seen_by_the_room()]


def _link_words(ctx: Context) -> str:
    return "lien nouveau" if ctx.language == "fr" else "link reset"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def remind(ctx: Context, args: OnOff) -> list[Reply]:
    wanted = args.state == "on"
    ctx.member = replace(ctx.member, dm_reminders=wanted)
    await ctx.uow.members.update(ctx.member)
    return [private(ctx.user_id, "remind.on" if wanted else "remind.off")]
