"""A room's sessions mirrored as guild scheduled events, so members see them in the Events tab.

Reconciliation rather than reaction: after anything that may change a room's sessions (a
schedule, a cancel, an opening by hand or at its time, a break, the end, a setting), at start-up
and every hour, the room's events are brought in line with what the core says now
(``Cercle.sessions``).  Each event is remembered per session in the platform state store, so a
restart neither duplicates nor loses one, and running it twice changes nothing.

What is mirrored: the open session (ACTIVE; its description says when it is on a break) and the
scheduled sessions starting within :data:`WINDOW`, at most :data:`PER_ROOM` of them: the next
occurrence (Discord allows 100 uncompleted events per guild: 50 groups with a session open
fit).  A session that ends completes its event, a cancelled one cancels it, one that leaves the
window (or the room's group) deletes it.  An event deleted or ended by hand in Discord is left
alone and not created again.

Events are VOICE (STAGE_INSTANCE) in the room's linked voice (stage) channel when there is one,
otherwise EXTERNAL with the room's link as location, always guild-only (privacy level 2)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import discord

from adapters.discord.render import literal
from adapters.discord.state import AdapterState, EventRecord
from adapters.discord.voice import linked_voice
from bot.app import Cercle
from bot.domain import SessionState
from bot.i18n import defuse, format_duration
from bot.i18n.cleaning import one_line
from bot.registry import REGISTRY
from bot.views import RoomSessions, SessionView

log = logging.getLogger("cercle.discord")

PLATFORM = "discord"
WINDOW = timedelta(weeks=8)
"""Scheduled sessions starting within this are mirrored…"""
PER_ROOM = 1
"""…at most this many per room (the open session comes on top): the next occurrence of each
series, so that a server shared by many groups stays far below Discord's 100 events."""
START_MARGIN = timedelta(minutes=1)
"""Discord refuses a start time in the past: a scheduled session starting sooner than this
gets no event of its own before it opens."""
OPEN_MARGIN = timedelta(seconds=5)
"""An open session without an event gets one starting just ahead, started at once."""
MIN_LENGTH = timedelta(minutes=15)
MAX_NAME = 100
MAX_DESCRIPTION = 1000

SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
STAGE, VOICE, EXTERNAL = 1, 2, 3
GUILD_ONLY = 2
FINISHED = 180000
"""Discord's error code for changing an event that has ended or was cancelled."""
TOO_MANY = 30038
"""Discord's error code when the guild has 100 uncompleted events."""

MIRRORED_KEYS = frozenset(
    {
        "session.opened",
        "session.break_started",
        "session.break_over",
        "session.resumed",
        "session.closed",
        "group.updated",
    }
)
MIRRORED_PREFIXES = ("schedule.", "cancel.", "theme.pick", "session.moved", "session.edited_")


def changes_sessions(key: str) -> bool:
    """Whether a reply with this key may come with a change of the room's sessions."""
    return key in MIRRORED_KEYS or key.startswith(MIRRORED_PREFIXES)


_TEXTS = {
    "en": {
        "scheduled": "Session #{id} of {room} ({duration}). Everyone shares at their own pace; "
        "you may come as an observer.",
        "open": "Happening now in {room}: {hand} there to ask for the talking stick.",
        "break": "On a break until {until}. We resume in {room}.",
        "ended": "This session is over. Thank you for being there.",
    },
    "fr": {
        "scheduled": "Séance n°{id} du groupe {room} ({duration}). Chacun partage à son rythme ; "
        "on peut venir en observateur.",
        "open": "En cours dans {room} : {hand} là-bas pour demander le bâton de parole.",
        "break": "En pause jusqu'à {until}. Reprise dans {room}.",
        "ended": "Cette séance est terminée. Merci d'avoir été là.",
    },
}
"""The events' descriptions (the adapter's own words; the core's catalogs stay for replies)."""


@dataclass(slots=True)
class _Room:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    dirty: bool = False


class _Stop(Exception):
    """Discord will not take more events now (permissions, the guild's limit)."""


