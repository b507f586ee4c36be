"""Room announcements under Discord's per-channel limits: while they wait, those for the same
channel are said in one message, in order, each once; without a burst nothing changes."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import pytest
from discord_fake import FakeDiscord, User
from discord_harness import Bot, World

from adapters.discord.interactions import DEFER_AFTER
from adapters.discord.state import MergedRecord
from bot.replies import Outgoing, UserRef, room

CREATE = ("POST", "/channels/{channel_id}/messages")
FOLLOWUP = ("POST", "/webhooks/{webhook_id}/{webhook_token}")
"""Public follow-ups: Discord limits them per channel and across the bot, as channel posts."""
PER = 5.0
POSITION = re.compile(r"(membre\d\d)[^(\n]*\(n° (\d+)", re.IGNORECASE)
STICK_GIVEN = re.compile(r"🎤 (membre\d\d) a le bâton de parole", re.IGNORECASE)


def _limit(fake: FakeDiscord) -> None:
    """Five messages per five seconds in the channel, and as many follow-ups for the bot."""
    fake.limits.bucket(CREATE, limit=5, per=PER)
    fake.limits.bucket(FOLLOWUP, limit=5, per=PER, by="webhook_id")


def _members(fake: FakeDiscord, world: World, count: int) -> list[User]:
    return [fake.add_member(world.guild, f"membre{i:02d}") for i in range(count)]


async def _prepared(fake: FakeDiscord, world: World, database: Path, members: list[User]) -> None:
    """Everyone accepted the charter and a session is open (one earlier run of the bot)."""
    bot = await Bot(fake, world, database).start()
    try:
        await bot.agree(*members)
        await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    finally:
        await bot.stop()


def _hands(texts: list[str]) -> list[tuple[str, int]]:
    return [(name.lower(), int(n)) for text in texts for name, n in POSITION.findall(text)]


async def test_twelve_hands_at_once_are_acknowledged_in_fewer_messages_in_order_once(
    fake: FakeDiscord, world: World, database: Path
) -> None:
    members = _members(fake, world, 12)
    await _prepared(fake, world, database, members)
    # A core behind (a burst): every interaction is deferred, its answers follow it.
    bot = await Bot(fake, world, database, defer_after=0).start()
    try:
        _limit(fake)
        before = len(fake.messages(world.room))
        began = time.perf_counter()
        exchanges = [fake.slash(member, world.room, "hand") for member in members]
        for exchange in exchanges:
            await fake.answered(exchange, timeout=3)
        slowest_answer = max(e.latency for e in exchanges)
        assert slowest_answer < 3.0, f"an interaction answered after {slowest_answer:.2f} s"

        def acknowledged() -> bool:
            return len(_hands(fake.texts(world.room)[before:])) >= 11

        await fake.until(acknowledged, timeout=20, what="every hand acknowledged")
        last_ack = time.perf_counter() - began
        await bot.settle()

        said = fake.texts(world.room)[before:]
        [holder] = [name.lower() for text in said for name in STICK_GIVEN.findall(text)]
        hands = _hands(said)
        assert [n for _, n in hands] == list(range(1, 12)), hands
        named = {holder} | {name for name, _ in hands}
        assert named == {m.username for m in members}, "each member once"
        assert len(said) < 12, f"{len(said)} messages for 12 announcements"
        assert bot.platform.parts.announcer.merged > 0
        assert last_ack < 3.0, f"the last hand was acknowledged after {last_ack:.2f} s"
        assert fake.nonce_hits == 0
    finally:
        await bot.stop()


@pytest.mark.parametrize("defer_after", [DEFER_AFTER, 0.0], ids=["answered", "deferred"])
async def test_without_a_burst_nothing_is_merged(
    fake: FakeDiscord, world: World, database: Path, defer_after: float
) -> None:
    await _prepared(fake, world, database, [world.bob, world.cat, world.dan])
    bot = await Bot(fake, world, database, defer_after=defer_after).start()
    try:
        _limit(fake)
        bob = await bot.run(fake.slash(world.bob, world.room, "hand"))
        assert [m.text for m in bob.public] == ["🎤 Bob a le bâton de parole."]
        cat = await bot.run(fake.slash(world.cat, world.room, "hand"))
        assert [m.text for m in cat.public] == ["✋ Cat a levé la main (n° 1 dans la file)."]
        dan = await bot.run(fake.slash(world.dan, world.room, "hand"))
        assert [m.text for m in dan.public] == ["✋ Dan a levé la main (n° 2 dans la file)."]
        assert bot.platform.parts.announcer.merged == 0
    finally:
        await bot.stop()


def _welcome(world: World, user: User, key: str) -> Outgoing:
    reply = room("welcome.newcomer", member=UserRef(str(user.id), user.global_name or ""))
    return Outgoing("discord", str(world.room.id), reply, "fr", "Europe/Paris", key)


async def test_timed_announcements_merged_in_a_burst_are_not_sent_again_when_retried(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    members = _members(fake, world, 8)
    _limit(fake)
    said = [_welcome(world, user, f"job:{n}:room:0") for n, user in enumerate(members)]
    await asyncio.gather(*(bot.platform.send(o) for o in said))
    posted = fake.texts(world.room)
    assert len(posted) < len(said)
    for user in members:
        assert sum(text.count(user.global_name or "") for text in posted) == 1, posted
    # The core did not hear back (a crash before it marked them done): it sends them again.
    for outgoing in said:
        await bot.platform.send(outgoing)
    assert fake.texts(world.room) == posted, "what a merged message said is not said again"


async def test_a_merged_message_written_down_but_not_posted_is_posted_once_when_retried(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    """The process died between writing the merged message down and posting it."""
    members = _members(fake, world, 3)
    said = [_welcome(world, user, f"job:{n}:room:0") for n, user in enumerate(members)]
    record = MergedRecord(
        nonce="0123456789abcdef012345678",
        room_id=world.room.id,
        content="🌱 Bienvenue Membre00, Membre01 et Membre02.",
        covers=tuple(o.idempotency_key for o in said),
        at=time.time(),
    )
    await bot.platform.parts.state.put_merged(record)
    for outgoing in said:
        await bot.platform.send(outgoing)
    assert fake.texts(world.room) == [record.content], "the merged message, once"
