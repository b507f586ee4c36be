"""Discord interaction round trips through the fake Discord of the test suite.

Latency is measured by the fake, from the moment it sends INTERACTION_CREATE on the gateway to the
moment the interaction's callback (the acknowledgement Discord waits 3 s for) reaches it: the
real discord.py client, the adapter and, for ``/hand``, the core on a SQLite file.

The floor, in the same run: a bare discord.py client whose ``/ping`` answers ``pong`` at once,
against the same fake.  ``/hand`` is measured in a group of 8 (a peer-support group is small;
the core reads only the members holding or waiting for the stick).  Then 200 members of another
channel press the command at the same moment: every interaction must be acknowledged (deferred if
the core is busy), p99 under 500 ms.

Run: ``.venv/bin/python bench/discord_roundtrip.py [--iterations N]``; it rewrites its section of
bench/RESULTS.md.  Goal: ``/hand`` median within 3 ms of the floor.  Payloads are not checked
against the OpenAPI description here (the tests do that).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from _results import median, percentile, write_section  # a sibling module of this script

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e" / "discord"))

import discord
from discord import app_commands
from discord_fake import Channel, Exchange, FakeDiscord, User

from adapters.config import Config, DiscordConfig
from adapters.discord import DiscordPlatform
from adapters.platform import Dispatcher
from adapters.startup import start
from bot.clock import ManualClock
from bot.events import Incoming
from bot.replies import Outgoing

WARM_UP = 20
GROUP = 8
CROWD = 200


async def main(iterations: int) -> None:
    logging.basicConfig(level=logging.ERROR)
    folder = Path(tempfile.mkdtemp(prefix="cercle-bench-discord-"))
    try:
        async with FakeDiscord.running() as fake:
            guild = fake.add_guild("Bench")
            room = fake.add_channel(guild, "groupe")  # a support group: a handful of people
            hall = fake.add_channel(guild, "amphi")  # where the crowd presses /hand at once
            members = [fake.add_member(guild, f"m{i:03d}") for i in range(CROWD + 2)]
            role = fake.add_role(guild, "Animateur")
            moderator = fake.add_member(guild, "mod", roles=[role])
            fake.allow("session", role.id)
            floor, floor_crowd = await measure_floor(fake, room, hall, members, iterations)
            hand, core, hand_crowd, deferred = await measure_cercle(
                fake, folder, (room, hall), members, moderator, iterations
            )
            assert fake.failures == [], fake.failures
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report(iterations, floor, hand, core, floor_crowd, hand_crowd, deferred)


async def until(fake: FakeDiscord, condition: Callable[[], object]) -> None:
    await fake.until(condition, timeout=30)


async def measure_floor(
    fake: FakeDiscord, room: Channel, hall: Channel, members: list[User], iterations: int
) -> tuple[list[float], list[float]]:
    client = discord.Client(intents=discord.Intents.none(), guild_ready_timeout=0)
    tree = app_commands.CommandTree(client)

    @tree.command(name="ping", description="pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    async def setup() -> None:
        await tree.sync()

    client.setup_hook = setup  # type: ignore[method-assign]
    await client.login(fake.token)
    task = asyncio.create_task(client.connect())
    await until(fake, lambda: fake.commands.get(None) and fake.gateway.connected)
    await client.wait_until_ready()
    samples: list[float] = []
    for _ in range(iterations + WARM_UP):
        exchange = fake.slash(members[0], room, "ping")
        await until(fake, lambda e=exchange: e.acknowledged)
        samples.append(exchange.latency)
    crowd = [fake.slash(m, hall, "ping") for m in members[:CROWD]]
    await until(fake, lambda: all(e.acknowledged for e in crowd))
    await client.close()
    await task
    return samples[WARM_UP:], [e.latency for e in crowd]


async def measure_cercle(
    fake: FakeDiscord,
    folder: Path,
    rooms: tuple[Channel, Channel],
    members: list[User],
    moderator: User,
    iterations: int,
) -> tuple[list[float], list[float], list[float], int]:
    settings = DiscordConfig(enabled=True)
    config = Config(discord=settings).with_database(f"sqlite+aiosqlite:///{folder / 'bench.db'}")
    runtime = await start(config, ManualClock(datetime.now(UTC)))
    cercle = runtime.cercle
    core: list[float] = []
    handle = cercle.handle

    async def timed(incoming: Incoming) -> list[Outgoing]:
        started = time.perf_counter()
        try:
            return await handle(incoming)
        finally:
            core.append(time.perf_counter() - started)

    cercle.handle = timed  # type: ignore[method-assign]
    platform = DiscordPlatform(settings, fake.token, guild_ready_timeout=0)
    await platform.start(runtime.cercle, Dispatcher({"discord": platform}))

    async def run(user: User, room: Channel, *names: str) -> Exchange:
        exchange = fake.slash(user, room, *names)
        await until(fake, lambda: exchange.acknowledged)
        await platform.drain()
        return exchange

    room, hall = rooms
    group = members[:GROUP]
    try:
        for member in [*group, moderator]:
            await run(member, room, "agree")
        await run(moderator, room, "session", "start")
        holder, raiser = group[-1], group[-2]
        await run(holder, room, "hand")  # someone speaks; the measured member raises a hand
        samples: list[float] = []
        in_core: list[float] = []
        for _ in range(iterations + WARM_UP):
            samples.append((await run(raiser, room, "hand")).latency)
            in_core.append(core[-1])
            await run(raiser, room, "lower")
        for member in [*members[:CROWD], moderator]:
            await run(member, hall, "agree")
        await run(moderator, hall, "session", "start")
        crowd = [fake.slash(m, hall, "hand") for m in members[:CROWD]]
        await until(fake, lambda: all(e.acknowledged for e in crowd))
        await platform.drain()
        deferred = sum(1 for e in crowd if e.deferred)
    finally:
        await platform.stop()
        await runtime.close()
    return samples[WARM_UP:], in_core[WARM_UP:], [e.latency for e in crowd], deferred


def report(
    iterations: int,
    floor: list[float],
    hand: list[float],
    core: list[float],
    floor_crowd: list[float],
    hand_crowd: list[float],
    deferred: int,
) -> None:
    def ms(value: float) -> str:
        return f"{value * 1000:.2f} ms"

    gap = median(hand) - median(floor)
    overhead = median([h - c for h, c in zip(hand, core, strict=True)]) - median(floor)

    def row(label: str, values: list[float]) -> str:
        cells = [ms(median(values)), ms(percentile(values, 0.99)), ms(max(values))]
        return f"| {label} | {' | '.join(cells)} |"

    rows = [
        "| interaction | median | p99 | max |",
        "|---|---|---|---|",
        row("`/ping`, bare discord.py (floor)", floor),
        row("`/hand`, Cercle on SQLite", hand),
        row("of which the core (`Cercle.handle`)", core),
        row(f"{CROWD} `/ping` at once (floor)", floor_crowd),
        row(f"{CROWD} `/hand` at once", hand_crowd),
    ]
    body = "\n".join(
        [
            "## Discord interaction round trips (`bench/discord_roundtrip.py`)",
            "",
            (
                "From INTERACTION_CREATE sent by the fake Discord of the test suite to the "
                "interaction's callback received by it, through the real discord.py 2.7 client "
                f"on 127.0.0.1. {iterations} sequential interactions each ({WARM_UP} more "
                f"dropped as warm-up); `/hand` is a member of a {GROUP}-person group raising a "
                "hand while someone speaks (the core on a SQLite file, then `/lower`, not "
                f"measured). Then {CROWD} members of one channel press the command at the same "
                "moment. Goal: `/hand` median within 3 ms of the floor; "
                f"{CROWD} concurrent interactions all acknowledged, p99 under 500 ms."
            ),
            "",
            *rows,
            "",
            (
                f"`/hand` median − floor median: {gap * 1000:.2f} ms, of which the adapter "
                f"(everything but the core's command, per interaction) {overhead * 1000:.2f} ms. "
                f"Of the {CROWD} concurrent `/hand`, {len(hand_crowd)} were acknowledged within "
                f"Discord's 3 s, {deferred} by deferring (the core runs one command at a time)."
            ),
        ]
    )
    print(body)
    write_section("discord_roundtrip", body)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=300)
    asyncio.run(main(parser.parse_args().iterations))
