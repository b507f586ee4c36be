"""Planning sessions from Discord and the group's calendar as a file (when the core has them)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from discord_fake import FakeDiscord
from discord_harness import Bot, World, texts

from adapters.platform import Dispatcher
from bot.registry import REGISTRY


def _declared(*names: str) -> bool:
    try:
        REGISTRY.get(*names)
    except (StopIteration, KeyError):
        return False
    return True


pytestmark = pytest.mark.skipif(
    not (_declared("session", "schedule") and _declared("session", "calendar")),
    reason="the core does not declare session schedule/calendar",
)


async def test_a_session_planned_with_a_slash_command(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    tomorrow = datetime.now(ZoneInfo("Europe/Paris")) + timedelta(days=1)
    planned = await bot.run(
        fake.slash(
            world.alice,
            world.room,
            "session",
            "schedule",
            date=tomorrow.strftime("%Y-%m-%d"),
            time="18:30",
            title="Un an après",
        )
    )
    assert "planifiée" in texts(planned)
    assert "<t:" in texts(planned), "the date as a Discord timestamp"

    calendar = await bot.run(fake.slash(world.alice, world.room, "session", "calendar"))
    [message] = calendar.private
    [attachment] = message.files
    assert attachment["filename"].endswith(".ics")
    assert attachment["data"].startswith(b"BEGIN:VCALENDAR")
    [event] = icalendar.Calendar.from_ical(attachment["data"]).events
    link = f"/channels/{world.guild.id}/{world.room.id}"
    assert str(event["URL"]).endswith(link), "the event links the channel"
    assert str(event["LOCATION"]) == str(event["URL"])


async def test_a_button_on_the_room_reminder_answers_privately(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    await bot.agree(world.bob, world.cat)
    paris = ZoneInfo("Europe/Paris")
    start = (bot.clock.now() + timedelta(minutes=21)).replace(second=0, microsecond=0)
    local = start.astimezone(paris)
    await bot.run(
        fake.slash(
            world.alice,
            world.room,
            "session",
            "schedule",
            date=local.strftime("%Y-%m-%d"),
            time=local.strftime("%H:%M"),
        )
    )
    bot.clock.set(start - timedelta(minutes=15))
    assert await bot.cercle.run_due(Dispatcher({"discord": bot.platform}).deliver) == 1
    [reminder] = [m for m in fake.messages(world.room) if m.custom_ids]
    assert "Rappel" in reminder.text
    assert reminder.labels == ["Je viens", "Peut-être", "Je ne viens pas"]
    emoji = [c["emoji"]["name"] for row in reminder.components for c in row["components"]]
    assert emoji == ["✅", "❔", "❌"]
    before = len(fake.messages(world.room))

    pressed = await bot.run(fake.press(world.bob, reminder, reminder.custom_ids[2]))
    [answer] = pressed.private
    assert answer.ephemeral
    assert "vous ne venez pas" in answer.text
    assert pressed.public == []
    assert len(fake.messages(world.room)) == before, "the room sees nothing of it"

    # Another member answering sees only their own answer (Discord does not even show them
    # the moderators' commands); a moderator sees both, privately.
    other = await bot.run(fake.press(world.cat, reminder, reminder.custom_ids[0]))
    assert other.public == []
    assert "bob" not in texts(other).casefold()
    shown = await bot.run(fake.slash(world.alice, world.room, "session", "attendance"))
    [summary] = shown.private
    assert summary.ephemeral
    assert "viennent (1) : Cat" in summary.text
    assert "ne viennent pas (1) : Bob" in summary.text
