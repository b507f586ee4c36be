"""The core's entry point: adapters hand it commands, joins and the passing of time; it returns
replies to deliver.  This is also the one boundary where errors become kind, translated replies
and where a failed command is rolled back whole."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot import ahead, planning
from bot.commands.context import CONCERN_COOLDOWN, CONFIRM_WITHIN, Context
from bot.commands.parser import Invocation, Registry
from bot.commands.spec import Permission, effective_permission
from bot.domain import (
    Cooldown,
    Group,
    GroupDefaults,
    Job,
    JobState,
    Member,
    PendingAsks,
    Stick,
)
from bot.errors import CercleError, PermissionDenied, UsageError
from bot.events import Incoming
from bot.handlers import housekeeping
from bot.handlers.common import agree_choice, charter_text, ref
from bot.handlers.jobs import BATCH_HANDLERS, JOB_HANDLERS, JobResult
from bot.handlers.schedule import calendar_file, feed_token_hash
from bot.handlers.stick_flow import panel
from bot.ports import Clock, ModeratorCheck, RoomLink, UnitOfWork, UnitOfWorkFactory
from bot.registry import REGISTRY
from bot.replies import Audience, Outgoing, Reply, Tone, UserRef, UserText, private, room
from bot.resources import Resources
from bot.views import RoomSessions, people_in_panel, private_reminders, room_sessions

log = logging.getLogger("cercle.core")

Deliver = Callable[[Sequence[Outgoing]], Awaitable[None]]
"""Hands messages to their platforms; raises if they could not be sent (they will be again)."""

MAX_COMMAND_LENGTH = 2000
HANDLED_KEPT = timedelta(days=2)
"""How long an event id is remembered: far longer than any platform redelivers an event (the
Matrix adapter ignores commands older than a quarter of an hour)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class _Entered:
    group: Group
    member: Member
    welcome: list[Reply]
    is_new: bool