class EventMirror:
    def __init__(self, client: discord.Client, state: AdapterState, cercle: Cercle) -> None:
        self.client = client
        self.state = state
        self.cercle = cercle
        self._rooms: dict[int, _Room] = {}

    async def reconcile(self, room_id: int) -> None:
        """Bring the room's events in line with its sessions.  Calls that pile up while one
        runs are served by one more run."""
        room = self._rooms.setdefault(room_id, _Room())
        room.dirty = True
        async with room.lock:
            if not room.dirty:
                return
            room.dirty = False
            try:
                await self._reconcile(room_id)
            except _Stop:
                pass
            except BaseException:
                room.dirty = True
                raise

    async def reconcile_all(self) -> None:
        """Every room with events or sessions to come (at start-up, then every hour)."""
        for room_id in sorted(await self.state.event_rooms()):
            try:
                await self.reconcile(room_id)
            except Exception as error:  # the next change or the next hour tries again
                log.error(  # noqa: TRY400 - no traceback: it could quote a member's words
                    "mirroring a room's sessions failed with %s", type(error).__name__
                )

    async def deleted(self, event: discord.ScheduledEvent) -> None:
        """An event was deleted in Discord: by hand it is not created again; by us (a session
        that left the window), its record is gone already."""
        owner = await self.state.event_owner(event.id)
        if owner is None:
            return
        room_id, session_id = owner
        async with self._rooms.setdefault(room_id, _Room()).lock:
            record = (await self.state.events_of(room_id)).get(session_id)
            if record is not None and record.event_id == event.id:
                await self._forget(room_id, session_id, record)

    # --- one room ------------------------------------------------------------------------------
    async def _reconcile(self, room_id: int) -> None:
        records = await self.state.events_of(room_id)
        now = discord.utils.utcnow()
        found = await self.cercle.sessions(
            PLATFORM,
            str(room_id),
            now + START_MARGIN,
            limit=PER_ROOM + 1,
            include=[s for s in records if s is not None],
        )
        if found is None:  # no group here (any more): nothing to mirror
            for session_id, record in records.items():
                await self._retire(room_id, session_id, record, None, language="en", now=now)
            await self.state.set_mirrored(room_id, wanted=False)
            return
        channel = self.client.get_channel(room_id)
        if not isinstance(channel, discord.abc.GuildChannel):
            return  # not known (yet): keep everything as it is
        await self.state.set_mirrored(room_id, wanted=bool(found.upcoming))
        wanted = _wanted(found, now)
        records = await self._adopt_legacy(room_id, records, wanted)
        creating = True
        for view in wanted:
            mirrored = records.pop(view.id) if view.id in records else None
            if mirrored is None and not creating:
                continue
            try:
                await self._mirror(channel, found.language, view, mirrored, now)
            except _Stop:
                creating = False
        known = {v.id: v for v in (*found.upcoming, *found.others)}
        for session_id, record in records.items():
            left = known.get(session_id) if session_id is not None else None
            await self._retire(room_id, session_id, record, left, language=found.language, now=now)

    async def _mirror(
        self,
        channel: discord.abc.GuildChannel,
        language: str,
        view: SessionView,
        record: EventRecord | None,
        now: datetime,
    ) -> None:
        if record is not None and record.gone:
            return
        active = view.state is not SessionState.SCHEDULED
        moved = False
        if record is None:
            start = now + OPEN_MARGIN if active else view.start
            body = _fields(channel, language, view, start)
            record = await self._create(channel, view.id, body, start)
        else:
            start = datetime.fromisoformat(record.start) if record.start else now
            moved = not active and view.start != start and view.start > now + START_MARGIN
            if moved:  # a scheduled session planned at another time
                start = view.start
            body = _fields(channel, language, view, start)
        status = ACTIVE if active else SCHEDULED
        digest = _digest(body)
        patch: dict[str, Any] = {}
        if digest != record.digest:
            patch |= {k: v for k, v in body.items() if k != "scheduled_start_time"}
        if moved:
            patch["scheduled_start_time"] = body["scheduled_start_time"]
        if record.status == SCHEDULED and status == ACTIVE:
            patch["status"] = ACTIVE
        if not patch:
            return
        if await self._edit(channel.id, view.id, record, patch):
            updated = replace(record, status=status, start=_iso(start), digest=digest)
            await self.state.put_event(channel.id, view.id, updated)

    async def _retire(
        self,
        room_id: int,
        session_id: int | None,
        record: EventRecord,
        view: SessionView | None,
        *,
        language: str,
        now: datetime,
    ) -> None:
        """An event whose session is no longer mirrored: complete, cancel or delete it."""
        coming = view is not None and view.state is SessionState.SCHEDULED and view.end > now
        if view is not None and coming:
            if view.start <= now + START_MARGIN:
                return  # its time has come: it opens (and the event starts) any moment now
            if record.gone:
                return  # deleted by hand: remembered, so it is not created when back in range
        if record.gone:
            await self.state.drop_event(room_id, session_id)
            return
        closed = view is not None and view.state is SessionState.CLOSED
        try:
            if coming or (view is None and session_id is not None):
                await self.client.http.delete_scheduled_event(record.guild_id, record.event_id)
            elif closed or record.status == ACTIVE:
                if record.status == SCHEDULED:
                    await self._patch(record, {"status": ACTIVE})
                ended = _TEXTS.get(language, _TEXTS["en"])["ended"]
                await self._patch(record, {"description": ended, "status": COMPLETED})
            else:  # cancelled, or planned but never opened
                await self._patch(record, {"status": CANCELED})
        except discord.NotFound:
            pass
        except discord.HTTPException as error:
            if error.code != FINISHED:
                raise
        await self.state.drop_event(room_id, session_id)
        log.info("scheduled event retired", extra={"room": room_id, "session": session_id})

    async def _adopt_legacy(
        self, room_id: int, records: dict[int | None, EventRecord], wanted: list[SessionView]
    ) -> dict[int | None, EventRecord]:
        """An event kept by an older version (one per room, for the open session)."""
        legacy = records.get(None)
        active = next((v for v in wanted if v.state is not SessionState.SCHEDULED), None)
        if legacy is None or active is None or active.id in records:
            return records
        await self.state.put_event(room_id, active.id, legacy)
        await self.state.drop_event(room_id, None)
        return {**{k: v for k, v in records.items() if k is not None}, active.id: legacy}

    # --- Discord -------------------------------------------------------------------------------
    async def _create(
        self,
        channel: discord.abc.GuildChannel,
        session_id: int,
        body: dict[str, Any],
        start: datetime,
    ) -> EventRecord:
        guild = channel.guild
        try:
            created = await self.client.http.create_guild_scheduled_event(guild.id, **body)
        except discord.Forbidden:
            log.warning("cannot create scheduled events: give the bot Manage Events")
            raise _Stop from None
        except discord.HTTPException as error:
            if error.code != TOO_MANY:
                raise
            log.warning("the guild has 100 coming events: no more are mirrored for now")
            raise _Stop from None
        record = EventRecord(guild.id, int(created["id"]), SCHEDULED, _iso(start), _digest(body))
        await self.state.put_event(channel.id, session_id, record)  # before anything can fail
        log.info("scheduled event created", extra={"room": channel.id, "session": session_id})
        return record

    async def _edit(
        self, room_id: int, session_id: int, record: EventRecord, body: dict[str, Any]
    ) -> bool:
        """False: the event is gone (deleted or ended by hand), and so remembered."""
        try:
            await self._patch(record, body)
        except discord.NotFound:
            await self._forget(room_id, session_id, record)
            return False
        except discord.HTTPException as error:
            if error.code != FINISHED:
                raise
            await self._forget(room_id, session_id, record)
            return False
        return True

    async def _patch(self, record: EventRecord, body: dict[str, Any]) -> None:
        await self.client.http.edit_scheduled_event(record.guild_id, record.event_id, **body)

    async def _forget(self, room_id: int, session_id: int | None, record: EventRecord) -> None:
        await self.state.put_event(room_id, session_id, replace(record, event_id=0))
        log.info("scheduled event removed in Discord", extra={"room": room_id})


