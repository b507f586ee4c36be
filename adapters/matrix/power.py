"""Who moderates a room: power level >= the configured level, read from the room's live state.

Room version 12 trap: the room's creators (the sender of ``m.room.create`` and its
``additional_creators``) outrank everyone and are *not* listed in ``m.room.power_levels``.
matrix-nio 0.26 does not know this, so the create event is read here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from nio import AsyncClient, MatrixRoom, RoomCreateEvent, RoomGetEventResponse

log = logging.getLogger("cercle.matrix")

FIRST_VERSION_WITH_CREATORS = 12


@dataclass(frozen=True, slots=True)
class Creation:
    """What a room's ``m.room.create`` event says about who owns it."""

    sender: str
    version: str
    additional: frozenset[str]

    @property
    def privileged(self) -> frozenset[str]:
        """Users with unlimited power (room version 12 and later), else nobody."""
        if not creators_outrank(self.version):
            return frozenset()
        return self.additional | {self.sender}

    @classmethod
    def of(cls, event: RoomCreateEvent) -> Creation:
        content = event.source.get("content", {})
        extra = content.get("additional_creators", [])
        additional = (
            frozenset(u for u in extra if isinstance(u, str))
            if isinstance(extra, list)
            else frozenset()
        )
        return cls(event.sender, str(content.get("room_version", "1")), additional)


def creators_outrank(room_version: str) -> bool:
    if room_version.isdigit():
        return int(room_version) >= FIRST_VERSION_WITH_CREATORS
    return room_version.startswith("org.matrix.hydra")


class Creations:
    """The create event of every room seen (it never changes), read from sync or fetched."""

    def __init__(self, client: AsyncClient) -> None:
        self.client = client
        self._rooms: dict[str, Creation] = {}

    def note(self, room_id: str, events: Iterable[object]) -> None:
        for event in events:
            if isinstance(event, RoomCreateEvent):
                self._rooms[room_id] = Creation.of(event)

    def known(self, room_id: str) -> Creation | None:
        return self._rooms.get(room_id)

    async def of(self, room_id: str) -> Creation | None:
        found = self._rooms.get(room_id)
        if found is None and ":" not in room_id:
            # Since room version 12 the room id is the create event's id.
            answer = await self.client.room_get_event(room_id, "$" + room_id[1:])
            if isinstance(answer, RoomGetEventResponse) and isinstance(
                answer.event, RoomCreateEvent
            ):
                found = self._rooms[room_id] = Creation.of(answer.event)
            else:
                log.warning("could not read a room's create event", extra={"room": room_id})
        return found


async def is_moderator(
    room: MatrixRoom, user_id: str, creations: Creations, threshold: int
) -> bool:
    creation = await creations.of(room.room_id)
    if creation is not None and user_id in creation.privileged:
        return True
    level: int = room.power_levels.get_user_level(user_id)
    return level >= threshold
