"""A session on Discord: opening it (confidentiality reminder, panel, scheduled event), the
talking stick by slash commands and panel buttons, refusals, an anonymous break request, and
the end of the session."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from discord_fake import CommandUnavailable, FakeDiscord
from discord_fake.gateway import GUILD_MEMBERS
from discord_harness import Bot, World, panels, texts

from adapters.platform import Dispatcher
from bot.replies import Outgoing

ACTIVE, COMPLETED = 2, 3
VOICE_EVENT = 2


async def test_session_start_reminds_of_confidentiality(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    exchange = await bot.run(fake.slash(world.alice, world.room, "session", "start", duration=90))
    public = texts(exchange)
    assert "La séance est ouverte, pour 1 h 30" in public
    assert "<t:" in public, "times as Discord timestamps: everyone sees their own time"
    assert "Rappel de notre charte : La confidentialité est notre règle d'or" in public

    [panel] = panels(fake, world.room)
    assert panel.custom_ids == ["hand", "lower", "pass", "pause"]
    assert panel.labels == ["Main", "Baisser", "Passe", "Pause"]
    assert "Parole : personne" in panel.text

    [event] = world.guild.events.values()
    assert event.status == ACTIVE
    assert event.data["entity_type"] == VOICE_EVENT, "in the room's voice channel"
    assert int(event.data["channel_id"]) == world.voice.id
    assert event.data["name"] == "Séance · #groupe-mardi"
    start = datetime.fromisoformat(event.data["scheduled_start_time"])
    end = datetime.fromisoformat(event.data["scheduled_end_time"])
    assert timedelta(minutes=85) < end - start < timedelta(minutes=95)


async def test_hand_pass_and_queue(fake: FakeDiscord, world: World, bot: Bot) -> None:
    await bot.agree(world.bob, world.cat, world.dan)
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    [panel] = panels(fake, world.room)

    bob = await bot.run(fake.slash(world.bob, world.room, "hand"))
    assert [m.text for m in bob.public] == ["🎤 Bob a le bâton de parole."]
    assert "C'est à vous" in bob.private[0].text, "told privately: an ephemeral reply"

    cat = await bot.run(fake.slash(world.cat, world.room, "main"))
    assert [m.text for m in cat.public] == ["✋ Cat a levé la main (n° 1 dans la file)."]
    dan = await bot.run(fake.press(world.dan, panel, "hand"))
    assert [m.text for m in dan.public] == ["✋ Dan a levé la main (n° 2 dans la file)."]
    await fake.until(lambda: "en attente : Cat et Dan" in panel.text, what="the panel")
    assert "Parole : Bob" in panel.text

    passed = await bot.run(fake.slash(world.bob, world.room, "pass"))
    assert [m.text for m in passed.public] == [
        "Bob a passé le bâton. Merci pour ce partage.",
        "🎤 Cat a le bâton de parole.",
    ]
    assert [m.text for m in fake.dms(world.cat)] == [
        "🎤 C'est à vous. Prenez tout le temps qu'il vous faut ; « passe » quand vous avez fini."
    ], "someone else's private reply goes by direct message"

    queue = await bot.run(fake.slash(world.bob, world.room, "queue"))
    assert "Parole : Cat · en attente : Dan" in texts(queue)
    await bot.run(fake.press(world.dan, panel, "lower"))
    await fake.until(lambda: "Parole : Cat · en attente : personne" in panel.text)
    assert panels(fake, world.room) == [panel], "one panel, edited in place"


async def test_members_cannot_run_moderator_commands(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    with pytest.raises(CommandUnavailable):
        fake.slash(world.bob, world.room, "session", "start")  # hidden by its permissions
    fake.allow("session", world.guild.id)  # the server admin opens /session to everyone
    refused = await bot.run(fake.slash(world.bob, world.room, "session", "start"))
    assert refused.public == [m for m in refused.public if "Bienvenue" in m.text]
    assert "Seule l'équipe d'animation peut utiliser « séance ouvrir »" in texts(refused)
    assert panels(fake, world.room) == []
    assert not world.guild.events

    opened = await bot.run(fake.slash(world.mona, world.room, "session", "start"))
    assert "La séance est ouverte" in texts(opened), "Manage Channels makes a moderator"
    await bot.agree(world.bob)
    await bot.run(fake.slash(world.bob, world.room, "hand"))
    fake.allow("stick", world.guild.id)
    refused = await bot.run(fake.slash(world.bob, world.room, "stick", "next"))
    assert [m.text for m in refused.messages] == [
        "Seule l'équipe d'animation peut utiliser « bâton suivant »."
    ]
    assert refused.messages[0].ephemeral


async def test_anonymous_break_request(fake: FakeDiscord, world: World, bot: Bot) -> None:
    await bot.agree(world.cat)
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    asked = await bot.run(fake.slash(world.cat, world.room, "pause", mode="anon"))
    assert [m.text for m in asked.public] == [
        "☕ Une pause a été demandée. L'équipe d'animation est prévenue."
    ]
    assert "Votre demande a été transmise" in asked.private[0].text
    [told] = fake.dms(world.alice)
    assert told.text == (
        "☕ Pause demandée par une personne qui reste anonyme. Pour la lancer : « séance pause »."
    )
    assert "Cat" not in told.text
    assert all("Cat" not in m.text for m in fake.messages(world.room) if "pause" in m.text)

    started = await bot.run(fake.press(world.alice, told, told.custom_ids[0]))
    assert started.messages == [], "pressed in a direct message: the room is told"
    await fake.until(lambda: any("Faisons une pause" in t for t in fake.texts(world.room)))


async def test_session_end_closes_the_panel_and_the_event(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    [panel] = panels(fake, world.room)
    ended = await bot.run(fake.slash(world.alice, world.room, "session", "end"))
    assert "La séance est close" in texts(ended)
    assert panel.custom_ids == [], "no buttons any more"
    assert "rangé jusqu'à la prochaine séance" in panel.text
    [event] = world.guild.events.values()
    assert event.status == COMPLETED
    assert await bot.platform.parts.state.rooms() == set(), "nothing left to remember"

    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    assert len(panels(fake, world.room)) == 2, "a new session gets a new panel"
    assert len(world.guild.events) == 2


async def test_stick_changes_do_not_ask_the_core_again(
    fake: FakeDiscord, world: World, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The panel a command returns is shown as is: the adapter does not load the group's
    members once more per stick change, per voice change or per key typed in autocompletion."""
    await bot.agree(world.bob, world.cat, world.dan)
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    [panel] = panels(fake, world.room)
    asked: list[str] = []
    original = bot.cercle.panel

    async def counted(platform: str, room_id: str) -> Outgoing | None:
        asked.append(room_id)
        return await original(platform, room_id)

    monkeypatch.setattr(bot.cercle, "panel", counted)
    hands = [fake.slash(user, world.room, "hand") for user in (world.bob, world.cat, world.dan)]
    for exchange in hands:  # at once: the panel must still end in the core's order
        await bot.run(exchange)
    await bot.run(fake.slash(world.bob, world.room, "pass"))
    await fake.until(lambda: "Parole : Cat · en attente : Dan" in panel.text, what="the panel")
    line = await bot.run(fake.complete(world.alice, world.room, ("stick", "move"), "member"))
    assert [c["name"] for c in line.choices] == ["Cat", "Dan"]
    assert asked == []
    assert panels(fake, world.room) == [panel]


