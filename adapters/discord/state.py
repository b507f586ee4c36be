"""What the adapter must remember across restarts, kept in the core's database
(``cercle.state("discord")``): panel messages, the scheduled event mirroring each session (and
the rooms whose sessions are mirrored), the mutes it applied, and the digest of the commands
last synced."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from typing import Protocol

PANEL = "panel:"
EVENT = "event:"
"""``event:{room}:{session}``; ``event:{room}`` alone is an older record (the open session's)."""
MIRROR = "mirror:"
"""``mirror:{room}``: the room has sessions to come, some maybe beyond what is mirrored yet."""
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
    """0: the event was deleted (or ended) by hand in Discord; it is not created again."""
    status: int = 2
    """Its Discord status as last set (1 scheduled, 2 active); older records were active."""
    start: str = ""
    """Its ``scheduled_start_time`` as sent (ISO 8601)."""
    digest: str = ""
    """A digest of the fields last sent, to send only what changed."""

    @property
    def gone(self) -> bool:
        return self.event_id == 0


@dataclass(frozen=True, slots=True)
class MuteRecord:
    room_id: int
    guild_id: int
    user_id: int


MERGED = "merged:"
"""``merged:{nonce}``: a merged room message and the replies it carries."""
COVERED = "covered:"
"""``covered:{idempotency key}``: the nonce of the merged message that carries this reply."""
KEEP_MERGED = 86400.0
"""Seconds a merged message's record is kept (the core sends a reply again within its lease)."""


@dataclass(frozen=True, slots=True)
class MergedRecord:
    nonce: str
    room_id: int
    content: str
    covers: tuple[str, ...]
    """The idempotency keys of the replies it carries."""
    at: float
    """When it was written (``time.time``)."""
    sent: bool = False


DM = "dm:"
"""``dm:{user}``: the member's direct-message channel with the bot (it never changes)."""
UNREACHABLE = "unreachable:"
"""A member a direct message could not reach (their DMs are closed), until they are told."""


class AdapterState:
    def __init__(self, store: KeyValues) -> None:
        self.store = store

    # --- members whose direct messages are closed (error 50007) -------------------------
    async def mark_unreachable(self, user_id: int) -> None:
        await self.store.put(f"{UNREACHABLE}{user_id}", "1")

    async def take_unreachable(self, user_id: int) -> bool:
        """Whether a direct message to them failed since they were last told (and forget it:
        they are told once)."""
        key = f"{UNREACHABLE}{user_id}"
        if await self.store.get(key) is None:
            return False
        await self.store.delete(key)
        return True

    async def forget_person(self, user_id: int) -> None:
        await self.store.delete(f"{UNREACHABLE}{user_id}")
        await self.store.delete(f"{DM}{user_id}")

    # --- merged room messages (see adapters.discord.announce) ----------------------------------
    async def put_merged(self, record: MergedRecord) -> None:
        """Written before the message is posted: the message first, then what it carries."""
        await self.store.put(f"{MERGED}{record.nonce}", json.dumps(asdict(record)))
        for key in record.covers:
            await self.store.put(f"{COVERED}{key}", record.nonce)

    async def merged_covering(self, key: str) -> MergedRecord | None:
        """The merged message that carries the reply with this idempotency key, if any."""
        found = await self.store.get(f"{COVERED}{key}")
        if found is None:
            return None
        raw = await self.store.get(f"{MERGED}{found}")
        return _merged_record(raw) if raw else None

    async def merged_sent(self, record: MergedRecord) -> None:
        sent = replace(record, sent=True)
        await self.store.put(f"{MERGED}{record.nonce}", json.dumps(asdict(sent)))

    async def prune_merged(self, now: float) -> int:
        """Forget merged messages older than ``KEEP_MERGED``; returns how many."""
        pruned = 0
        for key, raw in (await self.store.with_prefix(MERGED)).items():
            record = _merged_record(raw)
            if now - record.at > KEEP_MERGED:
                for covered in record.covers:
                    await self.store.delete(f"{COVERED}{covered}")
                await self.store.delete(key)
                pruned += 1
        return pruned

    # --- direct-message channels opened ---------------------------------------------------
    async def dm_channel(self, user_id: int) -> int | None:
        raw = await self.store.get(f"{DM}{user_id}")
        return int(raw) if raw else None

    async def put_dm_channel(self, user_id: int, channel_id: int) -> None:
        await self.store.put(f"{DM}{user_id}", str(channel_id))

    async def drop_dm_channel(self, user_id: int) -> None:
        await self.store.delete(f"{DM}{user_id}")

    # --- the stick panel message of each room ---------------------------------------------
    async def panel(self, room_id: int) -> PanelRecord | None:
        raw = await self.store.get(f"{PANEL}{room_id}")
        return PanelRecord(**json.loads(raw)) if raw else None

    async def put_panel(self, room_id: int, record: PanelRecord) -> None:
        await self.store.put(f"{PANEL}{room_id}", json.dumps(asdict(record)))

    async def drop_panel(self, room_id: int) -> None:
        await self.store.delete(f"{PANEL}{room_id}")

    # --- the scheduled events that mirror a room's sessions ---------------------------------
    async def events_of(self, room_id: int) -> dict[int | None, EventRecord]:
        """By session id (``None``: an older record, for the session that was open)."""
        found = await self.store.with_prefix(f"{EVENT}{room_id}")
        records: dict[int | None, EventRecord] = {}
        for key, raw in found.items():
            room, _, session = key[len(EVENT) :].partition(":")
            if room == str(room_id):
                records[int(session) if session else None] = EventRecord(**json.loads(raw))
        return records

    async def put_event(self, room_id: int, session_id: int | None, record: EventRecord) -> None:
        await self.store.put(_event_key(room_id, session_id), json.dumps(asdict(record)))

    async def drop_event(self, room_id: int, session_id: int | None) -> None:
        await self.store.delete(_event_key(room_id, session_id))

    async def event_rooms(self) -> set[int]:
        """Rooms with mirrored events or sessions to come (looked at again every hour)."""
        events = await self.store.with_prefix(EVENT)
        rooms = {int(k[len(EVENT) :].partition(":")[0]) for k in events}
        return rooms | {int(k[len(MIRROR) :]) for k in await self.store.with_prefix(MIRROR)}

    async def event_owner(self, event_id: int) -> tuple[int, int | None] | None:
        """The room and session an event mirrors."""
        for key, raw in (await self.store.with_prefix(EVENT)).items():
            if EventRecord(**json.loads(raw)).event_id == event_id:
                room, _, session = key[len(EVENT) :].partition(":")
                return int(room), int(session) if session else None
        return None

    async def set_mirrored(self, room_id: int, *, wanted: bool) -> None:
        key = f"{MIRROR}{room_id}"
        if not wanted:
            await self.store.delete(key)
        elif await self.store.get(key) is None:
            await self.store.put(key, "1")

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
        rooms |= await self.rooms_with_panels()
        rooms |= await self.event_rooms()
        rooms |= {m.room_id for m in await self.mutes()}
        return rooms


def _merged_record(raw: str) -> MergedRecord:
    fields = json.loads(raw)
    return MergedRecord(**{**fields, "covers": tuple(fields["covers"])})


def _event_key(room_id: int, session_id: int | None) -> str:
    return f"{EVENT}{room_id}" if session_id is None else f"{EVENT}{room_id}:{session_id}"
