"""Sessions mirrored as guild scheduled events: planned ones (once or weekly) appear in the
Events tab, a cancelled one is cancelled, one that opens (by itself or by hand) is started,
described while on a break, completed at its end, and a restart duplicates nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from discord_fake import FakeDiscord
from discord_fake.model import ScheduledEvent
from discord_harness import Bot, World, texts

from adapters.discord import events as mirror
from adapters.platform import Dispatcher
from bot.views import SessionView

SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
VOICE_EVENT, EXTERNAL_EVENT = 2, 3
CREATE = ("POST", "/guilds/{guild_id}/scheduled-events")
EDIT = ("PATCH", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}")
PARIS = ZoneInfo("Europe/Paris")


def _events(world: World, *statuses: int) -> list[ScheduledEvent]:
    found = [e for e in world.guild.events.values() if not statuses or e.status in statuses]
    return sorted(found, key=lambda e: e.data["scheduled_start_time"])


def _start(event: ScheduledEvent) -> datetime:
    return datetime.fromisoformat(event.data["scheduled_start_time"])


async def _schedule(
    fake: FakeDiscord, bot: Bot, world: World, when: datetime, **options: object
) -> str:
    local = when.astimezone(PARIS)
    planned = await bot.run(
        fake.slash(
            world.alice,
            world.room,
            "session",
            "schedule",
            date=local.strftime("%Y-%m-%d"),
            time=local.strftime("%H:%M"),
            **options,
        )
    )
    return texts(planned)


async def _sessions(bot: Bot, world: World) -> list[SessionView]:
    found = await bot.cercle.sessions("discord", str(world.room.id), datetime.now(UTC), limit=20)
    assert found is not None
    return list(found.upcoming)


def _tomorrow() -> datetime:
    return (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)


async def test_a_weekly_series_appears_in_the_events_tab(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    first = _tomorrow()
    said = await _schedule(fake, bot, world, first, repeat="weekly", title="Un an après")
    assert "planifiées" in said

    planned = _events(world)
    assert len(planned) == mirror.PER_ROOM == 1, "the next occurrence only, not ten weeks"
    assert [_start(e) for e in planned] == [first]
    sessions = await _sessions(bot, world)
    for event, session in zip(planned, sessions, strict=False):
        assert event.status == SCHEDULED
        assert event.data["name"] == "Séance · Un an après"
        assert event.data["privacy_level"] == 2
        assert event.data["entity_type"] == VOICE_EVENT, "in the room's voice channel"
        assert int(event.data["channel_id"]) == world.voice.id
        description = event.data["description"]
        assert f"Séance n°{session.id} du groupe <#{world.room.id}> (1 h 30)" in description
        assert description.startswith("« Un an après »\n")

    # Nothing changed: looking again sends nothing.
    requests = len(fake.requests)
    await bot.platform.parts.events.reconcile(world.room.id)
    assert len(fake.requests) == requests


async def test_cancelling_sessions_cancels_their_events(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    await _schedule(fake, bot, world, _tomorrow(), repeat="weekly")
    sessions = await _sessions(bot, world)
    first = _events(world)[0]

    await bot.run(fake.slash(world.alice, world.room, "session", "cancel", id=sessions[0].id))
    assert first.status == CANCELED
    coming = _events(world, SCHEDULED)
    assert len(coming) == mirror.PER_ROOM, "the next occurrence takes its place"
    assert _start(coming[-1]) == sessions[1].start

    await bot.run(
        fake.slash(world.alice, world.room, "session", "cancel", id=sessions[1].id, scope="all")
    )
    assert _events(world, SCHEDULED) == []
    assert len(_events(world, CANCELED)) == mirror.PER_ROOM + 1
    assert await bot.platform.parts.state.rooms() == set(), "nothing left to remember"


async def test_a_moved_or_edited_session_moves_its_event(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    await _schedule(fake, bot, world, _tomorrow())
    [session] = await _sessions(bot, world)
    [event] = _events(world)
    later = _tomorrow() + timedelta(days=1, hours=1)
    local = later.astimezone(PARIS)
    moved = await bot.run(
        fake.slash(
            world.alice,
            world.room,
            "session",
            "move",
            id=session.id,
            date=local.strftime("%Y-%m-%d"),
            time=local.strftime("%H:%M"),
        )
    )
    assert "est déplacée au" in texts(moved)
    assert _events(world) == [event], "the same event, moved"
    assert _start(event) == later
    link = "https://visio.example.org/cercle_du_mardi"
    await bot.run(
        fake.slash(
            world.alice, world.room, "session", "edit", id=session.id, field="note", value=link
        )
    )
    assert event.data["description"].endswith(f"en observateur.\n{link}"), "shown literally"


async def test_a_session_that_opens_by_itself_starts_its_event(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    start = _tomorrow()
    await _schedule(fake, bot, world, start, duration=60)
    [event] = _events(world)
    assert event.status == SCHEDULED

    bot.clock.set(start)
    await bot.cercle.run_due(Dispatcher({"discord": bot.platform}).deliver)
    assert any("La séance est ouverte" in t for t in fake.texts(world.room))
    assert [e.id for e in _events(world)] == [event.id], "the same event, started"
    assert event.status == ACTIVE
    assert "En cours dans" in event.data["description"]

    await bot.run(fake.slash(world.alice, world.room, "session", "break", minutes=10))
    assert "En pause jusqu'à <t:" in event.data["description"]
    await bot.run(fake.slash(world.alice, world.room, "session", "resume"))
    assert "En cours dans" in event.data["description"]

    await bot.run(fake.slash(world.alice, world.room, "session", "end"))
    assert event.status == COMPLETED
    assert event.data["description"] == "Cette séance est terminée. Merci d'avoir été là."
    assert await bot.platform.parts.state.rooms() == set()


async def test_a_planned_session_opened_early_by_hand_keeps_its_event(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    soon = (datetime.now(UTC) + timedelta(minutes=30)).replace(second=0, microsecond=0)
    await _schedule(fake, bot, world, soon)
    [event] = _events(world)
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    assert [e.id for e in _events(world)] == [event.id]
    assert event.status == ACTIVE
    assert _start(event) == soon, "Discord keeps the start of an event"


async def test_a_restart_neither_duplicates_nor_loses_events(
    fake: FakeDiscord, world: World, database: Path
) -> None:
    first = await Bot(fake, world, database).start()
    await _schedule(fake, first, world, _tomorrow(), repeat="weekly")
    await first.run(fake.slash(world.alice, world.room, "session", "start"))
    assert len(_events(world, SCHEDULED)) == mirror.PER_ROOM
    assert len(_events(world, ACTIVE)) == 1
    await first.crash()

    creates, edits = len(fake.requests_to(*CREATE)), len(fake.requests_to(*EDIT))
    second = await Bot(fake, world, database).start()
    try:
        assert len(fake.requests_to(*CREATE)) == creates, "no duplicate"
        assert len(fake.requests_to(*EDIT)) == edits, "nothing to change"
        await second.run(fake.slash(world.alice, world.room, "session", "end"))
        assert len(_events(world, COMPLETED)) == 1
        assert len(_events(world, SCHEDULED)) == mirror.PER_ROOM
    finally:
        await second.stop()


async def test_a_session_coming_within_range_gets_its_event(
    fake: FakeDiscord, world: World, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mirror, "WINDOW", timedelta(hours=12))
    await _schedule(fake, bot, world, _tomorrow())
    assert _events(world) == [], "beyond the window"
    assert world.room.id in await bot.platform.parts.state.event_rooms(), "looked at again"

    monkeypatch.setattr(mirror, "WINDOW", timedelta(days=2))  # as if time had passed
    await bot.platform.parts.events.reconcile_all()  # what the hourly look does
    [event] = _events(world)
    assert event.status == SCHEDULED
    assert event.data["name"] == "Séance · #groupe-mardi"


async def test_an_event_kept_by_an_older_version_is_adopted(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    """Before sessions were mirrored one by one, a room kept one event (its open session's)."""
    await bot.run(fake.slash(world.alice, world.room, "session", "start"))
    [event] = _events(world)
    state = bot.platform.parts.state
    [(session_id, record)] = (await state.events_of(world.room.id)).items()
    await state.drop_event(world.room.id, session_id)
    await state.store.put(
        f"event:{world.room.id}",
        f'{{"guild_id": {record.guild_id}, "event_id": {record.event_id}}}',
    )

    await bot.platform.parts.events.reconcile(world.room.id)
    assert list(await state.events_of(world.room.id)) == [session_id]
    assert _events(world) == [event], "no second event"
    await bot.run(fake.slash(world.alice, world.room, "session", "end"))
    assert event.status == COMPLETED


async def test_without_a_voice_channel_the_event_points_at_the_room(
    fake: FakeDiscord, world: World, database: Path
) -> None:
    alone = fake.add_channel(world.guild, "groupe-jeudi")  # no category, no voice channel
    bot = await Bot(fake, world, database).start()
    try:
        local = _tomorrow().astimezone(PARIS)
        await bot.run(
            fake.slash(
                world.alice,
                alone,
                "session",
                "schedule",
                date=local.strftime("%Y-%m-%d"),
                time=local.strftime("%H:%M"),
                duration=120,
            )
        )
    finally:
        await bot.stop()
    [event] = _events(world)
    assert event.data["entity_type"] == EXTERNAL_EVENT
    location = f"https://discord.com/channels/{world.guild.id}/{alone.id}"
    assert event.data["entity_metadata"] == {"location": location}
    end = datetime.fromisoformat(event.data["scheduled_end_time"])
    assert end - _start(event) == timedelta(hours=2)


async def test_a_session_pushed_out_of_the_limit_loses_its_event(
    fake: FakeDiscord, world: World, bot: Bot
) -> None:
    first = _tomorrow()
    await _schedule(fake, bot, world, first, repeat="weekly")
    last = _events(world)[-1]
    await _schedule(fake, bot, world, first - timedelta(hours=3), title="En plus")
    assert last.id not in world.guild.events, "deleted: the room shows its next session only"
    assert len(fake.requests_to("DELETE", EDIT[1])) == 1
    assert [e.data["name"] for e in _events(world)] == ["Séance · En plus"]
    assert len(_events(world, SCHEDULED)) == mirror.PER_ROOM
    records = await bot.platform.parts.state.events_of(world.room.id)
    assert len(records) == mirror.PER_ROOM, "and forgot it"


async def test_a_full_server_gets_no_event_beyond_discords_cap_and_the_command_still_works(
    fake: FakeDiscord, world: World, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    start = (_tomorrow() + timedelta(days=3)).isoformat()
    for _ in range(100):  # other groups' and people's events fill the server
        data = {"name": "x", "entity_type": VOICE_EVENT, "channel_id": world.voice.id}
        event = ScheduledEvent(fake.ids.next(), world.guild.id, world.alice, data)
        event.data["scheduled_start_time"] = start
        world.guild.events[event.id] = event
    said = await _schedule(fake, bot, world, _tomorrow(), repeat="weekly")
    assert "planifiées" in said, "the sessions are planned all the same"
    assert len(_events(world, SCHEDULED, ACTIVE)) == 100, "never beyond the cap"
    assert "no more are mirrored" in caplog.text
    records = await bot.platform.parts.state.events_of(world.room.id)
    assert records == {}
