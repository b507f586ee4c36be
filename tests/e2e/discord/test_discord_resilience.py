"""What happens when Discord misbehaves: a dropped gateway connection (RESUME), an invalidated
session (READY again), rate limits, a lost response, a slow core, a broken payload."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from discord_fake import FakeDiscord
from discord_harness import Bot, World, panels, texts

from bot.events import Incoming
from bot.i18n import translate
from bot.replies import Outgoing

CREATE = ("POST", "/channels/{channel_id}/messages")
EDIT = ("PATCH", "/channels/{channel_id}/messages/{message_id}")
FOLLOWUP = ("POST", "/webhooks/{webhook_id}/{webhook_token}")
DEFERRED_WITH_SOURCE = 5


async def test_a_dropped_connection_resumes_with_nothing_lost_or_repeated(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    await bot.agree(world.bob, world.cat)
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    before = len(fake.messages(world.room))

    await fake.gateway.close_connection()
    # Discord keeps what happens meanwhile and replays it on RESUME.
    first = fake.slash(world.bob, world.room, "hand")
    second = fake.slash(world.cat, world.room, "hand")
    await bot.run(first)
    await bot.run(second)
    await fake.until(lambda: fake.gateway.stats.resumes == 1, what="a RESUME")
    assert fake.gateway.stats.identifies == 1, "resumed, not a new session"
    assert [m.text for m in first.public] == ["🎤 Bob a le bâton de parole."]
    assert [m.text for m in second.public] == ["✋ Cat a levé la main (n° 1 dans la file)."]
    await fake.until(lambda: "Parole : Bob · en attente : Cat" in panels(fake, world.room)[0].text)
    assert len(fake.messages(world.room)) == before + 2, "each answer once"
    assert fake.rest.command_writes == 1


async def test_ready_again_does_not_repeat_start_up_work(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    edits = len(fake.requests_to(*EDIT))

    async def at_once(shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s before identifying again (Discord's limit); not here."""

    bot.platform.client.before_identify_hook = at_once  # type: ignore[method-assign]
    await fake.gateway.invalidate()  # not resumable: the client identifies again → READY
    await fake.until(lambda: fake.gateway.stats.identifies == 2, what="a second IDENTIFY")
    exchange = await bot.run(fake.slash(world.bob, world.room, "rules"))
    assert "Notre charte" in texts(exchange)
    assert len(fake.requests_to(*EDIT)) == edits, "no start-up refresh the second time"
    assert fake.rest.command_writes == 1
    assert len(world.guild.events) == 1


async def test_rate_limits_are_waited_out(fake: FakeDiscord, world: World, bot: Bot) -> None:
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    counted = bot.platform.rate_limits
    fake.rate_limit(*FOLLOWUP, retry_after=0.05)
    fake.rate_limit(*EDIT, retry_after=0.05, is_global=True)
    await bot.agree(world.bob)
    exchange = await bot.run(fake.slash(world.bob, world.room, "hand"))
    assert [m.text for m in exchange.messages][-1].startswith("🎤 C'est à vous")
    await fake.until(lambda: "Parole : Bob" in panels(fake, world.room)[0].text)
    statuses = [r.status for r in fake.requests_to(*FOLLOWUP)]
    assert 429 in statuses
    assert statuses[-1] == 200
    assert bot.platform.rate_limits >= counted + 2, "both 429s counted for /metrics"


def _reminder(world: World, key: str = "job:7:room:0") -> Outgoing:
    from bot.replies import room

    return Outgoing(
        "discord", str(world.room.id), room("session.break_over"), "fr", "Europe/Paris", key
    )


async def test_a_timed_message_is_posted_once_whatever_the_retries(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    fake.rate_limit(*CREATE, retry_after=0.05)
    fake.lose_response(*CREATE)  # posted, but the answer is lost: discord.py tries again
    await bot.platform.send(_reminder(world))
    await bot.platform.send(_reminder(world))  # the core delivers it again after a crash
    assert fake.texts(world.room) == [translate("session.break_over", "fr")]
    assert [r.status for r in fake.requests_to(*CREATE)] == [429, 500, 200, 200]
    assert fake.nonce_hits == 2, "Discord answered the retries with the first message"
    await bot.platform.send(_reminder(world, "job:8:room:0"))
    assert len(fake.texts(world.room)) == 2, "another reminder is another message"


async def test_a_slow_core_gets_the_interaction_deferred(
    fake: FakeDiscord, world: World, database: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bot = await Bot(fake, world, database, defer_after=0.05).start()
    try:
        release = asyncio.Event()
        handle = bot.cercle.handle

        async def slow(incoming: Incoming) -> list[Outgoing]:
            await release.wait()
            return await handle(incoming)

        bot.cercle.handle = slow  # type: ignore[method-assign]
        exchange = fake.slash(world.bob, world.room, "rules")
        await fake.answered(exchange)
        assert exchange.callback_type == DEFERRED_WITH_SOURCE
        assert exchange.response is not None
        assert exchange.response.ephemeral
        release.set()
        await bot.settle()
        assert any("Notre charte" in m.text for m in exchange.public)
        assert exchange.latency < 1.0
    finally:
        await bot.stop()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_broken_dispatch_that_kills_the_connection_is_reported(
    fake: FakeDiscord, world: World, database: Path
) -> None:
    bot = await Bot(fake, world, database).start()
    try:
        exchange = fake.slash(world.bob, world.room, "rules")
        del exchange.payload["attachment_size_limit"]  # discord.py cannot parse it
        fake.gateway.current.sent.pop()  # type: ignore[union-attr]
        fake.gateway.dispatch("INTERACTION_CREATE", exchange.payload)
        with pytest.raises(AssertionError, match="the bot failed: KeyError"):
            await fake.until(lambda: exchange.acknowledged)
        assert isinstance(bot.platform.connection_error(), KeyError)
    finally:
        fake.checks.clear()
        await bot.stop()


async def test_a_member_who_refuses_direct_messages(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    shy = fake.add_member(world.guild, "shy", accepts_dms=False)
    await bot.agree(world.bob, shy)
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    await bot.run(fake.slash(world.bob, world.room, "hand"))
    await bot.run(fake.slash(shy, world.room, "hand"))
    passed = await bot.run(fake.slash(world.bob, world.room, "pass"))
    assert "🎤 Shy a le bâton de parole." in texts(passed), "the room is still told"
    assert fake.dms(shy) == []
    # Told once, privately, at their next command; not again.
    told = await bot.run(fake.slash(shy, world.room, "queue"))
    notices = [m for m in told.private if "messages privés sont fermés" in m.text]
    assert len(notices) == 1
    again = await bot.run(fake.slash(shy, world.room, "queue"))
    assert not [m for m in again.messages if "messages privés sont fermés" in m.text]


async def test_an_event_deleted_by_hand_is_not_created_again(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    [event_id] = world.guild.events
    fake.delete_event(world.guild, event_id)
    await fake.until(lambda: _gone(bot, world), what="the bot notes the event is gone")
    await bot.run(fake.slash(world.alice, world.room, "session", "break"))
    assert not world.guild.events, "a moderator deleted it: not created again"
    await bot.run(fake.slash(world.alice, world.room, "session", "end"))
    assert not world.guild.events
    assert await bot.platform.parts.state.events_of(world.room.id) == {}


async def _gone(bot: Bot, world: World) -> bool:
    records = await bot.platform.parts.state.events_of(world.room.id)
    return bool(records) and all(r.gone for r in records.values())
