"""The fake gateway: HELLO, heartbeats, IDENTIFY → READY + GUILD_CREATE, RESUME → the missed
events then RESUMED, dispatches filtered by the intents the client asked for, and the ways a test
can disturb a connection (close it, ask for a reconnect, invalidate the session)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

HEARTBEAT_INTERVAL_MS = 41250

GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_VOICE_STATES = 1 << 7
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
GUILD_SCHEDULED_EVENTS = 1 << 16
PRIVILEGED = GUILD_MEMBERS | (1 << 8) | MESSAGE_CONTENT

EVENT_INTENTS = {
    "GUILD_CREATE": GUILDS,
    "GUILD_UPDATE": GUILDS,
    "CHANNEL_CREATE": GUILDS,
    "CHANNEL_UPDATE": GUILDS,
    "GUILD_MEMBER_ADD": GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": GUILD_MEMBERS,
    "VOICE_STATE_UPDATE": GUILD_VOICE_STATES,
    "GUILD_SCHEDULED_EVENT_CREATE": GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_UPDATE": GUILD_SCHEDULED_EVENTS,
    "GUILD_SCHEDULED_EVENT_DELETE": GUILD_SCHEDULED_EVENTS,
}
MESSAGE_EVENTS = {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE"}

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE, RESUME = 0, 1, 2, 3, 4, 6
RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 7, 8, 9, 10, 11


@dataclass(eq=False)
class Connection:
    """One websocket; frames go out in order through a queue and one writer task."""

    socket: web.WebSocketResponse
    queue: asyncio.Queue[str] = field(default_factory=asyncio.Queue)

    def send(self, payload: dict[str, Any]) -> None:
        self.queue.put_nowait(json.dumps(payload))

    async def write(self) -> None:
        while True:
            text = await self.queue.get()
            if self.socket.closed:
                return
            try:
                await self.socket.send_str(text)
            except ConnectionResetError:
                return


@dataclass
class Session:
    id: str
    intents: int
    seq: int = 0
    sent: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    """Every dispatch with its sequence number, for RESUME."""
    connection: Connection | None = None


@dataclass
class Stats:
    identifies: int = 0
    resumes: int = 0
    heartbeats: int = 0
    connections: int = 0
    dispatched: dict[str, int] = field(default_factory=dict)


class Gateway:
    """The gateway of one bot.  ``ready_payload`` and ``guild_payloads`` build READY and the
    GUILD_CREATEs from the fake's world."""

    def __init__(
        self,
        token: str,
        ready_payload: Callable[[Session], dict[str, Any]],
        guild_payloads: Callable[[], list[dict[str, Any]]],
        fail: Callable[[str], None],
        changed: Callable[[], None],
        check: Callable[[str, dict[str, Any]], list[str]] | None = None,
    ) -> None:
        self.token = token
        self._check = check
        self._ready_payload = ready_payload
        self._guild_payloads = guild_payloads
        self._fail = fail
        self._changed = changed
        self.sessions: dict[str, Session] = {}
        self.privileged_allowed = 0
        """The privileged intents turned on for the bot in the Developer Portal."""
        self.current: Session | None = None
        self.stats = Stats()
        self._connections: set[Connection] = set()

    # --- driving it from tests ---
    def dispatch(self, event: str, data: dict[str, Any], *, guild: bool = True) -> bool:
        """Send a dispatch to the current session (kept while disconnected, replayed on
        RESUME).  Returns False when the session's intents filter it out."""
        session = self.current
        if session is None or not wanted(session.intents, event, guild=guild):
            return False
        if event in MESSAGE_EVENTS and not session.intents & MESSAGE_CONTENT:
            data = blank_content(data)
        if self._check is not None:
            for problem in self._check(event, data):
                self._fail(f"gateway {event}: {problem}")
        session.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.sent.append((session.seq, payload))
        self.stats.dispatched[event] = self.stats.dispatched.get(event, 0) + 1
        if session.connection is not None:
            session.connection.send(payload)
        return True

    @property
    def connected(self) -> bool:
        session = self.current
        return session is not None and session.connection is not None

    async def close_connection(self, code: int = 4000) -> None:
        """Drop the connection as Discord does when a gateway node restarts: the client resumes
        and gets what was dispatched meanwhile."""
        session = self.current
        if session is not None and session.connection is not None:
            connection, session.connection = session.connection, None
            await connection.socket.close(code=code, message=b"fake gateway restart")

    async def ask_reconnect(self) -> None:
        session = self.current
        if session is not None and session.connection is not None:
            session.connection.send({"op": RECONNECT, "d": None})

    async def invalidate(self) -> None:
        """Invalidate the session (not resumable): the client identifies again."""
        session = self.current
        if session is not None:
            self.sessions.pop(session.id, None)
            self.current = None
            if session.connection is not None:
                session.connection.send({"op": INVALID_SESSION, "d": False})

    async def close(self) -> None:
        for connection in list(self._connections):
            await connection.socket.close(code=1001)

    # --- the websocket endpoint ---
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        connection = Connection(socket)
        writer = asyncio.create_task(connection.write())
        self._connections.add(connection)
        self.stats.connections += 1
        try:
            connection.send({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
            async for message in socket:
                if message.type is WSMsgType.TEXT:
                    self._receive(connection, json.loads(message.data))
                elif message.type is WSMsgType.BINARY:
                    self._fail("the client sent a binary gateway frame")
        finally:
            self._connections.discard(connection)
            for session in self.sessions.values():
                if session.connection is connection:
                    session.connection = None
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
            self._changed()
        return socket

    def _receive(self, connection: Connection, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == HEARTBEAT:
            self.stats.heartbeats += 1
            connection.send({"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            self._identify(connection, data)
        elif op == RESUME:
            self._resume(connection, data)
        elif op == REQUEST_MEMBERS:
            self._fail("the client asked for guild members (it should not need them)")
        elif op not in (PRESENCE, VOICE_STATE):
            self._fail(f"unexpected gateway opcode {op}")

    def _identify(self, connection: Connection, data: dict[str, Any]) -> None:
        missing = {"token", "properties", "intents"} - set(data)
        if missing:
            self._fail(f"IDENTIFY without {sorted(missing)}")
        if data.get("token") != self.token:
            asyncio.get_running_loop().create_task(
                connection.socket.close(code=4004, message=b"Authentication failed.")
            )
            return
        intents = int(data["intents"])
        if intents & PRIVILEGED & ~self.privileged_allowed:
            # Discord closes with 4014 (disallowed intents): here the test fails at once.
            self._fail(f"the client asked for privileged intents ({intents & PRIVILEGED})")
        self.stats.identifies += 1
        session = Session(id=secrets.token_hex(16), intents=intents, connection=connection)
        self.sessions[session.id] = session
        self.current = session
        self.dispatch("READY", self._ready_payload(session))
        for guild in self._guild_payloads():
            self.dispatch("GUILD_CREATE", guild)
        self._changed()

    def _resume(self, connection: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if data.get("token") != self.token or session is None:
            connection.send({"op": INVALID_SESSION, "d": False})
            return
        self.stats.resumes += 1
        self.current = session
        session.connection = connection
        after = int(data.get("seq") or 0)
        for seq, payload in session.sent:
            if seq > after:
                connection.send(payload)
        self.dispatch("RESUMED", {})
        self._changed()


def wanted(intents: int, event: str, *, guild: bool) -> bool:
    if event in MESSAGE_EVENTS:
        return bool(intents & (GUILD_MESSAGES if guild else DIRECT_MESSAGES))
    needed = EVENT_INTENTS.get(event)
    return needed is None or bool(intents & needed)


def blank_content(data: dict[str, Any]) -> dict[str, Any]:
    """Without MESSAGE_CONTENT, Discord blanks what others wrote (the bot's own messages, DMs
    and mentions excepted; the fake keeps it simple and blanks what is not the bot's)."""
    if data.get("author", {}).get("bot"):
        return data
    return {**data, "content": "", "embeds": [], "attachments": [], "components": []}
