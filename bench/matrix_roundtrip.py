"""Round trip through a real Synapse: a member sends ``!hand``, how long until the bot's reply
reaches that member's client?  Plain and end-to-end encrypted rooms.

The floor, measured in the same run against the same Synapse: a bare matrix-nio echo bot (it
answers ``!ping`` with an ``m.notice``, nothing else).  Both bots run as their own processes
(Cercle as ``cercle run --config FILE``, the echo bot as this script with ``--echo-bot``); the
member is a matrix-nio client in this process, and the two bots are measured turn about, so
both see the same machine.  Cercle's ``!hand`` is followed by an unmeasured ``!pass`` (and its
panel edit) so every ``!hand`` finds the stick free.

Run: ``.venv/bin/python bench/matrix_roundtrip.py [--iterations N]``; it rewrites its section
of bench/RESULTS.md.  Goal: median within 1.2x of the floor.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _results import median, percentile, write_section  # a sibling module of this script
from nio import AsyncClient, AsyncClientConfig, InviteMemberEvent, MatrixRoom, RoomMessageText

# The Synapse harness and the member client are the Matrix tests' own.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "e2e" / "matrix"))
from matrix_members import BotProcess, Member, Seen, is_edit_of
from matrix_synapse_server import SynapseServer

WARM_UP = 10
SETTLE = 0.2
"""Seconds of quiet before each measured command, for both bots: people in a group do not type
commands back to back, and Cercle's previous replies (panel edit…) should not be measured."""


# --- the floor: a bare echo bot --------------------------------------------------------------