async def test_someone_who_leaves_the_server_leaves_the_line(
    fake: FakeDiscord, world: World, database: Path
) -> None:
    """With the Server Members intent (turned on in the Developer Portal and in the config),
    a member removed from the server is out of the line after the group's grace period."""
    fake.gateway.privileged_allowed = GUILD_MEMBERS
    bot = await Bot(fake, world, database, member_events=True).start()
    deliver = Dispatcher({"discord": bot.platform}).deliver
    try:
        await bot.agree(world.bob, world.cat)
        await bot.run(fake.slash(world.alice, world.room, "session", "start"))
        await bot.run(fake.slash(world.bob, world.room, "hand"))
        await bot.run(fake.slash(world.cat, world.room, "hand"))
        await bot.cercle.run_due(deliver)  # what is due now (the planning)
        grace_ends = bot.clock.now() + timedelta(minutes=2)
        fake.remove_member(world.guild, world.cat)
        await bot.until_due(grace_ends)
        bot.advance(2)
        assert await bot.cercle.run_due(deliver) == 1
        assert "Cat a quitté le salon et n'est plus dans la file de parole." in fake.texts(
            world.room
        )
        assert [
            u.display_name for u in await bot.cercle.in_line("discord", str(world.room.id))
        ] == ["Bob"]
    finally:
        await bot.stop()
