"""Members of a support group, as real matrix-nio clients (end-to-end encryption included), and
the bot run in-process exactly as ``cercle run`` wires it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from matrix_synapse_server import Account, SynapseServer
from nio import (
    AsyncClient,
    AsyncClientConfig,
    Event,
    InviteMemberEvent,
    MatrixRoom,
    MegolmEvent,
    RoomCreateResponse,
    RoomMessage,
    RoomSendResponse,
)

from adapters.config import Config
from adapters.matrix import MatrixPlatform, Tuning
from adapters.serve import serve
from bot.ports import Clock

WAIT = 20.0
"""Seconds a test waits for something the bot should do (it normally takes milliseconds)."""


async def eventually(condition: Callable[[], bool], timeout: float = WAIT) -> None:
    """Wait until ``condition()`` holds (for state inside the bot, which has no event to await)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


@dataclass(slots=True)
class Seen:
    room_id: str
    event: Event
    at: float = field(default_factory=time.perf_counter)
    """When the member's client got it (for the round-trip benchmark)."""

    @property
    def body(self) -> str:
        return str(getattr(self.event, "body", ""))

    @property
    def content(self) -> dict[str, Any]:
        return dict(self.event.source.get("content", {}))

    @property
    def sender(self) -> str:
        return str(self.event.sender)


class Member:
    """One person's Matrix client: it syncs in the background, accepts invitations (direct
    rooms from the bot) and records every timeline event it sees."""

    def __init__(self, server: SynapseServer, account: Account, folder: Path) -> None:
        self.server = server
        self.account = account
        folder.mkdir(parents=True, exist_ok=True)
        self.client = AsyncClient(
            server.url,
            account.user_id,
            store_path=str(folder),
            config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False),
        )
        self.client.restore_login(account.user_id, account.device_id, account.access_token)
        self.seen: list[Seen] = []
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None
        self.client.add_event_callback(self._on_event, (RoomMessage, MegolmEvent, Event))
        self.client.add_event_callback(self._on_invite, InviteMemberEvent)

    @property
    def user_id(self) -> str:
        return self.account.user_id

    async def start(self) -> None:
        self._task = asyncio.create_task(self.client.sync_forever(timeout=30_000))
        async with asyncio.timeout(WAIT):
            while self.client.next_batch is None:
                await self.client.synced.wait()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.client.close()

    async def _on_event(self, room: MatrixRoom, event: Event) -> None:
        async with self._changed:
            self.seen.append(Seen(room.room_id, event))
            self._changed.notify_all()

    async def _on_invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == self.user_id and event.membership == "invite":
            await self.client.join(room.room_id)

    # --- acting -------------------------------------------------------------------------------

    async def set_name(self, name: str) -> None:
        await self.client.set_displayname(name)

    async def create_room(
        self, *, encrypted: bool = False, invite: tuple[str, ...] = (), **options: Any
    ) -> str:
        initial_state = []
        if encrypted:
            initial_state.append(
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            )
        answer = await self.client.room_create(
            invite=list(invite), initial_state=initial_state, **options
        )
        assert isinstance(answer, RoomCreateResponse), answer
        await self.wait_until(lambda: answer.room_id in self.client.rooms)
        return str(answer.room_id)

    async def invite(self, room_id: str, user_id: str) -> None:
        await self.client.room_invite(room_id, user_id)

    async def join(self, room_id: str) -> None:
        await self.client.join(room_id)
        await self.wait_until(lambda: room_id in self.client.rooms)

    async def say(self, room_id: str, text: str) -> str:
        """Send a plain text message (encrypted in encrypted rooms); returns its event id."""
        return await self.send(room_id, "m.room.message", {"msgtype": "m.text", "body": text})

    async def react(self, room_id: str, event_id: str, key: str) -> str:
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
        return await self.send(room_id, "m.reaction", content)

    async def send(self, room_id: str, event_type: str, content: dict[str, Any]) -> str:
        answer = await self.client.room_send(
            room_id, event_type, content, ignore_unverified_devices=True
        )
        assert isinstance(answer, RoomSendResponse), answer
        return str(answer.event_id)

    async def send_raw(self, room_id: str, event_type: str, content: dict[str, Any]) -> str:
        """Send ``content`` as it is: never encrypted by the client."""
        path = f"/_matrix/client/v3/rooms/{quote(room_id)}/send/{event_type}/{secrets.token_hex(8)}"
        answer = await self.server.admin("PUT", path, self.account.access_token, content)
        return str(answer["event_id"])

    async def set_power(self, room_id: str, user_id: str, level: int) -> None:
        answer = await self.client.room_get_state_event(room_id, "m.room.power_levels")
        content = dict(answer.content)
        users = dict(content.get("users", {}))
        users[user_id] = level
        content["users"] = users
        await self.client.room_put_state(room_id, "m.room.power_levels", content)

    # --- waiting ------------------------------------------------------------------------------

    async def wait_until(self, condition: Callable[[], bool], timeout: float = WAIT) -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                await self.client.synced.wait()

    async def wait_for(
        self,
        predicate: Callable[[Seen], bool],
        *,
        after: int = 0,
        timeout: float = WAIT,
    ) -> Seen:
        """The first event seen (from index ``after``) for which ``predicate`` holds."""
        async with asyncio.timeout(timeout), self._changed:
            while True:
                for seen in self.seen[after:]:
                    if predicate(seen):
                        return seen
                await self._changed.wait()

    def mark(self) -> int:
        """Where "from now on" starts, for :meth:`wait_for`."""
        return len(self.seen)

    async def notice(
        self,
        contains: str,
        *,
        room_id: str | None = None,
        after: int = 0,
        timeout: float = WAIT,
    ) -> Seen:
        """The first ``m.notice`` (not an edit) whose body contains ``contains``."""
        return await self.wait_for(
            lambda seen: _is_notice(seen, contains, room_id), after=after, timeout=timeout
        )

    def notices(self, contains: str, room_id: str | None = None) -> list[Seen]:
        """Every ``m.notice`` seen (edits left out) whose body contains ``contains``."""
        return [seen for seen in self.seen if _is_notice(seen, contains, room_id)]

    def direct_room_with(self, user_id: str) -> str | None:
        for room in self.client.rooms.values():
            if room.room_id in self.client.rooms and set(room.users) == {self.user_id, user_id}:
                return str(room.room_id)
        return None


