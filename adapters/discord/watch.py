"""Keeps each room's Discord side (panel message, voice mutes) in line with the core's current
talking stick.

Rather than trusting the order in which replies arrive, a room marked as changed is brought up to
date from the core's current state (``cercle.panel``), one room at a time: changes that pile up
while an update is under way are applied together, and an older state never overwrites a newer."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from bot.app import Cercle
from bot.replies import Outgoing

from adapters.discord.panel import PanelMessages
from adapters.discord.voice import VoiceGate

log = logging.getLogger("cercle.discord")

PLATFORM = "discord"


@dataclass(slots=True)
class _Room:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    dirty: bool = False
    voice_dirty: bool = False


class StickWatch:
    def __init__(self, cercle: Cercle, panels: PanelMessages, voice: VoiceGate) -> None:
        self.cercle = cercle
        self.panels = panels
        self.voice = voice
        self._rooms: dict[int, _Room] = {}

    async def refresh(self, room_id: int) -> None:
        """The stick of ``room_id`` may have changed: update the panel and the voice mutes."""
        room = self._rooms.setdefault(room_id, _Room())
        room.dirty = True
        async with room.lock:
            if not room.dirty:
                return  # an update that started after our change already covered it
            room.dirty = room.voice_dirty = False
            try:
                current = await self.cercle.panel(PLATFORM, str(room_id))
                await self.panels.show(room_id, current)
                await self.voice.sync(room_id, current)
            except BaseException:
                room.dirty = True  # the next refresh tries again
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
                current: Outgoing | None = await self.cercle.panel(PLATFORM, str(room_id))
                await self.voice.sync(room_id, current)
            except BaseException:
                room.voice_dirty = True
                raise
