"""Voice mode: in the room's voice channel only the stick holder (and the moderators) may speak
while a session is open; every mute the bot applied is lifted at the end of the session, when
someone leaves, and at start-up after a crash."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from discord_fake import FakeDiscord, User
from discord_harness import Bot, World

from adapters.platform import Dispatcher


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


async def test_leaving_the_voice_channel_keeps_the_place_for_the_grace_period(
    fake: FakeDiscord, world: World, database: Path
) -> None:
    """In voice mode the voice channel is the room: someone in line who leaves it keeps their
    place for the group's grace period, and is out of the line after it."""
    for user in (world.alice, world.bob, world.cat, world.dan):
        fake.join_voice(world.guild, user, world.voice)
    bot = await Bot(fake, world, database, voice_mode=True).start()
    deliver = Dispatcher({"discord": bot.platform}).deliver
    try:
        await bot.agree(world.dan)
        await _voice_session(fake, world, bot, world.bob, world.cat, world.dan)
        for user in (world.bob, world.cat, world.dan):
            await bot.run(fake.slash(user, world.room, "hand"))
        await bot.cercle.run_due(deliver)  # what is due now (the planning): nothing else is
        grace_ends = bot.clock.now() + timedelta(minutes=2)

        fake.leave_voice(world.guild, world.dan)
        await bot.until_due(grace_ends)
        fake.join_voice(world.guild, world.dan, world.voice)
        await fake.until(
            lambda: any("Bon retour" in m.text for m in fake.dms(world.dan)), what="welcome back"
        )
        assert await bot.cercle.next_due() != grace_ends, "Dan's grace period is over"

        fake.leave_voice(world.guild, world.cat)
        await bot.until_due(grace_ends)
        bot.advance(2)
        assert await bot.cercle.run_due(deliver) == 1
        told = [t for t in fake.texts(world.room) if "n'est plus dans la file" in t]
        assert told == ["Cat a quitté le salon et n'est plus dans la file de parole."]
        assert [
            u.display_name for u in await bot.cercle.in_line("discord", str(world.room.id))
        ] == [
            "Bob",
            "Dan",
        ]
    finally:
        await bot.stop()
