"""What the Matrix adapter remembers across restarts, kept in the core's platform state.

Keys (all under the platform ``matrix``):

- ``sync``: the sync cursor, ``{"token": since, "done": [event ids]}``: a token, and the events
  fetched since it that were already handed to the core, so that syncing again from it after a
  crash never runs a command twice.
- ``panel:<room>``: the stick panel of a room, ``{"event": event id, "digest": …}``.
- ``dm:<user>``: the direct room with a member.
- ``dm-group:<user>``: the group room whose bot last wrote to that member privately; commands
  typed in the direct room act there (``agree``, ``pause anon``…).
- ``answers:<room>``: the room's latest notices that can be answered by a reaction (the
  reminders' ✅ ❔ ❌), ``{"room": …, "notices": [{"event": id, "answers": {emoji: command}}]}``,
  the last :data:`ANSWERABLE` of them.
- ``inviter:<room>``: who invited the bot (the welcome is addressed to them once joined).
- ``epoch``: drawn once per database, mixed into transaction ids.
- ``out:<sequence>``: replies rendered and not yet confirmed sent (the outbox).
- ``merge:<sequence>``: a message that says several of those replies at once, with their
  transaction ids (``{"item": …, "covers": [txn…]}``): once it is stored they are not sent alone.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

MAX_KEY = 255
ANSWERABLE = 4
"""Notices per room whose reactions still count as answers (a reminder the day before, one a
quarter of an hour before, and those of a session planned close to it)."""
SAVE_QUIET_EVERY = 60.0
"""Seconds between writes of the sync token while nothing happens."""


class StateStore(Protocol):
    """:class:`bot.app.PlatformState`, as far as this adapter uses it."""

    async def get(self, key: str) -> str | None: ...

    async def put(self, key: str, value: str) -> None: ...

    async def delete(self, key: str) -> None: ...

    async def with_prefix(self, prefix: str) -> dict[str, str]: ...


def state_key(prefix: str, name: str) -> str:
    """``prefix + name``, hashed when it would not fit the key column."""
    key = prefix + name
    if len(key) <= MAX_KEY:
        return key
    return prefix + "#" + hashlib.sha256(name.encode()).hexdigest()


@dataclass(slots=True)
class SyncCursor:
    token: str | None = None
    done: list[str] = field(default_factory=list)

    def dump(self) -> str:
        return json.dumps({"token": self.token, "done": self.done})

    @classmethod
    def load(cls, text: str | None) -> SyncCursor:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(data.get("token"), list(data.get("done", [])))


@dataclass(frozen=True, slots=True)
class Panel:
    event_id: str
    digest: str


class MatrixState:
    """Typed access to the adapter's keys, with the read-mostly ones cached in memory."""

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self.cursor = SyncCursor()
        self.epoch = ""
        self._saved_at = time.monotonic()
        self.panels: dict[str, Panel] = {}
        self.dm_rooms: dict[str, str] = {}
        """member → direct room"""
        self.dm_groups: dict[str, str] = {}
        """member → group room their direct room speaks for"""
        self.answers: dict[str, list[tuple[str, dict[str, str]]]] = {}
        """room → its latest answerable notices, oldest first: (event id, emoji → command)"""

    async def load(self) -> None:
        epoch = await self.store.get("epoch")
        if epoch is None:
            epoch = secrets.token_hex(8)
            await self.store.put("epoch", epoch)
        self.epoch = epoch
        self.cursor = SyncCursor.load(await self.store.get("sync"))
        self.panels = {}
        # Keys may be hashed (very long ids): the values carry the room or member id.
        for value in (await self.store.with_prefix("panel:")).values():
            data = json.loads(value)
            self.panels[data["room"]] = Panel(data["event"], data["digest"])
        self.dm_rooms = {}
        for value in (await self.store.with_prefix("dm:")).values():
            data = json.loads(value)
            self.dm_rooms[data["user"]] = data["room"]
        self.dm_groups = {}
        for value in (await self.store.with_prefix("dm-group:")).values():
            data = json.loads(value)
            self.dm_groups[data["user"]] = data["room"]
        self.answers = {}
        for value in (await self.store.with_prefix("answers:")).values():
            data = json.loads(value)
            self.answers[data["room"]] = [(n["event"], n["answers"]) for n in data["notices"]]

    # --- the sync cursor ----------------------------------------------------------------------

    async def mark_done(self, event_id: str) -> None:
        """Called once the core has handled the event and its replies are in the outbox: after
        a crash it is skipped; before, it comes again and the core applies it only once.  This
        write also stores the token the batch was fetched with."""
        self.cursor.done.append(event_id)
        await self._save()

    async def advance(self, token: str, *, force: bool = False) -> None:
        """Move past a batch.  The new token is only stored now and then (and with the next
        event marked done): fetching batches again after a crash, from the last stored token,
        changes nothing, since the events handled are marked done under it (and the core
        recognises one handed over again before its mark was written).
        So most syncs (the bot's own messages coming back…) cost no write."""
        self.cursor = SyncCursor(token, [])
        if force or time.monotonic() - self._saved_at > SAVE_QUIET_EVERY:
            await self._save()

    async def _save(self) -> None:
        await self.store.put("sync", self.cursor.dump())
        self._saved_at = time.monotonic()

    # --- panels -------------------------------------------------------------------------------

    async def set_panel(self, room_id: str, panel: Panel) -> None:
        self.panels[room_id] = panel
        value = json.dumps({"room": room_id, "event": panel.event_id, "digest": panel.digest})
        await self.store.put(state_key("panel:", room_id), value)

    async def forget_panel(self, room_id: str) -> None:
        self.panels.pop(room_id, None)
        await self.store.delete(state_key("panel:", room_id))

    # --- notices answered by a reaction -------------------------------------------------------

    async def set_answers(self, room_id: str, event_id: str, answers: dict[str, str]) -> None:
        """``event_id`` (just posted in ``room_id``) is answered by reacting with these emoji."""
        notices = [n for n in self.answers.get(room_id, []) if n[0] != event_id]
        notices = [*notices, (event_id, dict(answers))][-ANSWERABLE:]
        self.answers[room_id] = notices
        value = json.dumps(
            {"room": room_id, "notices": [{"event": e, "answers": a} for e, a in notices]}
        )
        await self.store.put(state_key("answers:", room_id), value)

    def answer(self, room_id: str, event_id: str, emoji: str) -> str | None:
        """The command a reaction with ``emoji`` under ``event_id`` stands for, if any."""
        for notice_id, answers in self.answers.get(room_id, ()):
            if notice_id == event_id:
                return answers.get(emoji)
        return None

    # --- direct rooms -------------------------------------------------------------------------

    def dm_partner(self, room_id: str) -> str | None:
        return next((user for user, room in self.dm_rooms.items() if room == room_id), None)

    async def set_dm_room(self, user_id: str, room_id: str) -> None:
        self.dm_rooms[user_id] = room_id
        value = json.dumps({"user": user_id, "room": room_id})
        await self.store.put(state_key("dm:", user_id), value)

    async def forget_dm_room(self, user_id: str) -> None:
        self.dm_rooms.pop(user_id, None)
        await self.store.delete(state_key("dm:", user_id))

    async def forget_person(self, user_id: str) -> None:
        """``forget-me``: their direct room and the group it acts for are forgotten."""
        self.dm_rooms.pop(user_id, None)
        self.dm_groups.pop(user_id, None)
        await self.store.delete(state_key("dm:", user_id))
        await self.store.delete(state_key("dm-group:", user_id))

    async def set_dm_group(self, user_id: str, room_id: str) -> None:
        if self.dm_groups.get(user_id) == room_id:
            return
        self.dm_groups[user_id] = room_id
        value = json.dumps({"user": user_id, "room": room_id})
        await self.store.put(state_key("dm-group:", user_id), value)

    # --- invitations --------------------------------------------------------------------------

    async def set_inviter(self, room_id: str, user_id: str) -> None:
        await self.store.put(state_key("inviter:", room_id), user_id)

    async def inviter(self, room_id: str) -> str | None:
        return await self.store.get(state_key("inviter:", room_id))

    async def forget_inviter(self, room_id: str) -> None:
        await self.store.delete(state_key("inviter:", room_id))

    # --- the outbox ---------------------------------------------------------------------------

    async def put_outbox(self, key: str, items: list[dict[str, Any]]) -> None:
        await self.store.put(key, json.dumps(items))

    async def delete_outbox(self, key: str) -> None:
        await self.store.delete(key)

    async def pending_outbox(self) -> list[tuple[str, list[dict[str, Any]]]]:
        found = await self.store.with_prefix("out:")
        return [(key, json.loads(found[key])) for key in sorted(found)]

    async def put_merged(self, key: str, item: dict[str, Any], covers: list[str]) -> None:
        await self.store.put(key, json.dumps({"item": item, "covers": covers}))

    async def delete_merged(self, key: str) -> None:
        await self.store.delete(key)

    async def pending_merged(self) -> list[tuple[str, dict[str, Any], list[str]]]:
        found = await self.store.with_prefix("merge:")
        rows = [(key, json.loads(found[key])) for key in sorted(found)]
        return [(key, row["item"], row["covers"]) for key, row in rows]
