"""Replies that are not answers to an interaction (``Platform.send``): announcements in the
room, personal reminders and nudges by direct message, panels, sessions opened by the core."""

from __future__ import annotations

from discord_fake import FakeDiscord, User
from discord_harness import Bot, World, panels

from bot.events import Incoming
from bot.i18n import translate
from bot.replies import Choice, Duration, Outgoing, Reply, private

CREATE = ("POST", "/channels/{channel_id}/messages")


def _out(world: World, reply: Reply, key: str) -> Outgoing:
    return Outgoing("discord", str(world.room.id), reply, "fr", "Europe/Paris", key)


def _nudge(world: World, user: User, key: str) -> Outgoing:
    return _out(world, private(str(user.id), "stick.nudge", minutes=Duration(5)), key)


async def test_personal_messages_go_by_direct_message_once(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    await bot.platform.send(_nudge(world, world.bob, "job:3:to:bob:0"))
    await bot.platform.send(_nudge(world, world.bob, "job:3:to:bob:0"))
    [nudge] = fake.dms(world.bob)
    assert nudge.text == translate("stick.nudge", "fr", minutes=Duration(5))
    assert nudge.nonce is not None
    assert len(nudge.nonce) <= 25
    assert all(r.body["enforce_nonce"] is True for r in fake.requests_to(*CREATE))
    assert fake.messages(world.room) == []


async def test_room_announcements_keep_their_buttons(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    line = "séance pause"
    offer = Reply(
        "session.half_time",
        {"minutes": Duration(10), "command": line},
        choices=(Choice(line, line),),
    )
    await bot.platform.send(_out(world, offer, "job:4:room:0"))
    [message] = fake.messages(world.room)
    assert message.text == translate("session.half_time", "fr", minutes=Duration(10), command=line)
    assert message.custom_ids == [f"cercle:{world.room.id}:{line}"]
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    pressed = await bot.run(fake.press(world.alice, message, message.custom_ids[0]))
    assert any("Faisons une pause de 10 min" in m.text for m in pressed.public)


async def test_a_session_opened_outside_an_interaction(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    start = Incoming(
        "discord", str(world.room.id), str(world.alice.id), "Alice", "session start", "t1", True
    )
    for outgoing in await bot.cercle.handle(start):
        await bot.platform.send(outgoing)
    [panel] = panels(fake, world.room)
    assert panel.custom_ids == ["hand", "lower", "pass", "pause"]
    assert len(world.guild.events) == 1
    assert any(translate("charter.default", "fr") in t for t in fake.texts(world.room))
