"""Voice mode: in the room's voice channel only the stick holder (and the moderators) may speak
while a session is open; every mute the bot applied is lifted at the end of the session, when
someone leaves, and at start-up after a crash."""

from __future__ import annotations

from pathlib import Path

from discord_fake import FakeDiscord, User
from discord_harness import Bot, World


def muted(world: World, *users: User) -> list[bool]:
    return [world.guild.members[u.id].mute for u in users]


async def _voice_session(fake: FakeDiscord, world: World, bot: Bot, *listeners: User) -> None:
    await bot.agree(world.bob, world.cat)
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    await fake.until(lambda: all(muted(world, *listeners)), what="listeners muted")


async def test_only_the_holder_speaks(fake: FakeDiscord, world: World, database: Path) -> None:
    people = (world.alice, world.bob, world.cat, world.dan)
    for user in people:
        fake.join_voice(world.guild, user, world.voice)
    bot = await Bot(fake, world, database, voice_mode=True).start()
    try:
        await _voice_session(fake, world, bot, world.bob, world.cat, world.dan)
        assert muted(world, world.alice) == [False], "moderators keep their voice"

        await bot.run(fake.slash(world.bob, world.room, "hand"))
        await fake.until(lambda: muted(world, world.bob) == [False])
        await bot.run(fake.slash(world.cat, world.room, "hand"))
        await bot.run(fake.slash(world.bob, world.room, "pass"))
        await fake.until(lambda: muted(world, world.bob, world.cat) == [True, False])

        eve = fake.add_member(world.guild, "eve")
        fake.join_voice(world.guild, eve, world.voice)
        await fake.until(lambda: muted(world, eve) == [True], what="a newcomer muted")
        fake.leave_voice(world.guild, eve)  # still muted: Discord cannot unmute her now

        await bot.run(fake.slash(world.alice, world.room, "session", "end"))
        await fake.until(lambda: muted(world, *people) == [False] * 4, what="all unmuted")
        assert [r.user_id for r in await bot.platform.parts.state.mutes()] == [eve.id]
        fake.join_voice(world.guild, eve, world.voice)
        await fake.until(lambda: muted(world, eve) == [False], what="unmuted when back")
        await fake.until(lambda: _no_mutes_left(bot), what="the record forgotten")
    finally:
        await bot.stop()


async def test_mutes_are_lifted_at_start_up_after_a_crash(
    fake: FakeDiscord, world: World, database: Path
) -> None:
    for user in (world.bob, world.cat, world.dan):
        fake.join_voice(world.guild, user, world.voice)
    first = await Bot(fake, world, database, voice_mode=True).start()
    try:
        await _voice_session(fake, world, first, world.bob, world.cat, world.dan)
    finally:
        await first.crash()  # no clean-up ran: the three are still muted
    assert muted(world, world.bob, world.cat, world.dan) == [True] * 3

    second = await Bot(fake, world, database, voice_mode=False).start()
    try:
        assert muted(world, world.bob, world.cat, world.dan) == [False] * 3
        assert await second.platform.parts.state.mutes() == []
    finally:
        await second.stop()


async def test_after_a_crash_mid_session_the_mutes_stay_right(
    fake: FakeDiscord, world: World, database: Path
) -> None:
    for user in (world.bob, world.cat):
        fake.join_voice(world.guild, user, world.voice)
    first = await Bot(fake, world, database, voice_mode=True).start()
    try:
        await _voice_session(fake, world, first, world.bob, world.cat)
        await first.run(fake.slash(world.bob, world.room, "hand"))
        await fake.until(lambda: muted(world, world.bob, world.cat) == [False, True])
    finally:
        await first.crash()

    changes = len(fake.mute_log)
    second = await Bot(fake, world, database, voice_mode=True).start()
    try:
        assert muted(world, world.bob, world.cat) == [False, True]
        assert len(fake.mute_log) == changes, "nobody unmuted then muted again"
        await second.run(fake.slash(world.alice, world.room, "session", "end"))
        await fake.until(lambda: muted(world, world.bob, world.cat) == [False, False])
    finally:
        await second.stop()


async def test_a_clean_stop_lifts_the_mutes(
    fake: FakeDiscord, world: World, database: Path
) -> None:
    for user in (world.bob, world.cat, world.dan):
        fake.join_voice(world.guild, user, world.voice)
    bot = await Bot(fake, world, database, voice_mode=True).start()
    try:
        await _voice_session(fake, world, bot, world.bob, world.cat, world.dan)
    finally:
        await bot.stop()
    assert muted(world, world.bob, world.cat, world.dan) == [False] * 3


async def _no_mutes_left(bot: Bot) -> bool:
    return await bot.platform.parts.state.mutes() == []
