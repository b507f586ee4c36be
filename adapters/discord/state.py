"""What the adapter must remember across restarts, kept in the core's database
(``cercle.state("discord")``): panel messages, mirrored scheduled events, the mutes it applied,
and the digest of the commands last synced."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Protocol

PANEL = "panel:"
EVENT = "event:"
MUTE = "mute:"
COMMANDS = "commands:"


class KeyValues(Protocol):
    """The core's ``PlatformState``."""

    async def get(self, key: str) -> str | None: ...
    async def put(self, key: str, value: str) -> None: ...
    async def delete(self, key: str) -> None: ...
    async def with_prefix(self, prefix: str) -> dict[str, str]: ...


@dataclass(frozen=True, slots=True)
class PanelRecord:
    message_id: int
    session: str
    """Which session the message shows (a new session gets a new message)."""
    language: str


@dataclass(frozen=True, slots=True)
class EventRecord:
    guild_id: int
    event_id: int


@dataclass(frozen=True, slots=True)
class MuteRecord:
    room_id: int
    guild_id: int
    user_id: int


class AdapterState:
    def __init__(self, store: KeyValues) -> None:
        self.store = store

    # --- the stick panel message of each room ---------------------------------------------
    async def panel(self, room_id: int) -> PanelRecord | None:
        raw = await self.store.get(f"{PANEL}{room_id}")
        return PanelRecord(**json.loads(raw)) if raw else None

    async def put_panel(self, room_id: int, record: PanelRecord) -> None:
        await self.store.put(f"{PANEL}{room_id}", json.dumps(asdict(record)))

    async def drop_panel(self, room_id: int) -> None:
        await self.store.delete(f"{PANEL}{room_id}")

    # --- the scheduled event that mirrors a room's open session ----------------------------
    async def event(self, room_id: int) -> EventRecord | None:
        raw = await self.store.get(f"{EVENT}{room_id}")
        return EventRecord(**json.loads(raw)) if raw else None

    async def put_event(self, room_id: int, record: EventRecord) -> None:
        await self.store.put(f"{EVENT}{room_id}", json.dumps(asdict(record)))

    async def drop_event(self, room_id: int) -> None:
        await self.store.delete(f"{EVENT}{room_id}")

    async def events(self) -> dict[int, EventRecord]:
        found = await self.store.with_prefix(EVENT)
        return {int(k[len(EVENT) :]): EventRecord(**json.loads(v)) for k, v in found.items()}

    # --- server mutes applied in voice mode --------------------------------------------------
    async def mutes(self, room_id: int | None = None) -> list[MuteRecord]:
        prefix = MUTE if room_id is None else f"{MUTE}{room_id}:"
        found = await self.store.with_prefix(prefix)
        records: list[MuteRecord] = []
        for key, guild in found.items():
            room, user = key[len(MUTE) :].split(":")
            records.append(MuteRecord(int(room), int(guild), int(user)))
        return records

    async def put_mute(self, record: MuteRecord) -> None:
        await self.store.put(f"{MUTE}{record.room_id}:{record.user_id}", str(record.guild_id))

    async def drop_mute(self, record: MuteRecord) -> None:
        await self.store.delete(f"{MUTE}{record.room_id}:{record.user_id}")

    # --- one-time work ------------------------------------------------------------------------
    async def commands_digest(self, target: str) -> str | None:
        return await self.store.get(f"{COMMANDS}{target}")

    async def put_commands_digest(self, target: str, digest: str) -> None:
        await self.store.put(f"{COMMANDS}{target}", digest)

    async def rooms_with_panels(self) -> set[int]:
        return {int(k[len(PANEL) :]) for k in await self.store.with_prefix(PANEL)}

    async def rooms(self) -> set[int]:
        """Every room the adapter keeps something for (to check at start-up)."""
        rooms: set[int] = set()
        for prefix in (PANEL, EVENT):
            rooms |= {int(k[len(prefix) :]) for k in await self.store.with_prefix(prefix)}
        rooms |= {m.room_id for m in await self.mutes()}
        return rooms
