"""``cercle console``: interactive at a prompt, or replaying a script on a virtual clock."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from adapters.config import Config
from adapters.console.interactive import run_interactive
from adapters.console.room import ConsoleRoom, ScriptRunner
from adapters.console.script import Step, parse_script
from adapters.startup import start
from bot.clock import ManualClock, SystemClock


class ConsoleError(Exception):
    """Something the person running the console must fix (the message says what)."""


def read_script(path: Path) -> list[Step]:
    """Read and check the whole script before anything runs (a bad line changes nothing)."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # an editor's BOM is not a character
    except FileNotFoundError:
        raise ConsoleError(f"script not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConsoleError(f"cannot read the script {path}: {error}") from None
    return parse_script(text, source=str(path))


async def run_script(config: Config, path: Path, out: TextIO | None = None) -> None:
    """Replay ``path`` and print its transcript.  The clock starts now (or at the first
    ``@time``) and only the script moves it."""
    stream = out or sys.stdout
    steps = read_script(path)
    clock = ManualClock(SystemClock().now())
    async with await start(config, clock) as runtime:
        room = ConsoleRoom(runtime.cercle, files=config.bot.data_folder())

        def emit(line: str) -> None:
            print(line, file=stream)

        runner = ScriptRunner(room, clock, config.bot.timezone, emit, source=str(path))
        try:
            await runner.run(steps)
        finally:
            stream.flush()


async def run_prompt(
    config: Config, stdin: TextIO | None = None, out: TextIO | None = None
) -> None:
    """The interactive console on the real clock."""
    clock = SystemClock()
    async with await start(config, clock) as runtime:
        await run_interactive(
            runtime.cercle,
            clock,
            config.bot.language,
            stdin or sys.stdin,
            out or sys.stdout,
            files=config.bot.data_folder(),
        )
