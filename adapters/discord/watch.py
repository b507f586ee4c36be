"""Keeps each room's Discord side (panel message, voice mutes) in line with the core's current
talking stick.

Rather than trusting the order in which replies arrive, a room marked as changed is brought up to
date from the newest stick the adapter knows, one room at a time: changes that pile up while an
update is under way are applied together, and an older state never overwrites a newer.

The newest stick is the panel the core returned with a command (:meth:`StickWatch.offer`, called
as the core answers, so in the core's order), or else the core's current one (``cercle.panel``,
after a restart, a timed job or a new session).  Using the panel the command already carries
spares loading the group's members a second time for every stick change; voice changes and
autocompletion use the panel last shown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from adapters.discord.panel import PanelMessages
from adapters.discord.voice import VoiceGate
from bot.app import Cercle
from bot.replies import Outgoing, Tone, UserRef
from bot.views import people_in_panel

log = logging.getLogger("cercle.discord")

PLATFORM = "discord"


OPENED = "session.opened"
CLOSED = "stick.panel_closed"


class _Ask:
    """Offered when the core's panel must be asked for (a new session: its panel's identity)."""


ASK = _Ask()


@dataclass(slots=True)
class _Room:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    dirty: bool = False
    voice_dirty: bool = False
    offered: Outgoing | _Ask | None = ASK
    offered_at: int = 0
    """When (in offer order) the newest panel was offered; 0: never."""
    shown: Outgoing | _Ask | None = ASK
    """The panel last shown (``None``: no open session; ``ASK``: not known in this run)."""
    shown_at: int = 0


class StickWatch:
    def __init__(self, cercle: Cercle, panels: PanelMessages, voice: VoiceGate) -> None:
        self.cercle = cercle
        self.panels = panels
        self.voice = voice
        self._rooms: dict[int, _Room] = {}
        self._order = 0

    def offer(self, room_id: int, outgoing: Sequence[Outgoing]) -> None:
        """What the core just answered for ``room_id``: its panel, if any, is the newest state.
        Call it as soon as the core answers (no ``await`` in between), so offers keep the order
        in which the core handled the commands."""
        panels = [o for o in outgoing if o.reply.tone is Tone.PANEL]
        if not panels:
            return
        room = self._rooms.setdefault(room_id, _Room())
        if any(o.reply.key == OPENED for o in outgoing):
            room.offered = ASK
        elif panels[-1].reply.key == CLOSED:
            room.offered = None
        else:
            room.offered = panels[-1]
        room.offered_at = self._next()

    async def refresh(self, room_id: int) -> None:
        """The stick of ``room_id`` may have changed: update the panel and the voice mutes."""
        room = self._rooms.setdefault(room_id, _Room())
        room.dirty = True
        async with room.lock:
            if not room.dirty:
                return  # an update that started after our change already covered it
            room.dirty = room.voice_dirty = False
            try:
                current, at = await self._newest(room_id, room)
                await self.panels.show(room_id, current)
                await self.voice.sync(room_id, current)
                room.shown, room.shown_at = current, at
            except BaseException:
                room.dirty = True  # the next refresh tries again
                room.shown = ASK
                raise

    async def refresh_voice(self, room_id: int) -> None:
        """Someone joined or left the linked voice channel: only the mutes need a look."""
        room = self._rooms.setdefault(room_id, _Room())
        room.voice_dirty = True
        async with room.lock:
            if not room.voice_dirty:
                return
            room.voice_dirty = False
            try:
                current = room.shown
                if isinstance(current, _Ask):
                    current = await self.cercle.panel(PLATFORM, str(room_id))
                await self.voice.sync(room_id, current)
            except BaseException:
                room.voice_dirty = True
                raise

    def in_line(self, room_id: int) -> list[UserRef] | None:
        """Who holds the stick and who waits, as last shown (``None``: not known)."""
        room = self._rooms.get(room_id)
        if room is None or isinstance(room.shown, _Ask):
            return None
        if room.shown is None:
            return []
        return people_in_panel(room.shown.reply)

    async def _newest(self, room_id: int, room: _Room) -> tuple[Outgoing | None, int]:
        offered, shown = room.offered, room.shown
        if room.offered_at > room.shown_at and not isinstance(offered, _Ask):
            if offered is None:
                return None, room.offered_at
            if isinstance(shown, Outgoing):  # the same session: its panel keeps its identity
                return replace(offered, idempotency_key=shown.idempotency_key), room.offered_at
        at = self._next()  # the core's current panel is newer than anything offered before
        return await self.cercle.panel(PLATFORM, str(room_id)), at

    def _next(self) -> int:
        self._order += 1
        return self._order
