"""Twelve members and a Synapse with its default rate limits for the bot (0.2 messages/s after a
burst of 10; ten rooms at once, then one a minute).

Measured: each member's wait for the answer meant for them when the twelve type ``!agree``
within three seconds, then ``!hand`` within three seconds during a session; and how early or
late twelve private reminders arrive relative to their due time (the core's clock is shifted so
the reminder falls due two minutes after it is planned; the homeserver's limits run in real
time).  Beside them, the physical bound computed from the limits: the messages the old bot sent
for that burst (one per answer) at 0.2 per second with the burst spent.

Run: ``.venv/bin/python bench/matrix_ratelimit.py``; it rewrites its section of
bench/RESULTS.md.  Goals: slowest answer ≤ 20 s, every reminder by its due time, 0 lost,
0 repeated.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from _results import median, write_section  # a sibling module of this script

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "e2e" / "matrix"))
from matrix_members import Bot, Member, bot_config
from matrix_synapse_server import SynapseServer
from test_matrix_rate_limits import ShiftedClock, burst, gather_group, places_announced

MEMBERS = 12
RATE = 0.2


async def run(folder: Path) -> str:
    server = SynapseServer(folder / "synapse", default_limits=True)
    server.start()
    people: list[Member] = []
    bot: Bot | None = None
    try:

        async def make(name: str, where: SynapseServer | None = None) -> Member:
            account = await server.register(server.fresh_name(name))
            await server.unlimit(account.user_id)
            person = Member(server, account, folder / "members" / account.user_id)
            await person.start()
            await person.set_name(name.capitalize())
            people.append(person)
            return person

        clock = ShiftedClock()
        account = await server.register(server.fresh_name("cercle"))
        (folder / "bot").mkdir()
        bot = Bot(server, account, folder / "bot", bot_config(server, account, folder / "bot"))
        bot.clock = clock
        await bot.start()
        room, host, members = await gather_group(server, make, bot.user_id)

        agreed = await burst(members, room, "!agree", "accepted the charter")
        await host.say(room, "!agree")
        mark = host.mark()
        await host.say(room, "!session start")
        await host.say(room, "!hand")
        await host.notice("has the talking stick", room_id=room, after=mark, timeout=120)
        mark = host.mark()
        raised = await burst(members, room, "!hand", "raised their hand")
        await host.wait_until(lambda: len(places_announced(host.seen[mark:], room)) >= MEMBERS, 120)
        hands = places_announced(host.seen[mark:], room)
        hand_messages = len([s for s in host.seen[mark:] if "raised their hand" in s.body])

        for person in members:
            await person.say(room, "!remind on")
        for person in members:
            await person.notice("direct message before each session", timeout=300)
        real = datetime.now(UTC)
        clock.offset = (real.replace(second=0, microsecond=0) + timedelta(minutes=1)) - real
        due = clock.now() + timedelta(minutes=2)
        start = (due + timedelta(days=1)).astimezone(ZoneInfo("Europe/Paris"))
        await host.say(room, "!session end")
        await host.say(room, f"!session schedule {start:%Y-%m-%d %H:%M} 60m")
        arrived: dict[str, float] = {}

        async def reminded(person: Member) -> None:
            await person.wait_for(lambda s: s.room_id != room and "meets in" in s.body, timeout=600)
            arrived[person.user_id] = (clock.now() - due).total_seconds()

        await asyncio.gather(*(reminded(person) for person in members))
        mark = members[0].mark()
        await members[0].say(room, "!remind on")
        await members[0].notice("direct message before", after=mark, timeout=120)
        repeated = sum(
            len([s for s in p.seen if s.room_id != room and "meets in" in s.body]) - 1
            for p in members
        )
    finally:
        if bot is not None:
            await bot.stop()
        for person in people:
            with contextlib.suppress(Exception):
                await person.close()
        server.stop()

    bound = MEMBERS / RATE
    lateness = sorted(arrived.values())
    rows = [
        ("12 × `!agree` within 3 s: wait for one's answer", agreed.values(), bound),
        ("12 × `!hand` within 3 s: wait for one's acknowledgement", raised.values(), bound),
    ]
    lines = [
        "| burst | median | slowest | goal | bound, one message each (12 ÷ 0.2/s) |",
        "|---|---|---|---|---|",
    ]
    for label, values, limit in rows:
        ordered = sorted(values)
        lines.append(
            f"| {label} | {median(ordered):.1f} s | {ordered[-1]:.1f} s | ≤ 20 s | {limit:.0f} s |"
        )
    return "\n".join(
        [
            "## Matrix under Synapse's default rate limits (`bench/matrix_ratelimit.py`)",
            "",
            "A local Synapse with its default `rc_message` (0.2/s after 10), `rc_room_creation`,",
            "`rc_invites` and `rc_joins` for the bot (members unlimited); 12 members in one",
            "room; the bot in-process on SQLite, the pace learned from the 429s (no hint).",
            "",
            *lines,
            "",
            f"Hands announced: {len(hands)} places, each of 1–12 once: "
            f"{sorted(hands) == list(range(1, 13))}; in {hand_messages} message(s) "
            "(the twelve acknowledgements were merged while the bot waited for its budget).",
            "",
            f"12 private reminders (and the room's), relative to their due time: earliest "
            f"{lateness[0]:+.1f} s, latest {lateness[-1]:+.1f} s (negative: early); "
            f"lost {MEMBERS - len(lateness)}, repeated {repeated}. Bound: 13 messages at 0.2/s "
            f"take {13 / RATE:.0f} s, so they start about that much before their time.",
        ]
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        body = asyncio.run(run(Path(folder)))
    print(body)
    write_section("matrix_ratelimit", body)


if __name__ == "__main__":
    main()
