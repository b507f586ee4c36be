"""A member's private calendar link over real HTTP (``[http] public_url``): fetched and read by
``icalendar``; a renewed link makes the old one 404; ``forget-me`` makes it 404; an unknown
token is a plain 404 and never logged."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

import aiohttp
import pytest
from icalendar import Calendar

from adapters.config import Config
from adapters.platform import Dispatcher
from adapters.serve import serve
from bot.app import Cercle
from bot.events import Incoming
from bot.i18n import render
from bot.replies import Outgoing
from tests.e2e.ops.test_http import free_port

pytestmark = pytest.mark.e2e

LINK = re.compile(r"(https://cercle\.example\.org/calendar/[A-Za-z0-9_-]+\.ics)")


class TypingPlatform:
    """Lets the test type commands into the running bot and read its answers."""

    name = "chat"

    def __init__(self) -> None:
        self.ready = asyncio.Event()
        self.cercle: Cercle | None = None
        self.dispatcher: Dispatcher | None = None
        self.sent: list[Outgoing] = []
        self.count = 0

    async def start(self, cercle: Cercle, dispatcher: Dispatcher) -> None:
        self.cercle, self.dispatcher = cercle, dispatcher
        self.ready.set()

    async def say(self, user: str, text: str) -> list[str]:
        assert self.cercle is not None and self.dispatcher is not None
        self.count += 1
        incoming = Incoming(
            self.name,
            "room",
            user,
            user.capitalize(),
            text,
            f"e{self.count}",
            is_moderator=user == "mod",
        )
        outgoing = await self.cercle.handle(incoming)
        await self.dispatcher.deliver(outgoing)
        return [render(o) for o in outgoing if o.reply.user_id == user]

    async def send(self, outgoing: Outgoing) -> None:
        self.sent.append(outgoing)

    async def stop(self) -> None:
        self.ready.clear()

    @property
    def connected(self) -> bool:
        return self.ready.is_set()

    @property
    def rate_limits(self) -> int:
        return 0


async def fetch(port: int, url: str) -> tuple[int, bytes, str]:
    path = url.split("cercle.example.org", 1)[1]
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as answer,
    ):
        return answer.status, await answer.read(), answer.headers.get("Content-Type", "")


def link_in(said: list[str]) -> str:
    [url] = [m.group(1) for text in said for m in [LINK.search(text)] if m]
    return url


async def test_a_private_link_is_fetched_renewed_and_revoked(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    port = free_port()
    config = Config.from_toml(
        f'[http]\nenabled = true\nlisten = "127.0.0.1:{port}"\n'
        'public_url = "https://cercle.example.org/"\n',
        environ={},
    ).with_database(f"sqlite+aiosqlite:///{tmp_path / 'run.db'}")
    platform = TypingPlatform()
    stop = asyncio.Event()
    running = asyncio.create_task(serve(config, stop, [platform]))
    try:
        async with asyncio.timeout(20):
            await platform.ready.wait()
        await platform.say("mod", "agree")
        await platform.say("mod", "session schedule 2027-03-05 19:30 weekly Circle")
        await platform.say("ann", "agree")
        first = link_in(await platform.say("ann", "calendar link"))
        status, body, kind = await fetch(port, first)
        assert status == 200 and kind.startswith("text/calendar")
        events = list(Calendar.from_ical(body).walk("VEVENT"))
        assert [str(e["SUMMARY"]) for e in events] == ["Circle"]
        assert "RRULE" in events[0]

        again = await platform.say("ann", "calendar link")
        assert "Vous avez déjà un lien d'agenda privé" in again[0]  # the group speaks French
        second = link_in(await platform.say("ann", "calendar link reset"))
        assert second != first
        assert (await fetch(port, first))[0] == 404, "the old link stops at once"
        assert (await fetch(port, second))[0] == 200

        await platform.say("ann", "forget-me confirm")
        assert (await fetch(port, second))[0] == 404, "forgotten: the link is gone too"
        assert (await fetch(port, "https://cercle.example.org/calendar/nope.ics"))[0] == 404
        assert (await fetch(port, "https://cercle.example.org/calendar/x"))[0] == 404
        token = second.rsplit("/", 1)[1].removesuffix(".ics")
        assert all(token not in record.getMessage() for record in caplog.records)
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)


async def test_without_a_public_address_no_link_is_offered(tmp_path: Path) -> None:
    config = Config.from_toml("", environ={}).with_database(
        f"sqlite+aiosqlite:///{tmp_path / 'run.db'}"
    )
    platform = TypingPlatform()
    stop = asyncio.Event()
    running = asyncio.create_task(serve(config, stop, [platform]))
    try:
        async with asyncio.timeout(20):
            await platform.ready.wait()
        await platform.say("ann", "agree")
        said = await platform.say("ann", "calendar link")
        assert said == [
            "📅 Les liens d'agenda ne sont pas proposés ici. Vous pouvez recevoir le fichier du "
            "calendrier avec « calendrier »."
        ]
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)
