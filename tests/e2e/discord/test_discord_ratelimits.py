"""Discord's rate limits: new direct-message channels opened at a pace (private reminders get
theirs ahead, and still arrive on time, once), 429s waited out without repeating anything, the
answer to a person's own command given at once while the room's announcements wait."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from discord_fake import FakeDiscord, User
from discord_harness import Bot, World

from adapters.platform import Dispatcher
from bot.i18n import translate
from bot.replies import Duration, Outgoing, private, room

PARIS = ZoneInfo("Europe/Paris")
CREATE = ("POST", "/channels/{channel_id}/messages")
BREAK_OVER = translate("session.break_over", "fr")
RATE = 4.0
"""New direct-message channels a second in these tests (the default is 0.5)."""


@pytest.fixture
async def paced(fake: FakeDiscord, world: World, database: Path) -> AsyncIterator[Bot]:
    bot = await Bot(fake, world, database, new_dms_per_second=RATE).start()
    yield bot
    await bot.stop()


def _said(fake: FakeDiscord, world: World, words: str) -> int:
    """How many times the room was told ``words`` (alone or in a merged message)."""
    return sum(text.count(words) for text in fake.texts(world.room))


def _members(fake: FakeDiscord, world: World, count: int) -> list[User]:
    return [fake.add_member(world.guild, f"membre{i:02d}") for i in range(count)]


async def _schedule_in(bot: Bot, world: World, minutes: int) -> datetime:
    """A session planned ``minutes`` from now (the 15-minute reminder falls due before)."""
    start = (bot.clock.now() + timedelta(minutes=minutes + 1)).replace(second=0, microsecond=0)
    local = start.astimezone(PARIS)
    await bot.run(
        bot.fake.slash(
            world.alice,
            world.room,
            "session",
            "schedule",
            date=local.strftime("%Y-%m-%d"),
            time=local.strftime("%H:%M"),
        )
    )
    return start


async def test_twelve_private_reminders_get_their_channels_ahead_and_arrive_on_time_once(
    fake: FakeDiscord, world: World, database: Path
) -> None:
    bot = await Bot(fake, world, database, new_dms_per_second=RATE).start()
    members = _members(fake, world, 12)
    for member in members:
        await bot.run(fake.slash(member, world.room, "remind", state="on"))
    assert fake.dm_opens == [], "asking for reminders opens nothing yet"

    start = await _schedule_in(bot, world, 20)
    due = start - timedelta(minutes=15)
    # The reminder is within the half hour looked at: the twelve channels are opened now, at
    # the pace, well before it falls due (the core's clock has not moved).
    await fake.until(lambda: len(fake.dm_opens) == 12, timeout=12, what="12 channels opened")
    await bot.platform.parts.direct.settled()
    assert fake.most_dm_opens(within=1.0) <= RATE
    assert fake.most_dm_opens(within=0.9 / RATE) == 1, "one at a time, spaced"
    assert all(fake.dms(m) == [] for m in members), "nothing is sent before its time"

    # A restart meanwhile: the channels are remembered, nothing is opened again.
    await bot.stop()
    bot = await Bot(fake, world, database, new_dms_per_second=RATE).start()
    try:
        bot.clock.set(due)
        deliver = Dispatcher({"discord": bot.platform}).deliver
        began = time.perf_counter()
        assert await bot.cercle.run_due(deliver) == 1
        spent = time.perf_counter() - began
        assert await bot.cercle.lateness() == timedelta(0)
        for member in members:
            [reminder] = fake.dms(member)
            assert "se retrouve dans 15 min" in reminder.text, reminder.text
        assert len(fake.dm_opens) == 12, "sent to the channels opened ahead"
        assert spent < 2.0, f"12 reminders took {spent:.2f} s once due"
        assert await bot.cercle.run_due(deliver) == 0
        assert all(len(fake.dms(m)) == 1 for m in members), "none twice"
    finally:
        await bot.stop()


async def test_new_channels_needed_at_once_are_opened_at_the_pace_soonest_first(
    fake: FakeDiscord, world: World, paced: Bot
) -> None:
    members = _members(fake, world, 6)

    def nudge(user: User, n: int) -> Outgoing:
        reply = private(str(user.id), "stick.nudge", minutes=Duration(5))
        return Outgoing("discord", str(world.room.id), reply, "fr", "Europe/Paris", f"job:{n}")

    loop = asyncio.get_running_loop()
    direct = paced.platform.parts.direct
    # Four channels prepared for later; then two replies due now pass before them.
    for user in members[:4]:
        await direct.prepare(user.id, loop.time() + 600)
    await asyncio.gather(*(paced.platform.send(nudge(u, i)) for i, u in enumerate(members[4:])))
    await direct.settled()
    assert len(fake.dm_opens) == 6
    assert fake.most_dm_opens(within=1.0) <= RATE
    opened = [int(r.body["recipient_id"]) for r in fake.requests_to("POST", "/users/@me/channels")]
    assert {members[4].id, members[5].id} <= set(opened[:3]), "due now: before those for later"
    assert [len(fake.dms(u)) for u in members] == [0, 0, 0, 0, 1, 1]


async def test_429s_on_message_create_are_waited_out_and_nothing_is_repeated(
    fake: FakeDiscord, world: World, paced: Bot
) -> None:
    members = _members(fake, world, 4)
    for user in members:  # their channels are open already
        await paced.platform.parts.direct.prepare(user.id, 0)
    await paced.platform.parts.direct.settled()
    counted = paced.platform.rate_limits
    fake.limits.per_second(3)
    fake.limits.bucket(CREATE, limit=2, per=0.5)

    said = [
        *(
            Outgoing(
                "discord",
                str(world.room.id),
                room("session.break_over"),
                "fr",
                "Europe/Paris",
                f"job:{n}:room",
            )
            for n in range(6)
        ),
        *(
            Outgoing(
                "discord",
                str(world.room.id),
                private(str(u.id), "stick.nudge", minutes=Duration(5)),
                "fr",
                "Europe/Paris",
                f"job:{n}:dm",
            )
            for n, u in enumerate(members)
        ),
    ]
    await asyncio.gather(*(paced.platform.send(o) for o in said))
    statuses = [r.status for r in fake.requests_to(*CREATE)]
    assert 429 in statuses, statuses
    posted = len(fake.texts(world.room))
    assert statuses.count(200) == posted + len(members), "each message once"
    assert _said(fake, world, BREAK_OVER) == 6, "each announcement once (some merged)"
    assert [len(fake.dms(u)) for u in members] == [1, 1, 1, 1]
    assert fake.nonce_hits == 0, "a refused request did nothing: nothing to collapse"
    assert paced.platform.rate_limits > counted


async def test_an_interaction_is_answered_at_once_during_a_burst_of_announcements(
    fake: FakeDiscord, world: World, paced: Bot
) -> None:
    fake.limits.per_second(4)
    fake.limits.bucket(CREATE, limit=2, per=0.5)

    def announcement(n: int) -> Outgoing:
        return Outgoing(
            "discord",
            str(world.room.id),
            room("session.break_over"),
            "fr",
            "Europe/Paris",
            f"job:{n}:room",
        )

    burst = [asyncio.create_task(paced.platform.send(announcement(n))) for n in range(12)]
    await fake.until(lambda: len(fake.texts(world.room)) >= 2, what="the burst under way")
    exchange = fake.slash(world.bob, world.room, "rules")
    await fake.answered(exchange, timeout=3)
    assert exchange.latency < 1.0, f"answered after {exchange.latency:.2f} s"
    assert len(fake.texts(world.room)) < 12, "the announcements were still waiting"
    await paced.settle()
    assert any("Notre charte" in m.text for m in exchange.public)
    await asyncio.gather(*burst)
    assert _said(fake, world, BREAK_OVER) == 12, "each announcement once (merged while waiting)"
    assert _said(fake, world, "Notre charte") == 1
    assert len(fake.texts(world.room)) < 12 + 1


async def test_room_announcements_go_before_timed_direct_messages(
    fake: FakeDiscord, world: World, paced: Bot
) -> None:
    members = _members(fake, world, 4)
    for user in members:
        await paced.platform.parts.direct.prepare(user.id, 0)
    await paced.platform.parts.direct.settled()
    fake.limits.per_second(3)

    rooms = [
        Outgoing(
            "discord",
            str(world.room.id),
            room("session.break_over"),
            "fr",
            "Europe/Paris",
            f"job:{n}:room",
        )
        for n in range(4)
    ]
    dms = [
        Outgoing(
            "discord",
            str(world.room.id),
            private(str(u.id), "stick.nudge", minutes=Duration(5)),
            "fr",
            "Europe/Paris",
            f"job:{n}:dm",
        )
        for n, u in enumerate(members)
    ]
    sending = [paced.platform.send(o) for o in [*rooms, *dms]]
    await asyncio.gather(*sending)
    posted = [
        int(r.path.split("/")[4]) == world.room.id
        for r in fake.requests_to(*CREATE)
        if r.status == 200
    ]
    assert len(posted) == 8
    assert posted == [True] * 4 + [False] * 4, "the room's announcements first"
