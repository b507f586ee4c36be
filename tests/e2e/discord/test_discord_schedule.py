"""Planning sessions from Discord and the group's calendar as a file (when the core has them)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from discord_fake import FakeDiscord
from discord_harness import Bot, World, texts

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
