"""The panel's buttons keep working after the bot restarts (cleanly or after a crash), and the
panel is brought up to date at start-up."""

from __future__ import annotations

from pathlib import Path

from discord_fake import FakeDiscord, User
from discord_harness import Bot, World, panels

from bot.events import Incoming

EDIT = ("PATCH", "/channels/{channel_id}/messages/{message_id}")


async def _open_session(fake: FakeDiscord, world: World, bot: Bot) -> None:
    await bot.agree(world.bob, world.cat)
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    await bot.run(fake.slash(world.bob, world.room, "hand"))


async def test_panel_buttons_work_after_a_restart(
    fake: FakeDiscord, world: World, database: Path
) -> None:
    first = await Bot(fake, world, database).start()
    await _open_session(fake, world, first)
    [panel] = panels(fake, world.room)
    await first.stop()

    second = await Bot(fake, world, database).start()
    try:
        pressed = await second.run(fake.press(world.cat, panel, "hand"))
        assert [m.text for m in pressed.public] == ["✋ Cat a levé la main (n° 1 dans la file)."]
        passed = await second.run(fake.press(world.bob, panel, "pass"))
        assert "🎤 Cat a le bâton de parole." in [m.text for m in passed.public]
        await fake.until(lambda: "Parole : Cat · en attente : personne" in panel.text)
        assert panels(fake, world.room) == [panel], "the same message, edited in place"
    finally:
        await second.stop()


async def test_after_a_crash_the_panel_is_brought_up_to_date(
    fake: FakeDiscord, world: World, database: Path
) -> None:
    first = await Bot(fake, world, database).start()
    await _open_session(fake, world, first)
    [panel] = panels(fake, world.room)
    # The core took a change the panel never showed: the process died in between.
    await first.cercle.handle(_incoming(world, world.cat, "hand", "lost-1"))
    await first.crash()
    assert "en attente : personne" in panel.text

    edits = len(fake.requests_to(*EDIT))
    second = await Bot(fake, world, database).start()
    try:
        assert "Parole : Bob · en attente : Cat" in panel.text, "refreshed at start-up"
        assert len(fake.requests_to(*EDIT)) == edits + 1
        lowered = await second.run(fake.press(world.cat, panel, "lower"))
        assert [m.text for m in lowered.public] == ["Cat a baissé la main."]
    finally:
        await second.stop()


async def test_a_panel_deleted_by_hand_is_posted_again(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    await _open_session(fake, world, bot)
    [panel] = panels(fake, world.room)
    panel.deleted = True  # a moderator deleted it
    await bot.run(fake.slash(world.cat, world.room, "hand"))
    await fake.until(lambda: len(panels(fake, world.room)) == 1)
    [again] = panels(fake, world.room)
    assert again.id != panel.id
    assert "en attente : Cat" in again.text


def _incoming(world: World, user: User, text: str, event: str) -> Incoming:
    """A command the core handled without the adapter seeing its replies."""
    return Incoming(
        "discord", str(world.room.id), str(user.id), user.username.capitalize(), text, event
    )
