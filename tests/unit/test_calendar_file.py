"""The calendar file members ask for: UIDs of this instance, the room's link, a compact zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar

from bot.replies import Attachment, Audience
from tests.fakes import InMemoryStore
from tests.unit.harness import Harness

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)  # type: ignore[misc]


def harness(store: InMemoryStore, language: str = "en") -> Harness:
    h = Harness(store=store, language=language)
    h.clock.set(paris(2026, 11, 30, 10, 0))
    h.app.room_links["test"] = lambda room_id: f"https://chat.example/rooms/{room_id}"
    return h


async def calendar_of(h: Harness, user: str) -> tuple[icalendar.Calendar, Attachment]:
    said = await h.ok(user, "calendar")
    [reply] = [o.reply for o in said.outgoing if o.reply.attachment]
    assert reply.attachment is not None
    assert reply.audience is Audience.PRIVATE
    assert reply.user_id == user
    return icalendar.Calendar.from_ical(reply.attachment.data), reply.attachment


async def test_any_member_gets_the_calendar_with_uids_of_this_instance_and_the_room_link() -> None:
    store = InMemoryStore()
    h = harness(store)
    await h.ok("mod", "agree")
    await h.ok("ann", "agree")
    await h.ok("mod", "session schedule 2026-12-01 19:30 weekly Tuesday circle")
    await h.ok("mod", "session schedule 2026-12-20 18:00 Winter evening")
    parsed, attachment = await calendar_of(h, "ann")
    assert attachment.content_type == "text/calendar"
    events = parsed.events
    assert len(events) == 2
    uids = sorted(str(e["UID"]) for e in events)
    [instance] = {uid.split("@", 1)[1] for uid in uids}
    assert uids[0].startswith("series-") and uids[1].startswith("session-")
    for event in events:
        assert str(event["URL"]) == "https://chat.example/rooms/room-1"
        assert str(event["LOCATION"]) == "https://chat.example/rooms/room-1"
    # A restart of the app on the same database: the same instance id, the same UIDs.
    again = harness(store)
    reparsed, _ = await calendar_of(again, "ann")
    assert sorted(str(e["UID"]) for e in reparsed.events) == uids
    # Another database is another instance.
    other = harness(InMemoryStore())
    await other.ok("mod", "agree")
    await other.ok("mod", "session schedule 2026-12-01 19:30 Tuesday")
    elsewhere, _ = await calendar_of(other, "mod")
    [uid] = [str(e["UID"]) for e in elsewhere.events]
    assert uid.split("@", 1)[1] != instance


async def test_the_time_zone_holds_only_the_transitions_around_the_events() -> None:
    h = harness(InMemoryStore())
    await h.ok("mod", "agree")
    await h.ok("mod", "session schedule 2026-12-01 19:30 weekly Tuesday circle")
    parsed, attachment = await calendar_of(h, "mod")
    [zone] = parsed.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris"
    text = zone.to_ical().decode()
    onsets = [
        line.split(":", 1)[1]
        for line in text.splitlines()
        if line.startswith(("DTSTART:", "RDATE:"))
    ]
    years = {int(when[:4]) for when in onsets}
    assert years <= {2026, 2027, 2028}, years
    assert len(attachment.data) < 4000, len(attachment.data)
    # The events still read right in Paris time, summer and winter.
    [event] = parsed.events
    assert datetime(2026, 12, 1, 19, 30, tzinfo=PARIS) == event.DTSTART


async def test_nothing_planned_is_a_kind_reply_not_an_empty_file() -> None:
    h = harness(InMemoryStore(), language="fr")
    await h.ok("mod", "agree")
    await h.ok("ann", "agree")
    said = await h.ok("ann", "calendrier")
    assert not [o for o in said.outgoing if o.reply.attachment]
    assert said.private("ann") == [
        "📅 Aucune séance n’est planifiée pour l’instant\u202f: il n’y a rien à mettre dans "
        "votre agenda. Redemandez le calendrier dès qu’une séance sera prévue."
    ]


async def test_without_a_known_link_the_events_have_no_url() -> None:
    h = harness(InMemoryStore())
    del h.app.room_links["test"]
    await h.ok("mod", "agree")
    await h.ok("mod", "session schedule 2026-12-01 19:30 Tuesday")
    parsed, _ = await calendar_of(h, "mod")
    [event] = parsed.events
    assert "URL" not in event
    assert "LOCATION" not in event