def _wanted(found: RoomSessions, now: datetime) -> list[SessionView]:
    active = [v for v in found.upcoming if v.state is not SessionState.SCHEDULED]
    coming = [
        v
        for v in found.upcoming
        if v.state is SessionState.SCHEDULED and now + START_MARGIN < v.start < now + WINDOW
    ]
    return active + coming[:PER_ROOM]


def _fields(
    channel: discord.abc.GuildChannel, language: str, view: SessionView, start: datetime
) -> dict[str, Any]:
    """The event's fields for ``view`` (its start as given: Discord keeps a started event's)."""
    label = REGISTRY.get("session").display_name(language).capitalize()
    topic = defuse(one_line(view.title)) if view.title else f"#{channel.name}"
    end = max(view.end, start + MIN_LENGTH)
    body: dict[str, Any] = {
        "name": f"{label} · {topic}"[:MAX_NAME],
        "description": _description(channel, language, view)[:MAX_DESCRIPTION],
        "privacy_level": GUILD_ONLY,
        "scheduled_start_time": _iso(start),
        "scheduled_end_time": _iso(end),
    }
    voice = linked_voice(channel)
    if voice is None:
        body |= {
            "entity_type": EXTERNAL,
            "channel_id": None,
            "entity_metadata": {"location": channel.jump_url[:100]},
        }
    else:
        kind = STAGE if isinstance(voice, discord.StageChannel) else VOICE
        body |= {"entity_type": kind, "channel_id": str(voice.id), "entity_metadata": None}
    return body


def _description(channel: discord.abc.GuildChannel, language: str, view: SessionView) -> str:
    texts = _TEXTS.get(language, _TEXTS["en"])
    room = channel.mention
    if view.state is SessionState.ON_BREAK and view.break_ends_at is not None:
        text = texts["break"].format(
            until=f"<t:{int(view.break_ends_at.timestamp())}:t>", room=room
        )
    elif view.state is not SessionState.SCHEDULED:
        hand = "/" + REGISTRY.get("hand").display_name(language)
        text = texts["open"].format(room=room, hand=hand)
    else:
        minutes = (view.end - view.start) / timedelta(minutes=1)
        duration = format_duration(minutes, language)
        text = texts["scheduled"].format(id=view.id, room=room, duration=duration)
    if view.title:
        title = literal(defuse(one_line(view.title)))  # the description shows markdown
        quoted = f"« {title} »" if language == "fr" else f"“{title}”"
        text = f"{quoted}\n{text}"
    if view.note:
        text = f"{text}\n{literal(defuse(one_line(view.note)))}"
    return text


def _digest(body: dict[str, Any]) -> str:
    fields = {k: v for k, v in body.items() if k != "scheduled_start_time"}
    raw = json.dumps(fields, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()