def _is_notice(seen: Seen, contains: str, room_id: str | None) -> bool:
    return (
        seen.content.get("msgtype") == "m.notice"
        and seen.content.get("m.relates_to", {}).get("rel_type") != "m.replace"
        and contains in seen.body
        and (room_id is None or seen.room_id == room_id)
    )


class ShiftedClock:
    """The system's time, moved by ``offset``: the core sees the day before a session (or the
    end of a grace period) while the homeserver and its rate limits run in real time."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass(slots=True)
class Bot:
    """The bot, in-process: ``serve()`` with the Matrix platform, on its own SQLite file."""

    server: SynapseServer
    account: Account
    folder: Path
    config: Config
    tuning: Tuning = field(default_factory=lambda: Tuning(backoff_cap=1.0, drain_timeout=3.0))
    platform: MatrixPlatform | None = None
    environ: dict[str, str] | None = None
    """Defaults to the account's password."""
    clock: Clock | None = None
    """The core's clock (the system's by default)."""
    _stop: asyncio.Event | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def user_id(self) -> str:
        return self.account.user_id

    async def start(self) -> None:
        self.platform = MatrixPlatform(
            self.config.matrix,
            environ=self.environ or {"CERCLE_MATRIX_PASSWORD": self.account.password},
            tuning=self.tuning,
        )
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(
            serve(self.config, self._stop, [self.platform], clock=self.clock)
        )
        ready = asyncio.create_task(self.platform.ready.wait())
        async with asyncio.timeout(60):
            await asyncio.wait({ready, self._task}, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if self._task.done():
            self._task.result()  # start-up failed: raise why

    async def stop(self) -> None:
        if self._stop is not None and self._task is not None:
            self._stop.set()
            await asyncio.wait_for(self._task, 30)
        self._task = None


def bot_config(server: SynapseServer, account: Account, folder: Path, **matrix: Any) -> Config:
    return Config.from_mapping(bot_settings(server, account, folder, **matrix), environ={})


def bot_settings(
    server: SynapseServer, account: Account, folder: Path, **matrix: Any
) -> dict[str, dict[str, Any]]:
    return {
        "bot": {
            "language": "en",
            "timezone": "Europe/Paris",
            "database_url": f"sqlite+aiosqlite:///{folder / 'cercle.db'}",
        },
        "matrix": {
            "enabled": True,
            "homeserver": server.url,
            "user_id": account.user_id,
            "store_path": str(folder / "store"),
            **matrix,
        },
    }


class BotProcess:
    """The bot as ``cercle run --config FILE``, a real process that can be killed."""

    def __init__(
        self, server: SynapseServer, account: Account, folder: Path, log_level: str = "INFO"
    ) -> None:
        self.account = account
        self.folder = folder
        settings = bot_settings(server, account, folder)
        settings["bot"]["log_level"] = log_level
        self.config_path = folder / "cercle.toml"
        self.config_path.write_text(_toml(settings), encoding="utf-8")
        self.log_path = folder / "cercle.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def user_id(self) -> str:
        return self.account.user_id

    def start(self) -> None:
        env = {**os.environ, "CERCLE_MATRIX_PASSWORD": self.account.password}
        env.pop("CERCLE_MATRIX_ACCESS_TOKEN", None)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "adapters.cli", "run", "--config", str(self.config_path)],
                cwd=self.folder,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        """SIGKILL: no chance to finish anything."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def terminate(self, timeout: float = 20) -> int:
        """SIGTERM, as a service manager stops it; returns the exit status."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _toml(settings: dict[str, dict[str, Any]]) -> str:
    lines: list[str] = []
    for section, values in settings.items():
        lines.append(f"[{section}]")
        lines.extend(f"{key} = {json.dumps(value)}" for key, value in values.items())
        lines.append("")
    return "\n".join(lines)