async def echo_bot(homeserver: str, user_id: str, store: str) -> None:
    password = os.environ["ECHO_PASSWORD"]
    client = AsyncClient(
        homeserver,
        user_id,
        store_path=store,
        config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False),
    )
    await client.login(password)

    async def on_message(room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender != client.user_id and event.body == "!ping":
            await client.room_send(
                room.room_id,
                "m.room.message",
                {"msgtype": "m.notice", "body": "pong"},
                ignore_unverified_devices=True,
            )

    async def on_invite(room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == client.user_id and event.membership == "invite":
            await client.join(room.room_id)

    client.add_event_callback(on_invite, InviteMemberEvent)  # type: ignore[arg-type]
    await client.sync(timeout=0, full_state=True)  # history is not answered; invites are
    client.add_event_callback(on_message, RoomMessageText)  # type: ignore[arg-type]
    await client.sync_forever(timeout=30_000)


# --- the measurement ------------------------------------------------------------------------


async def main(iterations: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="cercle-bench-matrix-"))
    server = SynapseServer(folder / "synapse")
    server.start()
    echo: subprocess.Popen[bytes] | None = None
    cercle: BotProcess | None = None
    member: Member | None = None
    try:
        member_account = await server.register("member")
        member = Member(server, member_account, folder / "member")
        await member.start()
        await member.set_name("Member")

        echo_account = await server.register("echo")
        echo = subprocess.Popen(  # noqa: ASYNC220 - started once, before measuring
            [
                sys.executable,
                __file__,
                "--echo-bot",
                server.url,
                echo_account.user_id,
                str(folder / "echo-store"),
            ],
            env={**os.environ, "ECHO_PASSWORD": echo_account.password},
        )
        cercle_account = await server.register("cercle")
        (folder / "cercle").mkdir()
        cercle = BotProcess(server, cercle_account, folder / "cercle", log_level="WARNING")
        cercle.start()

        results: dict[str, tuple[list[float], list[float]]] = {}
        for encrypted in (False, True):
            floor_room = await echo_room(member, echo_account.user_id, encrypted)
            cercle_room = await cercle_group(member, cercle_account.user_id, encrypted)
            floor: list[float] = []
            ours: list[float] = []
            for _ in range(iterations + WARM_UP):
                floor.append(await ping(member, floor_room))
                ours.append(await hand(member, cercle_room))
            results["encrypted" if encrypted else "plain"] = (ours[WARM_UP:], floor[WARM_UP:])
        report(results, iterations)
    finally:
        if member is not None:
            await member.close()
        if cercle is not None:
            cercle.close()
        if echo is not None:
            echo.kill()
            echo.wait()
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def echo_room(member: Member, echo_user: str, encrypted: bool) -> str:
    room = await member.create_room(encrypted=encrypted, invite=(echo_user,))
    await member.wait_for(
        lambda s: (
            s.room_id == room
            and getattr(s.event, "state_key", None) == echo_user
            and getattr(s.event, "membership", None) == "join"
        ),
        timeout=60,
    )
    for _ in range(3):  # the first answers in a room set up keys and sessions
        await ping(member, room)
    return room


async def cercle_group(member: Member, cercle_user: str, encrypted: bool) -> str:
    room = await member.create_room(encrypted=encrypted, invite=(cercle_user,))
    await member.notice("Our charter", room_id=room, timeout=60)
    mark = member.mark()
    await member.say(room, "!agree")
    await member.notice("you have accepted the charter", room_id=room, after=mark)
    await member.say(room, "!session start 4h")
    await member.notice("Speaking: nobody", room_id=room, after=mark)
    for _ in range(3):
        await hand(member, room)
    return room


async def ping(member: Member, room: str) -> float:
    await asyncio.sleep(SETTLE)
    mark = member.mark()
    started = time.perf_counter()
    await member.say(room, "!ping")
    answer = await member.notice("pong", room_id=room, after=mark)
    return answer.at - started


async def hand(member: Member, room: str) -> float:
    """``!hand`` (measured: until its first reply arrives), then ``!pass`` and its panel edit."""
    await asyncio.sleep(SETTLE)
    mark = member.mark()
    started = time.perf_counter()
    await member.say(room, "!hand")
    answer: Seen = await member.notice("Member has the talking stick", room_id=room, after=mark)
    elapsed = answer.at - started
    panel = await member.wait_for(lambda s: is_panel(s, room), after=mark)
    mark = member.mark()
    await member.say(room, "!pass")
    await member.wait_for(is_edit_of(panel_target(panel), "Speaking: nobody"), after=mark)
    return elapsed


def is_panel(seen: Seen, room: str) -> bool:
    relation = seen.content.get("m.relates_to", {})
    return seen.room_id == room and relation.get("rel_type") == "m.replace"


def panel_target(seen: Seen) -> str:
    return str(seen.content["m.relates_to"]["event_id"])


def report(results: dict[str, tuple[list[float], list[float]]], iterations: int) -> None:
    rows = [
        "| room | `!hand` → reply median | p95 | floor median | floor p95 | ratio (median) |",
        "|---|---|---|---|---|---|",
    ]
    for mode, (ours, floor) in results.items():
        rows.append(
            f"| {mode} | {median(ours) * 1000:.1f} ms | {percentile(ours, 0.95) * 1000:.1f} ms "
            f"| {median(floor) * 1000:.1f} ms | {percentile(floor, 0.95) * 1000:.1f} ms "
            f"| {median(ours) / median(floor):.2f}x |"
        )
    body = "\n".join(
        [
            "## Matrix round trip (`bench/matrix_roundtrip.py`)",
            "",
            (
                f"{iterations} round trips per room after {WARM_UP} warm-up ones, against one "
                "local Synapse (SQLite). Measured from the member's send to its client receiving "
                "the bot's first reply, each after 0.2 s of quiet. Cercle runs as `cercle run` "
                "(SQLite, E2EE store); the floor is a bare matrix-nio echo bot (`!ping` → "
                "`m.notice`), measured turn about with Cercle in the same run. Goal: median "
                "within 1.2x of the floor."
            ),
            "",
            *rows,
        ]
    )
    print(body)
    write_section("matrix_roundtrip", body)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--echo-bot", nargs=3, metavar=("URL", "USER", "STORE"))
    arguments = parser.parse_args()
    if arguments.echo_bot:
        Path(arguments.echo_bot[2]).mkdir(parents=True, exist_ok=True)
        asyncio.run(echo_bot(*arguments.echo_bot))
    else:
        asyncio.run(main(arguments.iterations))
