"""``concern`` — "I'm worried" (issue 16): private, to the moderators of now, with the group's
crisis lines; named or anonymous; about oneself or someone; once per quarter hour; never in the
room, never in a log."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from tests.unit.harness import Harness


async def circle(language: str = "en", **kwargs: object) -> Harness:
    h = Harness(language=language, moderators={"mod", "mia"}, **kwargs)  # type: ignore[arg-type]
    for who in ("mod", "mia", "ann", "bob"):
        await h.ok(who, "agree")
    return h


async def test_a_concern_reaches_the_moderators_privately_with_the_crisis_lines(
    caplog: pytest.LogCaptureFixture,
) -> None:
    h = await circle()
    await h.ok("mod", "group set timezone America/Toronto")
    with caplog.at_level(logging.DEBUG):
        said = await h.ok("ann", "concern", private=True)
    assert said.room == []
    told = {o.reply.user_id for o in said.outgoing if o.reply.key == "concern.moderators_self"}
    assert told == {"mod", "mia"}
    assert all(o.reply.for_moderators for o in said.outgoing if o.reply.user_id in told)
    (to_mod,) = said.private("mod")
    assert "Ann is not doing well" in to_mod and "988" in to_mod.replace("-", "")
    (to_ann,) = said.private("ann")
    assert "nothing was posted in the room" in to_ann and "not a therapist" in to_ann
    assert "Ann" not in caplog.text


async def test_a_concern_about_someone_anonymously_names_only_them() -> None:
    h = await circle("fr")
    said = await h.ok("ann", "inquiet anonyme bob")
    (to_mod,) = said.private("mod")
    assert to_mod.startswith("Une personne qui reste anonyme s'inquiète pour Bob.")
    assert "Ann" not in to_mod
    assert said.room == []


async def test_one_concern_per_quarter_hour_and_nobody_told_twice() -> None:
    h = await circle()
    await h.ok("ann", "concern")
    again = await h.ok("ann", "concern anon")
    assert again.keys == ["concern.already"]
    assert again.private("mod") == []
    other = await h.ok("bob", "concern")  # someone else may still say it
    assert other.private("mod")
    h.clock.advance(timedelta(minutes=16))
    later = await h.ok("ann", "concern")
    assert later.private("mod")


async def test_a_group_without_moderators_still_gives_the_lines_at_once() -> None:
    h = Harness(moderators=set())
    await h.ok("ann", "agree")
    said = await h.ok("ann", "concern", private=True)
    assert said.keys == ["concern.no_moderators"]
    assert "112" in said.private("ann")[0] or "emergency" in said.private("ann")[0]


async def test_a_moderator_worried_is_not_told_about_themself() -> None:
    h = await circle()
    said = await h.ok("mia", "concern")
    assert {o.reply.user_id for o in said.outgoing} == {"mod", "mia"}
    assert said.keys.count("concern.moderators_self") == 1


async def test_typed_in_the_room_the_person_is_told_once_that_the_room_saw_it() -> None:
    h = await circle()
    first = await h.ok("ann", "concern")
    assert first.keys[-1] == "privacy.seen_by_room"
    assert "write it to me in a private message" in first.private("ann")[-1]
    h.clock.advance(timedelta(minutes=20))
    second = await h.ok("ann", "concern")
    assert "privacy.seen_by_room" not in second.keys, "once"
    privately = await h.ok("bob", "concern", private=True)
    assert "privacy.seen_by_room" not in privately.keys
    await h.ok("mod", "session start")
    anonymous = await h.ok("ann", "pause anon")  # ann was told already
    assert "privacy.seen_by_room" not in anonymous.keys
    told = await h.ok("bob", "pause anon")  # bob typed in the room for the first time
    assert told.keys[-1] == "privacy.seen_by_room"
