"""Who moderates follows Discord now: someone whose moderator role was taken away since they
last typed no longer gets the moderators' private notices (issue 10, defect 4, on Discord)."""

from __future__ import annotations

from discord_fake import FakeDiscord
from discord_harness import Bot, World


async def test_a_demoted_moderator_no_longer_hears_of_break_requests(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    await bot.agree(world.cat, world.dan, world.mona)
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    await bot.run(fake.slash(world.cat, world.room, "pause", mode="anon"))
    assert len(fake.dms(world.alice)) == 1 and len(fake.dms(world.mona)) == 1, "both told"

    # A server admin takes the moderator role away from Alice; she has not typed since.
    world.guild.members[world.alice.id].roles.clear()
    await bot.run(fake.slash(world.dan, world.room, "pause", mode="anon"))
    assert len(fake.dms(world.mona)) == 2, "the remaining moderator is told"
    assert len(fake.dms(world.alice)) == 1, "the former moderator is not"