@dataclass(slots=True)
class Group:
    """A support group room with the bot in it, its moderator (the room's creator) and members
    who have all accepted the charter."""

    room_id: str
    bot_user_id: str
    moderator: Member
    members: list[Member]

    @property
    def everyone(self) -> list[Member]:
        return [self.moderator, *self.members]


async def open_group(
    bot: Bot | BotProcess, moderator: Member, members: list[Member], *, encrypted: bool = False
) -> Group:
    room_id = await moderator.create_room(name="Cercle", encrypted=encrypted, invite=(bot.user_id,))
    await moderator.notice("Our charter", room_id=room_id)
    for person in members:
        await moderator.invite(room_id, person.user_id)
        await person.join(room_id)
        name = (await person.client.get_displayname()).displayname
        await moderator.notice(f"Welcome {name}", room_id=room_id)
    for person in [moderator, *members]:
        name = (await person.client.get_displayname()).displayname
        await person.say(room_id, "!agree")
        await moderator.notice(f"Thank you, {name}: you have accepted", room_id=room_id)
    return Group(room_id, bot.user_id, moderator, members)


def is_edit_of(event_id: str, contains: str) -> Callable[[Seen], bool]:
    def match(seen: Seen) -> bool:
        relation = seen.content.get("m.relates_to", {})
        new = seen.content.get("m.new_content", {})
        return (
            relation.get("rel_type") == "m.replace"
            and relation.get("event_id") == event_id
            and contains in new.get("body", "")
        )

    return match


def is_reaction(event_id: str, key: str, sender: str) -> Callable[[Seen], bool]:
    def match(seen: Seen) -> bool:
        relation = seen.content.get("m.relates_to", {})
        return (
            seen.sender == sender
            and relation.get("rel_type") == "m.annotation"
            and relation.get("event_id") == event_id
            and relation.get("key") == key
        )

    return match