class Cercle:
    """One instance per process, shared by every adapter."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        defaults: GroupDefaults | None = None,
        registry: Registry = REGISTRY,
        lease: timedelta = timedelta(seconds=60),
        *,
        resources: Resources | Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        """``resources``: crisis lines the configuration adds per country (a mapping of lines
        per language is the old form: shown only where no line is known for the country)."""
        self._uow = uow_factory
        if not isinstance(resources, Resources):
            by_language = {lang: tuple(lines) for lang, lines in (resources or {}).items()}
            resources = Resources(by_language=by_language)
        self._resources = resources
        self._clock = clock
        self._defaults = defaults or GroupDefaults()
        self.registry = registry
        # Commands and due jobs run one at a time: SQLite has a single writer anyway, and this
        # keeps two "next" pressed together strictly ordered.
        self._serial = asyncio.Lock()
        self._next_planning: datetime | None = None
        self.listeners: list[Callable[[], None]] = []
        """Called after every command that changed something (the timer looks again)."""
        self.lease = lease
        self._pending_asks = PendingAsks()
        self._concerns = Cooldown(CONCERN_COOLDOWN)
        self._asked_to_confirm = Cooldown(CONFIRM_WITHIN)
        self._told_in_room: set[tuple[str, str]] = set()
        self.command_observers: list[Callable[[str, str, float], None]] = []
        """Told of every command: its name (or ``unknown``), its outcome (``ok``, ``refused``,
        ``failed``) and how long the core took, in seconds — never what was typed."""
        self.job_observers: list[Callable[[str, int], None]] = []
        """Told how many jobs of a kind (``reminder``…) were delivered."""
        self.moderator_checks: dict[str, ModeratorCheck] = {}
        """Per platform, how to ask whether someone moderates a room now (adapters set it)."""
        self.room_links: dict[str, RoomLink] = {}
        self.feed_base: str | None = None
        """Where private calendar links start, when the HTTP server serves them (set at
        start-up from ``[http] public_url``)."""
        """Per platform, the web address of a room (adapters set it; calendar events link it)."""
        self.send_ahead: dict[str, ahead.SendAhead] = {}
        """Per platform that paces its messages, how long before their time reminders start
        (:mod:`bot.ahead`; adapters set it)."""

    @property
    def defaults(self) -> GroupDefaults:
        return self._defaults

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        started = time.perf_counter()
        name = "unknown"
        async with self._serial:
            try:
                name, outgoing = await self._handle(incoming)
                outgoing = await self._to_moderators_now(outgoing)
            except Exception as error:  # the storage itself failed: say so, kindly
                _log_failure("command", error)
                reply = private(incoming.user_id, "error.internal")
                outgoing = self._bind(self._placeholder(incoming), [reply], incoming.event_id)
        self._observe(name, outgoing, time.perf_counter() - started)
        return outgoing

    def _observe(self, name: str, outgoing: Sequence[Outgoing], seconds: float) -> None:
        keys = {o.reply.key for o in outgoing if o.reply.tone is Tone.ERROR}
        outcome = "failed" if "error.internal" in keys else "refused" if keys else "ok"
        for observer in self.command_observers:
            observer(name, outcome, seconds)

    async def member_joined(
        self,
        platform: str,
        room_id: str,
        user_id: str,
        display_name: str,
        *,
        is_moderator: bool = False,
    ) -> list[Outgoing]:
        """A platform join event: register the newcomer and welcome them with the charter; for
        someone who left while in line and comes back within the grace period, their place."""
        incoming = Incoming(
            platform, room_id, user_id, display_name, "", f"join:{user_id}", is_moderator
        )
        now = self._clock.now()
        async with self._serial, self._uow() as uow:
            entered = await self._enter(uow, incoming, now)
            back = []
            if not entered.is_new:
                back = await housekeeping.came_back(uow, entered.group, user_id)
            await uow.commit()
        welcome = self._bind(entered.group, entered.welcome, f"join:{room_id}:{user_id}")
        return welcome + self._bind(entered.group, back, f"back:{room_id}:{user_id}:{now}")

    async def calendar_feed(self, token: str) -> bytes | None:
        """The calendar behind a private link (``/calendar/<token>.ics``), or None when no
        member has that token (revoked, renewed, forgotten, or never given)."""
        if not 16 <= len(token) <= 64:
            return None
        async with self._uow() as uow:
            member = await uow.members.by_calendar_token(feed_token_hash(token))
            if member is None:
                return None
            group = (await uow.groups.get_many({member.group_id})).get(member.group_id)
            if group is None:
                return None
            data, _ = await calendar_file(uow, group, self._clock.now(), self.room_links)
            await uow.commit()  # the instance id may have been made now
        return data

    async def member_back(self, platform: str, room_id: str, user_id: str) -> list[Outgoing]:
        """Someone known is present again (a platform that reports presence without a join
        event, e.g. Discord's voice channel): their place in line if they had left it within
        the grace period; nobody new is registered here."""
        now = self._clock.now()
        async with self._serial, self._uow() as uow:
            group = await uow.groups.get(platform, room_id)
            if group is None:
                return []
            back = await housekeeping.came_back(uow, group, user_id)
            await uow.commit()
        return self._bind(group, back, f"back:{room_id}:{user_id}:{now}")

    async def member_left(self, platform: str, room_id: str, user_id: str) -> None:
        """A platform leave event (left the room, removed from the server, left the voice
        channel in voice mode): someone in line keeps their place for the group's grace period
        (:mod:`bot.handlers.housekeeping`).  Says nothing: the room hears only if they do not
        come back."""
        async with self._serial, self._uow() as uow:
            group = await uow.groups.get(platform, room_id)
            if group is None:
                return
            changed = await housekeeping.stepped_out(uow, self._clock.now(), group, user_id)
            await uow.commit()
        if changed:
            for listener in self.listeners:
                listener()

    def state(self, platform: str) -> PlatformState:
        """Where ``platform``'s adapter keeps what it must remember across restarts."""
        return PlatformState(self._uow, platform)

    async def panel(self, platform: str, room_id: str) -> Outgoing | None:
        """The stick panel of the room's open session (to show it again after a restart)."""
        async with self._uow() as uow:
            group = await uow.groups.get(platform, room_id)
            if group is None:
                return None
            found = await uow.sticks.of_active_session(group.id)
            if found is None:
                return None
            session = found.session
            stick = found.stick or Stick(session_id=session.id)
            members = {m.user_id: m for m in found.members}
            return self._bind(group, [panel(stick, members)], f"panel:{session.id}")[0]

    async def in_line(self, platform: str, room_id: str) -> list[UserRef]:
        """Who holds the stick and who waits, in order (e.g. for autocompletion)."""
        found = await self.panel(platform, room_id)
        if found is None:
            return []
        return people_in_panel(found.reply)

    async def sessions(
        self,
        platform: str,
        room_id: str,
        after: datetime,
        *,
        limit: int = 10,
        include: Sequence[int] = (),
    ) -> RoomSessions | None:
        """The room's open session and coming ones, plus the sessions ``include`` names (e.g.
        to mirror them on the platform); ``None`` when the room has no group."""
        async with self._uow() as uow:
            group = await uow.groups.get(platform, room_id)
            if group is None:
                return None
            return await room_sessions(uow, group, after, limit, include)

    async def private_reminders(
        self, platform: str, room_id: str, within: timedelta
    ) -> list[tuple[timedelta, tuple[str, ...]]]:
        """The room's private reminders falling due within ``within``: in how long, and to
        whom.  Read only: a platform that must pace what it opens for them (Discord's
        direct-message channels) prepares ahead; the outbox still sends each one at its time,
        once."""
        now = self._clock.now()
        async with self._uow() as uow:
            group = await uow.groups.get(platform, room_id)
            if group is None:
                return []
            found = await private_reminders(uow, group, now, now + within)
        return [(max(timedelta(0), due - now), people) for due, people in found]

    async def next_due(self) -> datetime | None:
        """When :meth:`run_due` has something to do next (a job, a lease that ends, planning)."""
        async with self._uow() as uow:
            due = await uow.jobs.next_due()
            coming = await ahead.starts(uow, self._clock.now(), self.send_ahead)
        if coming:
            due = coming[0][0] if due is None else min(due, coming[0][0])
        planning = self._next_planning or self._clock.now()
        return planning if due is None else min(due, planning)

    async def plan(self) -> int:
        """Extend recurring series and put coming reminders in the outbox (at start-up, then
        every hour through :meth:`run_due`); returns how many sessions were planned."""
        now = self._clock.now()
        async with self._serial, self._uow() as uow:
            planned = await planning.extend(uow, now)
            await uow.handled.forget_before(now - HANDLED_KEPT)
            await uow.commit()
        self._next_planning = now + planning.PLANNING_EVERY
        return planned

    async def release_claims(self) -> None:
        """Free the leases a previous run of this process left (only safe when no other process
        shares the database, as with SQLite): their jobs are sent again, idempotently."""
        async with self._uow() as uow:
            await uow.jobs.release_claims()
            await uow.commit()

    async def run_due(self, deliver: Deliver, limit: int = 200) -> int:
        """Run the jobs due now (up to ``limit``); returns how many were taken.

        Each job is leased, then its change stored, then its messages handed to ``deliver``,
        and only then marked done: a crash or a failed delivery leaves it to run again when
        the lease ends, with the same idempotency keys, so it is never lost and never shown
        twice.  A job whose handler fails is set aside so it cannot block the others."""
        now = self._clock.now()
        if self._next_planning is None or self._next_planning <= now:
            await self.plan()
        async with self._serial, self._uow() as uow:
            claimed = list(await uow.jobs.claim_due(now, limit, now + self.lease))
            if len(claimed) < limit:  # and the reminders that must start before their time
                coming = await ahead.starts(uow, now, self.send_ahead)
                early = [job.id for start, job in coming if start <= now]
                claimed += await uow.jobs.claim(
                    early[: limit - len(claimed)], now, now + self.lease
                )
            await uow.commit()
        if not claimed:
            return 0
        try:
            done = await self._apply(claimed, now)
        except Exception as error:  # one of them fails: run them one by one to find it
            _log_failure("job batch", error)
            for job in claimed:
                await self._run_batch([job], now, deliver)
            return len(claimed)
        await self._finish(done, deliver)
        return len(claimed)

    async def _run_batch(self, jobs: list[Job], now: datetime, deliver: Deliver) -> None:
        try:
            done = await self._apply(jobs, now)
        except Exception as error:
            _log_failure("job", error)
            for job in jobs:
                await self._set_aside(job.id)
            return
        await self._finish(done, deliver)

    async def _apply(
        self, jobs: list[Job], now: datetime
    ) -> list[tuple[Job, JobResult, Group | None]]:
        """Phase one: store what the jobs change, in one transaction, and say what to send.

        Jobs run in order; a run of consecutive jobs of a kind in :data:`BATCH_HANDLERS` (a
        burst of reminders) runs as one batch, which reads what it needs once for all."""
        done: list[tuple[Job, JobResult, Group | None]] = []
        async with self._serial, self._uow() as uow:
            groups = await uow.groups.get_many({job.group_id for job in jobs})
            for run in _runs_of_one_kind(jobs):
                live = [(groups[job.group_id], job) for job in run if job.group_id in groups]
                batch = BATCH_HANDLERS.get(run[0].kind)
                if batch is not None:
                    results = iter(await batch(uow, now, live))
                else:
                    results = iter(
                        [
                            await JOB_HANDLERS[job.kind](uow, now, g, job, self.registry)
                            for g, job in live
                        ]
                    )
                for job in run:
                    group = groups.get(job.group_id)
                    if group is None:
                        done.append((job, JobResult(state=JobState.CANCELLED), None))
                        continue
                    result = next(results)
                    if result.applied:
                        await uow.jobs.note_applied(job.id)
                    done.append((job, result, group))
            await uow.commit()
        return done

    async def _finish(
        self, done: list[tuple[Job, JobResult, Group | None]], deliver: Deliver
    ) -> None:
        """Phase two: send, then mark done.  A failed delivery leaves the leases to expire."""
        outgoing = [
            item
            for job, result, group in done
            if group is not None
            for item in self._bind(group, result.replies, f"job:{job.id}")
        ]
        try:
            async with self._serial:
                outgoing = await self._to_moderators_now(outgoing)
            if outgoing:
                await deliver(outgoing)
        except Exception as error:  # the platform is away: the leases will bring them back
            log.warning("delivery failed with %s; retried later", type(error).__name__)
            return
        by_state: dict[JobState, list[int]] = {}
        for job, result, _ in done:
            by_state.setdefault(result.state, []).append(job.id)
        async with self._uow() as uow:
            for state, job_ids in by_state.items():
                await uow.jobs.mark_many(job_ids, state)
            await uow.commit()
        log.info("jobs done", extra={"count": len(done)})
        delivered: dict[str, int] = {}
        for job, result, group in done:
            if group is not None and result.state is JobState.DONE and result.replies:
                delivered[job.kind.value] = delivered.get(job.kind.value, 0) + 1
        for kind, count in delivered.items():
            for observer in self.job_observers:
                observer(kind, count)

    async def lateness(self) -> timedelta:
        """How late the oldest due job is (zero when nothing is overdue); raises when the
        database does not answer (for a health check)."""
        async with self._uow() as uow:
            due = await uow.jobs.next_due()
        now = self._clock.now()
        return max(timedelta(0), now - due) if due is not None else timedelta(0)

    async def _to_moderators_now(self, outgoing: list[Outgoing]) -> list[Outgoing]:
        """Drop moderators' notices to people the platform says are no longer moderators, and
        remember it (their stored flag otherwise changes only when they next type)."""
        demoted: set[tuple[str, str, str]] = set()
        kept: list[Outgoing] = []
        for item in outgoing:
            reply = item.reply
            check = self.moderator_checks.get(item.platform)
            if (
                reply.for_moderators
                and check is not None
                and reply.user_id is not None
                and await check(item.room_id, reply.user_id) is False
            ):
                demoted.add((item.platform, item.room_id, reply.user_id))
                continue
            kept.append(item)
        if demoted:
            await self._note_demoted(demoted)
        return kept

    async def _note_demoted(self, demoted: set[tuple[str, str, str]]) -> None:
        """(Called with ``_serial`` held.)"""
        async with self._uow() as uow:
            for platform, room_id, user_id in demoted:
                _, member = await uow.groups.get_with_member(platform, room_id, user_id)
                if member is not None and member.is_moderator:
                    await uow.members.update(replace(member, is_moderator=False))
            await uow.commit()
        log.info("notices withheld from former moderators", extra={"count": len(demoted)})

    async def _set_aside(self, job_id: int) -> None:
        async with self._uow() as uow:
            await uow.jobs.mark(job_id, JobState.FAILED)
            await uow.commit()

    async def _handle(self, incoming: Incoming) -> tuple[str, list[Outgoing]]:
        """The command's name (``unknown`` when it was not understood) and what to send."""
        now = self._clock.now()
        name = "unknown"
        async with self._uow() as uow:
            if not await uow.handled.first_time(incoming.platform, incoming.event_id, now):
                # Delivered again (a sync replayed after a crash): it was applied already.
                log.info("event already handled", extra={"platform": incoming.platform})
                return "repeated", []
            entered = await self._enter(uow, incoming, now, register=False)
            ctx = Context(
                uow,
                now,
                entered.group,
                entered.member,
                entered.group.language,
                self.registry,
                private=incoming.private,
                resources=self._resources,
                pending_asks=self._pending_asks,
                concerns=self._concerns,
                asked_to_confirm=self._asked_to_confirm,
                text=incoming.text,
                told_in_room=self._told_in_room,
                room_links=self.room_links,
                feed_base=self.feed_base,
            )
            enrols = not incoming.private
            try:
                invocation = self._parse(incoming, ctx.language)
                name = invocation.name
                enrols = enrols or all(c.enrols for c in invocation.path)
                self._authorize(invocation, incoming, ctx.language)
                assert invocation.command.handler is not None
                welcome: list[Reply] = []
                if entered.is_new and enrols:
                    welcome = await self._register(uow, entered, incoming)
                replies = await invocation.command.handler(ctx, invocation.args)
                if any(c.discreet for c in invocation.path):
                    replies += ctx.seen_by_the_room()
                await uow.commit()
                for change in ctx.after_commit:
                    change()
                log.info("command", extra={"command": invocation.name, "group": ctx.group.id})
                for listener in self.listeners:
                    listener()
                if invocation.path == (self.registry.get("agree"),):
                    # no need to ask them to accept what they just accepted
                    welcome = [r for r in welcome if r.audience is Audience.ROOM]
                bound = self._bind(ctx.group, [*welcome, *replies], incoming.event_id)
                for group, elsewhere in ctx.elsewhere:
                    bound += self._bind(group, elsewhere, f"{incoming.event_id}:g{group.id}")
                return name, bound
            except CercleError as error:
                await uow.rollback()
                failure = self._error_reply(incoming, ctx.language, error)
                log.info("refused", extra={"reason": error.key, "group": ctx.group.id})
            except Exception as error:
                await uow.rollback()
                _log_failure("command", error)
                failure = private(incoming.user_id, "error.internal")
        # A refused command changes nothing, not even the list of members: a newcomer it would
        # have enrolled only gets the charter, privately, beside the refusal.
        welcome = []
        if entered.is_new and enrols:
            welcome = [self._private_welcome(entered.group, entered.member)]
        return name, self._bind(entered.group, [*welcome, failure], incoming.event_id)

    def _parse(self, incoming: Incoming, language: str) -> Invocation:
        if len(incoming.text) > MAX_COMMAND_LENGTH:
            raise UsageError(
                "error.too_long", {"max": MAX_COMMAND_LENGTH, "length": len(incoming.text)}
            )
        if _CONTROL.search(incoming.text):
            raise UsageError("error.control_characters")
        return self.registry.parse(incoming.text, language)

    def _authorize(self, invocation: Invocation, incoming: Incoming, language: str) -> None:
        needs_moderator = effective_permission(invocation.path) is Permission.MODERATOR
        if needs_moderator and not incoming.is_moderator:
            command = " ".join(c.display_name(language) for c in invocation.path)
            raise PermissionDenied("error.moderators_only", {"command": command})

    def _error_reply(self, incoming: Incoming, language: str, error: CercleError) -> Reply:
        choices = (
            agree_choice(self.registry, language) if error.key == "error.charter_first" else ()
        )
        return Reply(
            error.key, error.params, Audience.PRIVATE, incoming.user_id, Tone.ERROR, choices
        )

    async def _enter(
        self, uow: UnitOfWork, incoming: Incoming, now: datetime, *, register: bool = True
    ) -> _Entered:
        """The group (created with the room's first command) and the person.  A newcomer is
        stored and welcomed only with ``register``; otherwise they stay a passer-by until
        :meth:`_register` (if the command they typed enrols them)."""
        group, member = await uow.groups.get_with_member(
            incoming.platform, incoming.room_id, incoming.user_id, for_update=True
        )
        if group is None:
            group = await uow.groups.add(
                Group.new(incoming.platform, incoming.room_id, self._defaults, now)
            )
        if member is not None:
            seen = member.seen(incoming.display_name, is_moderator=incoming.is_moderator, now=now)
            if seen is not member:
                await uow.members.update(seen)
            return _Entered(group, seen, [], is_new=False)
        member = Member.new(
            group.id,
            incoming.user_id,
            incoming.display_name,
            is_moderator=incoming.is_moderator,
            now=now,
        )
        entered = _Entered(group, member, [], is_new=True)
        if register:
            return replace(entered, welcome=await self._register(uow, entered, incoming))
        return entered

    async def _register(
        self, uow: UnitOfWork, entered: _Entered, incoming: Incoming
    ) -> list[Reply]:
        """Store a newcomer and say welcome: in the room, unless they wrote privately — then
        the room never learns their name from it."""
        await uow.members.add(entered.member)
        welcome = [self._private_welcome(entered.group, entered.member)]
        if not incoming.private:
            welcome.insert(0, room("welcome.newcomer", member=ref(entered.member)))
        return welcome

    def _private_welcome(self, group: Group, member: Member) -> Reply:
        return Reply(
            "welcome.private",
            {"charter": UserText(charter_text(group), multiline=True)},
            Audience.PRIVATE,
            member.user_id,
            choices=agree_choice(self.registry, group.language),
        )

    def _placeholder(self, incoming: Incoming) -> Group:
        return Group.new(incoming.platform, incoming.room_id, self._defaults, self._clock.now())

    def _bind(self, group: Group, replies: Sequence[Reply], key: str) -> list[Outgoing]:
        """Replies as outgoing messages, each with an idempotency key that stays the same when
        the same event or job produces them again: per place, in order."""
        bound: list[Outgoing] = []
        counts: dict[str, int] = {}
        for reply in replies:
            target = "room" if reply.audience is Audience.ROOM else f"to:{reply.user_id}"
            index = counts.get(target, 0)
            counts[target] = index + 1
            panel_id = None
            if reply.tone is Tone.PANEL:
                panel_id = f"panel:{group.platform}:{group.room_id}"
            bound.append(
                Outgoing(
                    group.platform,
                    group.room_id,
                    reply,
                    group.locale,
                    group.timezone,
                    f"{key}:{target}:{index}",
                    panel_id,
                )
            )
        return bound


class PlatformState:
    """An adapter's small persistent facts, each read or write in its own transaction."""

    def __init__(self, uow_factory: UnitOfWorkFactory, platform: str) -> None:
        self._uow = uow_factory
        self._platform = platform

    async def get(self, key: str) -> str | None:
        async with self._uow() as uow:
            return await uow.platform_state.get(self._platform, key)

    async def put(self, key: str, value: str) -> None:
        async with self._uow() as uow:
            await uow.platform_state.put(self._platform, key, value)
            await uow.commit()

    async def delete(self, key: str) -> None:
        async with self._uow() as uow:
            await uow.platform_state.delete(self._platform, key)
            await uow.commit()

    async def with_prefix(self, prefix: str) -> dict[str, str]:
        async with self._uow() as uow:
            return dict(await uow.platform_state.with_prefix(self._platform, prefix))


def _runs_of_one_kind(jobs: Sequence[Job]) -> list[list[Job]]:
    """The jobs in order, cut wherever the kind changes."""
    runs: list[list[Job]] = []
    for job in jobs:
        if runs and runs[-1][0].kind is job.kind:
            runs[-1].append(job)
        else:
            runs.append([job])
    return runs


def _log_failure(what: str, error: BaseException) -> None:
    """Log where it failed, never the exception's message (it could quote a member's words)."""
    frames = " < ".join(
        f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}"
        for frame in reversed(traceback.extract_tb(error.__traceback__))
    )
    log.error("%s failed with %s at %s", what, type(error).__name__, frames)
