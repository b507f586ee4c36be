"""``cercle console``: the whole bot at a prompt, on the real clock.

Lines are read by a daemon thread (so the event loop never blocks on stdin), commands go to the
core, and a task runs the core's due jobs when they fall due: it sleeps until the next due time
and is woken after every command, which may have scheduled something sooner.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from adapters.console.room import ConsoleRoom, clock_text
from adapters.console.transcript import format_all
from adapters.scheduler import Timer
from bot.app import Cercle
from bot.ports import Clock
from bot.replies import Outgoing

log = logging.getLogger("cercle.console")


MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "banner": (
            "Cercle — console. Vous êtes « {user} » (animateur·rice). Tapez une commande "
            "(« aide » les liste).\n"
            "/as NOM : parler en tant que NOM · /moderator NOM : NOM devient animateur·rice · "
            "/prive COMMANDE : écrire au bot en privé · /quit : quitter"
        ),
        "as": "Vous parlez maintenant en tant que « {user} »{moderator}.",
        "moderator_mark": " (animateur·rice)",
        "moderator": "« {user} » est maintenant animateur·rice.",
        "need_name": "Il manque un nom : {usage}",
        "need_command": "Il manque une commande : {usage}",
        "unknown": (
            "Commande de console inconnue « {word} ». Possible : /as, /moderator, /prive, /quit."
        ),
        "bye": "Au revoir.",
    },
    "en": {
        "banner": (
            "Cercle — console. You are '{user}' (moderator). Type a command ('help' lists them).\n"
            "/as NAME: speak as NAME · /moderator NAME: make NAME a moderator · "
            "/private COMMAND: write to the bot privately · /quit: leave"
        ),
        "as": "You are now speaking as '{user}'{moderator}.",
        "moderator_mark": " (moderator)",
        "moderator": "'{user}' is now a moderator.",
        "need_name": "A name is missing: {usage}",
        "need_command": "A command is missing: {usage}",
        "unknown": "Unknown console command '{word}'. Possible: /as, /moderator, /private, /quit.",
        "bye": "Goodbye.",
    },
}
DEFAULT_USER = {"fr": "moi", "en": "me"}


class LineReader:
    """Reads stdin in a daemon thread, one line when asked, so the event loop never blocks and
    a pending read never keeps the process alive."""

    def __init__(self, stream: TextIO, *, show_prompt: bool) -> None:
        self._stream = stream
        self._show_prompt = show_prompt
        self._asked = threading.Event()
        self._prompt = ""
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, name="console-stdin", daemon=True)
        self._thread.start()

    async def readline(self, prompt: str) -> str | None:
        """The next line without its newline, or None at the end of input."""
        self._prompt = prompt
        self._asked.set()
        return await self._lines.get()

    def _run(self) -> None:
        while True:
            self._asked.wait()
            self._asked.clear()
            line = self._read()
            self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
            if line is None:
                return

    def _read(self) -> str | None:
        try:
            if self._show_prompt and self._stream is sys.stdin:
                return input(self._prompt)
            raw = self._stream.readline()
        except (EOFError, KeyboardInterrupt, OSError, ValueError):
            return None
        return raw.rstrip("\r\n") if raw else None


PRIVATE_WORDS = frozenset({"/private", "/prive", "/privé", "/dm"})
"""``/private COMMAND``: typed to the bot alone, as in a direct message."""


class Interactive:
    def __init__(
        self,
        room: ConsoleRoom,
        language: str,
        out: TextIO,
        *,
        clock: Clock | None = None,
        user: str | None = None,
    ) -> None:
        self.room = room
        self.clock = clock
        self.text = MESSAGES.get(language, MESSAGES["en"])
        self.out = out
        self.user = user or DEFAULT_USER.get(language, "me")
        self.room.make_moderator(self.user)
        self.waiting = False
        """True while the prompt is on screen (job output then starts on a fresh line)."""
        self.tty = out.isatty()

    def say(self, key: str, **params: str) -> None:
        self.write([self.text[key].format(**params)])

    def write(self, lines: Sequence[str]) -> None:
        for line in lines:
            print(line, file=self.out)
        self.out.flush()

    async def deliver_jobs(self, outgoing: Sequence[Outgoing]) -> None:
        lines = format_all(outgoing, self.room.files)
        if not lines:
            return
        if self.waiting and self.tty:
            print(file=self.out)
        if self.clock is not None:
            now = self.clock.now()
            lines.insert(0, f"-- {clock_text(now, outgoing[0].timezone, now)} --")
        self.write(lines)
        if self.waiting and self.tty:
            self.out.write(self.prompt())
            self.out.flush()

    def prompt(self) -> str:
        return f"{self.user}> "

    async def run(self, reader: LineReader, jobs: Timer) -> None:
        self.say("banner", user=self.user)
        while True:
            self.waiting = True
            line = await reader.readline(self.prompt())
            self.waiting = False
            if line is None:
                break
            line = line.strip()
            if not line:
                continue
            word, _, rest = line.partition(" ")
            if word in PRIVATE_WORDS:
                if rest.strip():
                    said = await self.room.say(self.user, rest.strip(), private=True)
                    self.write(format_all(said, self.room.files))
                    jobs.wake()
                else:
                    self.say("need_command", usage=f"{word} COMMAND")
                continue
            if line.startswith("/"):
                if not self.console_command(line):
                    break
                continue
            self.write(format_all(await self.room.say(self.user, line), self.room.files))
            jobs.wake()
        self.say("bye")

    def console_command(self, line: str) -> bool:
        """Handle ``/as``, ``/moderator`` and ``/quit``; False means leave."""
        word, _, rest = line.partition(" ")
        name = rest.strip()
        if word in ("/quit", "/exit", "/q"):
            return False

        if word in ("/as", "/moderator"):
            if not name or any(c.isspace() for c in name):
                self.say("need_name", usage=f"{word} NAME")
                return True
            if word == "/as":
                self.user = name
                mark = self.text["moderator_mark"] if name in self.room.moderators else ""
                self.say("as", user=name, moderator=mark)
            else:
                self.room.make_moderator(name)
                self.say("moderator", user=name)
            return True
        self.say("unknown", word=word)
        return True


async def run_interactive(
    cercle: Cercle,
    clock: Clock,
    language: str,
    stdin: TextIO,
    out: TextIO,
    *,
    files: Path | None = None,
) -> None:
    room = ConsoleRoom(cercle, files=files)
    console = Interactive(room, language, out, clock=clock)
    jobs = Timer(cercle, clock, console.deliver_jobs)
    reader = LineReader(stdin, show_prompt=stdin.isatty() and out.isatty())
    task = asyncio.create_task(jobs.run(), name="console-due-jobs")
    try:
        await console.run(reader, jobs)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
